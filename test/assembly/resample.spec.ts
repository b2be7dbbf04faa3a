// The streaming resampler (assembly/resample.ts), int16 and f32 paths, every supported rate.
// Resampler memory comes from heap.alloc (as-pect has its own runtime heap), zeroed by hand.
//
// Bounds, each a little outside what was measured (the logged lines; the same on both builds):
//   1 kHz tone at 0.5 full scale: frequency within 1e-6 (measured ≤ 2.1e-8), amplitude within
//     0.005 dB (≤ 0.0006), residual against a fitted sine ≤ −85 dB int16 (≤ −87.5; the int16
//     input's own rounding is −91.7 dB) and ≤ −90 dB f32 (≤ −92.0)
//   pass band 100 Hz – 6 kHz (8 kHz input: 3 kHz) within ±0.02 dB (≤ 0.0104)
//   stop band 8.5 kHz – input Nyquist, 100 Hz grid: ≤ −65 dB f32 (≤ −67.25), ≤ −64 dB int16
//     (≤ −65.7: the Q15 taps' error-feedback rounding raises the floor near 16 kHz at 48 kHz)
//   8 kHz input, images of 300 Hz – 3.4 kHz: ≤ −70 dB (≤ −72.7)
//   int16 against f32: within 5 LSB on noise at ±0.5 full scale (≤ 4), 2 LSB on the tone (≤ 1)
// and exactly: DC through int16, chunking invariance, reset, 16 kHz copy, simd = mvp bits.

import { resamplerBytes, resamplerInit, resamplerReset, resamplerMaxOut, resample } from "../../assembly/resample.ts";
import { ERR_BAD_SAMPLE_RATE, ERR_BAD_NUM_TYPE } from "../../assembly/errors.ts";
import { NUM_F32, NUM_INT8 } from "../../assembly/constants.ts";

const RATES: i32[] = [8000, 16000, 22050, 32000, 44100, 48000];

/** A resampler block, 16-aligned and zeroed, initialised for (rate, numType). */
function makeResampler(rate: i32, numType: u32): usize {
  const bytes = resamplerBytes(rate, numType);
  assert(bytes > 0);
  const mem = (heap.alloc(<usize>bytes + 16) + 15) & ~<usize>15;
  for (let i = 0; i < bytes; i++) store<u8>(mem + <usize>i, 0);
  assert(resamplerInit(mem, rate, numType) == 0);
  return mem;
}

/** n int16 samples of amp·sin(2π·f·t) (amp a fraction of full scale) at rate, rounded. */
function toneI16(rate: i32, n: i32, f: f64, amp: f64): StaticArray<i16> {
  const x = new StaticArray<i16>(n);
  for (let i = 0; i < n; i++) x[i] = <i16>Math.round(amp * 32767.0 * Math.sin(2.0 * Math.PI * f * <f64>i / <f64>rate));
  return x;
}

/** The same samples as f32, /32768: the two paths see the same signal. */
function toF32(x: StaticArray<i16>): StaticArray<f32> {
  const y = new StaticArray<f32>(x.length);
  for (let i = 0; i < x.length; i++) y[i] = <f32>x[i] / 32768.0;
  return y;
}

let outI16 = new StaticArray<i16>(1);
let outF32 = new StaticArray<f32>(1);

/** Resample all of x in one call (int16 path); the result is in outI16, its length returned. */
function runI16(mem: usize, x: StaticArray<i16>): i32 {
  outI16 = new StaticArray<i16>(resamplerMaxOut(mem, x.length));
  return resample(mem, changetype<usize>(x), x.length, changetype<usize>(outI16));
}

function runF32(mem: usize, x: StaticArray<f32>): i32 {
  outF32 = new StaticArray<f32>(resamplerMaxOut(mem, x.length));
  return resample(mem, changetype<usize>(x), x.length, changetype<usize>(outF32));
}

/** Output as f64 in units of full scale, whichever path made it. */
function outAt(isF32: bool, i: i32): f64 {
  return isF32 ? <f64>outF32[i] : <f64>outI16[i] / 32768.0;
}

