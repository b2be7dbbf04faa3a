// LSTM layer on the host: spec (PyTorch nn.LSTM names and gate order i, f, g, o), float
// reference, encoders (from float weights, and from TFLite/CMSIS-NN integer constants).
// Kernel, equations and the layer record's layout: assembly/lstm.ts.

import { KIND, padLen, type LayerRecord, type NumType, type ParsedLayer } from "../../runtime/format.js";
import * as C from "../../runtime/constants.js";
import { padRows } from "../write.js";
import { quantizeMultiplier, quantizeMultipliers, quantizeRowsInt8 } from "../quant.js";
import { matvec, sigmoid, checkRecurrentWeights, expectLength } from "./math.js";
import type { EncodeContext, Encoded, LayerDescription, Observer, ReferenceLayer, RecurrentWeights } from "./types.js";

/** nn.LSTM: 4 gates, row blocks i, f, g, o. */
export interface LstmSpec extends RecurrentWeights {
  kind: "lstm";
  /** Clip the cell state to ±cellClip after each update (TFLite/Keras cell_clip); absent or 0: none. */
  cellClip?: number;
}

/** Flag bit of the layer record: gate requantisation as TFLite's int8 "8x8_16" LSTM (see the kernel). */

export function checkLstm(s: LstmSpec): void {
  checkRecurrentWeights("lstm", s, 4);
  if (s.cellClip !== undefined && !(s.cellClip >= 0 && Number.isFinite(s.cellClip))) {
    throw new Error(`lstm cellClip ${s.cellClip} must be a finite number ≥ 0`);
  }
}

export function lstmOutputLen(s: LstmSpec): number {
  return s.hiddenLen;
}

/** b_ih + b_hh, float64 [4H]. */
function combinedBias(s: LstmSpec): Float64Array {
  return Float64Array.from({ length: 4 * s.hiddenLen }, (_, i) => (s.biasIh ? s.biasIh[i] : 0) + (s.biasHh ? s.biasHh[i] : 0));
}

export function lstmReference(s: LstmSpec): ReferenceLayer {
  const H = s.hiddenLen;
  const h = new Float64Array(H), c = new Float64Array(H);
  const gx = new Float64Array(4 * H), gh = new Float64Array(4 * H);
  const bi = (i: number) => (s.biasIh ? s.biasIh[i] : 0);
  const bh = (i: number) => (s.biasHh ? s.biasHh[i] : 0);
  const clip = s.cellClip ?? 0;
  return {
    outputLen: H,
    reset() { h.fill(0); c.fill(0); },
    step(x: ArrayLike<number>, observe?: Observer) {
      matvec(s.weightIh, s.inputLen, x, 0, 4 * H, gx);
      matvec(s.weightHh, H, h, 0, 4 * H, gh);
      for (let r = 0; r < 4 * H; r++) gx[r] += gh[r] + bi(r) + bh(r);
      observe?.("gates", gx);
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gx[j]);
        const f = sigmoid(gx[H + j]);
        const g = Math.tanh(gx[2 * H + j]);
        const o = sigmoid(gx[3 * H + j]);
        let cj = f * c[j] + i * g;
        if (clip > 0) cj = Math.max(-clip, Math.min(clip, cj));
        c[j] = cj;
        h[j] = o * Math.tanh(cj);
      }
      observe?.("cell", c);
      observe?.("out", h);
      return h;
    },
  };
}

/**
 * Cell state scale 2^p: the smallest power of two under which 1.5 × the calibrated max |c| still
 * fits int16 (headroom for sequences that drive the cell further than calibration did).
 */
export function cellScalePower(maxAbsCell: number): number {
  if (!(maxAbsCell > 0)) return -15;
  const p = Math.ceil(Math.log2((1.5 * maxAbsCell) / 32767));
  return Math.max(-27, Math.min(2, p));
}

