// The frontend's FFT (assembly/fft.ts) against a naive float64 DFT: the complex FFT (int and f32
// twins, every size the kernel takes), the real-FFT split step, the twiddles and cosTurns.
// Runs on both builds, so the simd build's i64x2 butterflies are checked against the DFT too.
// Bounds are measured with a little margin; the int twin's errors are in units of its own LSB.

import { TW_BYTES, TW_COUNT, TW_N, cosTurns, fftTwiddles, fftI32, fftF32, powerBinI32 } from "../../assembly/fft.ts";

let seed: u32 = 2024;
function rand(): f64 { // LCG, uniform in [0, 1)
  seed = seed * 1664525 + 1013904223;
  return <f64>(seed >>> 8) / 16777216.0;
}

const tw = new StaticArray<u8>(TW_BYTES), twF = new StaticArray<u8>(TW_BYTES);
const twp = changetype<usize>(tw), twfp = changetype<usize>(twF);
fftTwiddles(twp);
for (let n = 0; n < TW_COUNT * 2; n++) store<f32>(twfp + (<usize>n << 2), <f32>(<f64>load<i32>(twp + (<usize>n << 2)) / 1073741824.0));

/** Naive DFT of m complex points at z (i32 or f32 pairs) into re/im. */
function dft(z: usize, m: i32, isInt: bool, re: StaticArray<f64>, im: StaticArray<f64>): void {
  for (let k = 0; k < m; k++) {
    let sr: f64 = 0, si: f64 = 0;
    for (let n = 0; n < m; n++) {
      const p = z + (<usize>n << 3);
      const xr: f64 = isInt ? <f64>load<i32>(p) : <f64>load<f32>(p);
      const xi: f64 = isInt ? <f64>load<i32>(p, 4) : <f64>load<f32>(p, 4);
      const a = -2.0 * Math.PI * <f64>((k * n) % m) / <f64>m;
      const c = Math.cos(a), s = Math.sin(a);
      sr += xr * c - xi * s;
      si += xr * s + xi * c;
    }
    re[k] = sr;
    im[k] = si;
  }
}

describe("cosTurns", () => {
  // the f64 reference rounds its own argument 2π·num/den (|arg| ≤ 4π: up to 9e-16), hence 3e-15
  it("is cos(2π·num/den) within 3e-15 of Math.cos over two turns each way", () => {
    let worst: f64 = 0;
    for (let den = 1; den <= 1024; den = den * 3 + 1) {
      for (let num = -2 * den; num <= 2 * den; num++) {
        const err = Math.abs(cosTurns(num, den) - Math.cos(2.0 * Math.PI * <f64>num / <f64>den));
        if (err > worst) worst = err;
      }
    }
    expect(worst).toBeLessThanOrEqual(3e-15);
  });
});

