// Measuring a model on a test set: what `tinyrnn eval` prints and models/*/card.json figures are
// checked against. Pure functions over a loaded Model and test-set data already in memory (no
// file I/O, no Node built-ins: host/cli/eval-files.ts reads a test-set directory for the CLI and tests).
//
// A test-set directory holds testset.json:
//
//   {
//     "kind": "keywords" | "steps",
//     "description": "free text",
//     "toleranceSteps": 50,                       // keywords only, optional (default 50 = 0.5 s at 10 ms)
//     "streams": [
//       { "name": "clips-1",
//         "features": "clips-1.npy.gz",           // a file in the directory, .npy or gzipped .npy.gz
//         "events": [ { "label": "hey_jarvis", "start": 123, "end": 180 } ],   // keywords
//         "labels": "clips-1.labels.npy" }        // steps
//     ]
//   }
//
// kind "keywords": features are int16 [T, C], the audio frontend's int16 output (real value =
// v · FEATURE_SCALE), C = the model's inputLen. Each stream starts from a fresh model stream; an int8
// model steps on the int16 frames directly (stepInt16: bit for bit what KeywordSpotter does, whose
// frontend writes the same frame into the stream's input), an f32 model on v · FEATURE_SCALE. The
// posteriors go to a Detector with the model's metadata defaults (labels, detector, frontend hop and
// window); they are kept, so a threshold sweep re-runs only the detector. `events` are the truth:
// intervals in steps (frames), end exclusive, labelled with one of the model's labels or with a
// background label ("unknown", "silence", … — anything the detector never fires).
//
// Scoring. An event fired at step k matches truth interval i when start_i ≤ k < end_i +
// toleranceSteps (the detector fires after the word); when several match, one with k inside
// [start, end) is preferred, then the latest-starting. An interval's prediction is the label of the
// first event matched to it, or "none"; it is correct when it equals the truth label, or is "none" for
// a background interval. Events matched to no interval, or with a label other than their interval's
// truth label, are false accepts: a wrong keyword inside a keyword interval counts both as a miss of
// that interval and as a false accept. A repeat of the right label inside an interval already
// predicted is a duplicate, not a false accept. Accuracy is over all intervals; FRR per keyword
// label = 100 − its recall; false accepts per hour use hours = total steps of all streams · hopMs /
// 3.6e6 (all the audio, keyword intervals included).
//
// kind "steps" (sensor models): features are float32 [T, F] raw sensor values, fed through
// SensorStream (which applies the metadata's normalisation); `labels` is an int8/int16/int32 .npy of
// T class indices, −1 = not scored. A classifier is scored per step (argmax of the outputs against
// the label): accuracy and per-class recall. A single-output model is a score (anomaly): labels 0 =
// normal, 1 = anomalous; reported are the ROC AUC of the per-step score and the recall and
// false-positive rate of `score ≥ threshold` at the metadata's detector threshold.

// the runtime's public names only: the eval bundle imports them from ./core.js at run time
import { isBackgroundLabel, FEATURE_SCALE, frontendSettings, SensorStream, type DetectorOptions, type FrontendSettings, type Model } from "../runtime/core.js";
import { Detector } from "./detector.js";

export type TestSetKind = "keywords" | "steps";

/** One truth interval of a keyword stream, in steps, end exclusive. */
export interface TruthInterval { label: string; start: number; end: number }

/** testset.json, checked: file names still unread. */
export interface TestSetSpec {
  kind: TestSetKind;
  description: string;
  toleranceSteps: number;
  streams: { name: string; features: string; events?: TruthInterval[]; labels?: string }[];
}

/** One stream of a test set in memory: features [steps, cols] row-major. */
export interface TestStream {
  name: string;
  features: Int16Array | Float32Array;
  steps: number;
  cols: number;
  /** keywords: truth intervals */
  events?: TruthInterval[];
  /** steps: one class index per step, −1 = not scored */
  labels?: ArrayLike<number>;
}

export interface TestSet {
  kind: TestSetKind;
  description?: string;
  /** keywords: how many steps after an interval's end an event still counts for it; default 50 */
  toleranceSteps?: number;
  streams: TestStream[];
}

export const DEFAULT_TOLERANCE_STEPS = 50;

/** Progress: `done` of `total` steps computed. */
export type EvalProgress = (done: number, total: number) => void;