/** Frequency from upward zero crossings (linearly interpolated) over outputs [from, to), in Hz at 16 kHz. */
function zeroCrossingHz(isF32: bool, from: i32, to: i32): f64 {
  let first: f64 = -1, last: f64 = -1, crossings = 0;
  for (let i = from + 1; i < to; i++) {
    const a = outAt(isF32, i - 1), b = outAt(isF32, i);
    if (a < 0 && b >= 0) {
      const t = <f64>(i - 1) + a / (a - b);
      if (first < 0) first = t;
      last = t;
      crossings++;
    }
  }
  return <f64>(crossings - 1) / (last - first) * 16000.0;
}

// A least-squares fit a·sin + b·cos at f Hz over outputs [from, from + n); fitAmp and
// fitResidualDb (residual power against the fitted tone's, in dB) read the last fit.
let fitAmp: f64 = 0;
let fitResidualDb: f64 = 0;
function fitSine(isF32: bool, f: f64, from: i32, n: i32): void {
  let ss: f64 = 0, sc: f64 = 0, cc: f64 = 0, ys: f64 = 0, yc: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = 2.0 * Math.PI * f * <f64>i / 16000.0, s = Math.sin(w), c = Math.cos(w), y = outAt(isF32, from + i);
    ss += s * s; sc += s * c; cc += c * c; ys += y * s; yc += y * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
  fitAmp = Math.sqrt(a * a + b * b);
  let e2: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = 2.0 * Math.PI * f * <f64>i / 16000.0;
    const e = outAt(isF32, from + i) - a * Math.sin(w) - b * Math.cos(w);
    e2 += e * e;
  }
  fitResidualDb = 10.0 * Math.log10(e2 / <f64>n / (fitAmp * fitAmp * 0.5));
}

/** RMS of outputs [from, from + n) in dB against the RMS of a sine of amplitude amp. */
function rmsDb(isF32: bool, from: i32, n: i32, amp: f64): f64 {
  let s: f64 = 0;
  for (let i = from; i < from + n; i++) s += outAt(isF32, i) * outAt(isF32, i);
  return 10.0 * Math.log10(s / <f64>n / (amp * amp * 0.5));
}

function dbOf(ratio: f64): f64 { return 20.0 * Math.log10(ratio); }

// as-pect reads a logged string after the test, so every logged string stays reachable here
// (a collected one can be overwritten before it is printed).
const notes: string[] = [];
function note(s: string): void {
  notes.push(s);
  log<string>(s);
}

let seed: u32 = 2024;
function rand(): u32 { // LCG
  seed = seed * 1664525 + 1013904223;
  return seed >>> 8;
}

// Steady state: skip 20 ms of output (the longest filter spans 4 ms), then 250 ms = 4000 outputs,
// exactly 250 cycles of 1 kHz.
const SKIP: i32 = 320;
const SPAN: i32 = 4000;

describe("resampler: a 1 kHz sine at 0.5 full scale, 300 ms", () => {
  it("comes out at 1 kHz within 0.0001 % and 0.005 dB, every rate, both paths; residual vs a fitted sine ≤ −85 dB (int16), ≤ −90 dB (f32)", () => {
    for (let k = 0; k < RATES.length; k++) {
      const rate = RATES[k];
      const x = toneI16(rate, rate * 3 / 10, 1000, 0.5);
      for (let path = 0; path < 2; path++) {
        const isF32 = path == 1;
        const mem = makeResampler(rate, isF32 ? NUM_F32 : NUM_INT8);
        const n = isF32 ? runF32(mem, toF32(x)) : runI16(mem, x);
        expect<i32>(n).toBe(<i32>Math.ceil(<f64>x.length * 16000.0 / <f64>rate));
        const hz = zeroCrossingHz(isF32, SKIP, SKIP + SPAN);
        fitSine(isF32, 1000, SKIP, SPAN);
        const ampDb = dbOf(fitAmp / (0.5 * 32767.0 / 32768.0));
        note(rate.toString() + (isF32 ? " Hz f32: " : " Hz int16: ") + hz.toString() + " Hz, amplitude " + ampDb.toString() + " dB, residual " + fitResidualDb.toString() + " dB");
        expect<f64>(Math.abs(hz - 1000.0) / 1000.0).toBeLessThanOrEqual(1e-6);
        expect<f64>(Math.abs(ampDb)).toBeLessThanOrEqual(0.005);
        expect<f64>(fitResidualDb).toBeLessThanOrEqual(isF32 ? -90.0 : -85.0);
      }
    }
  });
});

