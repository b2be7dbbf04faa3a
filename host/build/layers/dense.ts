// Dense layer on the host: spec (PyTorch nn.Linear), float reference, encoder. Kernel: assembly/dense.ts.

import { KIND, padLen, type NumType, type ParsedLayer } from "../../runtime/format.js";
import * as C from "../../runtime/constants.js";
import { padRows } from "../write.js";
import { quantizeMultipliers, quantizeRowsInt8, activationScale, toInt32 } from "../quant.js";
import { matvec, sigmoid, expectLength } from "./math.js";
import type { EncodeContext, Encoded, LayerDescription, Observer, ReferenceLayer } from "./types.js";

/** Activation names by their code (C.ACT_*): a dense layer's p0. */
export const ACTIVATION_CODE = { none: C.ACT_NONE, relu: C.ACT_RELU, sigmoid: C.ACT_SIGMOID, tanh: C.ACT_TANH, softmax: C.ACT_SOFTMAX } as const;
export type Activation = keyof typeof ACTIVATION_CODE;
export const ACTIVATIONS = Object.keys(ACTIVATION_CODE) as Activation[];
const ACTIVATION_NAMES = Object.fromEntries(Object.entries(ACTIVATION_CODE).map(([k, v]) => [v, k])) as Record<number, Activation>;

export interface DenseSpec {
  kind: "dense";
  inputLen: number;
  outputLen: number;
  /** [outputLen, inputLen] row-major (nn.Linear.weight) */
  weight: ArrayLike<number>;
  /** [outputLen]; zeros when absent */
  bias?: ArrayLike<number>;
  activation?: Activation;
}

export function checkDense(s: DenseSpec): void {
  expectLength("dense weight", s.weight, s.outputLen * s.inputLen);
  if (s.bias) expectLength("dense bias", s.bias, s.outputLen);
  if (s.activation && !ACTIVATIONS.includes(s.activation)) throw new Error(`unknown dense activation "${s.activation}"`);
}

export function denseReference(s: DenseSpec): ReferenceLayer {
  const out = new Float64Array(s.outputLen);
  const act = s.activation ?? "none";
  return {
    outputLen: s.outputLen,
    reset() {},
    step(x: ArrayLike<number>, observe?: Observer) {
      matvec(s.weight, s.inputLen, x, 0, s.outputLen, out);
      for (let i = 0; i < s.outputLen; i++) out[i] += s.bias ? s.bias[i] : 0;
      observe?.("pre", out);
      if (act === "relu") for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i]);
      else if (act === "sigmoid") for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
      else if (act === "tanh") for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
      else if (act === "softmax") {
        let m = -Infinity, sum = 0;
        for (let i = 0; i < out.length; i++) m = Math.max(m, out[i]);
        for (let i = 0; i < out.length; i++) sum += out[i] = Math.exp(out[i] - m);
        for (let i = 0; i < out.length; i++) out[i] /= sum;
      }
      observe?.("out", out);
      return out;
    },
  };
}

export function encodeDense(s: DenseSpec, ctx: EncodeContext): Encoded {
  const O = s.outputLen, I = s.inputLen;
  const act = s.activation ?? "none";
  const base = { kind: KIND.dense, flags: 0, inputLen: I, outputLen: O, params: [ACTIVATION_CODE[act]] };
  const bias = Float64Array.from({ length: O }, (_, i) => (s.bias ? s.bias[i] : 0));
  if (ctx.numType === "f32") {
    const w = padRows(s.weight, O, I, padLen(I, "f32"), (n) => new Float32Array(n));
    return { record: { ...base, tensors: [w, Float32Array.from(bias)] }, outputScale: 1 };
  }
  const { q, scale } = quantizeRowsInt8(s.weight, O, I, padLen(I, "int8"));
  // What one unit of the requantised result means: fixed Q3.12 into sigmoid/tanh, Q15.16 logits
  // into softmax, else the calibrated output scale.
  const target = act === "sigmoid" || act === "tanh" ? 2 ** -12 : act === "softmax" ? 2 ** -16 : activationScale(ctx.stats.get("out") ?? 0);
  const accScale = Float64Array.from(scale, (sw) => sw * ctx.inputScale);
  const b = Int32Array.from(bias, (v, i) => toInt32(v / accScale[i]));
  const qm = quantizeMultipliers(Float64Array.from(accScale, (a) => a / target));
  const outputScale = act === "sigmoid" || act === "tanh" || act === "softmax" ? 2 ** -15 : target;
  return { record: { ...base, tensors: [q, b, qm] }, outputScale };
}

export function describeDense(l: ParsedLayer, numType: NumType): LayerDescription {
  const activation = ACTIVATION_NAMES[l.params[0]] ?? `unknown(${l.params[0]})`;
  return { summary: `activation ${activation}`, dtypes: numType === "int8" ? "w int8, b int32, out int16" : "f32", params: { activation } };
}
