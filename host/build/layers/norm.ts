// RMSNorm layer on the host: spec (nn.RMSNorm / Mamba's final norm_f), float reference, encoder.
// Kernel: assembly/norm.ts (the integer normalisation is rmsnorm.ts's, shared with the SSM).

import { KIND, type NumType, type ParsedLayer } from "../../runtime/format.js";
import { quantizeMultiplier, activationScale } from "../quant.js";
import { expectLength, rmsNorm } from "./math.js";
import type { EncodeContext, Encoded, LayerDescription, Observer, ReferenceLayer } from "./types.js";

export interface NormSpec {
  kind: "rmsnorm";
  inputLen: number;
  /** [inputLen] (RMSNorm.weight) */
  weight: ArrayLike<number>;
  /** default 1e-5 */
  eps?: number;
}

export function checkNorm(s: NormSpec): void {
  expectLength("rmsnorm weight", s.weight, s.inputLen);
  const eps = s.eps ?? 1e-5;
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new Error(`rmsnorm eps ${eps} is not a finite number ≥ 0`);
}

export function normReference(s: NormSpec): ReferenceLayer {
  const M = s.inputLen, eps = s.eps ?? 1e-5;
  const n = new Float64Array(M), y = new Float64Array(M);
  return {
    outputLen: M,
    reset() {},
    step(x: ArrayLike<number>, observe?: Observer) {
      rmsNorm(x, s.weight, eps, n, y);
      observe?.("normed", n);
      observe?.("out", y);
      return y;
    },
  };
}

export function encodeNorm(s: NormSpec, ctx: EncodeContext): Encoded {
  const M = s.inputLen, eps = s.eps ?? 1e-5;
  const base = { kind: KIND.rmsnorm, flags: 0, inputLen: M, outputLen: M, params: [M] };
  if (ctx.numType === "f32") {
    return { record: { ...base, tensors: [Float32Array.from(s.weight), Float32Array.from([eps, 0, 0, 0])] }, outputScale: 1 };
  }
  const sN = activationScale(ctx.stats.get("normed") ?? 0);
  const sY = activationScale(ctx.stats.get("out") ?? 0);
  // n_q = x_q · K / sqrt(Σ x_q² + epsQ): K = √M / s_n, epsQ = eps · M / s_x² (rmsnorm.ts)
  const epsQ = Math.min(2 ** 60, Math.round((eps * M) / (ctx.inputScale * ctx.inputScale)));
  const [km, ks] = quantizeMultiplier(Math.sqrt(M) / sN);
  const consts = new Int32Array([epsQ % 2 ** 32 | 0, Math.floor(epsQ / 2 ** 32), km, ks]);
  const q = new Int32Array(2 * M);
  for (let i = 0; i < M; i++) {
    const [m, sh] = quantizeMultiplier(Math.abs(s.weight[i]) * sN / sY);
    q[2 * i] = s.weight[i] < 0 ? -m : m; // the multiplier carries the weight's sign
    q[2 * i + 1] = sh;
  }
  return { record: { ...base, tensors: [consts, q] }, outputScale: sY };
}

export function describeNorm(_l: ParsedLayer, numType: NumType): LayerDescription {
  return { summary: "RMSNorm", dtypes: numType === "int8" ? "act int16, weights in the requant" : "f32", params: {} };
}