describe("resampler: pass band and stop band", () => {
  it("passes tones of 100 Hz – 6 kHz (8 kHz input: – 3 kHz) within ±0.02 dB, f32 path", () => {
    for (let k = 0; k < RATES.length; k++) {
      const rate = RATES[k];
      const mem = makeResampler(rate, NUM_F32);
      const top: f64 = rate == 8000 ? 3000 : 6000;
      let worst: f64 = 0;
      for (let f: f64 = 100; f <= top; f += 100) {
        resamplerReset(mem);
        runF32(mem, toF32(toneI16(rate, rate / 10, f, 0.5)));
        fitSine(true, f, SKIP, 1200);
        const db = dbOf(fitAmp / (0.5 * 32767.0 / 32768.0));
        if (Math.abs(db) > Math.abs(worst)) worst = db;
      }
      note(rate.toString() + " Hz: worst pass-band gain " + worst.toString() + " dB");
      expect<f64>(Math.abs(worst)).toBeLessThanOrEqual(0.02);
    }
  });

  it("attenuates tones from 8.5 kHz to the input Nyquist (100 Hz grid) by ≥ 65 dB (f32) and ≥ 64 dB (int16) at 22.05, 32, 44.1, 48 kHz", () => {
    for (let k = 2; k < RATES.length; k++) {
      const rate = RATES[k];
      for (let path = 0; path < 2; path++) {
        const isF32 = path == 1;
        const mem = makeResampler(rate, isF32 ? NUM_F32 : NUM_INT8);
        let worst: f64 = -1000, worstHz: f64 = 0;
        for (let f: f64 = 8500; f < <f64>rate * 0.5; f += 100) {
          resamplerReset(mem);
          const x = toneI16(rate, rate / 10, f, 0.5);
          if (isF32) runF32(mem, toF32(x)); else runI16(mem, x);
          const db = rmsDb(isF32, SKIP, 1200, 0.5);
          if (db > worst) { worst = db; worstHz = f; }
        }
        note(rate.toString() + (isF32 ? " Hz f32" : " Hz int16") + ": worst stop-band gain " + worst.toString() + " dB at " + worstHz.toString() + " Hz");
        expect<f64>(worst).toBeLessThanOrEqual(isF32 ? -65.0 : -64.0);
      }
    }
  });

  it("8 kHz → 16 kHz: the image of every tone of 300 Hz – 3.4 kHz (at 8 kHz − f) is ≥ 70 dB below the tone, both paths", () => {
    for (let path = 0; path < 2; path++) {
      const isF32 = path == 1;
      const mem = makeResampler(8000, isF32 ? NUM_F32 : NUM_INT8);
      let worst: f64 = -1000;
      for (let f: f64 = 300; f <= 3400; f += 100) {
        resamplerReset(mem);
        const x = toneI16(8000, 800, f, 0.5);
        if (isF32) runF32(mem, toF32(x)); else runI16(mem, x);
        fitSine(isF32, 8000 - f, SKIP, 1200);
        const db = dbOf(fitAmp / 0.5);
        if (db > worst) worst = db;
      }
      note((isF32 ? "8000 Hz f32" : "8000 Hz int16") + ": worst image " + worst.toString() + " dB");
      expect<f64>(worst).toBeLessThanOrEqual(-70.0);
    }
  });
});

/** n samples of uniform noise in ±amp full scale, as int16. */
function noiseI16(n: i32, amp: i32): StaticArray<i16> {
  const x = new StaticArray<i16>(n);
  for (let i = 0; i < n; i++) x[i] = <i16>(<i32>(rand() % <u32>(2 * amp + 1)) - amp);
  return x;
}

