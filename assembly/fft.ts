// The audio frontend's FFT: a 512-point real FFT done as a 256-point complex FFT on
// z[n] = x[2n] + i·x[2n+1] (iterative radix-2, decimation in time), then one split step per
// output bin. Two twins over the same layout:
//   int: i32 data, Q30 twiddles, i64 products rounded half up. No
//        scaling between stages: the caller normalises the frame (block floating point) so that
//        Σ|x| < 2^30, which bounds every intermediate (each is a partial DFT sum, plus at most a
//        few units of rounding), so nothing can overflow.
//   f32: the same in f32.
// Complex values are interleaved (re, im): 8 bytes per point, for both twins.
//
// Twiddle table (fftTwiddles): TW_COUNT entries W^k = e^{−2πik/TW_N} as (cos, −sin), i32 Q30 or
// f32, 8 bytes each, made once when a frontend is opened: k ≤ TW_N/2 (the split step needs
// W^256). Errors against a float64 DFT: test/assembly/fft.spec.ts.

/** Real transform length; the complex FFT runs on half of it. */
export const TW_N: i32 = 512;
export const TW_COUNT: i32 = TW_N / 2 + 1;
export const TW_BYTES: i32 = TW_COUNT << 3;

/**
 * cos(2π·num/den) in f64, to ~1e-16, with no library call: the argument is reduced exactly in
 * integers to t within π/4 of a multiple q of π/2, then one Taylor series, of cos t or sin t
 * (|t| ≤ π/4: 12 terms).
 * Used at open for the window and the twiddles.
 */
export function cosTurns(num: i32, den: i32): f64 {
  let n = <i64>num % <i64>den;
  if (n < 0) n += den;
  const q = <i32>((8 * n + <i64>den) / (2 * <i64>den)); // nearest quarter turn, 0..4
  const t = <f64>(n * 4 - <i64>q * <i64>den) * (Math.PI / (2.0 * <f64>den)); // |t| ≤ π/4
  // cos(qπ/2 + t): q = 0: cos t, 1: −sin t, 2: −cos t, 3: sin t
  let term: f64 = q & 1 ? t : 1, sum = term;
  for (let k = 1 + (q & 1); k < 24; k += 2) {
    term *= -t * t / <f64>(k * (k + 1));
    sum += term;
  }
  return (q + 1) & 2 ? -sum : sum;
}

/** Fill the twiddle table at `tw`: i32 Q30 (exact ±2^30 at the quarter turns). */
export function fftTwiddles(tw: usize): void {
  for (let k = 0; k < TW_COUNT; k++) {
    const p = tw + (<usize>k << 3);
    store<i32>(p, <i32>Math.floor(cosTurns(k, TW_N) * 1073741824.0 + 0.5));
    store<i32>(p, <i32>Math.floor(-cosTurns(k - TW_N / 4, TW_N) * 1073741824.0 + 0.5), 4); // −sin
  }
}

/** Bit-reversed order, then the first radix-2 stage (twiddle 1: no products), in place. */
function firstStage(z: usize, m: i32): void {
  let j = 0;
  for (let i = 0; i < m - 1; i++) {
    if (i < j) {
      const a = z + (<usize>i << 3), b = z + (<usize>j << 3);
      const t = load<u64>(a);
      store<u64>(a, load<u64>(b));
      store<u64>(b, t);
    }
    let bit = m >> 1;
    while (j & bit) { j ^= bit; bit >>= 1; }
    j |= bit;
  }
}

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

/**
 * In-place forward complex FFT of m points (a power of two, 2..TW_N/2), natural order in and out,
 * unscaled: Z[k] = Σ z[n]·e^{−2πikn/m}. i32 data with Q30 twiddles, each product rounded once
 * (half up). The caller keeps Σ|z.re| + |z.im| < 2^30. The simd build does two butterflies at a
 * time with i64x2 products; (p + 2^29) >> 30 is taken as the high word of (p + 2^29) << 2 (exact
 * while the result fits in i32, which the bound guarantees), so both builds give the same bits.
 */
