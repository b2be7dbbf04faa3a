// tinyrnn's AudioWorklet processor, "tinyrnn": keyword spotting on the audio thread.
//
//   await ctx.audioWorklet.addModule("tinyrnn/dist/worklet.js");     // this file's bundle
//   const node = new AudioWorkletNode(ctx, "tinyrnn", { numberOfOutputs: 0, processorOptions: { model } });
//   node.port.onmessage = ({ data }) => { if (data.type === "event") console.log(data.label, data.endMs); };
//   ctx.createMediaStreamSource(micStream).connect(node);
//
// `model` is a .tinyrnn file's bytes (ArrayBuffer or Uint8Array). The module is the embedded
// pair (SIMD when the engine validates it, else mvp), picked and compiled synchronously in the
// processor's constructor, or `processorOptions.wasm` (bytes or a WebAssembly.Module).
// Input: the first input's channels, averaged, at the context's rate (the scope's `sampleRate`:
// 8000, 16000, 22050, 32000, 44100 or 48000 Hz), resampled inside the module.
//
// An AudioWorkletGlobalScope has no URL, TextDecoder, fetch, performance or import(): neither this
// file nor the runtime it imports names them. After the processor has started, process() allocates
// nothing: the samples go into one reused buffer and through the module's pipeline (resampler,
// frontend, model, detector) in one call; only an event or a (throttled) scores message creates
// an object.

import { createRuntimeSync, KeywordSpotter, TinyrnnError, SUPPORTED_RATES_HZ, type DetectorOptions, type SpotterOptions, type Model, type Runtime, type WasmSourceSync } from "./index.js";

/** The name the module registers: `new AudioWorkletNode(ctx, "tinyrnn", …)`. */
export type ProcessorName = "tinyrnn";

/** Detector settings over the model's own (its metadata's `detector`). */
export type WorkletDetectorOptions = Partial<Omit<DetectorOptions, "labels" | "hopMs" | "windowMs">>;

/** `processorOptions` of `new AudioWorkletNode(ctx, "tinyrnn", { processorOptions })`. */
export interface WorkletOptions {
  /** The .tinyrnn file's bytes. */
  model: ArrayBuffer | ArrayBufferView;
  /** The module: bytes or a compiled WebAssembly.Module; default the embedded SIMD/mvp pair. */
  wasm?: WasmSourceSync;
  /** Which embedded build: "auto" (default: SIMD when WebAssembly.validate accepts it), "simd" or "mvp". */
  build?: "auto" | "simd" | "mvp";
  /** Post `scores` messages: true for every 50 ms of audio, or a number of ms between them. */
  scores?: boolean | number;
  /** Threshold, smoothing, refractory time, background labels: over the model's defaults. */
  detector?: WorkletDetectorOptions;
}

/** Messages to the processor: `node.port.postMessage(…)`. */
export type WorkletCommand =
  /** Swap the model (a stream of the new one starts from zero; times go on). */
  | { type: "model"; model: ArrayBuffer | ArrayBufferView; detector?: WorkletDetectorOptions }
  /** Forget what was heard: zero state, silent detector (times go on). */
  | { type: "reset" }
  /** Free everything; process() returns false from then on. */
  | { type: "close" };

/** Messages from the processor: `node.port.onmessage = ({ data }) => …`. */
export type WorkletMessage = WorkletReady | WorkletEvent | WorkletScores | WorkletError;

/** Posted once the module and a model are loaded (again after each model swap). */
export interface WorkletReady {
  type: "ready";
  /** "simd" or "mvp": which build runs. */
  build: "simd" | "mvp";
  /** Bytes of the model stream's state. */
  stateBytes: number;
  /** The model's labels, in the order of `scores`. */
  labels: string[];
  /** The threshold of each label. */
  thresholds: number[];
  /** Labels that never fire (background, unknown, silence…). */
  background: string[];
  /** The rate the processor hears (the context's). */
  sampleRateHz: number;
  /** Time between scores from the model (the frontend's hop). */
  hopMs: number;
}

/** A detection. Times count ms of audio the processor has received since it started. */
export interface WorkletEvent {
  type: "event";
  label: string;
  score: number;
  startMs: number;
  endMs: number;
}

/** With `scores`: each label's highest score (the model's output) over the frames since the last message. */
export interface WorkletScores {
  type: "scores";
  /** End of the last frame, ms since the processor started. */
  endMs: number;
  scores: Float32Array;
}

