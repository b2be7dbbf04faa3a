// Quantisation arithmetic for the converter: float scales → the integers the kernels read.
// Everything here runs at conversion time, never in a step.

/**
 * TFLite QuantizeMultiplier: real = multiplier · 2^(shift − 31) with multiplier in [2^30, 2^31).
 * Returns [0, 0] for zero or for a real too small to represent (the product rounds to 0 anyway).
 */
export function quantizeMultiplier(real: number): [number, number] {
  if (!(real > 0) || !Number.isFinite(real)) {
    if (real === 0) return [0, 0];
    throw new RangeError(`cannot quantise multiplier ${real}`);
  }
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = Math.round(real * 2 ** (31 - shift));
  // log2 rounding at boundaries: bring q into [2^30, 2^31]
  while (q < 2 ** 30) { shift--; q = Math.round(real * 2 ** (31 - shift)); }
  while (q >= 2 ** 31) { shift++; q = Math.round(real * 2 ** (31 - shift)); }
  if (shift < -31) return [0, 0];
  if (shift > 30) throw new RangeError(`multiplier ${real} is too large to requantise`);
  return [q, shift];
}

/** (multiplier, shift) pairs for several reals, interleaved as the kernels read them. */
export function quantizeMultipliers(reals: ArrayLike<number>): Int32Array {
  const out = new Int32Array(reals.length * 2);
  for (let i = 0; i < reals.length; i++) {
    const [m, s] = quantizeMultiplier(reals[i]);
    out[2 * i] = m;
    out[2 * i + 1] = s;
  }
  return out;
}

/**
 * Multipliers sharing one layer-wide shift, for fixedpoint.ts requantRows: real ≈ m · 2^−shift
 * with every m ≤ 2^30 and shift in [1, 62]; the largest real of the layer gets 30 significant
 * bits (a row 1000× smaller still gets 20). One array of multipliers per argument, same order.
 */
export function quantizeLayerMultipliers(...reals: ArrayLike<number>[]): { multipliers: Int32Array[]; shift: number } {
  let max = 0;
  for (const a of reals) {
    for (let i = 0; i < a.length; i++) {
      if (!(a[i] >= 0) || !Number.isFinite(a[i])) throw new RangeError(`cannot quantise multiplier ${a[i]}`);
      max = Math.max(max, a[i]);
    }
  }
  let shift = max > 0 ? 29 - Math.floor(Math.log2(max)) : 62;
  if (shift < 1) throw new RangeError(`multiplier ${max} is too large to requantise`);
  shift = Math.min(shift, 62);
  const multipliers = reals.map((a) => Int32Array.from(a, (v) => Math.min(2 ** 30, Math.round(v * 2 ** shift))));
  return { multipliers, shift };
}

export interface QuantRows {
  /** int8 [rows, colsPadded], zero padded */
  q: Int8Array;
  /** per-row scale: real weight ≈ q · scale */
  scale: Float64Array;
}

/**
 * Symmetric per-row int8 quantisation of a row-major [rows, cols] matrix, padded to colsPadded.
 * A row's scale is max|w|/127, raised if needed so that Σ|q| ≤ 65535: that is the bound under
 * which an int8 × int16 dot product cannot overflow int32 (the module refuses rows beyond it).
 * With `biasOverInputScale` (|bias| / input scale per row) the scale is also raised so that the
 * biased accumulator fits int32: Σ|q|·32768 + |bias_q| < 2^31 (layer.ts checkRowsI8).
 */
export function quantizeRowsInt8(w: ArrayLike<number>, rows: number, cols: number, colsPadded: number,
  biasOverInputScale?: ArrayLike<number>): QuantRows {
  const q = new Int8Array(rows * colsPadded);
  const scale = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0, sumAbs = 0;
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(w[r * cols + c]);
      if (!Number.isFinite(a)) throw new RangeError(`weight row ${r} contains a non-finite value`);
      maxAbs = Math.max(maxAbs, a);
      sumAbs += a;
    }
    let s = maxAbs > 0 ? maxAbs / 127 : 1;
    if (sumAbs / s > 65000) s = sumAbs / 65000;
    // rounding can add 0.5 per column to Σ|q|: keep 2^24 of slack below 2^31
    const need = biasOverInputScale ? (sumAbs * 32768 + Math.abs(biasOverInputScale[r])) / (2 ** 31 - 2 ** 24) : 0;
    if (need > s) s = need;
    scale[r] = s;
    for (let c = 0; c < cols; c++) {
      q[r * colsPadded + c] = Math.max(-127, Math.min(127, Math.round(w[r * cols + c] / s)));
    }
  }
  return { q, scale };
}

/** Round to int32, saturating (biases). */
export function toInt32(x: number): number {
  return Math.max(-2147483648, Math.min(2147483647, Math.round(x)));
}

/**
 * Headroom of calibrated int16 activations (model input, dense outputs): live data louder than
 * the calibration data must not saturate. 2× costs one of int16's fifteen bits.
 */
export const ACTIVATION_HEADROOM = 2;

/** int16 scale for a calibrated activation whose max |value| was maxAbs, with headroom. */
export function activationScale(maxAbs: number): number {
  return scaleForMaxAbs(maxAbs * ACTIVATION_HEADROOM);
}

/** int16 scale that maps ±maxAbs onto ±32767 (a tiny floor keeps all-zero tensors valid). */
export function scaleForMaxAbs(maxAbs: number): number {
  return Math.max(maxAbs, 1e-8) / 32767;
}
