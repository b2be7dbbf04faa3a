// Streaming resampler to 16 kHz, mono, for the audio frontend. Input rates 8000, 16000, 22050,
// 32000, 44100 and 48000 Hz; 16 kHz passes through as an exact copy.
//
// Interface (numType: NUM_F32 = 0 f32 samples, NUM_INT8 = 1 int16 samples; errors are negated
// codes from errors.ts: ERR_BAD_SAMPLE_RATE, ERR_BAD_NUM_TYPE):
//   resamplerBytes(inRateHz, numType): i32         bytes of state + taps, or an error
//   resamplerInit(mem, inRateHz, numType): i32     designs the filter into mem (resamplerBytes long,
//                                                  16-aligned, zeroed); 0 or an error
//   resamplerReset(mem): void                      back to silence, taps kept
//   resamplerMaxOut(mem, count): i32               ceil(count · 16000 / inRate) + 2
//   resample(mem, input, count, out): i32          consumes all count samples, writes the 16 kHz
//                                                  samples to out (room for resamplerMaxOut), returns
//                                                  how many; never allocates
// Usage (the frontend's):
//   const bytes = resamplerBytes(44100, NUM_INT8);   // 13488
//   const r = memAlloc(bytes);
//   resamplerInit(r, 44100, NUM_INT8);               // load time: ~2 ms of f64 maths for 44.1 kHz
//   const n = resample(r, pcm, count, out);          // as often as audio arrives, any chunk size
//
// Every rate is one rational conversion by L/M (16000 = inRate · L/M) through one polyphase FIR:
//
//   rate   L    M    taps per output (K)   stored phases   bytes int16 / f32
//   8000   2    1    32                    1               368 / 688        ×2 interpolation
//   16000  -    -    -                     -               48 / 48          exact copy
//   22050  320  441  40                    160             13168 / 26288    polyphase
//   32000  1    2    56                    1               608 / 1168       2:1 decimation
//   44100  160  441  80                    80              13488 / 26928    polyphase
//   48000  1    3    80                    1               848 / 1648       3:1 decimation
//
// Output m sits at input time m·M/L; with n = ⌊m·M/L⌋ and phase p = m·M mod L,
//   y[m] = Σ_j taps[p][j] · x[n − K + 1 + j]    (taps[p]: phase p of the prototype, reversed)
// so decimation computes only the outputs it keeps. The prototype is a Kaiser-windowed sinc
// (β = 6.5) of K·L taps at L·inRate, cut off at 0.9 × the lower Nyquist frequency (7.2 kHz, or
// 3.6 kHz for 8 kHz input): 0.9 / max(L, M) in units of the prototype's Nyquist frequency. Each
// phase is scaled to sum to exactly 1 (Q15: exactly 32768), so DC passes unchanged. The prototype
// is symmetric, so phase L−1−p is phase p backwards: only phases 0..⌈L/2⌉−1 are stored and a
// mirrored phase reads its taps from the end, halving the 44.1 and 22.05 kHz tables (6400 taps
// each: 12.5 KiB int16, 25 KiB f32).
//
// Two paths, one loop: int16 (numType NUM_INT8: int16 in and out, Q15 taps rounded with error
// feedback, exact int32 sums, one rounding, saturation; it executes no float instruction) and its
// f32 twin (f32 in and out, f32 taps; the lanes summed as matvecF32 does, so the simd and mvp
// builds agree bit for bit). Taps are computed in f64 at init, never per sample. The int32 sum
// cannot overflow: Σ|taps[p]| < 2^16 for every phase (tested), so |Σ| < 2^15 · 2^16 = 2^31. All
// state lives in the block, so the output does not depend on how the input is chunked.
//
// Cost: K multiply-adds per output, 16000·K per second of audio (27 per 48 kHz input sample),
// plus one history store per input sample.
//
// Measured (test/assembly/resample.spec.ts, both builds, both paths): a 1 kHz tone at 0.5 full
// scale comes out at 1 kHz within 3e-8, its amplitude within 0.001 dB, residual against a fitted
// sine ≤ −87.5 dB (int16; the int16 input alone is −91.7 dB) and ≤ −92 dB (f32); pass band
// 100 Hz – 6 kHz (8 kHz input: 3 kHz) flat within 0.011 dB; tones from 8.5 kHz to the input
// Nyquist frequency down ≥ 67.2 dB (f32) and ≥ 65.7 dB (int16); 8 kHz input: images ≥ 72.7 dB
// down; the int16 and f32 paths within 1 LSB of each other on the tone, 4 LSB on noise.
//
// Block layout: a ResamplerState (below), then at HEADER the taps [S][K], then the history [4K]:
// the window is the K samples before the state's histOffset, oldest first; when the history is full
// its last K samples move to the front (int16 or f32 elements throughout).

