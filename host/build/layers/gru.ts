// GRU layer on the host: spec (PyTorch nn.GRU names and gate order r, z, n), float reference,
// encoder. Kernel and equations: assembly/gru.ts.

import { KIND, padLen, type NumType, type ParsedLayer } from "../../runtime/format.js";
import * as C from "../../runtime/constants.js";
import { padRows } from "../write.js";
import { quantizeLayerMultipliers, quantizeRowsInt8, toInt32 } from "../quant.js";
import { matvec, sigmoid, checkRecurrentWeights } from "./math.js";
import type { EncodeContext, Encoded, LayerDescription, Observer, ReferenceLayer, RecurrentWeights } from "./types.js";

/** nn.GRU: 3 gates, row blocks r, z, n. */
export interface GruSpec extends RecurrentWeights {
  kind: "gru";
  /** true (default): PyTorch / linear_before_reset=1; false: ONNX default / Keras reset_after=False */
  resetAfter?: boolean;
}

export function checkGru(s: GruSpec): void {
  checkRecurrentWeights("gru", s, 3);
}

export function gruReference(s: GruSpec): ReferenceLayer {
  const H = s.hiddenLen;
  const h = new Float64Array(H);
  const gx = new Float64Array(3 * H), gh = new Float64Array(3 * H), rh = new Float64Array(H), r = new Float64Array(H);
  const hn = new Float64Array(H);
  const bi = (i: number) => (s.biasIh ? s.biasIh[i] : 0);
  const bh = (i: number) => (s.biasHh ? s.biasHh[i] : 0);
  const resetAfter = s.resetAfter ?? true;
  return {
    outputLen: H,
    reset() { h.fill(0); },
    step(x: ArrayLike<number>, observe?: Observer) {
      matvec(s.weightIh, s.inputLen, x, 0, 3 * H, gx);
      matvec(s.weightHh, H, h, 0, 3 * H, gh);
      for (let j = 0; j < H; j++) r[j] = sigmoid(gx[j] + bi(j) + gh[j] + bh(j));
      if (!resetAfter) {
        for (let j = 0; j < H; j++) rh[j] = r[j] * h[j];
        gh.set(matvec(s.weightHh, H, rh, 2 * H, H, hn), 2 * H);
      }
      for (let j = 0; j < H; j++) {
        const z = sigmoid(gx[H + j] + bi(H + j) + gh[H + j] + bh(H + j));
        const hnj = gh[2 * H + j] + bh(2 * H + j);
        const n = Math.tanh(gx[2 * H + j] + bi(2 * H + j) + (resetAfter ? r[j] * hnj : hnj));
        h[j] = (1 - z) * n + z * h[j];
      }
      observe?.("out", h);
      return h;
    },
  };
}

export function encodeGru(s: GruSpec, ctx: EncodeContext): Encoded {
  const H = s.hiddenLen, I = s.inputLen;
  const base = { kind: KIND.gru, flags: (s.resetAfter ?? true) ? C.GRU_FLAG_RESET_AFTER : 0, inputLen: I, outputLen: H, params: [H] };
  const bIh = Float64Array.from({ length: 3 * H }, (_, i) => (s.biasIh ? s.biasIh[i] : 0));
  const bHh = Float64Array.from({ length: 3 * H }, (_, i) => (s.biasHh ? s.biasHh[i] : 0));
  if (ctx.numType === "f32") {
    const wx = padRows(s.weightIh, 3 * H, I, padLen(I, "f32"), (n) => new Float32Array(n));
    const wh = padRows(s.weightHh, 3 * H, H, padLen(H, "f32"), (n) => new Float32Array(n));
    return { record: { ...base, tensors: [wx, wh, Float32Array.from(bIh), Float32Array.from(bHh)] }, outputScale: 1 };
  }
  // Gate pre-activations go to Q3.12 (the sigmoid/tanh input); h is Q0.15.
  const wx = quantizeRowsInt8(s.weightIh, 3 * H, I, padLen(I, "int8"), bIh.map((b) => b / ctx.inputScale));
  const wh = quantizeRowsInt8(s.weightHh, 3 * H, H, padLen(H, "int8"), bHh.map((b) => b / 2 ** -15));
  const accX = Float64Array.from(wx.scale, (sw) => sw * ctx.inputScale);
  const accH = Float64Array.from(wh.scale, (sw) => sw * 2 ** -15);
  const { multipliers: [mx, mh], shift } = quantizeLayerMultipliers(accX.map((a) => a / 2 ** -12), accH.map((a) => a / 2 ** -12));
  const tensors = [
    wx.q, wh.q,
    Int32Array.from(bIh, (v, i) => toInt32(v / accX[i])),
    Int32Array.from(bHh, (v, i) => toInt32(v / accH[i])),
    mx, mh,
  ];
  base.params.push(shift);
  return { record: { ...base, tensors }, outputScale: 2 ** -15 };
}

export function describeGru(l: ParsedLayer, numType: NumType): LayerDescription {
  const resetAfter = (l.flags & C.GRU_FLAG_RESET_AFTER) !== 0;
  return { summary: `hidden ${l.params[0]}, reset ${resetAfter ? "after" : "before"}`,
    dtypes: numType === "int8" ? "w int8, b int32, h int16 Q0.15" : "f32", params: { hiddenLen: l.params[0], resetAfter } };
}