export function encodeLstm(s: LstmSpec, ctx: EncodeContext): Encoded {
  const H = s.hiddenLen, I = s.inputLen;
  const base = { kind: KIND.lstm, flags: 0, inputLen: I, outputLen: H };
  const bias = combinedBias(s);
  if (ctx.numType === "f32") {
    const wx = padRows(s.weightIh, 4 * H, I, padLen(I, "f32"), (n) => new Float32Array(n));
    const wh = padRows(s.weightHh, 4 * H, H, padLen(H, "f32"), (n) => new Float32Array(n));
    const clipBits = new Int32Array(Float32Array.of(s.cellClip ?? 0).buffer)[0];
    return { record: { ...base, params: [H, 0, clipBits], tensors: [wx, wh, Float32Array.from(bias)] }, outputScale: 1 };
  }
  // Gate pre-activations go to Q3.12 (sigmoid/tanh input), gates and h are Q0.15 (|h| < 1 needs
  // no calibration), the cell state has a calibrated power-of-two scale 2^p.
  const wx = quantizeRowsInt8(s.weightIh, 4 * H, I, padLen(I, "int8"));
  const wh = quantizeRowsInt8(s.weightHh, 4 * H, H, padLen(H, "int8"));
  const accX = Float64Array.from(wx.scale, (sw) => sw * ctx.inputScale);
  const accH = Float64Array.from(wh.scale, (sw) => sw * 2 ** -15);
  const p = cellScalePower(ctx.stats.get("cell") ?? 0);
  const clip = s.cellClip ? Math.max(1, Math.min(32767, Math.round(s.cellClip / 2 ** p))) : 0;
  const record = encodeLstmInt8Raw({
    inputLen: I,
    hiddenLen: H,
    weightIh: wx.q,
    weightHh: wh.q,
    weightsPadded: true,
    bias: Float64Array.from(bias, (v, r) => Math.round(v / accX[r])),
    quantIh: quantizeMultipliers(Float64Array.from(accX, (a) => a / 2 ** -12)),
    quantHh: quantizeMultipliers(Float64Array.from(accH, (a) => a / 2 ** -12)),
    forgetToCell: quantizeMultiplier(2 ** -15), // Q0.15 · 2^p → 2^p
    inputToCell: quantizeMultiplier(2 ** (-30 - p)), // Q0.15 · Q0.15 → 2^p
    output: quantizeMultiplier(2 ** -15), // Q0.15 · Q0.15 → Q0.15
    cellScalePower: p,
    cellClip: clip,
  });
  return { record, outputScale: 2 ** -15 };
}

/** An int8 LSTM layer given as the integers TFLite Micro / CMSIS-NN work with. */
export interface LstmInt8Raw {
  inputLen: number;
  hiddenLen: number;
  /** int8 [4H, inputLen], row blocks i, f, g, o (CMSIS: input, forget, cell, output gate) */
  weightIh: ArrayLike<number>;
  /** int8 [4H, H] */
  weightHh: ArrayLike<number>;
  /** The weights are already padded to [4H, padLen(cols, "int8")]. */
  weightsPadded?: boolean;
  /** [4H] int64 bias of the W_ih·x accumulators (TFLite's effective bias, zero points folded in). */
  bias: ArrayLike<number | bigint>;
  /** (multiplier, shift) pairs for W_ih·x + bias → Q3.12: per row [4H·2] or per gate [4·2]. */
  quantIh: ArrayLike<number>;
  /** the same for W_hh·h */
  quantHh: ArrayLike<number>;
  /** (multiplier, shift): forget·cell → cell, input·cell gate → cell, output·tanh(cell) → hidden */
  forgetToCell: readonly [number, number];
  inputToCell: readonly [number, number];
  output: readonly [number, number];
  /** cell state real value = c · 2^cellScalePower */
  cellScalePower: number;
  /** int16 units; 0: none */
  cellClip: number;
  /** clamp of the int16 hidden state (default the int16 range); fold an output zero point in here */
  outMin?: number;
  outMax?: number;
  /** "int64" (default): TFLite's 16x8 LSTM; "int32": TFLite's int8 8x8_16 LSTM (see assembly/lstm.ts). */
  gateRequant?: "int64" | "int32";
}