import * as E from "./errors";
import { NUM_F32, NUM_INT8, FRONTEND_SAMPLE_RATE_HZ } from "./constants";
import { sat16 } from "./fixedpoint";

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

/** A resampler's header, at the start of its block. */
// @ts-ignore: decorator
@unmanaged class ResamplerState {
  inRateHz: i32;     // input rate (RATES); 0 before init (resamplerMaxOut then assumes a copy)
  numType: u32;      // NUM_F32: f32 samples, NUM_INT8: int16 samples
  L: i32;            // 16000 = inRateHz · L/M
  M: i32;
  K: i32;            // taps per output, a multiple of 8; 0: 16 kHz, an exact copy
  S: i32;            // stored phases, ⌈L/2⌉ (the others are mirrors)
  phase: i32;        // phase of the next output, 0..L−1
  wait: i32;         // input samples until the next output, ≥ 1 between calls
  histOffset: u32;   // byte offset in the history of the next input sample, K..4K elements
}
/** Bytes before the taps: the header, rounded up to 16 for SIMD loads. */
const HEADER: i32 = <i32>((offsetof<ResamplerState>() + 15) & ~15); // 48
const KAISER_BETA: f64 = 6.5;
const CUTOFF: f64 = 0.9; // × the lower Nyquist frequency

/** A row of RATES. */
// @ts-ignore: decorator
@unmanaged class RateRow {
  inRateHz: u16;
  L: u16;            // 16000 = inRateHz · L/M
  M: u16;
  K: u16;            // taps per output, a multiple of 8 (one i16x8 per 8 taps); 0: an exact copy
}

/** Supported rates: RateRow [RATE_COUNT], static data. */
const RATES: usize = memory.data<u16>([
  8000, 2, 1, 32,
  16000, 1, 1, 0,
  22050, 320, 441, 40,
  32000, 1, 2, 56,
  44100, 160, 441, 80,
  48000, 1, 3, 80,
]);
const RATE_COUNT: i32 = 6;

/** History length in units of K samples: the window plus room for 3K more before it moves. */
const HIST_LEN: usize = 4;