export interface EvalOptions {
  /** replaces every label's threshold (keywords), or the score threshold (single-output steps models) */
  threshold?: number;
  /** keywords: sweep one threshold over all firing labels, 0.05 … 0.999 */
  sweep?: boolean;
  /** names for the result */
  modelName?: string;
  testsetName?: string;
  progress?: EvalProgress;
}

export interface LabelFigures {
  /** keywords: truth intervals with this label; steps: scored steps with this label */
  intervals?: number;
  steps?: number;
  correct: number;
  /** % */
  recall: number;
}

export interface SweepPoint {
  threshold: number;
  /** % of keyword intervals missed (all keyword labels together) */
  frr: number;
  frrPerLabel: Record<string, number | null>;
  falseAccepts: number;
  falseAcceptsPerHour: number;
}

export interface OperatingPoint {
  targetFaPerHour: number;
  threshold: number;
  frr: number;
  falseAcceptsPerHour: number;
}

export interface EvalResult {
  model: string;
  testset: string;
  kind: TestSetKind;
  numType: string;
  streams: number;
  steps: number;
  hours: number;
  // keywords
  toleranceSteps?: number;
  thresholds?: Record<string, number>;
  intervals?: number;
  accuracy?: number;
  perLabel?: Record<string, LabelFigures>;
  /** steps, classifiers: step counts by [true label][predicted label] */
  confusion?: number[][];
  falseAccepts?: number;
  falseAcceptsPerHour?: number;
  duplicates?: number;
  frr?: Record<string, number | null>;
  sweep?: { points: SweepPoint[]; at0_5FaPerHour: OperatingPoint | null; at0_1FaPerHour: OperatingPoint | null };
  // steps, single-output score models
  auc?: number | null;
  threshold?: number;
  recall?: number | null;
  falsePositiveRate?: number | null;
  positives?: number;
  negatives?: number;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (a: number, b: number) => round((100 * a) / b);

/** Check a parsed testset.json; `where` names it in errors. */
export function parseTestSetSpec(json: unknown, where = "testset.json"): TestSetSpec {
  const fail = (why: string): never => { throw new Error(`${where}: ${why}`); };
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("not a JSON object");
  const o = json as Record<string, unknown>;
  if (o.kind !== "keywords" && o.kind !== "steps") fail(`unknown kind ${JSON.stringify(o.kind)}; expected "keywords" or "steps"`);
  const kind = o.kind as TestSetKind;
  const tol = o.toleranceSteps ?? DEFAULT_TOLERANCE_STEPS;
  if (!(Number.isInteger(tol) && (tol as number) >= 0)) fail(`toleranceSteps must be a whole number ≥ 0, not ${JSON.stringify(tol)}`);
  if (!Array.isArray(o.streams) || o.streams.length === 0) fail("needs a non-empty \"streams\" list");
  const names = new Set<string>();
  const streams = (o.streams as unknown[]).map((s, i) => {
    if (typeof s !== "object" || s === null) fail(`streams[${i}] is not an object`);
    const r = s as Record<string, unknown>;
    const name = typeof r.name === "string" && r.name ? r.name : `streams[${i}]`;
    if (names.has(name)) fail(`two streams are named ${name}`);
    names.add(name);
    if (typeof r.features !== "string" || !r.features) fail(`stream ${name} has no "features" file`);
    if (kind === "keywords") {
      if (!Array.isArray(r.events)) fail(`stream ${name} has no "events" list (kind keywords)`);
      const events = (r.events as unknown[]).map((e, j) => {
        const ev = e as Record<string, unknown>;
        if (typeof ev !== "object" || ev === null || typeof ev.label !== "string" || !Number.isInteger(ev.start) || !Number.isInteger(ev.end) || (ev.start as number) < 0 || (ev.end as number) <= (ev.start as number)) {
          fail(`stream ${name} events[${j}] must be { label, start, end } with whole steps 0 ≤ start < end, not ${JSON.stringify(e)}`);
        }
        return { label: ev.label as string, start: ev.start as number, end: ev.end as number };
      });
      return { name, features: r.features as string, events };
    }
    if (typeof r.labels !== "string" || !r.labels) fail(`stream ${name} has no "labels" file (kind steps)`);
    return { name, features: r.features as string, labels: r.labels as string };
  });
  return { kind, description: typeof o.description === "string" ? o.description : "", toleranceSteps: tol as number, streams };
}

/** Evaluate `model` on `set`; see the top of this file for the rules. */
export function evaluate(model: Model, set: TestSet, opts: EvalOptions = {}): EvalResult {
  if (set.kind === "keywords") {
    const k = new KeywordEval(model, set, opts.progress);
    return k.result(opts);
  }
  if (set.kind === "steps") return evaluateSteps(model, set, opts);
  throw new Error(`unknown test-set kind ${JSON.stringify((set as { kind: unknown }).kind)}; expected "keywords" or "steps"`);
}

function checkThreshold(t: number | undefined): void {
  if (t !== undefined && !(t >= 0 && t <= 1)) throw new Error(`the threshold must be a number in [0, 1], not ${t}`);
}

/** --sweep's thresholds: 0.05 … 0.99 in steps of 0.01, then 0.991 … 0.999 in steps of 0.001. */
const SWEEP_THRESHOLDS = [...Array.from({ length: 95 }, (_, i) => (i + 5) / 100), ...Array.from({ length: 9 }, (_, i) => (991 + i) / 1000)];

/**
 * A keyword model on a keyword test set: the posteriors are computed once, at construction; score()
 * and sweep() re-run only the detector over them.
 */
export class KeywordEval {
  readonly labels: string[];
  /** labels the detector may fire */
  readonly firing: string[];
  readonly settings: FrontendSettings;
  readonly toleranceSteps: number;
  readonly steps: number;
  readonly hours: number;
  /** per stream, [steps, labels] */
  readonly posteriors: Float32Array[];
  private readonly detectorDefaults: Partial<DetectorOptions>;

