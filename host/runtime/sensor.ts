// Sensor streams: float vectors at a fixed rate in, per-step scores and detection events out. The
// work runs in the module as one pipeline (assembly/pipeline.ts: normalisation, model, detector);
// its state saves as one blob. The model's metadata says how it was trained:
//   sampleRateHz            steps per second (times of events are step counts / rate)
//   labels                  one per output; a single-output model is a score (e.g. anomaly)
//   normalise?: { mean, std }  per feature, applied before the model: (x − mean) / std — so that
//                              one int16 input scale suits features of very different ranges
//   detector?: DetectorOptions defaults (smoothingMs, threshold(s), refractoryMs, background)

import { detectorSettings, type DetectionEvent, type DetectorOptions, type DetectorSettings } from "./detector.js";
import { Pipeline, pipelineWords, PIECE_VALUES, type ModelShape, type Normalise } from "./pipeline.js";
import { TinyrnnError, ERROR_CODES } from "./abi.js";
import * as C from "./constants.js";
import type { Model } from "./runtime.js";

export type SensorOptions = Partial<Omit<DetectorOptions, "labels" | "hopMs" | "windowMs">>;

/** What a sensor stream on this model runs with, checked, and its pipeline's config words; throws an Error naming what does not fit. */
export function sensorSetup(model: ModelShape, options: SensorOptions = {}): { sampleRateHz: number; labels: string[]; detector: DetectorSettings; words: ArrayBuffer } {
  const meta = model.metadata as { sampleRateHz?: number; labels?: string[]; normalise?: { mean: number[]; std: number[] }; detector?: SensorOptions };
  const F = model.inputLen;
  if (!(typeof meta.sampleRateHz === "number" && meta.sampleRateHz > 0)) throw new Error("the model's metadata has no sampleRateHz: it is not a sensor-stream model");
  const labels = meta.labels ?? (model.outputLen === 1 ? ["score"] : Array.from({ length: model.outputLen }, (_, i) => `class${i}`));
  if (labels.length !== model.outputLen) throw new Error(`the model has ${model.outputLen} outputs but ${labels.length} labels`);
  let normalise: Normalise | undefined;
  if (meta.normalise) {
    const { mean, std } = meta.normalise;
    if (mean?.length !== F || std?.length !== F || std.some((s) => !(s > 0))) throw new Error(`the model's normalise entry needs ${F} means and ${F} positive standard deviations`);
    normalise = { mean: Float64Array.from(mean), invStd: Float64Array.from(std, (s) => 1 / s) };
  }
  const hopMs = 1000 / meta.sampleRateHz;
  const detector = detectorSettings({ ...(meta.detector ?? {}), ...options, labels, hopMs, windowMs: hopMs });
  return { sampleRateHz: meta.sampleRateHz, labels, detector, words: pipelineWords(model, C.PIPE_SENSOR, detector, undefined, normalise) };
}

export class SensorStream {
  readonly model: Model;
  readonly sampleRateHz: number;
  readonly labels: string[];
  /** The detector's settings in steps. */
  readonly detector: DetectorSettings;
  private readonly pipeline: Pipeline;
  private readonly piece: number;
  private disposed = false;

  constructor(model: Model, options: SensorOptions = {}) {
    model.assertLive();
    const setup = sensorSetup(model.info, options);
    this.model = model;
    this.sampleRateHz = setup.sampleRateHz;
    this.labels = setup.labels;
    this.detector = setup.detector;
    this.piece = Math.max(1, Math.floor(PIECE_VALUES / model.inputLen));
    this.pipeline = new Pipeline(model, setup.words, this.piece, true, "sensor stream");
  }

  private live(): Pipeline {
    if (this.disposed || this.pipeline.disposedYet) throw new TinyrnnError(ERROR_CODES.badHandle, 0, "using a sensor stream that was disposed, or whose model was");
    return this.pipeline;
  }

  /**
   * Feed n steps, [n, inputLen] row-major (a Float32Array, or numbers). Per-step outputs go to
   * `scores` ([n, outputLen]) when given; returns the events these steps fired. A NaN or infinity
   * is refused before anything changes.
   */
  push(samples: ArrayLike<number>, scores?: Float32Array): DetectionEvent[] {
    const p = this.live();
    const F = this.model.inputLen, O = this.model.outputLen;
    if (samples.length % F !== 0) throw new RangeError(`${samples.length} values is not a whole number of ${F}-feature steps`);
    const n = samples.length / F;
    if (scores && scores.length < n * O) throw new RangeError(`scores has room for ${scores.length / O} steps, not ${n}`);
    const x = samples instanceof Float32Array ? samples : Float32Array.from(samples);
    let t = 0;
    const raw = p.push(x, this.piece * F, scores && ((y) => scores.set(y, O * t++)));
    if (raw.length === 0) return raw as unknown as DetectionEvent[];
    return raw.map((e) => {
      // as the spotter's (and a C host's, from the model's host section): the window + step · hop
      const endMs = this.detector.hopMs + e.step * this.detector.hopMs;
      return { label: this.labels[e.label], score: e.score, startMs: Math.max(0, endMs - this.detector.spanMs), endMs };
    });
  }

  /** Time of the input so far, in ms. */
  get elapsedMs(): number { return (1000 * this.live().steps) / this.sampleRateHz; }

  /** The whole state (model, detector, clock) as bytes; loadState continues from it exactly. */
  saveState(): Uint8Array { return this.live().saveState(); }

  /** Continue from a state saved by a sensor stream made the same way; a state that does not fit is refused and changes nothing. */
  loadState(state: ArrayBufferView | ArrayBuffer): void {
    this.live().loadState(ArrayBuffer.isView(state) ? new Uint8Array(state.buffer, state.byteOffset, state.byteLength) : new Uint8Array(state));
  }

  reset(): void { this.live().reset(); }

  dispose(): void {
    if (this.disposed) return;
    this.pipeline.dispose();
    this.disposed = true;
  }
}
