// Integer activations over their whole int16 domain against f64, with the bounds stated in
// assembly/activations.ts.
import { sigmoidQ15, tanhQ15, sigmoidS16, tanhS16, activateRows, activationTablesInit } from "../../assembly/activations.ts";

activationTablesInit(); // the table, as the first model load makes it

describe("sigmoidQ15 (Q3.12 → Q0.15)", () => {
  it("is within 1.02 ulp of Q0.15 (3.1e-5) of the true sigmoid for every int16 input", () => {
    let worst: f64 = 0;
    for (let x = -32768; x <= 32767; x++) {
      const want = 1.0 / (1.0 + Math.exp(-<f64>x / 4096.0));
      const err = Math.abs(<f64>sigmoidQ15(x) / 32768.0 - want);
      if (err > worst) worst = err;
    }
    expect(worst * 32768.0).toBeLessThanOrEqual(1.02);
  });
  it("is monotone", () => {
    let bad = 0;
    for (let x = -32768; x < 32767; x++) if (sigmoidQ15(x + 1) < sigmoidQ15(x)) bad++;
    expect(bad).toBe(0);
  });
});

describe("tanhQ15 (Q3.12 → Q0.15)", () => {
  it("is within 1.48 ulp of Q0.15 (4.5e-5) of the true tanh for every int16 input", () => {
    let worst: f64 = 0;
    for (let x = -32768; x <= 32767; x++) {
      const want = Math.tanh(<f64>x / 4096.0);
      const err = Math.abs(<f64>tanhQ15(x) / 32768.0 - want);
      if (err > worst) worst = err;
    }
    expect(worst * 32768.0).toBeLessThanOrEqual(1.48);
  });
  it("is odd up to one ulp and monotone", () => {
    let bad = 0;
    for (let x = -32767; x < 32767; x++) {
      if (tanhQ15(x + 1) < tanhQ15(x)) bad++;
      const d = tanhQ15(x) + tanhQ15(-x);
      if (d > 1 || d < -1) bad++;
    }
    expect(bad).toBe(0);
  });
});

// activateRows: the GRU/LSTM/dense passes (four lanes at a time in the simd build, where its
// arithmetic is rewritten; one by one in mvp) against the scalar functions, over every int16.
const ROWS: usize = memory.data(65536 * 4 + 16, 16);

/** activateRows over x = −32768..32767 + offset (a count not a multiple of four: the tail too). */
function activateAll(tanh: bool, leftShift: i32): i32 {
  const n = 65535;
  for (let i = 0; i < n; i++) store<i32>(ROWS + (<usize>i << 2), i - 32768);
  store<i32>(ROWS + (<usize>n << 2), 0x5a5a5a5a); // past n: must stay as it is
  activateRows(ROWS, n, tanh, leftShift);
  let bad = load<i32>(ROWS + (<usize>n << 2)) != 0x5a5a5a5a ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const want = tanh ? tanhS16(i - 32768, leftShift) : sigmoidS16(i - 32768, leftShift);
    if (load<i32>(ROWS + (<usize>i << 2)) != want) bad++;
  }
  return bad;
}

describe("activateRows", () => {
  it("is sigmoidQ15 and tanhQ15 for every int16 input", () => {
    expect(activateAll(false, 0)).toBe(0);
    expect(activateAll(true, 0)).toBe(0);
  });
  it("is tanhS16 for every int16 input at every cell-state shift the LSTM takes (−15..14)", () => {
    let bad = 0;
    for (let s = -15; s <= 14; s++) bad += activateAll(true, s);
    expect(bad).toBe(0);
  });
  it("is sigmoidS16 for every int16 input at negative shifts", () => {
    let bad = 0;
    for (let s = -15; s < 0; s++) bad += activateAll(false, s);
    expect(bad).toBe(0);
  });
  it("saturates its input to int16 first", () => {
    store<i32>(ROWS, 1 << 20);
    store<i32>(ROWS, -(1 << 20), 4);
    activateRows(ROWS, 2, true, 0);
    expect(load<i32>(ROWS)).toBe(tanhQ15(32767));
    expect(load<i32>(ROWS, 4)).toBe(tanhQ15(-32768));
  });
});
