// Sensor streams: float vectors at a fixed rate in, per-step scores and detection events out.
// The model's metadata says how it was trained:
//   sampleRateHz            steps per second (times of events are step counts / rate)
//   labels                  one per output; a single-output model is a score (e.g. anomaly)
//   normalise?: { mean, std }  per feature, applied before the model: (x − mean) / std — so that
//                              one int16 input scale suits features of very different ranges
//   detector?: DetectorOptions defaults (smoothingMs, threshold(s), refractoryMs, background)

import { Detector, type DetectionEvent, type DetectorOptions } from "./detector.js";
import type { Model, Stream } from "./runtime.js";

export type SensorOptions = Partial<Omit<DetectorOptions, "labels" | "hopMs" | "windowMs">>;

export class SensorStream {
  readonly model: Model;
  readonly sampleRateHz: number;
  readonly labels: string[];
  readonly detector: Detector;
  private readonly stream: Stream;
  private readonly mean?: Float64Array;
  private readonly invStd?: Float64Array;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private steps = 0;

  constructor(model: Model, options: SensorOptions = {}) {
    const meta = model.metadata as { sampleRateHz?: number; labels?: string[]; normalise?: { mean: number[]; std: number[] }; detector?: SensorOptions };
    const F = model.inputLen;
    if (!(typeof meta.sampleRateHz === "number" && meta.sampleRateHz > 0)) throw new Error("the model's metadata has no sampleRateHz: it is not a sensor-stream model");
    this.model = model;
    this.sampleRateHz = meta.sampleRateHz;
    this.labels = meta.labels ?? (model.outputLen === 1 ? ["score"] : Array.from({ length: model.outputLen }, (_, i) => `class${i}`));
    if (this.labels.length !== model.outputLen) throw new Error(`the model has ${model.outputLen} outputs but ${this.labels.length} labels`);
    if (meta.normalise) {
      const { mean, std } = meta.normalise;
      if (mean?.length !== F || std?.length !== F || std.some((s) => !(s > 0))) throw new Error(`the model's normalise entry needs ${F} means and ${F} positive standard deviations`);
      this.mean = Float64Array.from(mean);
      this.invStd = Float64Array.from(std, (s) => 1 / s);
    }
    const hopMs = 1000 / this.sampleRateHz;
    this.detector = new Detector({ ...(meta.detector ?? {}), ...options, labels: this.labels, hopMs, windowMs: hopMs });
    this.stream = model.openStream();
    this.x = new Float32Array(F);
    this.y = new Float32Array(model.outputLen);
  }

  /**
   * Feed n steps, [n, inputLen] row-major. Per-step outputs go to `scores` ([n, outputLen]) when
   * given; returns the events these steps fired.
   */
  push(samples: ArrayLike<number>, scores?: Float32Array): DetectionEvent[] {
    const F = this.model.inputLen, O = this.model.outputLen;
    if (samples.length % F !== 0) throw new RangeError(`${samples.length} values is not a whole number of ${F}-feature steps`);
    const n = samples.length / F;
    if (scores && scores.length < n * O) throw new RangeError(`scores has room for ${scores.length / O} steps, not ${n}`);
    const events: DetectionEvent[] = [];
    for (let t = 0; t < n; t++) {
      for (let f = 0; f < F; f++) {
        const v = samples[t * F + f];
        this.x[f] = this.mean ? (v - this.mean[f]) * this.invStd![f] : v;
      }
      this.stream.step(this.x, this.y);
      if (scores) scores.set(this.y, t * O);
      this.steps++;
      const e = this.detector.push(this.y, (1000 * this.steps) / this.sampleRateHz);
      if (e) events.push(e);
    }
    return events;
  }

  /** Time of the input so far, in ms. */
  get elapsedMs(): number { return (1000 * this.steps) / this.sampleRateHz; }

  reset(): void {
    this.stream.reset();
    this.detector.reset();
    this.steps = 0;
  }

  dispose(): void { this.stream.dispose(); }
}
