// Posteriors in, detection events out: moving-average smoothing, per-label thresholds, a
// refractory period, and background labels that never fire. Deterministic per step, so the same
// steps give the same events however the input was chunked. Used by KeywordSpotter (audio) and
// SensorStream (sensor vectors).
//
// The rule, per step k with smoothed scores s_k (mean of the last W posteriors, W = smoothing
// window in steps): among the labels that may fire and have s_k(L) ≥ threshold(L), the one with
// the highest s_k fires, unless an event (of any label) fired in the last `refractoryMs`. The event's
// endMs is the end of the input step k saw; startMs is the start of the oldest step in the
// smoothing window; score is s_k(L).

export interface DetectionEvent {
  label: string;
  score: number;
  startMs: number;
  endMs: number;
}

export interface DetectorOptions {
  /** one per model output */
  labels: string[];
  /** time between steps */
  hopMs: number;
  /** span of input one step sees (audio: the frame window; sensors: one sample period); default hopMs */
  windowMs?: number;
  /** moving-average window; default 0 (one step, no smoothing) */
  smoothingMs?: number;
  /** default threshold for every label; default 0.5 */
  threshold?: number;
  /** per-label thresholds, overriding `threshold` */
  thresholds?: Record<string, number>;
  /** quiet time after an event; default 1000 ms */
  refractoryMs?: number;
  /** labels that never fire; default: names starting background, unknown, silence, noise, other or
   * negative (any case, leading underscores allowed: "_background_noise_", "_unknown_") */
  background?: string[];
}

const DEFAULT_BACKGROUND = /^[_\s]*(background|unknown|silence|noise|other|negative)([_\s-].*)?$/i;

/** Whether the detector treats `label` as background (never fires): listed in `background` when
 * that is given, else named like one (see DetectorOptions.background). */
export function isBackgroundLabel(label: string, background?: string[]): boolean {
  return background ? background.includes(label) : DEFAULT_BACKGROUND.test(label);
}

export class Detector {
  readonly labels: string[];
  readonly windowSteps: number;
  private readonly thresholds: Float64Array;
  private readonly fires: boolean[];
  private readonly hopMs: number;
  private readonly spanMs: number;
  private readonly refractoryMs: number;
  private readonly history: Float64Array; // [windowSteps, K] ring of posteriors
  private readonly smoothed: Float64Array;
  private count = 0;
  private lastFireMs = -Infinity;

  constructor(o: DetectorOptions) {
    const K = o.labels.length;
    if (K === 0) throw new Error("the detector needs at least one label");
    if (!(o.hopMs > 0)) throw new Error(`hopMs must be > 0, not ${o.hopMs}`);
    this.labels = o.labels;
    this.hopMs = o.hopMs;
    this.windowSteps = Math.max(1, Math.round((o.smoothingMs ?? 0) / o.hopMs));
    this.spanMs = (o.windowMs ?? o.hopMs) + (this.windowSteps - 1) * o.hopMs;
    this.refractoryMs = o.refractoryMs ?? 1000;
    this.fires = o.labels.map((l) => !isBackgroundLabel(l, o.background));
    for (const l of Object.keys(o.thresholds ?? {})) {
      if (!o.labels.includes(l)) throw new Error(`threshold for "${l}", which is not one of the model's labels (${o.labels.join(", ")})`);
    }
    this.thresholds = Float64Array.from(o.labels, (l) => o.thresholds?.[l] ?? o.threshold ?? 0.5);
    for (const t of this.thresholds) if (!(t >= 0 && t <= 1)) throw new Error(`thresholds must lie in [0, 1], not ${t}`);
    this.history = new Float64Array(this.windowSteps * K);
    this.smoothed = new Float64Array(K);
  }

  /** The smoothed scores after the last step (one per label). */
  get scores(): Float64Array { return this.smoothed; }

  /** One step's posteriors, whose input ended at `endMs`; returns the event it fires, if any. */
  push(posteriors: ArrayLike<number>, endMs: number): DetectionEvent | null {
    const K = this.labels.length, W = this.windowSteps;
    if (posteriors.length !== K) throw new RangeError(`${posteriors.length} posteriors for ${K} labels`);
    const slot = (this.count % W) * K;
    for (let i = 0; i < K; i++) this.history[slot + i] = posteriors[i];
    this.count++;
    const n = Math.min(this.count, W);
    // recomputed each step (W·K adds): no running sum to drift over a long stream
    let best = -1;
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let w = 0; w < n; w++) s += this.history[w * K + i];
      this.smoothed[i] = s / W; // before W steps the missing ones count as 0: no early firing
      if (this.fires[i] && this.smoothed[i] >= this.thresholds[i] && (best < 0 || this.smoothed[i] > this.smoothed[best])) best = i;
    }
    if (best < 0) return null;
    if (endMs - this.lastFireMs < this.refractoryMs) return null;
    this.lastFireMs = endMs;
    return { label: this.labels[best], score: this.smoothed[best], startMs: Math.max(0, endMs - this.spanMs), endMs };
  }

  reset(): void {
    this.history.fill(0);
    this.smoothed.fill(0);
    this.count = 0;
    this.lastFireMs = -Infinity;
  }
}
