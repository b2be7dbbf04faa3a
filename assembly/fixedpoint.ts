// Fixed-point primitives shared by every integer kernel (gemmlowp / TFLite "double rounding").
// Conventions: a requantisation is a (multiplier, shift) pair with multiplier in [2^30, 2^31)
// (Q0.31 of a value in [0.5, 1)) and shift > 0 meaning a left shift, < 0 a right shift, exactly
// as TFLite Micro and CMSIS-NN store them. All of these are integer-only.

export const INT16_MIN: i32 = -32768;
export const INT16_MAX: i32 = 32767;

/** Clamp to int16. */
// @ts-ignore: decorator
@inline export function sat16(x: i32): i32 {
  return x < INT16_MIN ? INT16_MIN : x > INT16_MAX ? INT16_MAX : x;
}

/** Clamp an i64 to int32. */
// @ts-ignore: decorator
@inline export function sat32(x: i64): i32 {
  return x < <i64>i32.MIN_VALUE ? i32.MIN_VALUE : x > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>x;
}

/** Saturating Q0.15 multiply with rounding: (a*b + 2^14) >> 15, clamped (only -1*-1 saturates). */
// @ts-ignore: decorator
@inline export function mulSatQ15(a: i32, b: i32): i32 {
  return sat16((a * b + (1 << 14)) >> 15);
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: round(a*b / 2^31), saturating the single
 * overflow case a == b == INT32_MIN. Exact: no error beyond the rounding itself (≤ 0.5 ulp).
 */
// @ts-ignore: decorator
@inline export function srdhm(a: i32, b: i32): i32 {
  if (a == b && a == i32.MIN_VALUE) return i32.MAX_VALUE;
  // gemmlowp's (ab + nudge) / 2^31, truncating, is floor((ab + 2^30) / 2^31) for every ab:
  // one add and an arithmetic shift, where an i64 division would be slow on some engines.
  return <i32>((<i64>a * <i64>b + (1 << 30)) >> 31);
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero (exponent 0..31). */
// @ts-ignore: decorator
@inline export function rdbpot(x: i32, exponent: i32): i32 {
  const mask = (exponent >= 31 ? -1 : (1 << exponent) - 1);
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * TFLite MultiplyByQuantizedMultiplier / CMSIS-NN arm_nn_requantize (double rounding):
 * x * multiplier * 2^(shift - 31), rounded. Error against the exact product: ≤ 1 ulp of the
 * result (two roundings of ≤ 0.5 each). A positive shift saturates where the C original would
 * overflow (undefined behaviour there); everywhere else the two agree bit for bit.
 */
// Not inlined: each inlined copy cost about 200 bytes of the module (2 KB in all), a call costs
// the int8 GRU/LSTM steps under 3 % (measured: GRU 40→64 2.06 → 2.08 µs, LSTM 4.38 → 4.48 µs).
export function requant(x: i32, multiplier: i32, shift: i32): i32 {
  if (shift > 0) return srdhm(sat32(<i64>x << <i64>shift), multiplier);
  return rdbpot(srdhm(x, multiplier), -shift);
}

/** acc + bias in int32, saturating (a bias folded at a tiny accumulator scale can be large). */
// @ts-ignore: decorator
@inline export function addSat32(a: i32, b: i32): i32 {
  return sat32(<i64>a + <i64>b);
}

/**
 * TFLite's MultiplyByQuantizedMultiplier for a 64-bit accumulator (the 16x8 FullyConnected):
 * the Q0.31 multiplier is rounded to Q0.15, then x · m16 · 2^(shift − 15) with one rounding
 * (half up), clamped to int16 (the FullyConnected output range). CMSIS-NN's
 * arm_nn_requantize_s64 with REDUCE_MULTIPLIER is the same. |x| < 2^47, shift ≤ 7.
 */
// @ts-ignore: decorator
@inline export function requant64Sat16(x: i64, multiplier: i32, shift: i32): i32 {
  const m16 = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const total = <i64>(15 - shift);
  const r = (x * <i64>m16 + (<i64>1 << (total - 1))) >> total;
  return r < <i64>INT16_MIN ? INT16_MIN : r > <i64>INT16_MAX ? INT16_MAX : <i32>r;
}

/** Clamp an i64 to int16. */
// @ts-ignore: decorator
@inline export function sat16w(x: i64): i32 {
  return x < <i64>INT16_MIN ? INT16_MIN : x > <i64>INT16_MAX ? INT16_MAX : <i32>x;
}

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

/**
 * Constant vectors the simd loops use most, read from memory: binaryen writes every constant
 * vector as a v128.const, 18 bytes at each use, where a load from here costs about 6 (and as
 * little time in a loop; V8 also rebuilds a constant vector at every use inside a loop).
 * vconst(V_*): V_ZERO all zero bits; in i32 lanes V_Q14 2^14, V_LOW16 0xffff, V_511 511, V_2P24
 * 2^24; V_Q30 2^30 in i64 lanes.
 */
const VCONSTS: usize = ASC_FEATURE_SIMD ? memory.data<i32>([0, 0, 0, 0, 1 << 14, 1 << 14, 1 << 14, 1 << 14, 1 << 30, 0, 1 << 30, 0,
  0xffff, 0xffff, 0xffff, 0xffff, 511, 511, 511, 511, 1 << 24, 1 << 24, 1 << 24, 1 << 24]) : 0;
export const V_ZERO = 0, V_Q14 = 16, V_Q30 = 32, V_LOW16 = 48, V_511 = 64, V_2P24 = 80;
// @ts-ignore: decorator
@inline export function vconst(which: usize): v128 {
  return v128.load(VCONSTS + which);
}

/** Clamp int32 lanes to int16 (a saturating narrow and back). */
// @ts-ignore: decorator
@inline export function sat16x4(v: v128): v128 {
  return i32x4.extend_low_i16x8_s(i16x8.narrow_i32x4_s(v, v));
}

/**
 * Requantise whole rows with one layer-wide shift, single rounding (ties toward +∞), the scheme of
 * tinyrnn's own GRU (TFLite's double rounding, `requant`, stays for TFLite-compatible kernels):
 *   out[r] = clamp_i32(((a[r] + ba[r])·ma[r] + (b[r] + bb[r])·mb[r] + 2^(shift−1)) >> shift)
 * for r < rows; with b == 0 the second term is left out. a, b: i32 accumulators; ba, bb: i32
 * biases; ma, mb: multipliers in [0, 2^30]; shift in [1, 62]; out may alias a or b. The loader
 * checks |a + ba| < 2^31 for every row (layer.ts checkRowsI8), so the i32 additions are exact.
 * Each product is < 2^61, so with shift ≥ 32 the result is ≤ 2^30 and needs no clamp, and the
 * simd build does four rows at a time: i64x2 products, then the high words shifted by shift − 32.
 * Both builds give the same bits.
 */
export function requantRows(a: usize, ba: usize, ma: usize, b: usize, bb: usize, mb: usize, rows: i32, shift: i32, out: usize): void {
  const round = <i64>1 << <i64>(shift - 1);
  let r = 0;
  if (SIMD && shift >= 32) {
    const rnd = i64x2.splat(round);
    for (; r + 4 <= rows; r += 4) {
      const o = <usize>r << 2;
      const x = i32x4.add(v128.load(a + o), v128.load(ba + o)), mx = v128.load(ma + o);
      let lo = i64x2.add(i64x2.extmul_low_i32x4_s(x, mx), rnd);
      let hi = i64x2.add(i64x2.extmul_high_i32x4_s(x, mx), rnd);
      if (b != 0) {
        const y = i32x4.add(v128.load(b + o), v128.load(bb + o)), my = v128.load(mb + o);
        lo = i64x2.add(lo, i64x2.extmul_low_i32x4_s(y, my));
        hi = i64x2.add(hi, i64x2.extmul_high_i32x4_s(y, my));
      }
      v128.store(out + o, i32x4.shr_s(v128.shuffle<i32>(lo, hi, 1, 3, 5, 7), shift - 32));
    }
  }
  for (; r < rows; r++) {
    const o = <usize>r << 2;
    let v = <i64>(load<i32>(a + o) + load<i32>(ba + o)) * <i64>load<i32>(ma + o) + round;
    if (b != 0) v += <i64>(load<i32>(b + o) + load<i32>(bb + o)) * <i64>load<i32>(mb + o);
    store<i32>(out + o, sat32(v >> <i64>shift));
  }
}