describe("resampler: int16 against f32", () => {
  it("the two paths agree within 5 LSB on noise at ±0.5 full scale and within 2 LSB on a 1 kHz sine, every rate", () => {
    for (let k = 0; k < RATES.length; k++) {
      const rate = RATES[k];
      const worst: i32[] = [0, 0];
      for (let sig = 0; sig < 2; sig++) {
        const x = sig == 0 ? noiseI16(rate / 5, 16384) : toneI16(rate, rate / 5, 1000, 0.5);
        const n = runI16(makeResampler(rate, NUM_INT8), x);
        expect<i32>(runF32(makeResampler(rate, NUM_F32), toF32(x))).toBe(n);
        for (let i = 0; i < n; i++) {
          const d = <i32>Math.abs(<f64>outI16[i] - Math.round(<f64>outF32[i] * 32768.0));
          if (d > worst[sig]) worst[sig] = d;
        }
      }
      note(rate.toString() + " Hz: int16 vs f32 max difference " + worst[0].toString() + " LSB (noise), " + worst[1].toString() + " LSB (tone)");
      expect<i32>(worst[0]).toBeLessThanOrEqual(5);
      expect<i32>(worst[1]).toBeLessThanOrEqual(2);
    }
  });

  it("a constant int16 input comes out exactly (every phase's Q15 taps sum to 32768), full scale included", () => {
    const levels: i32[] = [12345, -32768, 32767, -1];
    for (let k = 0; k < RATES.length; k++) {
      const mem = makeResampler(RATES[k], NUM_INT8);
      for (let l = 0; l < levels.length; l++) {
        resamplerReset(mem);
        const x = new StaticArray<i16>(RATES[k] / 20);
        for (let i = 0; i < x.length; i++) x[i] = <i16>levels[l];
        const n = runI16(mem, x);
        let bad = 0;
        for (let i = SKIP; i < n; i++) if (<i32>outI16[i] != levels[l]) bad++;
        expect<i32>(bad).toBe(0);
      }
    }
  });

  it("int16 taps: every stored phase sums to 32768 and Σ|taps| < 65536, so the int32 sum cannot overflow", () => {
    for (let k = 0; k < RATES.length; k++) {
      const mem = makeResampler(RATES[k], NUM_INT8);
      const K = load<i32>(mem, 16), S = load<i32>(mem, 20); // block layout: resample.ts header
      let bad = 0;
      for (let p = 0; p < (K > 0 ? S : 0); p++) {
        let sum = 0, abs = 0;
        for (let j = 0; j < K; j++) {
          const t = <i32>load<i16>(mem + 48 + (<usize>(p * K + j) << 1));
          sum += t;
          abs += t < 0 ? -t : t;
        }
        if (sum != 32768 || abs >= 65536) bad++;
      }
      expect<i32>(bad).toBe(0);
    }
  });
});

describe("resampler: streaming", () => {
  it("gives bit-identical output whatever the chunk sizes (1, 7, 128, 1000, random 0–299), both paths, every rate; each call within resamplerMaxOut", () => {
    for (let k = 0; k < RATES.length; k++) {
      const rate = RATES[k];
      const x = noiseI16(rate / 4, 30000);
      const xf = toF32(x);
      for (let path = 0; path < 2; path++) {
        const isF32 = path == 1;
        const numType = isF32 ? NUM_F32 : NUM_INT8;
        const whole = isF32 ? runF32(makeResampler(rate, numType), xf) : runI16(makeResampler(rate, numType), x);
        const wantI16 = outI16, wantF32 = outF32;
        const sizes: i32[] = [1, 7, 128, 1000, 0];
        for (let s = 0; s < sizes.length; s++) {
          const mem = makeResampler(rate, numType);
          const got = new StaticArray<u32>(whole + 8);
          let at = 0, n = 0, tooMany = 0;
          while (at < x.length) {
            let c = sizes[s] > 0 ? sizes[s] : <i32>(rand() % 300);
            if (c > x.length - at) c = x.length - at;
            const max = resamplerMaxOut(mem, c);
            const tmp = new StaticArray<u32>(max);
            const src = isF32 ? changetype<usize>(xf) + (<usize>at << 2) : changetype<usize>(x) + (<usize>at << 1);
            const m = resample(mem, src, c, changetype<usize>(tmp));
            if (m > max) tooMany++;
            for (let i = 0; i < m && n + i < got.length; i++) got[n + i] = isF32 ? tmp[i] : <u32>load<u16>(changetype<usize>(tmp) + (<usize>i << 1));
            n += m;
            at += c;
          }
          expect<i32>(tooMany).toBe(0);
          expect<i32>(n).toBe(whole);
          let diff = 0;
          for (let i = 0; i < whole; i++) {
            const want = isF32 ? reinterpret<u32>(wantF32[i]) : <u32><u16>wantI16[i];
            if (got[i] != want) diff++;
          }
          expect<i32>(diff).toBe(0);
        }
      }
    }
  });

  it("resamplerReset returns to silence: the same input then gives the same output as a fresh resampler", () => {
    for (let k = 0; k < RATES.length; k++) {
      const x = noiseI16(RATES[k] / 20, 20000);
      const fresh = runI16(makeResampler(RATES[k], NUM_INT8), x);
      const want = outI16;
      const mem = makeResampler(RATES[k], NUM_INT8);
      runI16(mem, noiseI16(333, 20000));
      resamplerReset(mem);
      expect<i32>(runI16(mem, x)).toBe(fresh);
      let diff = 0;
      for (let i = 0; i < fresh; i++) if (outI16[i] != want[i]) diff++;
      expect<i32>(diff).toBe(0);
    }
  });

  it("16 kHz is an exact copy, int16 and f32 (any bit pattern)", () => {
    const x = noiseI16(1000, 32767);
    expect<i32>(runI16(makeResampler(16000, NUM_INT8), x)).toBe(1000);
    let diff = 0;
    for (let i = 0; i < 1000; i++) if (outI16[i] != x[i]) diff++;
    const xf = new StaticArray<f32>(1000);
    for (let i = 0; i < 1000; i++) xf[i] = reinterpret<f32>(rand() * 517);
    expect<i32>(runF32(makeResampler(16000, NUM_F32), xf)).toBe(1000);
    for (let i = 0; i < 1000; i++) if (reinterpret<u32>(outF32[i]) != reinterpret<u32>(xf[i])) diff++;
    expect<i32>(diff).toBe(0);
  });
});

