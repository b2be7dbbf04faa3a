// The detector in float64: the yardstick of the module's (assembly/detector.ts), and what the
// evaluation runs to sweep thresholds over stored posteriors without running the model again.
// Same settings (host/runtime/detector.ts detectorSettings), same rule; test/host/eval holds the
// two to the same events.

import { detectorSettings, type DetectionEvent, type DetectorOptions, type DetectorSettings } from "../runtime/core.js";

export class Detector {
  readonly labels: string[];
  readonly windowSteps: number;
  private readonly s: DetectorSettings;
  private readonly history: Float64Array; // [windowSteps, K] ring of posteriors
  private readonly smoothed: Float64Array;
  private count = 0;
  private lastFire = -1;

  constructor(o: DetectorOptions) {
    this.s = detectorSettings(o);
    this.labels = o.labels;
    this.windowSteps = this.s.windowSteps;
    this.history = new Float64Array(this.windowSteps * o.labels.length);
    this.smoothed = new Float64Array(o.labels.length);
  }

  /** The smoothed scores after the last step (one per label). */
  get scores(): Float64Array { return this.smoothed; }

  /** One step's posteriors, whose input ended at `endMs`; returns the event it fires, if any. */
  push(posteriors: ArrayLike<number>, endMs: number): DetectionEvent | null {
    const K = this.labels.length, W = this.windowSteps, s = this.s;
    if (posteriors.length !== K) throw new RangeError(`${posteriors.length} posteriors for ${K} labels`);
    const step = this.count++;
    const slot = (step % W) * K;
    for (let i = 0; i < K; i++) this.history[slot + i] = posteriors[i];
    const n = Math.min(this.count, W);
    let best = -1;
    for (let i = 0; i < K; i++) {
      let sum = 0;
      for (let w = 0; w < n; w++) sum += this.history[w * K + i];
      this.smoothed[i] = sum / W; // before W steps the missing ones count as 0: no early firing
      if (s.fires[i] && this.smoothed[i] >= s.thresholds[i] && (best < 0 || this.smoothed[i] > this.smoothed[best])) best = i;
    }
    if (best < 0 || (this.lastFire >= 0 && step - this.lastFire < s.refractorySteps)) return null;
    this.lastFire = step;
    return { label: this.labels[best], score: this.smoothed[best], startMs: Math.max(0, endMs - s.spanMs), endMs };
  }

  reset(): void {
    this.history.fill(0);
    this.smoothed.fill(0);
    this.count = 0;
    this.lastFire = -1;
  }
}