/** The RATES row for inRateHz, or 0. */
function rateRow(inRateHz: i32): usize {
  for (let i = 0; i < RATE_COUNT; i++) {
    const row = RATES + <usize>i * offsetof<RateRow>();
    if (<i32>changetype<RateRow>(row).inRateHz == inRateHz) return row;
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
  const L = <i32>changetype<RateRow>(row).L, K = <i32>changetype<RateRow>(row).K;
  return HEADER + ((((L + 1) >> 1) * K + <i32>HIST_LEN * K) << elemShift(numType));
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
 * reversed), a sinc cut off at 0.9 / max(L, M) of the prototype's Nyquist frequency under a Kaiser
 * window of K·L taps. K·L is even, so t, the distance from the centre (K·L − 1)/2, is never 0.
 */
function protoTap(L: i32, M: i32, K: i32, p: i32, j: i32): f64 {
  const halfN = <f64>(K * L) * 0.5;
  const t = <f64>(p + (K - 1 - j) * L) - halfN + 0.5;
  const x = CUTOFF / <f64>(L > M ? L : M) * t;
  const r = t / halfN;
  return sinPi(x) / (Math.PI * x) * besselI0(KAISER_BETA * sqrt<f64>(1 - r * r));
}

/** Initialise a resampler in `mem` (resamplerBytes long, 16-aligned, zeroed); returns 0 or a negative error. */
export function resamplerInit(mem: usize, inRateHz: i32, numType: u32): i32 {
  const bytes = resamplerBytes(inRateHz, numType);
  if (bytes < 0) return bytes;
  const row = rateRow(inRateHz);
  const r = changetype<RateRow>(row);
  const L = <i32>r.L, M = <i32>r.M, K = <i32>r.K;
  const S = (L + 1) >> 1;
  const st = changetype<ResamplerState>(mem);
  st.inRateHz = inRateHz;
  st.numType = numType;
  st.L = L;
  st.M = M;
  st.K = K;
  st.S = S;
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
  const st = changetype<ResamplerState>(mem);
  const stride = <usize>st.K << elemShift(st.numType);
  st.phase = 0;
  st.wait = 1;
  st.histOffset = <u32>stride; // K zeros of history before the first sample
  const hist = mem + <usize>HEADER + <usize>st.S * stride;
  for (let b: usize = 0; b < stride; b += 8) store<u64>(hist + b, 0);
}

/** Most 16 kHz samples `count` input samples can produce: ceil(count · 16000 / inRate) + 2. */
export function resamplerMaxOut(mem: usize, count: i32): i32 {
  const rate = <i64>changetype<ResamplerState>(mem).inRateHz;
  if (rate <= 0) return count > 0 ? count + 2 : 2; // not initialised: resample() copies
  const n = count > 0 ? <i64>count : 0;
  return <i32>((n * FRONTEND_SAMPLE_RATE_HZ + rate - 1) / rate) + 2;
}

/**
 * Σ_j taps[j]·x[j] over K int16 pairs (K a multiple of 8), or with the taps read backwards
 * (Σ_j taps[K−1−j]·x[j]) when `back`: a mirrored phase. Exact in int32 (see the file header).
 */
// @ts-ignore: decorator
@inline function dotI16(taps: usize, x: usize, K: i32, back: bool): i32 {
  const end = x + (<usize>K << 1);
  if (SIMD) {
    const step: usize = back ? <usize>-16 : 16;
    if (back) taps += (<usize>K << 1) - 16;
    let a = i32x4.splat(0);
    for (; x < end; taps += step, x += 16) {
      let t = v128.load(taps);
      if (back) t = v128.shuffle<i16>(t, t, 7, 6, 5, 4, 3, 2, 1, 0);
      a = i32x4.add(a, i32x4.dot_i16x8_s(t, v128.load(x)));
    }
    return (i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1)) + (i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3));
  }
  const step: usize = back ? <usize>-2 : 2;
  if (back) taps += (<usize>K << 1) - 2;
  let s0 = 0, s1 = 0;
  for (; x < end; taps += step << 1, x += 4) {
    s0 += <i32>load<i16>(taps) * <i32>load<i16>(x);
    s1 += <i32>load<i16>(taps + step) * <i32>load<i16>(x, 2);
  }
  return s0 + s1;
}

/**
 * Σ_j taps[j]·x[j] over K f32 pairs (K a multiple of 4), or with the taps read backwards when
 * `back`. Product j goes to lane j % 4, then (l0 + l2) + (l1 + l3), as matvecF32: both builds
 * give the same bits.
 */