  constructor(readonly model: Model, readonly set: TestSet, progress?: EvalProgress) {
    const meta = model.metadata as { labels?: string[]; frontend?: Partial<FrontendSettings>; detector?: Partial<DetectorOptions> };
    if (!meta.frontend) throw new Error("the model's metadata has no frontend settings: it is not a keyword-spotting model (a keywords test set needs one)");
    if (!meta.labels || meta.labels.length !== model.outputLen) throw new Error(`the model has ${model.outputLen} outputs but its metadata names ${meta.labels?.length ?? 0} labels`);
    if (model.numType === "int8" && Math.abs(model.info.inputScale / FEATURE_SCALE - 1) > 1e-6) {
      throw new Error(`the int8 model's input scale ${model.info.inputScale} is not the frontend's feature scale ${FEATURE_SCALE}: int16 features cannot be fed to it`);
    }
    this.labels = meta.labels;
    this.settings = frontendSettings(meta.frontend);
    this.detectorDefaults = meta.detector ?? {};
    const background = this.detectorDefaults.background;
    this.firing = this.labels.filter((l) => !isBackgroundLabel(l, background));
    this.toleranceSteps = set.toleranceSteps ?? DEFAULT_TOLERANCE_STEPS;
    let steps = 0;
    for (const s of set.streams) {
      if (!(s.features instanceof Int16Array)) throw new Error(`stream ${s.name}: keyword features must be int16 (the frontend's int16 output), not float`);
      if (s.cols !== model.inputLen) throw new Error(`stream ${s.name} has ${s.cols} features per step; the model takes ${model.inputLen}`);
      if (s.features.length !== s.steps * s.cols) throw new Error(`stream ${s.name}: ${s.features.length} values for [${s.steps}, ${s.cols}]`);
      if (!s.events) throw new Error(`stream ${s.name} has no truth events`);
      for (const e of s.events) {
        if (!this.labels.includes(e.label) && !isBackgroundLabel(e.label, background)) {
          throw new Error(`stream ${s.name}: event label "${e.label}" is not one of the model's labels (${this.labels.join(", ")}) nor a background label`);
        }
        if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && 0 <= e.start && e.start < e.end && e.end <= s.steps)) {
          throw new Error(`stream ${s.name}: event ${e.label} [${e.start}, ${e.end}) is not inside the stream's ${s.steps} steps`);
        }
      }
      steps += s.steps;
    }
    this.steps = steps;
    this.hours = (steps * this.settings.hopMs) / 3.6e6;
    let done = 0;
    this.posteriors = set.streams.map((s) => {
      const p = this.computePosteriors(s, (n) => progress?.(done + n, steps));
      done += s.steps;
      return p;
    });
  }

  private computePosteriors(s: TestStream, progress: (n: number) => void): Float32Array {
    const m = this.model, C = m.inputLen, K = m.outputLen;
    const out = new Float32Array(s.steps * K);
    const stream = m.openStream();
    try {
      const x = s.features as Int16Array;
      if (m.numType === "int8") {
        // as the module dequantises (outputToF32, assembly/stream.ts): an f32 product of the int16 output and the f32 output scale
        const scale = m.info.outputScale, q = new Int16Array(K);
        for (let t = 0; t < s.steps; t++) {
          stream.stepInt16(x.subarray(t * C, (t + 1) * C), q);
          for (let i = 0; i < K; i++) out[t * K + i] = Math.fround(q[i] * scale);
          if ((t & 1023) === 1023) progress(t + 1);
        }
      } else {
        const f = new Float32Array(C);
        for (let t = 0; t < s.steps; t++) {
          for (let c = 0; c < C; c++) f[c] = x[t * C + c] * FEATURE_SCALE;
          stream.step(f, out.subarray(t * K, (t + 1) * K));
          if ((t & 1023) === 1023) progress(t + 1);
        }
      }
      progress(s.steps);
    } finally {
      stream.dispose();
    }
    return out;
  }

  /** Every label's threshold: the metadata's, or `threshold` for all when given. */
  thresholds(threshold?: number): Record<string, number> {
    checkThreshold(threshold);
    const d = this.detectorDefaults;
    return Object.fromEntries(this.labels.map((l) => [l, threshold ?? d.thresholds?.[l] ?? d.threshold ?? 0.5]));
  }

  /** The events per stream (step index, label) at these thresholds. */
  detect(threshold?: number): { step: number; label: string }[][] {
    const thresholds = this.thresholds(threshold);
    const { hopMs, windowMs } = this.settings;
    return this.set.streams.map((s, n) => {
      const det = new Detector({ ...this.detectorDefaults, thresholds, labels: this.labels, hopMs, windowMs });
      const K = this.labels.length, p = this.posteriors[n];
      const events: { step: number; label: string }[] = [];
      for (let k = 0; k < s.steps; k++) {
        const e = det.push(p.subarray(k * K, (k + 1) * K), windowMs + k * hopMs); // endMs as KeywordSpotter's
        if (e) events.push({ step: k, label: e.label });
      }
      return events;
    });
  }

  /** Score events against the truth (rules at the top of this file). */
  score(events: { step: number; label: string }[][]) {
    const perLabel: Record<string, { intervals: number; correct: number }> = {};
    let falseAccepts = 0, duplicates = 0;
    this.set.streams.forEach((s, n) => {
      const truth = [...s.events!].sort((a, b) => a.start - b.start || a.end - b.end);
      const pred: (string | undefined)[] = truth.map(() => undefined);
      for (const e of events[n]) {
        let best = -1;
        for (let i = 0; i < truth.length; i++) {
          const t = truth[i];
          if (t.start > e.step) break;
          if (e.step >= t.end + this.toleranceSteps) continue;
          // inside [start, end) beats the tolerance tail; then the latest start
          if (best < 0 || (e.step < t.end) >= (e.step < truth[best].end)) best = i;
        }
        if (best < 0) { falseAccepts++; continue; }
        if (e.label !== truth[best].label) falseAccepts++;
        else if (pred[best] !== undefined) duplicates++;
        if (pred[best] === undefined) pred[best] = e.label;
      }
      truth.forEach((t, i) => {
        const f = (perLabel[t.label] ??= { intervals: 0, correct: 0 });
        f.intervals++;
        const background = !this.firing.includes(t.label);
        if (pred[i] === t.label || (background && pred[i] === undefined)) f.correct++;
      });
    });
    const intervals = Object.values(perLabel).reduce((a, f) => a + f.intervals, 0);
    const correct = Object.values(perLabel).reduce((a, f) => a + f.correct, 0);
    const frr: Record<string, number | null> = {};
    let kwIntervals = 0, kwMissed = 0;
    for (const l of this.firing) {
      const f = perLabel[l];
      frr[l] = f ? round(100 - (100 * f.correct) / f.intervals) : null;
      if (f) { kwIntervals += f.intervals; kwMissed += f.intervals - f.correct; }
    }
    return {
      intervals,
      accuracy: intervals ? pct(correct, intervals) : 0,
      perLabel: Object.fromEntries(Object.entries(perLabel).map(([l, f]) => [l, { intervals: f.intervals, correct: f.correct, recall: pct(f.correct, f.intervals) }])) as Record<string, LabelFigures>,
      falseAccepts,
      falseAcceptsPerHour: this.hours > 0 ? round(falseAccepts / this.hours) : 0,
      duplicates,
      frr,
      frrAll: kwIntervals ? round((100 * kwMissed) / kwIntervals) : null,
    };
  }

  /** One threshold for every firing label at each of SWEEP_THRESHOLDS (finer above 0.99, where a
   * confident model's low false-accept operating points lie). */
  sweep(): NonNullable<EvalResult["sweep"]> {
    const points: SweepPoint[] = [];
    for (const threshold of SWEEP_THRESHOLDS) {
      const s = this.score(this.detect(threshold));
      points.push({ threshold, frr: s.frrAll ?? 0, frrPerLabel: s.frr, falseAccepts: s.falseAccepts, falseAcceptsPerHour: s.falseAcceptsPerHour });
    }
    const at = (target: number): OperatingPoint | null => {
      let best: SweepPoint | undefined;
      // ties: the fewer false accepts, then the lower threshold
      for (const p of points) {
        if (p.falseAcceptsPerHour <= target && (!best || p.frr < best.frr || (p.frr === best.frr && p.falseAcceptsPerHour < best.falseAcceptsPerHour))) best = p;
      }
      return best ? { targetFaPerHour: target, threshold: best.threshold, frr: best.frr, falseAcceptsPerHour: best.falseAcceptsPerHour } : null;
    };
    return { points, at0_5FaPerHour: at(0.5), at0_1FaPerHour: at(0.1) };
  }

  result(opts: EvalOptions = {}): EvalResult {
    const s = this.score(this.detect(opts.threshold));
    const r: EvalResult = {
      model: opts.modelName ?? "model",
      testset: opts.testsetName ?? "testset",
      kind: "keywords",
      numType: this.model.numType,
      streams: this.set.streams.length,
      steps: this.steps,
      hours: round(this.hours, 6),
      toleranceSteps: this.toleranceSteps,
      thresholds: Object.fromEntries(Object.entries(this.thresholds(opts.threshold)).filter(([l]) => this.firing.includes(l))),
      intervals: s.intervals,
      accuracy: s.accuracy,
      perLabel: s.perLabel,
      falseAccepts: s.falseAccepts,
      falseAcceptsPerHour: s.falseAcceptsPerHour,
      duplicates: s.duplicates,
      frr: s.frr,
    };
    if (opts.sweep) r.sweep = this.sweep();
    return r;
  }
}