/** Something failed: the options, the module, the model, or a step. The processor stays and takes a new model. */
export interface WorkletError {
  type: "error";
  message: string;
  /**
   * A TinyrnnError's code ("badMagic", "badChecksum", "outOfMemory", …; "badSampleRate" for a
   * context rate the frontend does not take), "badOptions" (a processor option or message of the
   * wrong kind) or "refused" (a model that is no keyword spotter, or detector settings it refuses).
   */
  code: string;
}

const DEFAULT_SCORES_MS = 50;
/** A render quantum is 128 frames (Web Audio 1.0); a larger one makes the input buffer grow once. */
const QUANTUM_FRAMES = 128;

/** One model hearing the stream: a KeywordSpotter (the module's pipeline) and the scores' peaks. */
class Hearing {
  readonly labels: string[];
  readonly thresholds: number[];
  readonly background: string[];
  readonly hopMs: number;
  private readonly spotter: KeywordSpotter;
  /** Highest score per label since the last scores message. */
  private readonly peak: Float32Array;
  /** Frames between scores messages; 0: none. */
  private readonly scoresEvery: number;
  private framesSinceScores = 0;
  private emit: (m: WorkletEvent | WorkletScores) => void = () => {};

  constructor(readonly model: Model, private readonly rateHz: number, options: WorkletDetectorOptions, scoresMs: number) {
    const spotter = new KeywordSpotter(model, { ...(options as SpotterOptions), onPosteriors: scoresMs > 0 ? (p, endMs) => this.frame(p, endMs) : undefined });
    this.spotter = spotter;
    this.labels = spotter.labels;
    this.thresholds = Array.from(spotter.detector.thresholds);
    this.background = this.labels.filter((_, i) => !spotter.detector.fires[i]);
    this.hopMs = spotter.frontendSettings.hopMs;
    this.scoresEvery = scoresMs > 0 ? Math.max(1, Math.round(scoresMs / this.hopMs)) : 0;
    this.peak = new Float32Array(model.outputLen);
  }

  /** Samples at the context's rate; `emit` gets each event and scores message (times from this hearing's start). */
  push(samples: Float32Array, emit: (m: WorkletEvent | WorkletScores) => void): void {
    this.emit = emit;
    const events = this.spotter.push(samples, this.rateHz);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      emit({ type: "event", label: e.label, score: e.score, startMs: e.startMs, endMs: e.endMs });
    }
  }

  private frame(posteriors: Float32Array, endMs: number): void {
    const K = this.peak.length;
    for (let i = 0; i < K; i++) if (posteriors[i] > this.peak[i]) this.peak[i] = posteriors[i];
    if (++this.framesSinceScores >= this.scoresEvery) {
      this.emit({ type: "scores", endMs, scores: this.peak.slice() });
      this.peak.fill(0);
      this.framesSinceScores = 0;
    }
  }

  reset(): void {
    this.spotter.reset();
    this.peak.fill(0);
    this.framesSinceScores = 0;
  }

  dispose(): void {
    this.spotter.dispose();
    this.model.dispose();
  }
}

/** A TinyrnnError keeps its code; a TypeError is about the options; other errors get `otherwise`. */
const errorMessage = (e: unknown, otherwise = "refused"): WorkletError => ({
  type: "error",
  message: e instanceof Error ? e.message : String(e),
  code: e instanceof TinyrnnError ? e.code : e instanceof TypeError ? "badOptions" : otherwise,
});

/** The processor's work, apart from the AudioWorkletProcessor class (which only a worklet scope has). */
class Processor {
  private runtime?: Runtime;
  private pipeline?: Hearing;
  /** Samples received since the processor started, and where the pipeline's time 0 lies among them. */
  private received = 0;
  private pipelineStart = 0;
  /** The quantum's mono samples, reused (grown once if a quantum is larger). */
  private input = new Float32Array(QUANTUM_FRAMES);
  private closed = false;
  private readonly scoresMs: number;
  private readonly emitShifted: (m: WorkletEvent | WorkletScores) => void;

