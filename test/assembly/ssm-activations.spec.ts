// Integer primitives of the selective SSM against float64: SiLU and softplus over every int16
// input, the decay exp (dense sampling of its int32 domain), the integer square root, integer
// RMSNorm, and the causal depthwise conv1d step.
// Bounds are the ones documented beside each function (assembly/activations.ts, rmsnorm.ts).

import { siluS16, softplusQ27, expNegTableQ31, expNegTableQ31x4, activationTablesInit } from "../../assembly/activations.ts";
import { isqrtU64, rmsNormI16 } from "../../assembly/rmsnorm.ts";
import { convStepI16 } from "../../assembly/conv1d.ts";

function siluF64(x: f64): f64 { return x / (1.0 + Math.exp(-x)); }
function softplusF64(x: f64): f64 { return Math.log1p(Math.exp(x)); }

/** TFLite QuantizeMultiplier in f64 (test-side only): real = m · 2^(s − 31), m ∈ [2^30, 2^31). */
function quantMult(real: f64): i64 {
  let s = <i32>Math.floor(Math.log2(real)) + 1;
  let m = Math.round(real * Math.pow(2.0, <f64>(31 - s)));
  if (m >= 2147483648.0) { m /= 2.0; s++; }
  return (<i64>m << 32) | <i64>(<u32>s);
}

let seed: u32 = 12345;
function rand(): f64 { // LCG, uniform in [0, 1)
  seed = seed * 1664525 + 1013904223;
  return <f64>(seed >>> 8) / 16777216.0;
}

activationTablesInit(); // as the first model load does

describe("siluS16", () => {
  it("is within 0.5 ulp + 4.7e-5 of x·σ(x) for every int16 input, fracBits 5..15", () => {
    let worst: f64 = 0;
    for (let f = 5; f <= 15; f++) {
      const ulp = Math.pow(2.0, <f64>-f);
      for (let x = -32768; x <= 32767; x++) {
        const err = Math.abs(<f64>siluS16(x, f) * ulp - siluF64(<f64>x * ulp)) - 0.5 * ulp;
        if (err > worst) worst = err;
      }
    }
    log<f64>(worst);
    expect<f64>(worst).toBeLessThanOrEqual(4.7e-5);
  });
  it("gives silu(0) = 0 and stays within [−0.2785, |x|]", () => {
    let bad = 0;
    for (let f = 5; f <= 15; f++) {
      expect<i32>(siluS16(0, f)).toBe(0);
      const low = -(<i32>(0.2785 * Math.pow(2.0, <f64>f)) + 1);
      for (let x = -32768; x <= 32767; x++) {
        const y = siluS16(x, f);
        if (y > (x < 0 ? -x : x) || y < low) bad++;
      }
    }
    expect<i32>(bad).toBe(0);
  });
});

describe("softplusQ27", () => {
  it("is within 6.2e-5·softplus(x) + 3.9e-9 of log(1 + e^x) for every Q4.11 input above −16", () => {
    let worst: f64 = 0;
    for (let x = -32767; x <= 32767; x++) {
      const want = softplusF64(<f64>x / 2048.0);
      const err = Math.abs(<f64>softplusQ27(x) / 134217728.0 - want) - 6.2e-5 * want;
      if (err > worst) worst = err;
    }
    log<f64>(worst);
    expect<f64>(worst).toBeLessThanOrEqual(3.9e-9);
  });
  it("is 0 at −16 (true value 1.1e-7) and keeps softplus(x) − softplus(−x) = x", () => {
    expect<i32>(softplusQ27(-32768)).toBe(0);
    let bad = 0;
    for (let x = 1; x <= 32767; x++) if (softplusQ27(x) - softplusQ27(-x) != x << 16) bad++;
    expect<i32>(bad).toBe(0);
  });
});

/** r = isqrtU64(v) satisfies r² ≤ v < (r + 1)² ((r + 1)² = 2^64 when r = 2^32 − 1). */
function isFloorSqrt(v: u64): bool {
  const r = isqrtU64(v);
  return r <= 0xffffffff && r * r <= v && (r == 0xffffffff || (r + 1) * (r + 1) > v);
}

