// Float helpers for the reference layers: plain, serial, float64 — the yardstick, not the fast path.

import type { RecurrentWeights } from "./types.js";

/** out[r] = Σ_c w[r·cols + rowOffset… ] — y = W·x for a row-major [rows, cols] block starting at row r0. */
export function matvec(w: ArrayLike<number>, cols: number, x: ArrayLike<number>, r0: number, rows: number, out: Float64Array): Float64Array {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = (r0 + r) * cols;
    for (let c = 0; c < cols; c++) s += w[base + c] * x[c];
    out[r] = s;
  }
  return out;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const silu = (x: number): number => x / (1 + Math.exp(-x));
export const softplus = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)));

/** RMSNorm: normed = x / sqrt(mean(x²) + eps), out = normed ⊙ weight (both [len]). */
export function rmsNorm(x: ArrayLike<number>, weight: ArrayLike<number>, eps: number, normed: Float64Array, out: Float64Array): void {
  const len = normed.length;
  let ms = 0;
  for (let i = 0; i < len; i++) ms += x[i] * x[i];
  const rstd = 1 / Math.sqrt(ms / len + eps);
  for (let i = 0; i < len; i++) {
    normed[i] = x[i] * rstd;
    out[i] = normed[i] * weight[i];
  }
}

export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/** Check a float array's length, naming what it is. */
export function expectLength(name: string, a: ArrayLike<number> | undefined, n: number): void {
  if (!a) throw new Error(`${name} is missing`);
  if (a.length !== n) throw new Error(`${name} has ${a.length} values; expected ${n}`);
}

/** Check a recurrent layer's shapes (G gates), naming the layer kind in errors. */
export function checkRecurrentWeights(kind: string, s: RecurrentWeights, gates: number): void {
  const H = s.hiddenLen;
  if (!(Number.isInteger(H) && H > 0)) throw new Error(`${kind} hiddenLen ${H} is not a positive integer`);
  if (!(Number.isInteger(s.inputLen) && s.inputLen > 0)) throw new Error(`${kind} inputLen ${s.inputLen} is not a positive integer`);
  expectLength(`${kind} weightIh`, s.weightIh, gates * H * s.inputLen);
  expectLength(`${kind} weightHh`, s.weightHh, gates * H * H);
  if (s.biasIh) expectLength(`${kind} biasIh`, s.biasIh, gates * H);
  if (s.biasHh) expectLength(`${kind} biasHh`, s.biasHh, gates * H);
}