/** ROC AUC of scores against 0/1 labels (ties count half): null when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1; // mean 1-based rank of the tie group
    for (let k = i; k <= j; k++) if (positive[idx[k]]) { rankSum += rank; pos++; }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function evaluateSteps(model: Model, set: TestSet, opts: EvalOptions): EvalResult {
  checkThreshold(opts.threshold);
  const meta = model.metadata as { sampleRateHz?: number; detector?: Partial<DetectorOptions> };
  const K = model.outputLen, F = model.inputLen;
  let total = 0;
  for (const s of set.streams) {
    if (!(s.features instanceof Float32Array)) throw new Error(`stream ${s.name}: sensor features must be float32`);
    if (s.cols !== F) throw new Error(`stream ${s.name} has ${s.cols} features per step; the model takes ${F}`);
    if (s.features.length !== s.steps * s.cols) throw new Error(`stream ${s.name}: ${s.features.length} values for [${s.steps}, ${s.cols}]`);
    for (let i = 0; i < s.features.length; i++) {
      if (!Number.isFinite(s.features[i])) throw new Error(`stream ${s.name}: feature at step ${Math.floor(i / F)}, column ${i % F} is ${s.features[i]} (NaN or infinite)`);
    }
    if (!s.labels) throw new Error(`stream ${s.name} has no per-step labels`);
    if (s.labels.length !== s.steps) throw new Error(`stream ${s.name} has ${s.labels.length} labels for ${s.steps} steps`);
    const maxLabel = K === 1 ? 1 : K - 1;
    for (let t = 0; t < s.steps; t++) {
      const l = s.labels[t];
      if (!(Number.isInteger(l) && l >= -1 && l <= maxLabel)) throw new Error(`stream ${s.name}: label ${l} at step ${t} is not −1 or a class 0 … ${maxLabel}${K === 1 ? " (0 normal, 1 anomalous, for a single-output score model)" : ""}`);
    }
    total += s.steps;
  }
  let done = 0;
  const scores = set.streams.map((s) => {
    const sensor = new SensorStream(model); // throws clearly for a model without sensor metadata
    const y = new Float32Array(s.steps * K);
    try {
      const chunk = 1024;
      for (let t = 0; t < s.steps; t += chunk) {
        const end = Math.min(s.steps, t + chunk);
        sensor.push(s.features.subarray(t * F, end * F), y.subarray(t * K, end * K));
        opts.progress?.(done + end, total);
      }
    } finally {
      sensor.dispose();
    }
    done += s.steps;
    return y;
  });
  const labels = (model.metadata.labels as string[] | undefined) ?? (K === 1 ? ["score"] : Array.from({ length: K }, (_, i) => `class${i}`));
  const base: EvalResult = {
    model: opts.modelName ?? "model",
    testset: opts.testsetName ?? "testset",
    kind: "steps",
    numType: model.numType,
    streams: set.streams.length,
    steps: total,
    hours: round(total / meta.sampleRateHz! / 3600, 6),
  };
  if (K === 1) {
    const label = labels[0];
    const threshold = opts.threshold ?? meta.detector?.thresholds?.[label] ?? meta.detector?.threshold ?? 0.5;
    const sc: number[] = [], pos: boolean[] = [];
    set.streams.forEach((s, n) => {
      for (let t = 0; t < s.steps; t++) if (s.labels![t] >= 0) { sc.push(scores[n][t]); pos.push(s.labels![t] === 1); }
    });
    let tp = 0, fp = 0, positives = 0;
    sc.forEach((v, i) => { if (pos[i]) { positives++; if (v >= threshold) tp++; } else if (v >= threshold) fp++; });
    const negatives = sc.length - positives;
    const auc = rocAuc(sc, pos);
    return { ...base, auc: auc === null ? null : round(100 * auc, 3), threshold, recall: positives ? pct(tp, positives) : null, falsePositiveRate: negatives ? pct(fp, negatives) : null, positives, negatives };
  }
  const confusion = labels.map(() => new Array<number>(K).fill(0)); // [true label][predicted]
  set.streams.forEach((s, n) => {
    const y = scores[n];
    for (let t = 0; t < s.steps; t++) {
      const l = s.labels![t];
      if (l < 0) continue;
      let best = 0;
      for (let i = 1; i < K; i++) if (y[t * K + i] > y[t * K + best]) best = i;
      confusion[l][best]++;
    }
  });
  const perLabel: Record<string, LabelFigures> = {};
  let scored = 0, correct = 0;
  labels.forEach((l, i) => {
    const steps = confusion[i].reduce((a, b) => a + b, 0);
    scored += steps;
    correct += confusion[i][i];
    if (steps) perLabel[l] = { steps, correct: confusion[i][i], recall: pct(confusion[i][i], steps) };
  });
  return { ...base, accuracy: scored ? pct(correct, scored) : 0, perLabel, confusion };
}

const HIGHER = /^(accuracy|recall|auc)$/i;
const LOWER = /^(frr|falseAccepts|falseAcceptsPerHour|falsePositiveRate|duplicates)$/i;

export interface CardShortfall { key: string; card: number; measured: number | null; worseBy: number | null }

/** The number a card's dotted key names in a result ("frr.hey_jarvis", "sweep.at0_5FaPerHour.frr"), if any. */
export function figureAt(result: EvalResult, key: string): number | undefined {
  let v: unknown = result;
  for (const p of key.split(".")) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return typeof v === "number" ? v : undefined;
}