export function fftI32(z: usize, m: i32, tw: usize): void {
  firstStage(z, m);
  const end = z + (<usize>m << 3);
  for (let a = z; a < end; a += 16) {
    const ar = load<i32>(a), ai = load<i32>(a, 4), br = load<i32>(a, 8), bi = load<i32>(a, 12);
    store<i32>(a, ar + br);
    store<i32>(a, ai + bi, 4);
    store<i32>(a, ar - br, 8);
    store<i32>(a, ai - bi, 12);
  }
  for (let len = 4; len <= m; len <<= 1) {
    const half = <usize>(len >> 1) << 3;
    const step = <usize>(TW_N / len) << 3;
    const stride = <usize>len << 3;
    if (SIMD) {
      const rnd = i64x2.splat(1 << 29), neg = i32x4(-1, 0, -1, 0);
      for (let j: usize = 0, w = tw; j < half; j += 16, w += step << 1) {
        const wv = v128.load64_lane(w + step, v128.load64_zero(w), 1); // wr0 wi0 wr1 wi1
        const wx = i32x4.sub(v128.xor(i32x4.shuffle(wv, wv, 1, 0, 3, 2), neg), neg); // −wi0 wr0 −wi1 wr1
        for (let a = z + j; a < end; a += stride) {
          const x = v128.load(a + half);
          const xr = i32x4.shuffle(x, x, 0, 0, 2, 2), xi = i32x4.shuffle(x, x, 1, 1, 3, 3);
          const lo = i64x2.add(i64x2.add(i64x2.extmul_low_i32x4_s(xr, wv), i64x2.extmul_low_i32x4_s(xi, wx)), rnd);
          const hi = i64x2.add(i64x2.add(i64x2.extmul_high_i32x4_s(xr, wv), i64x2.extmul_high_i32x4_s(xi, wx)), rnd);
          const t = i32x4.shuffle(i64x2.shl(lo, 2), i64x2.shl(hi, 2), 1, 3, 5, 7);
          const av = v128.load(a);
          v128.store(a, i32x4.add(av, t));
          v128.store(a + half, i32x4.sub(av, t));
        }
      }
    } else {
      for (let j: usize = 0, w = tw; j < half; j += 8, w += step) {
        const wr = <i64>load<i32>(w), wi = <i64>load<i32>(w, 4);
        for (let a = z + j; a < end; a += stride) {
          const b = a + half;
          const br = <i64>load<i32>(b), bi = <i64>load<i32>(b, 4);
          const tr = <i32>((br * wr - bi * wi + (1 << 29)) >> 30);
          const ti = <i32>((br * wi + bi * wr + (1 << 29)) >> 30);
          const ar = load<i32>(a), ai = load<i32>(a, 4);
          store<i32>(a, ar + tr);
          store<i32>(a, ai + ti, 4);
          store<i32>(b, ar - tr);
          store<i32>(b, ai - ti, 4);
        }
      }
    }
  }
}

/** The f32 twin of fftI32 (f32 twiddles), scalar radix-2. */
export function fftF32(z: usize, m: i32, tw: usize): void {
  firstStage(z, m);
  for (let len = 2; len <= m; len <<= 1) {
    const half = <usize>(len >> 1) << 3;
    const step = <usize>(TW_N / len) << 3;
    const stride = <usize>len << 3, end = z + (<usize>m << 3);
    for (let j: usize = 0, w = tw; j < half; j += 8, w += step) {
      const wr = load<f32>(w), wi = load<f32>(w, 4);
      for (let a = z + j; a < end; a += stride) {
        const b = a + half;
        const br = load<f32>(b), bi = load<f32>(b, 4);
        const tr = br * wr - bi * wi, ti = br * wi + bi * wr;
        const ar = load<f32>(a), ai = load<f32>(a, 4);
        store<f32>(a, ar + tr);
        store<f32>(a, ai + ti, 4);
        store<f32>(b, ar - tr);
        store<f32>(b, ai - ti, 4);
      }
    }
  }
}

/**
 * The split step of the real FFT, for one bin k in 0..TW_N/2: from Z = FFT_256(z) (z[n] =
 * x[2n] + i·x[2n+1]), 2X[k] = (Z[k] + Z*[256−k]) − i·W^k·(Z[k] − Z*[256−k]).
 * Returns |2X[k]|² >> 10 = |X[k]|² / 2^8, rounded down (< 2^52 when Σ|x| < 2^30).
 */
// @ts-ignore: decorator
@inline export function powerBinI32(z: usize, tw: usize, k: i32): u64 {
  const pa = z + (<usize>(k & 255) << 3), pb = z + (<usize>((256 - k) & 255) << 3);
  const ar = <i64>load<i32>(pa), ai = <i64>load<i32>(pa, 4);
  const br = <i64>load<i32>(pb), bi = -<i64>load<i32>(pb, 4);
  const w = tw + (<usize>k << 3);
  const wr = <i64>load<i32>(w), wi = <i64>load<i32>(w, 4);
  const dr = ar - br, di = ai - bi;
  const pr = (dr * wr - di * wi + (1 << 29)) >> 30;
  const pi = (dr * wi + di * wr + (1 << 29)) >> 30;
  const xr = ar + br + pi, xi = ai + bi - pr;
  return <u64>(xr * xr + xi * xi) >> 10;
}

/** The f32 twin of powerBinI32: |X[k]|² itself. */
// @ts-ignore: decorator
@inline export function powerBinF32(z: usize, tw: usize, k: i32): f32 {
  const pa = z + (<usize>(k & 255) << 3), pb = z + (<usize>((256 - k) & 255) << 3);
  const ar = load<f32>(pa), ai = load<f32>(pa, 4);
  const br = load<f32>(pb), bi = -load<f32>(pb, 4);
  const w = tw + (<usize>k << 3);
  const wr = load<f32>(w), wi = load<f32>(w, 4);
  const dr = ar - br, di = ai - bi;
  const xr = ar + br + (dr * wi + di * wr), xi = ai + bi - (dr * wr - di * wi);
  return (xr * xr + xi * xi) * 0.25;
}
