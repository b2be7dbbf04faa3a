// Keyword spotting: PCM chunks in (any supported rate, any chunk size), detection events out.
// Per hop the module's frontend writes the feature frame straight into the model stream's input
// (streamInput), the model steps on it there (streamStepPrepared), and the posteriors go to the
// Detector. The model's metadata carries how it hears (`frontend`, merged over the defaults) and
// its labels; `detector` in the metadata gives default smoothing, thresholds and refractory time.
// Event times count samples (frame k ends at window + k·hop of 16 kHz audio, i.e. of input time),
// so the same audio gives the same events whatever the chunk sizes.

import { Detector, type DetectionEvent, type DetectorOptions } from "./detector.js";
import { Frontend, defaultFrontendConfig, FEATURE_SCALE, type FrontendConfig } from "./frontend.js";

/** How a model hears, as its metadata stores it: the frontend settings but the input rate. */
export type FrontendSettings = Omit<FrontendConfig, "sampleRateHz">;

/** A model's frontend settings: its metadata's `frontend` over the defaults. */
export function frontendSettings(fromMetadata: Partial<FrontendSettings> = {}): FrontendSettings {
  const { sampleRateHz: _, ...defaults } = defaultFrontendConfig();
  return { ...defaults, ...fromMetadata };
}
import type { Model, Stream } from "./runtime.js";

export interface SpotterOptions extends Partial<Omit<DetectorOptions, "labels" | "hopMs" | "windowMs">> {
  /** every frame's posteriors and the time its audio ended, before detection */
  onPosteriors?: (posteriors: Float32Array, endMs: number) => void;
}

export class KeywordSpotter {
  readonly model: Model;
  readonly labels: string[];
  readonly frontendSettings: FrontendSettings;
  readonly detector: Detector;
  private readonly stream: Stream;
  private readonly onPosteriors?: (posteriors: Float32Array, endMs: number) => void;
  private readonly posteriors: Float32Array;
  private frontend?: Frontend;
  private rateHz = 0;
  private frames = 0;

  constructor(model: Model, options: SpotterOptions = {}) {
    const meta = model.metadata as { labels?: string[]; frontend?: Partial<FrontendSettings>; detector?: SpotterOptions };
    if (!meta.frontend) throw new Error("the model's metadata has no frontend settings: it is not a keyword-spotting model");
    if (!meta.labels || meta.labels.length !== model.outputLen) {
      throw new Error(`the model has ${model.outputLen} outputs but its metadata names ${meta.labels?.length ?? 0} labels`);
    }
    this.frontendSettings = frontendSettings(meta.frontend);
    if (this.frontendSettings.channels !== model.inputLen) {
      throw new Error(`the frontend gives ${this.frontendSettings.channels} features per frame but the model takes ${model.inputLen}`);
    }
    if (model.numType === "int8" && Math.abs(model.info.inputScale / FEATURE_SCALE - 1) > 1e-6) {
      throw new Error(`the model's input scale ${model.info.inputScale} is not the frontend's feature scale ${FEATURE_SCALE}: build it with inputScale: FEATURE_SCALE`);
    }
    this.model = model;
    this.labels = meta.labels;
    const { windowMs, hopMs } = this.frontendSettings;
    this.detector = new Detector({ ...(meta.detector ?? {}), ...options, labels: meta.labels, hopMs, windowMs });
    this.onPosteriors = options.onPosteriors;
    this.stream = model.openStream();
    this.posteriors = new Float32Array(model.outputLen);
  }

  /** Audio so far, in ms of frames completed. */
  get elapsedMs(): number {
    return this.frames === 0 ? 0 : this.frontendSettings.windowMs + (this.frames - 1) * this.frontendSettings.hopMs;
  }

  /**
   * Feed a chunk of mono PCM (Float32Array in [-1, 1] or Int16Array) at `sampleRateHz`; returns the
   * events detected in it. The rate is fixed from the first chunk until reset().
   */
  push(pcm: Float32Array | Int16Array, sampleRateHz: number): DetectionEvent[] {
    if (this.rateHz === 0) {
      this.frontend = new Frontend(this.model.runtime, { ...this.frontendSettings, sampleRateHz }, this.model.numType);
      this.rateHz = sampleRateHz;
    } else if (sampleRateHz !== this.rateHz) {
      throw new Error(`the audio's sample rate changed from ${this.rateHz} Hz to ${sampleRateHz} Hz; reset() before a new rate`);
    }
    const ex = this.model.runtime.exports;
    const rt = this.model.runtime;
    const out = this.model.io.out;
    const events: DetectionEvent[] = [];
    const { windowMs, hopMs } = this.frontendSettings;
    this.frontend!.push(pcm, ex.streamInput(this.stream.handle), () => {
      rt.check(ex.streamStepPrepared(this.stream.handle, out), "keyword spotter step");
      this.posteriors.set(rt.f32.subarray(out >> 2, (out >> 2) + this.posteriors.length));
      const endMs = windowMs + this.frames * hopMs;
      this.frames++;
      this.onPosteriors?.(this.posteriors, endMs);
      const e = this.detector.push(this.posteriors, endMs);
      if (e) events.push(e);
    });
    return events;
  }

  /** Start again: a new recording, possibly at another sample rate. */
  reset(): void {
    this.stream.reset();
    this.detector.reset();
    this.frontend?.dispose();
    this.frontend = undefined;
    this.rateHz = 0;
    this.frames = 0;
  }

  dispose(): void {
    this.frontend?.dispose();
    this.stream.dispose();
  }
}