describe("expNegTableQ31x4 (simd build)", () => {
  it("is expNegTableQ31 lane for lane, for every 31st m below 2^31 (the state loop's domain)", () => {
    let bad = 0;
    if (ASC_FEATURE_SIMD) {
      for (let m: u32 = 0; m <= 0x7fffffff - 93; m += 124) {
        const r = expNegTableQ31x4(i32x4(<i32>m, <i32>(m + 31), <i32>(m + 62), <i32>(m + 93)));
        if (i32x4.extract_lane(r, 0) != expNegTableQ31(-<i32>m)) bad++;
        if (i32x4.extract_lane(r, 1) != expNegTableQ31(-<i32>(m + 31))) bad++;
        if (i32x4.extract_lane(r, 2) != expNegTableQ31(-<i32>(m + 62))) bad++;
        if (i32x4.extract_lane(r, 3) != expNegTableQ31(-<i32>(m + 93))) bad++;
      }
      const r = expNegTableQ31x4(i32x4(0x7fffffff, 0x7ffffffe, 1, 0));
      if (i32x4.extract_lane(r, 0) != expNegTableQ31(-0x7fffffff)) bad++;
      if (i32x4.extract_lane(r, 1) != expNegTableQ31(-0x7ffffffe)) bad++;
      if (i32x4.extract_lane(r, 2) != expNegTableQ31(-1)) bad++;
      if (i32x4.extract_lane(r, 3) != expNegTableQ31(0)) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe("expNegTableQ31", () => {
  it("is within 1.1e-8 of e^a for every a < 2^22 ulps (Q5.26) and every 509th one to −32", () => {
    let worst: f64 = 0;
    for (let m: i64 = 0; m <= 2147483648; m += m < (1 << 22) ? 1 : 509) {
      const got = <f64>expNegTableQ31(<i32>(-m)) / 2147483648.0;
      const err = Math.abs(got - Math.exp(-<f64>m / 67108864.0));
      if (err > worst) worst = err;
    }
    log<f64>(worst);
    expect<f64>(worst).toBeLessThanOrEqual(1.1e-8);
    expect<i32>(expNegTableQ31(0)).toBe(i32.MAX_VALUE);
    expect<i32>(expNegTableQ31(i32.MIN_VALUE)).toBe(0);
  });
  it("keeps 1 − e^a to 1e-5 relative for small arguments (the decay close to 1)", () => {
    let worst: f64 = 0;
    for (let m = 6711; m < (1 << 20); m++) { // a from 1e-4 to 1/64
      const want = -Math.expm1(-<f64>m / 67108864.0);
      const got = 1.0 - <f64>expNegTableQ31(-m) / 2147483648.0;
      const rel = Math.abs(got - want) / want;
      if (rel > worst) worst = rel;
    }
    log<f64>(worst);
    expect<f64>(worst).toBeLessThanOrEqual(1e-5);
  });
});

describe("isqrtU64", () => {
  it("is floor(sqrt(v)) exactly", () => {
    let bad = 0;
    for (let v: u64 = 0; v < (1 << 20); v++) if (!isFloorSqrt(v)) bad++;
    for (let k: u64 = 0; k < 64; k++) {
      if (!isFloorSqrt((<u64>1 << k) - 1) || !isFloorSqrt(<u64>1 << k) || !isFloorSqrt((<u64>1 << k) + 1)) bad++;
    }
    if (!isFloorSqrt(0xffffffffffffffff)) bad++;
    for (let i = 0; i < 100000; i++) {
      if (!isFloorSqrt((<u64>(rand() * 4294967296.0) << 32) | <u64>(rand() * 4294967296.0))) bad++;
    }
    expect<i32>(bad).toBe(0);
  });
});

describe("rmsNormI16", () => {
  it("is within 0.51 ulp of x·K/sqrt(Σx² + epsQ) on random vectors", () => {
    const x = new StaticArray<i16>(256);
    const out = new StaticArray<i16>(256);
    const xp = changetype<usize>(x), op = changetype<usize>(out);
    let worst: f64 = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const len = 1 + <i32>(rand() * 255.0);
      const amp = Math.pow(2.0, rand() * 15.0); // vectors from tiny to full scale
      let s: f64 = 0;
      for (let i = 0; i < len; i++) {
        const v = <i32>Math.round((rand() * 2.0 - 1.0) * amp);
        x[i] = <i16>(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
        s += <f64>x[i] * <f64>x[i];
      }
      const epsQ = trial % 3 == 0 ? <i64>0 : <i64>(rand() * s + 1.0);
      s += <f64>epsQ;
      if (s == 0) continue;
      // output scale: max |n| → ~30000, n = x/rms
      const sN = Math.sqrt(<f64>len) / 30000.0;
      const q = quantMult(Math.sqrt(<f64>len) / sN);
      const mult = <i32>(q >> 32), shift = <i32>(q & 0xffffffff);
      const k = <f64>mult * Math.pow(2.0, <f64>(shift - 31)); // the K the kernel is given
      rmsNormI16(xp, len, epsQ, mult, shift, op);
      for (let i = 0; i < len; i++) {
        const want = <f64>x[i] * k / Math.sqrt(s);
        if (Math.abs(want) < 32767) {
          const err = Math.abs(<f64>out[i] - want);
          if (err > worst) worst = err;
        }
      }
    }
    log<f64>(worst);
    expect<f64>(worst).toBeLessThanOrEqual(0.51);
  });
  it("gives zeros for a zero vector without eps", () => {
    const x = new StaticArray<i16>(16);
    const out = new StaticArray<i16>(16);
    out[3] = 7;
    rmsNormI16(changetype<usize>(x), 16, 0, 1 << 30, 10, changetype<usize>(out));
    for (let i = 0; i < 16; i++) expect<i16>(out[i]).toBe(0);
  });
});

describe("convStepI16", () => {
  it("matches a direct causal depthwise convolution over a sequence, with its rolling state", () => {
    const C = 5;
    let bad = 0;
    for (let K = 1; K <= 5; K++) {
      const w = new StaticArray<i8>(C * K);
      const bias = new StaticArray<i32>(C);
      const state = new StaticArray<i16>(C * 8);
      const out = new StaticArray<i32>(C);
      const xs = new StaticArray<i16>(C * 40); // 40 steps
      for (let i = 0; i < C * K; i++) w[i] = <i8>(<i32>(rand() * 255.0) - 127);
      for (let c = 0; c < C; c++) bias[c] = <i32>(rand() * 2000000.0) - 1000000;
      for (let i = 0; i < C * 40; i++) xs[i] = <i16>(<i32>(rand() * 65535.0) - 32768);
      for (let t = 0; t < 40; t++) {
        convStepI16(changetype<usize>(xs) + <usize>(t * C * 2), C, K, changetype<usize>(w), changetype<usize>(bias),
          changetype<usize>(state), changetype<usize>(out));
        for (let c = 0; c < C; c++) {
          let want: i64 = <i64>bias[c];
          for (let k = 0; k < K; k++) {
            const tt = t - (K - 1) + k; // tap k sees x[t − (K−1) + k]; before the start: 0
            if (tt >= 0) want += <i64>w[c * K + k] * <i64>xs[tt * C + c];
          }
          if (<i64>out[c] != want) bad++;
        }
      }
    }
    expect<i32>(bad).toBe(0);
  });
});