describe("fftTwiddles", () => {
  it("holds W^k = (cos, −sin)(2πk/512) in Q30, exact at the quarter turns", () => {
    let worst: f64 = 0;
    for (let k = 0; k < TW_COUNT; k++) {
      const p = twp + (<usize>k << 3);
      const a = 2.0 * Math.PI * <f64>k / <f64>TW_N;
      worst = Math.max(worst, Math.abs(<f64>load<i32>(p) - Math.cos(a) * 1073741824.0));
      worst = Math.max(worst, Math.abs(<f64>load<i32>(p, 4) + Math.sin(a) * 1073741824.0));
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(load<i32>(twp + (128 << 3), 4)).toBe(-1073741824); // W^128 = −i
    expect(load<i32>(twp + (256 << 3))).toBe(-1073741824); // W^256 = −1
  });
});

describe("fftI32", () => {
  // one rounding per product, eight stages: measured 8.7 LSB (outputs reach 2^29)
  it("is the DFT within 12 LSB for m = 2..256 on random 21-bit data (Σ|z| < 2^30)", () => {
    const z = new StaticArray<i32>(512), re = new StaticArray<f64>(256), im = new StaticArray<f64>(256);
    const zp = changetype<usize>(z);
    let worst: f64 = 0;
    for (let m = 2; m <= 256; m <<= 1) {
      for (let trial = 0; trial < 4; trial++) {
        for (let i = 0; i < 2 * m; i++) z[i] = <i32>((rand() * 2.0 - 1.0) * 2097151.0);
        dft(zp, m, true, re, im);
        fftI32(zp, m, twp);
        for (let k = 0; k < m; k++) {
          worst = Math.max(worst, Math.abs(<f64>z[2 * k] - re[k]));
          worst = Math.max(worst, Math.abs(<f64>z[2 * k + 1] - im[k]));
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(12.0);
  });
  it("does not overflow at the bound: a full-scale constant and a full-scale alternating signal", () => {
    const z = new StaticArray<i32>(512);
    const zp = changetype<usize>(z);
    for (let i = 0; i < 512; i++) z[i] = 2097151; // Σ|z| = 512·(2^21 − 1) < 2^30
    fftI32(zp, 256, twp);
    expect(z[0]).toBe(256 * 2097151);
    expect(z[1]).toBe(256 * 2097151);
    for (let i = 0; i < 512; i++) z[i] = (i >> 1) & 1 ? -2097151 : 2097151;
    fftI32(zp, 256, twp);
    expect(z[256]).toBe(256 * 2097151); // all the energy at k = m/2
    expect(z[0]).toBe(0);
  });
});

describe("fftF32", () => {
  // f32 rounding through eight stages: measured 1.4e-7
  it("is the DFT within 5e-7 of the largest output, m = 2..256", () => {
    const z = new StaticArray<f32>(512), re = new StaticArray<f64>(256), im = new StaticArray<f64>(256);
    const zp = changetype<usize>(z);
    let worst: f64 = 0;
    for (let m = 2; m <= 256; m <<= 1) {
      for (let i = 0; i < 2 * m; i++) z[i] = <f32>(rand() * 2.0 - 1.0);
      dft(zp, m, false, re, im);
      fftF32(zp, m, twfp);
      let top: f64 = 0;
      for (let k = 0; k < m; k++) top = Math.max(top, Math.sqrt(re[k] * re[k] + im[k] * im[k]));
      for (let k = 0; k < m; k++) {
        worst = Math.max(worst, Math.abs(<f64>z[2 * k] - re[k]) / top);
        worst = Math.max(worst, Math.abs(<f64>z[2 * k + 1] - im[k]) / top);
      }
    }
    expect(worst).toBeLessThanOrEqual(5e-7);
  });
});

describe("powerBinI32 (the real-FFT split step)", () => {
  // |X| from √(256·P) against the float64 real DFT, in LSB of X: the FFT's rounding plus the
  // split step's one rounding; measured 7.2
  it("gives |X[k]|²/2^8 of the 512-point real DFT, |X| within 12 LSB, k = 0..256", () => {
    const z = new StaticArray<i32>(512), x = new StaticArray<f64>(512);
    const zp = changetype<usize>(z);
    let worst: f64 = 0;
    for (let trial = 0; trial < 3; trial++) {
      for (let n = 0; n < 512; n++) {
        const v = n < 480 ? <i32>((rand() * 2.0 - 1.0) * 2097151.0) : 0;
        z[n] = v;
        x[n] = <f64>v;
      }
      fftI32(zp, 256, twp);
      for (let k = 0; k <= 256; k++) {
        let sr: f64 = 0, si: f64 = 0;
        for (let n = 0; n < 512; n++) {
          const a = -2.0 * Math.PI * <f64>((k * n) % 512) / 512.0;
          sr += x[n] * Math.cos(a);
          si += x[n] * Math.sin(a);
        }
        const err = Math.abs(Math.sqrt(<f64>powerBinI32(zp, twp, k) * 256.0) - Math.sqrt(sr * sr + si * si));
        if (err > worst) worst = err;
      }
    }
    expect(worst).toBeLessThanOrEqual(12.0);
  });
});
