// Streaming resampler to 16 kHz, mono, for the audio frontend. Input rates 8000, 16000, 22050,
// 32000, 44100 and 48000 Hz; 16 kHz passes through as an exact copy.
//
// Usage (the frontend's; sizes in bytes, pointers into linear memory):
//   const bytes = resamplerBytes(44100, NUM_INT8);       // < 0: unsupported rate or number type
//   const r = memAlloc(bytes);                           // 16-aligned, zeroed
//   resamplerInit(r, 44100, NUM_INT8);                   // designs the filter: load time, not per sample
//   const n = resample(r, pcm, count, out);              // out holds resamplerMaxOut(r, count) samples
//   resamplerReset(r);                                   // a new recording: silence, same taps
//
// Every rate is one rational conversion by L/M (16000 = inRate·L/M) through one polyphase FIR:
//
//   rate   L    M    taps per output (K)   stored phases   what it is
//   8000   2    1    32                    1               ×2 interpolation
//   22050  320  441  40                    160             polyphase
//   32000  1    2    56                    1               2:1 decimation (keep every 2nd)
//   44100  160  441  80                    80              polyphase
//   48000  1    3    80                    1               3:1 decimation (keep every 3rd)
//
// Output m sits at time m·M/L input samples; with n = ⌊m·M/L⌋ and phase p = m·M mod L,
//   y[m] = Σ_j taps[p][j] · x[n − K + 1 + j]     (taps[p] holds phase p of the prototype, reversed)
// The prototype is a Kaiser-windowed sinc (β = 6.5) of K·L taps at L·inRate with its cutoff at
// 0.9 × the lower Nyquist frequency (7.2 kHz when decimating, 3.6 kHz for 8 kHz input), that is
// 0.9 / max(L, M) cycles per prototype sample over 2. Each phase is scaled to sum to exactly 1 (Q15:
// exactly 32768), so DC passes unchanged whatever the phase. The prototype is symmetric, so phase
// L−1−p is phase p reversed: only phases 0..⌈L/2⌉−1 are stored, and a mirrored phase is the same
// dot product over a second, newest-first copy of the history. 44.1 kHz: 80 × 80 taps = 12.5 KiB
// int16 / 25 KiB f32 instead of twice that; 22.05 kHz the same (160 × 40).
//
// Cost: K multiply-adds per output, i.e. 16000·K per second of audio whatever the input rate
// (27 per 48 kHz input sample), plus four history stores per input sample. Decimation computes
// only the outputs it keeps.
//
// Two paths, one layout: int16 (numType NUM_INT8: int16 in and out, Q15 taps, exact int32 sums,
// one rounding, saturation; no float instruction in resampleI16's per-sample code) and its f32
// twin (f32 in and out, f32 taps; lanes summed as matvecF32 does, so the simd and mvp builds
// agree bit for bit). The int32 sum cannot overflow: Σ|taps[p]| < 2^16 for every designed phase
// (tested), so |Σ| < 2^31. State carries across calls, so the output does not depend on how the
// input is cut into chunks. Measured figures: test/assembly/resample.spec.ts.
//
// Block layout (i32 fields): 0 inRateHz  4 numType  8 L  12 M  16 K (0: pass-through)  20 S (stored
// phases)  24 phase of the next output  28 input samples until it  32 fwd ring position
// 36 rev ring position  40..48 unused;  48 taps [S][K];  then fwd history [2K], rev history [2K]
// (int16 or f32 elements). Each history ring keeps every sample twice, K apart, so the last K
// samples are always contiguous: oldest first in fwd, newest first in rev.

import * as E from "./errors";
import { NUM_F32, NUM_INT8 } from "./layer";
import { sat16 } from "./fixedpoint";

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

const HEADER: i32 = 48;
const OUT_RATE_HZ: i32 = 16000;
const KAISER_BETA: f64 = 6.5;
const CUTOFF: f64 = 0.9; // × the lower Nyquist frequency

/** Supported rates: [inRateHz, L, M, K] as u16. K is a multiple of 8 (one i16x8 per 8 taps). */
const RATES: usize = memory.data<u16>([
  8000, 2, 1, 32,
  16000, 1, 1, 0,
  22050, 320, 441, 40,
  32000, 1, 2, 56,
  44100, 160, 441, 80,
  48000, 1, 3, 80,
]);
const RATE_COUNT: i32 = 6;

/** The RATES row for inRateHz, or 0. */
function rateRow(inRateHz: i32): usize {
  for (let i = 0; i < RATE_COUNT; i++) {
    const row = RATES + (<usize>i << 3);
    if (<i32>load<u16>(row) == inRateHz) return row;
  }
  return 0;
}

// @ts-ignore: decorator
@inline function elemShift(numType: u32): i32 {
  return numType == NUM_F32 ? 2 : 1;
}

