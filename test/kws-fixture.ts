// A keyword spotter built by hand for the tests: it hears 1 kHz beeps. Its GRU unit integrates
// (z = 0.8, a ~5-frame time constant) tanh(0.3·(d − 6)), d = f₁₂ − mean(f₉, f₁₀, f₁₄, f₁₅): how
// much mel channel 12 (where 1 kHz falls with the default 40 channels, 125–7500 Hz) stands above
// its neighbours two channels away; a softmax head turns ±h into "background" / "beep". Measured
// with the default frontend: during a beep d stays ≥ 10; in noise it averages ~0, and a broadband
// burst (the noise estimate adapting at the start of a stream) lifts all five channels alike.
import { buildModel, frontendSettings, FEATURE_SCALE, type LayerSpec } from "./tinyrnn.js";

export const BEEP_LABELS = ["background", "beep"];

export function beepSpecs(): LayerSpec[] {
  const C = 40, a = 0.3, theta = 6;
  const row = (f: (c: number) => number) => Float32Array.from({ length: C }, (_, c) => f(c));
  const zero = new Float32Array(C);
  const weightIh = new Float32Array(3 * C);
  weightIh.set(zero, 0); // r
  weightIh.set(zero, C); // z
  weightIh.set(row((c) => a * (c === 12 ? 1 : c === 9 || c === 10 || c === 14 || c === 15 ? -0.25 : 0)), 2 * C); // n
  return [
    { kind: "gru", inputLen: C, hiddenLen: 1, weightIh, weightHh: new Float32Array(3),
      biasIh: Float32Array.from([5, Math.log(0.8 / 0.2), -a * theta]), biasHh: new Float32Array(3) },
    { kind: "dense", inputLen: 1, outputLen: 2, weight: Float32Array.from([-4, 4]), bias: new Float32Array(2), activation: "softmax" },
  ];
}


export const BEEP_METADATA = {
  name: "beep-test",
  labels: BEEP_LABELS,
  frontend: frontendSettings(),
  detector: { smoothingMs: 100, threshold: 0.8, refractoryMs: 1000 },
};

/** The beep spotter as a .tinyrnn file; int8 takes the frontend's feature scale as its input scale. */
export function beepModel(numType: "int8" | "f32", calibration: Float32Array[]): Uint8Array {
  return buildModel(beepSpecs(), { numType, calibration, inputScale: numType === "int8" ? FEATURE_SCALE : undefined, metadata: BEEP_METADATA });
}

/** Seeded noise, mono, [-amp, amp]. */
export function noise(n: number, amp: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 2 * amp);
}

/** Noise at `rate` with 0.5 s 1 kHz beeps starting at `beepsSec`, `seconds` long. */
export function beepTrack(rate: number, seconds: number, beepsSec: number[], amp = 0.3): Float32Array {
  const x = noise(Math.round(rate * seconds), 0.02, 7);
  for (const t0 of beepsSec) {
    const i0 = Math.round(t0 * rate);
    for (let i = 0; i < Math.round(0.5 * rate) && i0 + i < x.length; i++) x[i0 + i] += amp * Math.sin((2 * Math.PI * 1000 * i) / rate);
  }
  return x;
}