function perRowQuant(name: string, q: ArrayLike<number>, H: number): Int32Array {
  if (q.length === 8 * H) return Int32Array.from(q);
  if (q.length !== 8) throw new Error(`lstm ${name} has ${q.length} values; expected ${8 * H} (per row) or 8 (per gate)`);
  const out = new Int32Array(8 * H);
  for (let k = 0; k < 4; k++) for (let j = 0; j < H; j++) out.set([q[2 * k], q[2 * k + 1]], 2 * (k * H + j));
  return out;
}

/** The layer record of an int8 LSTM from integer constants (TFLite/CMSIS-NN vectors, importers). */
export function encodeLstmInt8Raw(r: LstmInt8Raw): LayerRecord {
  const H = r.hiddenLen, I = r.inputLen;
  const ip = padLen(I, "int8"), hp = padLen(H, "int8");
  const pad = (w: ArrayLike<number>, cols: number, colsPadded: number, name: string): Int8Array => {
    if (r.weightsPadded) {
      expectLength(`lstm ${name}`, w, 4 * H * colsPadded);
      return Int8Array.from(w);
    }
    expectLength(`lstm ${name}`, w, 4 * H * cols);
    return padRows(w, 4 * H, cols, colsPadded, (n) => new Int8Array(n));
  };
  if (r.bias.length !== 4 * H) throw new Error(`lstm bias has ${r.bias.length} values; expected ${4 * H}`);
  const bias = BigInt64Array.from(Array.from(r.bias, (v) => BigInt(v)));
  const quantIh = perRowQuant("quantIh", r.quantIh, H), quantHh = perRowQuant("quantHh", r.quantHh, H);
  const qc = Int32Array.from([...r.forgetToCell, ...r.inputToCell, ...r.output]);
  // The module checks all of these at load too; here they get a message that says what to change.
  if ((r.gateRequant ?? "int64") === "int64") {
    for (let i = 1; i < 8 * H; i += 2) {
      if (quantIh[i] > 7 || quantHh[i] > 7) {
        throw new Error(`lstm gate requantisation shift ${Math.max(quantIh[i], quantHh[i])} is above 7 (the scale of an input or weight row is too large)`);
      }
    }
  }
  if (!(Number.isInteger(r.cellScalePower) && r.cellScalePower >= -27 && r.cellScalePower <= 2)) {
    throw new Error(`lstm cellScalePower ${r.cellScalePower} is outside [-27, 2]`);
  }
  if (!(Number.isInteger(r.cellClip) && r.cellClip >= 0 && r.cellClip <= 32767)) throw new Error(`lstm cellClip ${r.cellClip} is outside [0, 32767]`);
  return {
    kind: KIND.lstm,
    flags: r.gateRequant === "int32" ? C.LSTM_FLAG_GATE_REQUANT32 : 0,
    inputLen: I,
    outputLen: H,
    params: [H, r.cellScalePower, r.cellClip, r.outMin ?? -32768, r.outMax ?? 32767],
    tensors: [
      pad(r.weightIh, I, ip, "weightIh"),
      pad(r.weightHh, H, hp, "weightHh"),
      bias,
      quantIh,
      quantHh,
      qc,
    ],
  };
}

export function describeLstm(l: ParsedLayer, numType: NumType): LayerDescription {
  const H = l.params[0];
  if (numType !== "int8") {
    const clip = new Float32Array(new Int32Array([l.params[2]]).buffer)[0];
    return { summary: `hidden ${H}${clip > 0 ? `, cell clip ${clip}` : ""}`, dtypes: "f32", params: { hiddenLen: H, cellClip: clip } };
  }
  const params = { hiddenLen: H, cellScalePower: l.params[1], cellClip: l.params[2], outMin: l.params[3], outMax: l.params[4], gateRequant32: (l.flags & C.LSTM_FLAG_GATE_REQUANT32) !== 0 };
  return { summary: `hidden ${H}, cell 2^${l.params[1]}${l.params[2] ? `, clip ${l.params[2]}` : ""}`,
    dtypes: "w int8, b int64, h int16, c int16", params };
}
