// Integer activations over their whole int16 domain against f64, with the bounds stated in
// assembly/activations.ts.
import { sigmoidQ15, tanhQ15 } from "../../assembly/activations.ts";

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