  constructor(private readonly port: MessagePort, private readonly rateHz: number, options: Partial<WorkletOptions>) {
    this.scoresMs = options.scores === true ? DEFAULT_SCORES_MS : typeof options.scores === "number" && options.scores > 0 ? options.scores : 0;
    // made once: events and scores leave with the processor's time, not the pipeline's
    this.emitShifted = (m) => {
      const shiftMs = (this.pipelineStart * 1000) / this.rateHz;
      if (m.type === "event") { m.startMs += shiftMs; m.endMs += shiftMs; } else m.endMs += shiftMs;
      this.port.postMessage(m);
    };
    port.onmessage = (e: MessageEvent) => this.command(e.data as WorkletCommand);
    if (!(SUPPORTED_RATES_HZ as readonly number[]).includes(rateHz)) {
      this.post({ type: "error", code: "badSampleRate", message: `the AudioContext runs at ${rateHz} Hz; tinyrnn hears ${SUPPORTED_RATES_HZ.join(", ")} Hz: create it with new AudioContext({ sampleRate: 48000 }) or another of these` });
      return;
    }
    try {
      if (options.build !== undefined && !["auto", "simd", "mvp"].includes(options.build)) throw new TypeError(`processorOptions.build is "auto", "simd" or "mvp", not ${JSON.stringify(options.build)}`);
      this.runtime = createRuntimeSync({ wasm: options.wasm, build: options.build });
    } catch (e) {
      this.post(errorMessage(e, "badOptions")); // processorOptions.wasm is no tinyrnn module
      return;
    }
    this.load(options.model as ArrayBuffer, options.detector); // loadModel refuses anything but bytes
  }

  private post(m: WorkletMessage): void { this.port.postMessage(m); }

  private load(bytes: ArrayBuffer | ArrayBufferView, detector: WorkletDetectorOptions = {}): void {
    const rt = this.runtime;
    if (!rt) return this.post({ type: "error", code: "badOptions", message: "no tinyrnn module: see the earlier error" });
    let model: Model | undefined;
    let next: Hearing;
    try {
      model = rt.loadModel(bytes);
      next = new Hearing(model, this.rateHz, detector, this.scoresMs);
    } catch (e) {
      model?.dispose();
      return this.post(errorMessage(e)); // the running pipeline, if any, goes on
    }
    this.pipeline?.dispose();
    this.pipeline = next;
    this.pipelineStart = this.received;
    this.post({
      type: "ready", build: rt.build, stateBytes: next.model.stateBytes, labels: next.labels, thresholds: next.thresholds,
      background: next.background, sampleRateHz: this.rateHz, hopMs: next.hopMs,
    });
  }

  private command(c: WorkletCommand): void {
    if (this.closed || typeof c !== "object" || c === null) return;
    if (c.type === "model") this.load(c.model, c.detector);
    else if (c.type === "reset") {
      this.pipeline?.reset();
      this.pipelineStart = this.received;
    } else if (c.type === "close") {
      this.pipeline?.dispose();
      this.pipeline = undefined;
      this.closed = true;
    } else this.post({ type: "error", code: "badOptions", message: `unknown message type ${JSON.stringify((c as { type?: unknown }).type)}: "model", "reset" or "close"` });
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.closed) return false;
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true; // nothing connected: no time passes
    const n = channels[0].length, k = channels.length;
    this.received += n;
    const p = this.pipeline, rt = this.runtime;
    if (!p || !rt) return true;
    try {
      if (n > this.input.length) this.input = new Float32Array(n);
      // average the channels; a non-finite sample (a glitch) counts as silence
      const x = n === this.input.length ? this.input : this.input.subarray(0, n);
      if (k === 1) {
        const c0 = channels[0];
        for (let i = 0; i < n; i++) { const v = c0[i]; x[i] = Number.isFinite(v) ? v : 0; }
      } else {
        const scale = 1 / k;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += channels[c][i];
          x[i] = Number.isFinite(s) ? s * scale : 0;
        }
      }
      p.push(x, this.emitShifted);
    } catch (e) {
      this.post(errorMessage(e));
      this.pipeline = undefined;
      p.dispose();
    }
    return true;
  }
}

// Registered where the scope is a worklet's; elsewhere (a bundler looking at types, a test) nothing happens.
interface WorkletScope {
  AudioWorkletProcessor?: new (options?: unknown) => { readonly port: MessagePort };
  registerProcessor?: (name: ProcessorName, processor: unknown) => void;
  sampleRate?: number;
}
const scope = globalThis as unknown as WorkletScope;
if (typeof scope.registerProcessor === "function" && typeof scope.AudioWorkletProcessor === "function") {
  class TinyrnnProcessor extends scope.AudioWorkletProcessor {
    private readonly work: Processor;
    constructor(options?: { processorOptions?: Partial<WorkletOptions> }) {
      super(options);
      this.work = new Processor(this.port, scope.sampleRate ?? 0, options?.processorOptions ?? {});
    }
    process(inputs: Float32Array[][]): boolean { return this.work.process(inputs); }
  }
  scope.registerProcessor("tinyrnn", TinyrnnProcessor);
}