// @ts-ignore: decorator
@inline function dotF32(taps: usize, x: usize, K: i32, back: bool): f32 {
  const end = x + (<usize>K << 2);
  if (SIMD) {
    const step: usize = back ? <usize>-16 : 16;
    if (back) taps += (<usize>K << 2) - 16;
    let a = f32x4.splat(0);
    for (; x < end; taps += step, x += 16) {
      let t = v128.load(taps);
      if (back) t = v128.shuffle<f32>(t, t, 3, 2, 1, 0);
      a = f32x4.add(a, f32x4.mul(t, v128.load(x)));
    }
    return (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
  }
  const step: usize = back ? <usize>-4 : 4;
  if (back) taps += (<usize>K << 2) - 4;
  let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
  for (; x < end; taps += step << 2, x += 16) {
    a0 += load<f32>(taps) * load<f32>(x);
    a1 += load<f32>(taps + step) * load<f32>(x, 4);
    a2 += load<f32>(taps + 2 * step) * load<f32>(x, 8);
    a3 += load<f32>(taps + 3 * step) * load<f32>(x, 12);
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
  const st = changetype<ResamplerState>(mem);
  const isF32 = st.numType == NUM_F32;
  const shift: usize = isF32 ? 2 : 1; // log2 of the element size
  const L = st.L, M = st.M, K = st.K, S = st.S;
  if (K == 0) {
    // 16 kHz: an exact copy, two bytes at a time
    for (let b: usize = 0, end = <usize>count << shift; b < end; b += 2) store<u16>(out + b, load<u16>(input + b));
    return count;
  }
  const stride = <usize>K << shift;
  const taps = mem + <usize>HEADER;
  const hist = taps + <usize>S * stride, histEnd = hist + HIST_LEN * stride;
  let p = st.phase, wait = st.wait, h = hist + <usize>st.histOffset;
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (h == histEnd) {
      // full: the last K samples move to the front (K·elemBytes is a multiple of 16)
      for (let b: usize = 0; b < stride; b += 8) store<u64>(hist + b, load<u64>(histEnd - stride + b));
      h = hist + stride;
    }
    if (isF32) store<u32>(h, load<u32>(input + (<usize>i << 2)));
    else store<u16>(h, load<u16>(input + (<usize>i << 1)));
    h += <usize>1 << shift;
    if (--wait != 0) continue;
    do {
      // the window is the last K inputs, oldest first; a mirrored phase p ≥ S is phase L − 1 − p
      // read backwards
      const back = p >= S;
      const t = taps + <usize>(back ? L - 1 - p : p) * stride;
      if (isF32) store<f32>(out + (<usize>n << 2), dotF32(t, h - stride, K, back));
      else store<i16>(out + (<usize>n << 1), <i16>sat16((dotI16(t, h - stride, K, back) + (1 << 14)) >> 15));
      n++;
      // next output: M/L input samples on (at most 3 whole samples, so no division)
      p += M;
      wait = 0;
      while (p >= L) { p -= L; wait++; }
    } while (wait == 0);
  }
  st.phase = p;
  st.wait = wait;
  st.histOffset = <u32>(h - hist);
  return n;
}

// ---- saved state ----
// A resampler's state, as a pipeline saves it: phase i32, wait i32, 8 bytes of 0, then the K
// samples the next output reads (oldest first; int16 or f32). Where in its history buffer they
// lie is not saved: loading puts them at the front, which is where they would be after a wrap.

/** Bytes of this resampler's saved state. */
export function resamplerStateBytes(mem: usize): usize {
  const st = changetype<ResamplerState>(mem);
  return 16 + (<usize>st.K << elemShift(st.numType));
}

/** Write the state to `dst` (resamplerStateBytes). */
export function resamplerSave(mem: usize, dst: usize): void {
  const st = changetype<ResamplerState>(mem);
  const stride = <usize>st.K << elemShift(st.numType);
  store<i32>(dst, st.phase);
  store<i32>(dst, st.wait, 4);
  store<u64>(dst, 0, 8);
  const hist = mem + <usize>HEADER + <usize>st.S * stride;
  memory.copy(dst + 16, hist + <usize>st.histOffset - stride, stride);
}

/** Whether `src` is a state this resampler can continue from: phase, wait and samples in range. */
export function resamplerCheck(mem: usize, src: usize): bool {
  const st = changetype<ResamplerState>(mem);
  const phase = load<i32>(src), wait = load<i32>(src, 4);
  if (st.K == 0) return phase == 0 && wait == 1; // 16 kHz: a copy, no state
  if (phase < 0 || phase >= st.L || wait < 1 || wait > st.M || load<u64>(src, 8) != 0) return false;
  if (st.numType == NUM_F32) {
    for (let j = 0; j < st.K; j++) if (!isFinite(load<f32>(src + 16 + (<usize>j << 2)))) return false;
  }
  return true;
}

/** Continue from a checked state. */
export function resamplerLoad(mem: usize, src: usize): void {
  const st = changetype<ResamplerState>(mem);
  const stride = <usize>st.K << elemShift(st.numType);
  st.phase = load<i32>(src);
  st.wait = load<i32>(src, 4);
  st.histOffset = <u32>stride;
  memory.copy(mem + <usize>HEADER + <usize>st.S * stride, src + 16, stride);
}