/**
 * The figures of a model card (`card.eval.figures`: dotted keys into an EvalResult → number) that the
 * result misses by more than 1 (percentage point, or count). Which way is better is read from the
 * key: a part named accuracy, recall or auc is higher-is-better, frr, falseAccepts,
 * falseAcceptsPerHour, falsePositiveRate or duplicates lower-is-better (e.g. "frr.hey_jarvis",
 * "perLabel.yes.recall", "sweep.at0_5FaPerHour.frr"). A figure the result lacks is a shortfall.
 */
export function compareWithCard(result: EvalResult, card: { eval?: { figures?: Record<string, number> } }, tolerance = 1.0): CardShortfall[] {
  const figures = card.eval?.figures;
  if (!figures || typeof figures !== "object") throw new Error("the card has no eval.figures");
  const out: CardShortfall[] = [];
  for (const [key, want] of Object.entries(figures)) {
    if (typeof want !== "number") throw new Error(`card figure ${key} is not a number`);
    const parts = key.split(".");
    const dir = [...parts].reverse().map((p) => (HIGHER.test(p) ? 1 : LOWER.test(p) ? -1 : 0)).find((d) => d !== 0);
    if (!dir) throw new Error(`card figure ${key}: cannot tell whether higher or lower is better (name accuracy, recall, auc, frr, falseAccepts, falseAcceptsPerHour or falsePositiveRate)`);
    const v = figureAt(result, key);
    if (v === undefined) { out.push({ key, card: want, measured: null, worseBy: null }); continue; }
    const worseBy = dir > 0 ? want - v : v - want;
    if (worseBy > tolerance) out.push({ key, card: want, measured: v, worseBy: round(worseBy) });
  }
  return out;
}

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? "–" : x.toFixed(d));

