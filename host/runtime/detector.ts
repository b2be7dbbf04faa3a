// How a model's outputs become events: the detector's settings. The detector itself runs in the
// module (assembly/detector.ts) so that every host gets the same events; host/eval/detector.ts is
// its float yardstick, which the evaluation uses to sweep thresholds over stored posteriors.
//
// The rule, per step k with smoothed scores s_k (mean of the last W posteriors, W = smoothing
// window in steps; before W steps the missing ones count as 0): among the labels that may fire and
// have s_k(L) ≥ threshold(L), the one with the highest s_k fires (the first on a tie), unless an
// event (of any label) fired fewer than refractoryMs ago. The event's endMs is the end of the input
// step k saw; startMs is the start of the oldest step in the smoothing window; score is s_k(L).

import { TinyrnnError, ERROR_CODES } from "./abi.js";
import * as C from "./constants.js";

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
  /** moving-average window; default 0 (one step, no smoothing); at most PIPE_MAX_SMOOTHING_STEPS steps */
  smoothingMs?: number;
  /** default threshold for every label; default 0.5 */
  threshold?: number;
  /** per-label thresholds, overriding `threshold` */
  thresholds?: Record<string, number>;
  /** quiet time after an event; default 1000 ms, at most an hour */
  refractoryMs?: number;
  /** labels that never fire; default: names starting background, unknown, silence, noise, other or
   * negative (any case, leading underscores allowed: "_background_noise_", "_unknown_") */
  background?: string[];
}

const DEFAULT_BACKGROUND = /^[_\s]*(background|unknown|silence|noise|other|negative)([_\s-].*)?$/i;
const MAX_REFRACTORY_MS = 3_600_000;

/** Whether the detector treats `label` as background (never fires): listed in `background` when
 * that is given, else named like one (see DetectorOptions.background). */
export function isBackgroundLabel(label: string, background?: string[]): boolean {
  return background ? background.includes(label) : DEFAULT_BACKGROUND.test(label);
}

/** The detector's settings in steps, checked: what the module and the yardstick both run. */
export interface DetectorSettings {
  labels: string[];
  hopMs: number;
  windowSteps: number;
  refractorySteps: number;
  /** ms from the start of the oldest step in the window to the end of the newest */
  spanMs: number;
  thresholds: Float64Array;
  fires: boolean[];
}

/** Check options and turn them into steps; throws a TinyrnnError (badArgument) naming the setting. */
export function detectorSettings(o: DetectorOptions): DetectorSettings {
  const bad = (why: string) => new TinyrnnError(ERROR_CODES.badArgument, 0, `detector: ${why}`);
  const K = o.labels.length;
  if (K === 0) throw bad("the detector needs at least one label");
  if (!(o.hopMs > 0) || !Number.isFinite(o.hopMs)) throw bad(`hopMs must be > 0, not ${o.hopMs}`);
  const smoothingMs = o.smoothingMs ?? 0, refractoryMs = o.refractoryMs ?? 1000;
  const maxSmoothingMs = C.PIPE_MAX_SMOOTHING_STEPS * o.hopMs;
  if (!(smoothingMs >= 0 && smoothingMs <= maxSmoothingMs)) throw bad(`smoothingMs ${smoothingMs} is outside 0..${maxSmoothingMs} (${C.PIPE_MAX_SMOOTHING_STEPS} steps of ${o.hopMs} ms)`);
  if (!(refractoryMs >= 0 && refractoryMs <= MAX_REFRACTORY_MS)) throw bad(`refractoryMs ${refractoryMs} is outside 0..${MAX_REFRACTORY_MS}`);
  for (const l of Object.keys(o.thresholds ?? {})) {
    if (!o.labels.includes(l)) throw bad(`threshold for "${l}", which is not one of the model's labels (${o.labels.join(", ")})`);
  }
  const thresholds = Float64Array.from(o.labels, (l) => o.thresholds?.[l] ?? o.threshold ?? 0.5);
  for (const t of thresholds) if (!(t >= 0 && t <= 1)) throw bad(`thresholds must lie in [0, 1], not ${t}`);
  const windowSteps = Math.max(1, Math.round(smoothingMs / o.hopMs));
  // the least d with d · hopMs ≥ refractoryMs: an event d steps after the last one may fire
  let refractorySteps = Math.max(0, Math.ceil(refractoryMs / o.hopMs) - 1);
  while (refractorySteps * o.hopMs < refractoryMs) refractorySteps++;
  return {
    labels: o.labels, hopMs: o.hopMs, windowSteps, refractorySteps,
    spanMs: (o.windowMs ?? o.hopMs) + (windowSteps - 1) * o.hopMs,
    thresholds, fires: o.labels.map((l) => !isBackgroundLabel(l, o.background)),
  };
}