/** Bytes of memory a resampler for this input rate needs (state + taps), or a negative error (unsupported rate). */
export function resamplerBytes(inRateHz: i32, numType: u32): i32 {
  if (numType != NUM_F32 && numType != NUM_INT8) return E.fail(E.ERR_BAD_NUM_TYPE, <i32>numType);
  const row = rateRow(inRateHz);
  if (row == 0) return E.fail(E.ERR_BAD_SAMPLE_RATE, inRateHz);
  const L = <i32>load<u16>(row, 2), K = <i32>load<u16>(row, 6);
  return HEADER + ((((L + 1) >> 1) * K + 4 * K) << elemShift(numType));
}

/** sin(πx), by a Taylor series after reduction to |x| ≤ 1/2 (error < 1e-16; load time only). */
function sinPi(x: f64): f64 {
  let r = x - 2 * nearest<f64>(x * 0.5); // [-1, 1]
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  const s = r * Math.PI, s2 = s * s;
  let term = s, sum = s;
  for (let k = 1; k <= 12; k++) {
    term *= -s2 / <f64>((2 * k) * (2 * k + 1));
    sum += term;
  }
  return sum;
}

/** Modified Bessel function I0 by its power series (converges fast for x ≤ 6.5; load time only). */
function besselI0(x: f64): f64 {
  const q = x * x * 0.25;
  let term: f64 = 1, sum: f64 = 1;
  for (let k = 1; k < 40; k++) {
    term *= q / <f64>(k * k);
    sum += term;
  }
  return sum;
}

/**
 * Tap j of stored phase p, before normalisation: prototype tap i = p + (K−1−j)·L (phases are stored
 * reversed), a sinc of cutoff wc = 0.9 / max(L, M) (×2/fs) under a Kaiser window of K·L taps.
 */
function protoTap(L: i32, M: i32, K: i32, p: i32, j: i32): f64 {
  const halfN = <f64>(K * L) * 0.5;
  const t = <f64>(p + (K - 1 - j) * L) - halfN + 0.5; // from the centre, (K·L − 1)/2
  const x = CUTOFF / <f64>(L > M ? L : M) * t;
  const r = t / halfN;
  return (t == 0 ? 1.0 : sinPi(x) / (Math.PI * x)) * besselI0(KAISER_BETA * sqrt<f64>(1 - r * r));
}

/** Initialise a resampler in `mem` (resamplerBytes long, 16-aligned, zeroed); returns 0 or a negative error. */
export function resamplerInit(mem: usize, inRateHz: i32, numType: u32): i32 {
  const bytes = resamplerBytes(inRateHz, numType);
  if (bytes < 0) return bytes;
  const row = rateRow(inRateHz);
  const L = <i32>load<u16>(row, 2), M = <i32>load<u16>(row, 4), K = <i32>load<u16>(row, 6);
  const S = (L + 1) >> 1;
  store<i32>(mem, inRateHz);
  store<u32>(mem, numType, 4);
  store<i32>(mem, L, 8);
  store<i32>(mem, M, 12);
  store<i32>(mem, K, 16);
  store<i32>(mem, S, 20);
  const shift = elemShift(numType);
  for (let p = 0; p < S; p++) {
    let sum: f64 = 0;
    for (let j = 0; j < K; j++) sum += protoTap(L, M, K, p, j);
    // f32: tap / sum. Q15: rounded with error feedback (each tap's rounding error carried into the
    // next), which pushes the quantisation error of each phase's response away from low
    // frequencies and makes the phase sum to exactly 32768 (the carry left at the end is < 1/2).
    let carry: f64 = 0;
    for (let j = 0; j < K; j++) {
      const v = protoTap(L, M, K, p, j) / sum;
      const at = mem + <usize>HEADER + (<usize>(p * K + j) << shift);
      if (numType == NUM_F32) {
        store<f32>(at, <f32>v);
      } else {
        const e = v * 32768 + carry, q = nearest<f64>(e);
        store<i16>(at, <i16>q);
        carry = e - q;
      }
    }
  }
  resamplerReset(mem);
  return 0;
}

/** Back to silence (zero history) without recomputing taps. */
export function resamplerReset(mem: usize): void {
  const K = load<i32>(mem, 16);
  store<i32>(mem, 0, 24);
  store<i32>(mem, 1, 28);
  store<i32>(mem, 0, 32);
  store<i32>(mem, 0, 36);
  const shift = elemShift(load<u32>(mem, 4));
  const hist = mem + <usize>HEADER + (<usize>(load<i32>(mem, 20) * K) << shift);
  const end = hist + (<usize>(4 * K) << shift);
  for (let p = hist; p < end; p += 8) store<u64>(p, 0);
}

