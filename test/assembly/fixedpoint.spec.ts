// Fixed-point primitives against exact arithmetic (f64 holds every product here exactly).
import { srdhm, rdbpot, requant, requant64Sat16, requantRows, sat16, mulSatQ15 } from "../../assembly/fixedpoint.ts";

/** round half away from zero */
function roundAway(x: f64): f64 {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

describe("rdbpot", () => {
  it("rounds x / 2^e half away from zero, for every int16 x and e in 0..15", () => {
    let bad = 0;
    for (let e = 0; e < 16; e++) {
      for (let x = -32768; x <= 32767; x++) {
        if (<f64>rdbpot(x, e) != roundAway(<f64>x / Math.pow(2, e))) bad++;
      }
    }
    expect(bad).toBe(0);
  });
});

describe("srdhm", () => {
  it("is floor(a·b / 2^31 + 1/2) (ties toward +∞, as gemmlowp) for every int16 a and sampled b", () => {
    const bs: i32[] = [1, 3, 1 << 30, 1073741823, 1518500250, 2147483647, -2147483647, -1073741824, 1234567, -7654321];
    let bad = 0;
    for (let k = 0; k < bs.length; k++) {
      const b = bs[k];
      for (let a = -32768; a <= 32767; a++) {
        // a·b is exact in f64 (|a·b| < 2^47)
        const want = Math.floor(<f64>a * <f64>b / 2147483648.0 + 0.5);
        if (<f64>srdhm(a << 16, b) != Math.floor(<f64>(a << 16) * <f64>b / 2147483648.0 + 0.5)) bad++;
        if (<f64>srdhm(a, b) != want) bad++;
      }
    }
    expect(bad).toBe(0);
  });
  it("saturates the single overflow case", () => {
    expect(srdhm(i32.MIN_VALUE, i32.MIN_VALUE)).toBe(i32.MAX_VALUE);
  });
});

describe("requant", () => {
  it("saturates instead of wrapping when a positive shift overflows", () => {
    expect(requant(1 << 30, 1 << 30, 4)).toBe(1073741824); // 2^30 · 2^4 saturates to 2^31 − 1, × 1/2
    expect(requant(-(1 << 30), 1 << 30, 4)).toBe(-1073741824);
  });
  it("is within 1 ulp of the exact x·m·2^(shift−31) for every int16 x over sampled (m, shift)", () => {
    const ms: i32[] = [1073741824, 1197688178, 1351257732, 1572134572, 2147483647, 1610612736];
    let worst: f64 = 0;
    for (let k = 0; k < ms.length; k++) {
      for (let shift = -20; shift <= 8; shift++) {
        for (let x = -32768; x <= 32767; x++) {
          const exact = <f64>x * <f64>ms[k] * Math.pow(2, <f64>(shift - 31));
          const err = Math.abs(<f64>requant(x, ms[k], shift) - exact);
          if (err > worst) worst = err;
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1.0);
  });
});

describe("requant64Sat16", () => {
  it("is floor(x·m16·2^(shift−15) + 1/2) clamped to int16, m16 the multiplier rounded to Q0.15", () => {
    const ms: i32[] = [1073741824, 1197688178, 1351257732, 1572134572, 2147483647, 2147450000];
    let bad = 0;
    for (let k = 0; k < ms.length; k++) {
      const m16 = ms[k] < 0x7fff0000 ? Math.floor(<f64>ms[k] / 65536.0 + 0.5) : 32767.0;
      for (let shift = -24; shift <= 7; shift++) {
        for (let e = 0; e <= 20; e += 4) {
          for (let x = -32768; x <= 32767; x += 3) {
            const wide = <i64>x << <i64>e; // |wide| < 2^36: the f64 product below is exact
            let want = Math.floor(<f64>wide * m16 * Math.pow(2, <f64>(shift - 15)) + 0.5);
            want = want < -32768 ? -32768 : want > 32767 ? 32767 : want;
            if (<f64>requant64Sat16(wide, ms[k], shift) != want) bad++;
          }
        }
      }
    }
    expect(bad).toBe(0);
  });
});

let lcg: u32 = 12345;
/** A small LCG for test data: values in [0, 2^23). */
function next(): i32 {
  lcg = lcg * 1664525 + 1013904223;
  return <i32>(lcg >> 9);
}

describe("requantRows", () => {
  it("is clamp32(floor(((a+ba)·ma + (b+bb)·mb) / 2^shift + 1/2)) on every row, tails included", () => {
    const n = 67; // 16 blocks of four and a tail of three
    const a = new StaticArray<i32>(n), ba = new StaticArray<i32>(n), ma = new StaticArray<i32>(n);
    const b = new StaticArray<i32>(n), bb = new StaticArray<i32>(n), mb = new StaticArray<i32>(n);
    const out = new StaticArray<i32>(n);
    let bad = 0;
    for (let round = 0; round < 400; round++) {
      const shift = 1 + round % 46;
      for (let i = 0; i < n; i++) {
        a[i] = next() - (1 << 22); ba[i] = (next() >> 4) - (1 << 18); ma[i] = next() << 7 >> (round % 8);
        b[i] = next() - (1 << 22); bb[i] = (next() >> 4) - (1 << 18); mb[i] = next() << 7 >> (round % 5);
      }
      const both = round % 3 != 0;
      requantRows(changetype<usize>(a), changetype<usize>(ba), changetype<usize>(ma),
        both ? changetype<usize>(b) : 0, changetype<usize>(bb), changetype<usize>(mb), n, shift, changetype<usize>(out));
      for (let i = 0; i < n; i++) {
        // |a+ba| < 2^23, m < 2^30: each product and their sum is exact in f64
        let v = <f64>(a[i] + ba[i]) * <f64>ma[i];
        if (both) v += <f64>(b[i] + bb[i]) * <f64>mb[i];
        let want = Math.floor(v / Math.pow(2, <f64>shift) + 0.5);
        want = want > 2147483647.0 ? 2147483647.0 : want < -2147483648.0 ? -2147483648.0 : want;
        if (<f64>out[i] != want) bad++;
      }
    }
    expect(bad).toBe(0);
  });
});

describe("saturating int16", () => {
  it("sat16 clamps every int32 in a wide sweep", () => {
    let bad = 0;
    for (let x = -100000; x <= 100000; x++) {
      const want = x < -32768 ? -32768 : x > 32767 ? 32767 : x;
      if (sat16(x) != want) bad++;
    }
    expect(bad).toBe(0);
  });
  it("mulSatQ15 is round(a·b/2^15) clamped, for every int16 a against sampled b", () => {
    const bs: i32[] = [-32768, -32767, -16384, -1, 0, 1, 12345, 16384, 32767];
    let bad = 0;
    for (let k = 0; k < bs.length; k++) {
      for (let a = -32768; a <= 32767; a++) {
        let want = Math.floor(<f64>(a * bs[k]) / 32768.0 + 0.5);
        want = want > 32767 ? 32767 : want;
        if (<f64>mulSatQ15(a, bs[k]) != want) bad++;
      }
    }
    expect(bad).toBe(0);
  });
});
