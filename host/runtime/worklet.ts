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
// nothing: the samples go into one buffer in module memory, the module's frontend writes each
// frame straight into the model stream's input, the posteriors land in one reused Float32Array,
// and only an event or a (throttled) scores message creates an object.

import { createRuntimeSync } from "./index.js";
import { TinyrnnError } from "./abi.js";
import * as C from "./constants.js";
import { Detector, isBackgroundLabel, type DetectorOptions } from "./detector.js";
import { Frontend } from "./frontend.js";
import { KeywordSpotter, type SpotterOptions } from "./spotter.js";
import type { Model, Runtime, Stream, WasmSourceSync } from "./runtime.js";
import { SUPPORTED_RATES_HZ } from "./wav.js";

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

/** With `scores`: each label's highest smoothed score over the frames since the last message. */
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

/** One model hearing the stream: the model, its stream and frontend, the detector. */
class Pipeline {
  readonly labels: string[];
  readonly thresholds: number[];
  readonly background: string[];
  readonly hopMs: number;
  private readonly windowMs: number;
  private readonly detector: Detector;
  private readonly stream: Stream;
  private readonly frontend: Frontend;
  private readonly framePtr: number;
  private readonly posteriors: Float32Array;
  /** Highest smoothed score per label since the last scores message. */
  private readonly peak: Float32Array;
  /** Frames between scores messages; 0: none. */
  private readonly scoresEvery: number;
  private frames = 0;
  private framesSinceScores = 0;

  constructor(readonly model: Model, sampleRateHz: number, options: WorkletDetectorOptions, scoresMs: number) {
    // KeywordSpotter checks that the model is a spotter (labels, frontend, input scale) and builds the
    // detector from the metadata's defaults and the options. Its push() makes an array and a closure per
    // call, so the steps are driven here, the same way, and of the spotter only its detector is kept.
    const checked = new KeywordSpotter(model, options as SpotterOptions);
    checked.dispose();
    this.detector = checked.detector;
    this.labels = checked.labels;
    const merged = { ...((model.metadata as { detector?: WorkletDetectorOptions }).detector ?? {}), ...options };
    this.thresholds = this.labels.map((l) => merged.thresholds?.[l] ?? merged.threshold ?? 0.5);
    this.background = this.labels.filter((l) => isBackgroundLabel(l, merged.background));
    ({ hopMs: this.hopMs, windowMs: this.windowMs } = checked.frontendSettings);
    this.scoresEvery = scoresMs > 0 ? Math.max(1, Math.round(scoresMs / this.hopMs)) : 0;
    this.stream = model.openStream();
    try {
      this.frontend = new Frontend(model.runtime, { ...checked.frontendSettings, sampleRateHz }, model.numType);
    } catch (e) {
      this.stream.dispose();
      throw e;
    }
    this.framePtr = model.runtime.exports.streamInput(this.stream.handle);
    this.posteriors = new Float32Array(model.outputLen);
    this.peak = new Float32Array(model.outputLen);
  }

  /**
   * `count` samples at `inputPtr` (f32 in module memory) through the frontend; each completed frame
   * steps the model and the detector. `emit` gets each event and scores message (times in the
   * pipeline's own ms, from its start).
   */
  push(inputPtr: number, count: number, emit: (m: WorkletEvent | WorkletScores) => void): void {
    const rt = this.model.runtime, ex = rt.exports;
    let done = 0, ready = false;
    while (done < count || ready) {
      const r = ex.frontendPush(this.frontend.handle, inputPtr + done * 4, count - done, C.SAMPLE_F32, this.framePtr);
      if (r < 0) throw new TinyrnnError(-r, ex.errorDetail(), "frontend push");
      done += r >>> 1;
      ready = (r & 1) === 1;
      if (ready) this.step(emit);
    }
  }

  private step(emit: (m: WorkletEvent | WorkletScores) => void): void {
    const rt = this.model.runtime, out = this.model.io.out;
    rt.check(rt.exports.streamStepPrepared(this.stream.handle, out), "keyword spotter step");
    const f32 = rt.f32, K = this.posteriors.length;
    for (let i = 0, o = out >> 2; i < K; i++) this.posteriors[i] = f32[o + i];
    const endMs = this.windowMs + this.frames * this.hopMs;
    this.frames++;
    const e = this.detector.push(this.posteriors, endMs);
    if (this.scoresEvery > 0) {
      const s = this.detector.scores;
      for (let i = 0; i < K; i++) if (s[i] > this.peak[i]) this.peak[i] = s[i];
      if (++this.framesSinceScores >= this.scoresEvery) {
        emit({ type: "scores", endMs, scores: this.peak.slice() });
        this.peak.fill(0);
        this.framesSinceScores = 0;
      }
    }
    if (e) emit({ type: "event", label: e.label, score: e.score, startMs: e.startMs, endMs: e.endMs });
  }

  reset(): void {
    this.stream.reset();
    this.frontend.reset();
    this.detector.reset();
    this.peak.fill(0);
    this.frames = 0;
    this.framesSinceScores = 0;
  }

  dispose(): void {
    this.frontend.dispose();
    this.model.dispose(); // and its stream
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
  private pipeline?: Pipeline;
  /** Samples received since the processor started, and where the pipeline's time 0 lies among them. */
  private received = 0;
  private pipelineStart = 0;
  private inputPtr = 0;
  private inputFrames = 0;
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
      this.inputFrames = QUANTUM_FRAMES;
      this.inputPtr = this.runtime.alloc(this.inputFrames * 4, "opening the worklet's input buffer");
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
    let next: Pipeline;
    try {
      model = rt.loadModel(bytes);
      next = new Pipeline(model, this.rateHz, detector, this.scoresMs);
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
      if (n > this.inputFrames) this.growInput(rt, n);
      // average the channels into module memory; a non-finite sample (a glitch) counts as silence
      const f32 = rt.f32, at = this.inputPtr >> 2;
      if (k === 1) {
        const c0 = channels[0];
        for (let i = 0; i < n; i++) { const x = c0[i]; f32[at + i] = Number.isFinite(x) ? x : 0; }
      } else {
        const scale = 1 / k;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += channels[c][i];
          f32[at + i] = Number.isFinite(s) ? s * scale : 0;
        }
      }
      p.push(this.inputPtr, n, this.emitShifted);
    } catch (e) {
      this.post(errorMessage(e));
      this.pipeline = undefined;
      p.dispose();
    }
    return true;
  }

  private growInput(rt: Runtime, frames: number): void {
    rt.exports.memFree(this.inputPtr);
    this.inputPtr = 0;
    this.inputPtr = rt.alloc(frames * 4, "growing the worklet's input buffer");
    this.inputFrames = frames;
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