/** The human-readable report: a table, then one summary block. */
export function formatEval(r: EvalResult): string[] {
  const lines: string[] = [];
  const head = `${r.model} (${r.numType}) on ${r.testset}: ${r.kind}, ${r.streams} stream${r.streams === 1 ? "" : "s"}, ${r.steps} steps (${fmt(r.hours, 3)} h)`;
  if (r.kind === "keywords") {
    const w = Math.max(5, ...Object.keys(r.perLabel!).map((l) => l.length));
    lines.push(`${"label".padEnd(w)}  intervals  correct  recall %   FRR %`);
    for (const [l, f] of Object.entries(r.perLabel!)) {
      lines.push(`${l.padEnd(w)}  ${String(f.intervals).padStart(9)}  ${String(f.correct).padStart(7)}  ${fmt(f.recall).padStart(8)}  ${(l in r.frr! ? fmt(r.frr![l]) : "").padStart(6)}`);
    }
    lines.push("");
    lines.push(head);
    lines.push(`  thresholds    ${Object.entries(r.thresholds!).map(([l, t]) => `${l} ${t}`).join(", ")}; an event counts up to ${r.toleranceSteps} steps after its interval`);
    lines.push(`  accuracy      ${fmt(r.accuracy)} % of ${r.intervals} intervals (background intervals are correct when nothing fires)`);
    lines.push(`  FRR           ${Object.entries(r.frr!).map(([l, v]) => `${l} ${fmt(v)} %`).join(", ") || "–"}`);
    lines.push(`  false accepts ${r.falseAccepts} = ${fmt(r.falseAcceptsPerHour)} per hour (hours = all steps · hop / 3.6e6)${r.duplicates ? `; ${r.duplicates} duplicate${r.duplicates === 1 ? "" : "s"} of a right detection not counted` : ""}`);
    if (r.sweep) {
      const op = (p: OperatingPoint | null, t: number) =>
        `  FRR at ≤ ${t} FA/h  ${p ? `${fmt(p.frr)} % (threshold ${p.threshold}, ${fmt(p.falseAcceptsPerHour)} FA/h)` : "– (no threshold in 0.05 … 0.999 gets there)"}`;
      lines.push(op(r.sweep.at0_5FaPerHour, 0.5), op(r.sweep.at0_1FaPerHour, 0.1));
    }
    return lines;
  }
  if (r.auc !== undefined) {
    lines.push(head);
    lines.push(`  ROC AUC       ${fmt(r.auc, 3)} % over ${r.positives} anomalous and ${r.negatives} normal steps`);
    lines.push(`  at threshold ${r.threshold}: recall ${fmt(r.recall)} %, false-positive rate ${fmt(r.falsePositiveRate)} %`);
    return lines;
  }
  const w = Math.max(5, ...Object.keys(r.perLabel!).map((l) => l.length));
  lines.push(`${"label".padEnd(w)}  steps  correct  recall %`);
  for (const [l, f] of Object.entries(r.perLabel!)) lines.push(`${l.padEnd(w)}  ${String(f.steps).padStart(5)}  ${String(f.correct).padStart(7)}  ${fmt(f.recall).padStart(8)}`);
  lines.push("", head, `  accuracy      ${fmt(r.accuracy)} % of scored steps (argmax against the label; −1 not scored)`);
  return lines;
}