describe("resampler: bad arguments", () => {
  it("refuses unsupported rates (11025, 0, −1, 96000, 44099, i32 extremes) with ERR_BAD_SAMPLE_RATE and an unknown number type with ERR_BAD_NUM_TYPE, without trapping", () => {
    const bad: i32[] = [11025, 0, -1, 96000, 44099, 16001, 24000, i32.MIN_VALUE, i32.MAX_VALUE];
    const mem = (heap.alloc(256) + 15) & ~<usize>15;
    for (let i = 0; i < bad.length; i++) {
      for (let t: u32 = 0; t < 2; t++) {
        expect<i32>(resamplerBytes(bad[i], t)).toBe(-ERR_BAD_SAMPLE_RATE);
        expect<i32>(resamplerInit(mem, bad[i], t)).toBe(-ERR_BAD_SAMPLE_RATE);
      }
    }
    expect<i32>(resamplerBytes(48000, 2)).toBe(-ERR_BAD_NUM_TYPE);
    expect<i32>(resamplerInit(mem, 48000, 7)).toBe(-ERR_BAD_NUM_TYPE);
  });

  it("resamplerMaxOut is ceil(count · 16000 / rate) + 2", () => {
    const counts: i32[] = [0, 1, 2, 3, 441, 1000, 44100];
    for (let k = 0; k < RATES.length; k++) {
      const mem = makeResampler(RATES[k], NUM_INT8);
      for (let c = 0; c < counts.length; c++) {
        expect<i32>(resamplerMaxOut(mem, counts[c])).toBe(<i32>Math.ceil(<f64>counts[c] * 16000.0 / <f64>RATES[k]) + 2);
      }
    }
  });
});

describe("resampler: builds", () => {
  it("the simd and mvp builds give the same bits: an FNV-1a hash of both paths' output for every rate matches one constant", () => {
    seed = 7; // the input does not depend on the tests before this one
    let hash: u32 = 2166136261;
    for (let k = 0; k < RATES.length; k++) {
      const x = noiseI16(RATES[k] / 10, 30000);
      const n = runI16(makeResampler(RATES[k], NUM_INT8), x);
      for (let i = 0; i < n; i++) hash = (hash ^ <u32><u16>outI16[i]) * 16777619;
      const m = runF32(makeResampler(RATES[k], NUM_F32), toF32(x));
      for (let i = 0; i < m; i++) hash = (hash ^ reinterpret<u32>(outF32[i])) * 16777619;
    }
    // The constant is whatever the filter design gives (change it with the design); what the test
    // checks is that both builds reach it.
    expect<u32>(hash).toBe(2984392938);
  });
});
