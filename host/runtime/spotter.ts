// Keyword spotting: PCM chunks in (any supported rate, any chunk size), detection events out.
// The whole job runs in the module as one pipeline (assembly/pipeline.ts): resampler, frontend,
// model and detector, so every host gets the same events; its state saves as one blob. The model's metadata carries how it hears (`frontend`, merged over the defaults) and
// its labels; `detector` in the metadata gives default smoothing, thresholds and refractory time.
// Event times count samples (frame k ends at window + k·hop of 16 kHz audio, i.e. of input time),
// so the same audio gives the same events whatever the chunk sizes.

import { detectorSettings, type DetectionEvent, type DetectorOptions, type DetectorSettings } from "./detector.js";
import { defaultFrontendConfig, encodeFrontendConfig, FEATURE_SCALE, type FrontendConfig } from "./frontend.js";
import { Pipeline, pipelineWords, stateRateHz, PIECE_VALUES, F32, I16, type ModelShape, type RawEvent } from "./pipeline.js";
import { TinyrnnError, ERROR_CODES } from "./abi.js";
import * as C from "./constants.js";
import type { Model } from "./runtime.js";

/** How a model hears, as its metadata stores it: the frontend settings but the input rate. */
export type FrontendSettings = Omit<FrontendConfig, "sampleRateHz">;

/** A model's frontend settings: its metadata's `frontend` over the defaults. */
export function frontendSettings(fromMetadata: Partial<FrontendSettings> = {}): FrontendSettings {
  const { sampleRateHz: _, ...defaults } = defaultFrontendConfig();
  return { ...defaults, ...fromMetadata };
}

export interface SpotterOptions extends Partial<Omit<DetectorOptions, "labels" | "hopMs" | "windowMs">> {
  /** every frame's posteriors and the time its audio ended, before detection */
  onPosteriors?: (posteriors: Float32Array, endMs: number) => void;
}

/** What a keyword spotter on this model runs with, checked; throws an Error naming what does not fit. */
export function spotterSetup(model: ModelShape, options: Partial<Omit<DetectorOptions, "labels" | "hopMs" | "windowMs">> = {}): { labels: string[]; frontendSettings: FrontendSettings; detector: DetectorSettings } {
  const meta = model.metadata as { labels?: string[]; frontend?: Partial<FrontendSettings>; detector?: SpotterOptions };
  if (!meta.frontend) throw new Error("the model's metadata has no frontend settings: it is not a keyword-spotting model");
  if (!meta.labels || meta.labels.length !== model.outputLen) {
    throw new Error(`the model has ${model.outputLen} outputs but its metadata names ${meta.labels?.length ?? 0} labels`);
  }
  const settings = frontendSettings(meta.frontend);
  if (settings.channels !== model.inputLen) {
    throw new Error(`the frontend gives ${settings.channels} features per frame but the model takes ${model.inputLen}`);
  }
  if (model.numType === "int8" && Math.abs(model.inputScale / FEATURE_SCALE - 1) > 1e-6) {
    throw new Error(`the model's input scale ${model.inputScale} is not the frontend's feature scale ${FEATURE_SCALE}: build it with inputScale: FEATURE_SCALE`);
  }
  const { windowMs, hopMs } = settings;
  const detector = detectorSettings({ ...(meta.detector ?? {}), ...options, labels: meta.labels, hopMs, windowMs });
  // the frontend's settings are checked now, whatever the rate the audio will come at
  encodeFrontendConfig({ ...settings, sampleRateHz: C.FRONTEND_SAMPLE_RATE_HZ });
  return { labels: meta.labels, frontendSettings: settings, detector };
}

export class KeywordSpotter {
  readonly model: Model;
  readonly labels: string[];
  readonly frontendSettings: FrontendSettings;
  /** The detector's settings in steps (smoothing window, refractory steps, thresholds, labels that fire). */
  readonly detector: DetectorSettings;
  private readonly onPosteriors?: (posteriors: Float32Array, endMs: number) => void;
  private readonly onOutputs?: (posteriors: Float32Array) => void;
  private pipeline?: Pipeline;
  private rateHz = 0;
  private frame = 0; // the next step's index, for onPosteriors' times
  private disposed = false;

  constructor(model: Model, options: SpotterOptions = {}) {
    model.assertLive();
    const setup = spotterSetup(model.info, options);
    this.model = model;
    this.labels = setup.labels;
    this.frontendSettings = setup.frontendSettings;
    this.detector = setup.detector;
    const { windowMs, hopMs } = this.frontendSettings;
    this.onPosteriors = options.onPosteriors;
    if (this.onPosteriors) this.onOutputs = (y) => this.onPosteriors!(y, windowMs + this.frame++ * hopMs);
  }