/** Most 16 kHz samples `count` input samples can produce: ceil(count · 16000 / inRate) + 2. */
export function resamplerMaxOut(mem: usize, count: i32): i32 {
  const rate = <i64>load<i32>(mem);
  if (rate <= 0) return count > 0 ? count + 2 : 2; // not initialised: resample() copies
  const n = count > 0 ? <i64>count : 0;
  return <i32>((n * OUT_RATE_HZ + rate - 1) / rate) + 2;
}

/** Σ taps[j]·x[j] over K int16 pairs (K a multiple of 8), exact in int32 (see the file header). */
// @ts-ignore: decorator
@inline function dotI16(taps: usize, x: usize, K: i32): i32 {
  const end = taps + (<usize>K << 1);
  if (SIMD) {
    let a = i32x4.splat(0);
    for (; taps < end; taps += 16, x += 16) a = i32x4.add(a, i32x4.dot_i16x8_s(v128.load(taps), v128.load(x)));
    return (i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1)) + (i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3));
  }
  let s = 0;
  for (; taps < end; taps += 2, x += 2) s += <i32>load<i16>(taps) * <i32>load<i16>(x);
  return s;
}

/** Σ taps[j]·x[j] over K f32 pairs (K a multiple of 4): lane j % 4, then (l0 + l2) + (l1 + l3), as matvecF32. */
// @ts-ignore: decorator
@inline function dotF32(taps: usize, x: usize, K: i32): f32 {
  const end = taps + (<usize>K << 2);
  if (SIMD) {
    let a = f32x4.splat(0);
    for (; taps < end; taps += 16, x += 16) a = f32x4.add(a, f32x4.mul(v128.load(taps), v128.load(x)));
    return (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
  }
  let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
  for (; taps < end; taps += 16, x += 16) {
    a0 += load<f32>(taps) * load<f32>(x);
    a1 += load<f32>(taps, 4) * load<f32>(x, 4);
    a2 += load<f32>(taps, 8) * load<f32>(x, 8);
    a3 += load<f32>(taps, 12) * load<f32>(x, 12);
  }
  return (a0 + a2) + (a1 + a3);
}

/**
 * Consume all `count` input samples (int16 or f32 per numType, at `input`) and write the 16 kHz
 * output to `out` (int16 or f32); returns how many output samples were written.
 * The caller guarantees out has room for resamplerMaxOut(mem, count).
 */
export function resample(mem: usize, input: usize, count: i32, out: usize): i32 {
  if (count <= 0) return 0;
  const isF32 = load<u32>(mem, 4) == NUM_F32;
  const shift: usize = isF32 ? 2 : 1; // log2 of the element size
  const L = load<i32>(mem, 8), M = load<i32>(mem, 12), K = load<i32>(mem, 16), S = load<i32>(mem, 20);
  if (K == 0) {
    // 16 kHz: an exact copy, two bytes at a time
    for (let b: usize = 0, end = <usize>count << shift; b < end; b += 2) store<u16>(out + b, load<u16>(input + b));
    return count;
  }
  const stride = <usize>K << shift;
  const taps = mem + <usize>HEADER;
  const fwd = taps + <usize>S * stride, rev = fwd + 2 * stride;
  let p = load<i32>(mem, 24), wait = load<i32>(mem, 28), w = load<i32>(mem, 32), r = load<i32>(mem, 36);
  let n = 0;
  for (let i = 0; i < count; i++) {
    // each input twice into each ring: fwd at w and w + K, rev at r − 1 and r − 1 + K
    r = (r == 0 ? K : r) - 1;
    const a = fwd + (<usize>w << shift), b = rev + (<usize>r << shift);
    if (isF32) {
      const v = load<u32>(input + (<usize>i << 2));
      store<u32>(a, v); store<u32>(a + stride, v); store<u32>(b, v); store<u32>(b + stride, v);
    } else {
      const v = load<u16>(input + (<usize>i << 1));
      store<u16>(a, v); store<u16>(a + stride, v); store<u16>(b, v); store<u16>(b + stride, v);
    }
    if (++w == K) w = 0;
    if (--wait != 0) continue;
    do {
      // the window is the last K inputs, oldest first (fwd at w); a mirrored phase reads them
      // newest first (rev at r) against the taps of phase L − 1 − p
      const mirrored = p >= S;
      const t = taps + <usize>(mirrored ? L - 1 - p : p) * stride;
      const x = mirrored ? rev + (<usize>r << shift) : fwd + (<usize>w << shift);
      if (isF32) store<f32>(out + (<usize>n << 2), dotF32(t, x, K));
      else store<i16>(out + (<usize>n << 1), <i16>sat16((dotI16(t, x, K) + (1 << 14)) >> 15));
      n++;
      p += M;
      wait = p / L;
      p -= wait * L;
    } while (wait == 0);
  }
  store<i32>(mem, p, 24);
  store<i32>(mem, wait, 28);
  store<i32>(mem, w, 32);
  store<i32>(mem, r, 36);
  return n;
}