  private live(): void {
    if (this.disposed || this.pipeline?.disposedYet) throw new TinyrnnError(ERROR_CODES.badHandle, 0, "using a keyword spotter that was disposed, or whose model was");
    this.model.assertLive();
  }

  /** The pipeline for audio at `rateHz`, opened at the first push (or loadState). */
  private open(rateHz: number): Pipeline {
    const f = this.frontendSettings;
    const hop = Math.round(f.hopMs * 16), win = Math.round(f.windowMs * 16);
    // the most frames one piece can complete: its 16 kHz samples plus a window's worth buffered
    const maxSteps = Math.floor((win + Math.ceil((PIECE_VALUES * C.FRONTEND_SAMPLE_RATE_HZ) / rateHz) + 2) / hop) + 2;
    const words = pipelineWords(this.model.info, C.PIPE_AUDIO, this.detector, encodeFrontendConfig({ ...f, sampleRateHz: rateHz }));
    return new Pipeline(this.model, words, maxSteps, this.onPosteriors !== undefined, "keyword spotter");
  }

  /** Audio so far, in ms of frames completed. */
  get elapsedMs(): number {
    const frames = this.pipeline && !this.pipeline.disposedYet ? this.pipeline.steps : 0;
    return frames === 0 ? 0 : this.frontendSettings.windowMs + (frames - 1) * this.frontendSettings.hopMs;
  }

  /**
   * Feed a chunk of mono PCM (Float32Array in [-1, 1] or Int16Array) at `sampleRateHz`; returns the
   * events detected in it. The rate is fixed from the first chunk until reset().
   */
  push(pcm: Float32Array | Int16Array, sampleRateHz: number): DetectionEvent[] {
    this.live();
    if (!(pcm instanceof F32) && !(pcm instanceof I16)) throw new TinyrnnError(ERROR_CODES.badArgument, 0, "keyword spotter push: the audio must be an Int16Array or a Float32Array");
    if (this.rateHz === 0) {
      this.pipeline = this.open(sampleRateHz);
      this.rateHz = sampleRateHz;
    } else if (sampleRateHz !== this.rateHz) {
      throw new TinyrnnError(ERROR_CODES.badArgument, 1, `keyword spotter push: the audio's sample rate changed from ${this.rateHz} Hz to ${sampleRateHz} Hz; reset() before a new rate`);
    }
    const p = this.pipeline!;
    if (this.onOutputs) this.frame = p.steps;
    const raw = p.push(pcm, PIECE_VALUES, this.onOutputs);
    // no closure here: one capturing `this` would make every push allocate its context
    return raw.length === 0 ? (raw as unknown as DetectionEvent[]) : this.events(raw);
  }

  private events(raw: RawEvent[]): DetectionEvent[] {
    const { windowMs, hopMs } = this.frontendSettings;
    return raw.map((e) => {
      const endMs = windowMs + e.step * hopMs;
      return { label: this.labels[e.label], score: e.score, startMs: Math.max(0, endMs - this.detector.spanMs), endMs };
    });
  }

  /** The whole state (resampler, frontend, model, detector, clock) as bytes; loadState continues from it exactly. */
  saveState(): Uint8Array {
    this.live();
    if (!this.pipeline) throw new TinyrnnError(ERROR_CODES.badState, 0, "keyword spotter saveState: no audio yet, so no input rate: push some first");
    return this.pipeline.saveState();
  }

  /**
   * Continue from a state saved by a spotter made the same way (same model, settings and input
   * rate), in this runtime or another, on either build. A state that does not fit is refused with
   * a TinyrnnError (badState) and changes nothing.
   */
  loadState(state: ArrayBufferView | ArrayBuffer): void {
    this.live();
    const bytes = ArrayBuffer.isView(state) ? new Uint8Array(state.buffer, state.byteOffset, state.byteLength) : new Uint8Array(state);
    const rate = stateRateHz(bytes);
    if (!rate) throw new TinyrnnError(ERROR_CODES.badState, 1, "keyword spotter loadState: not a saved keyword-spotter state");
    if (this.pipeline) {
      this.pipeline.loadState(bytes);
      return;
    }
    const p = this.open(rate);
    try {
      p.loadState(bytes);
    } catch (e) {
      p.dispose();
      throw e;
    }
    this.pipeline = p;
    this.rateHz = rate;
  }

  /** Start again: a new recording, possibly at another sample rate. */
  reset(): void {
    this.live();
    this.pipeline?.dispose();
    this.pipeline = undefined;
    this.rateHz = 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.pipeline?.dispose();
    this.disposed = true;
  }
}
