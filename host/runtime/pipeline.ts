// A pipeline in the module (assembly/pipeline.ts) from the host's side: config words in, samples in
// pieces, events and per-step outputs out, the state as one blob. KeywordSpotter and SensorStream
// are thin wrappers over it. Every buffer is allocated at open; a push allocates only the events
// it returns.

import { TinyrnnError, ERROR_CODES } from "./abi.js";
import * as C from "./constants.js";
import type { DetectorSettings } from "./detector.js";
import type { ParsedModel } from "./format.js";
import type { Model, Runtime } from "./runtime.js";

// Looked up once: a push runs per 128-sample render quantum in a worklet, where a global lookup is
// slow, and in a vm context (the tests' stand-in scope) allocates.
export const F32 = Float32Array, I16 = Int16Array;

/** Samples (or sensor values) copied into the module per push call. */
export const PIECE_VALUES = 4096;

/** What a pipeline's settings depend on: a model file's header and metadata (Model.info). */
export type ModelShape = Pick<ParsedModel, "numType" | "inputLen" | "outputLen" | "inputScale" | "outputScale" | "metadata">;

/** A sensor pipeline's normalisation: (x − mean) · invStd per feature. */
export interface Normalise { mean: Float64Array; invStd: Float64Array }

/** A detection by label index and step, as the module reports it. */
export interface RawEvent { label: number; step: number; score: number }

/** The config words (C.PC_*) for a model and detector, with the frontend's words for audio. */
export function pipelineWords(model: ModelShape, kind: number, d: DetectorSettings, frontend?: Int32Array, normalise?: Normalise): ArrayBuffer {
  const K = model.outputLen, F = model.inputLen;
  const words = C.PC_LABELS + K * C.PC_LABEL_WORDS + (normalise ? 2 * F : 0);
  const buf = new ArrayBuffer(words * 4);
  const v = new DataView(buf);
  const w = (i: number, x: number) => v.setInt32(i * 4, x, true);
  w(C.PC_KIND, kind);
  w(C.PC_WINDOW_STEPS, d.windowSteps);
  w(C.PC_REFRACTORY_STEPS, d.refractorySteps);
  w(C.PC_FLAGS, normalise ? C.PC_FLAG_NORMALISE : 0);
  if (frontend) frontend.forEach((x, i) => w(C.PC_FRONTEND + i, x));
  const scale = model.numType === "int8" ? model.outputScale : 1;
  for (let l = 0; l < K; l++) {
    const at = C.PC_LABELS + l * C.PC_LABEL_WORDS, t = d.thresholds[l], W = d.windowSteps;
    w(at + C.PCL_FIRES, d.fires[l] ? 1 : 0);
    // int8: the least integer window sum T whose mean T · scale / W reaches t, in f64 as the yardstick
    let T = Math.min(Math.ceil((t * W) / scale), 0x7fffffff);
    while (T > -0x80000000 && ((T - 1) * scale) / W >= t) T--;
    while (T < 0x7fffffff && (T * scale) / W < t) T++;
    w(at + C.PCL_SUM_THRESHOLD, T);
    v.setFloat64((at + C.PCL_THRESHOLD_F64) * 4, t, true);
  }
  if (normalise) {
    const at = (C.PC_LABELS + K * C.PC_LABEL_WORDS) * 4;
    for (let i = 0; i < F; i++) {
      v.setFloat32(at + i * 4, normalise.mean[i], true);
      v.setFloat32(at + (F + i) * 4, normalise.invStd[i], true);
    }
  }
  return buf;
}

export class Pipeline {
  readonly handle: number;
  /** Steps one push of a piece can run, at most. */
  readonly maxSteps: number;
  private readonly rt: Runtime;
  private readonly input: number;
  private readonly events: number;
  private readonly outputs: number;
  /** One step's outputs, handed to onOutputs (reused: no allocation per step). */
  private readonly step: Float32Array;
  private disposed = false;

  constructor(readonly model: Model, config: ArrayBuffer, maxSteps: number, wantOutputs: boolean, readonly what: string) {
    model.assertLive();
    const rt = (this.rt = model.runtime);
    const ex = rt.exports;
    const cfg = rt.alloc(config.byteLength, `opening the ${what}`);
    rt.u8.set(new Uint8Array(config), cfg);
    const h = ex.pipelineOpen(model.handle, cfg, config.byteLength / 4);
    const detail = ex.errorDetail();
    ex.memFree(cfg);
    if (h < 0) throw new TinyrnnError(-h, detail, `opening the ${what}`);
    this.handle = h;
    this.maxSteps = maxSteps;
    const bufs: number[] = [];
    try {
      for (const bytes of [PIECE_VALUES * 4, maxSteps * C.EVENT_BYTES, wantOutputs ? maxSteps * model.outputLen * 4 : 0]) {
        bufs.push(bytes > 0 ? rt.alloc(bytes, `opening the ${what}`) : 0);
      }
    } catch (e) {
      for (const p of bufs) if (p) ex.memFree(p);
      ex.pipelineFree(h);
      throw e;
    }
    [this.input, this.events, this.outputs] = bufs;
    this.step = new F32(model.outputLen);
    model.own(this);
  }

  private live(): Runtime {
    if (this.disposed) throw new TinyrnnError(ERROR_CODES.badHandle, 0, `using a ${this.what} that was disposed, or whose model was`);
    return this.rt;
  }

  /** Steps run since open or reset. */
  get steps(): number { return this.live().exports.pipelineSteps(this.handle); }

  /**
   * Push values (audio: PCM, Int16Array or Float32Array in [−1, 1]; sensor: Float32Array, whole
   * vectors) in pieces; calls onOutputs with each step's outputs (one reused array: copy to keep)
   * when the pipeline keeps them, and returns the events.
   */
  push(values: Int16Array | Float32Array, piece: number, onOutputs?: (outputs: Float32Array) => void): RawEvent[] {
    const rt = this.live();
    const ex = rt.exports;
    const isF32 = values instanceof F32;
    if (!isF32 && !(values instanceof I16)) throw new TypeError(`${this.what} push expects an Int16Array or a Float32Array`);
    // more than one piece: a NaN or infinity anywhere refuses the whole push before any piece runs
    // (one piece: the module checks it so, itself)
    if (isF32 && values.length > piece) {
      for (let i = 0; i < values.length; i++) if (!isFinite(values[i])) throw new TinyrnnError(ERROR_CODES.nonFiniteInput, i, `${this.what} push`);
    }
    let events: RawEvent[] = NO_EVENTS;
    const K = this.model.outputLen;
    for (let off = 0; off < values.length; off += piece) {
      const part = values.length <= piece ? values : values.subarray(off, Math.min(values.length, off + piece));
      if (isF32) rt.f32.set(part, this.input >> 2);
      else rt.i16.set(part, this.input >> 1);
      const before = onOutputs ? ex.pipelineSteps(this.handle) : 0;
      const n = ex.pipelinePush(this.handle, this.input, part.length, isF32 ? C.SAMPLE_F32 : C.SAMPLE_I16, this.events, this.outputs, this.maxSteps);
      if (n < 0) {
        const detail = ex.errorDetail();
        throw new TinyrnnError(-n, -n === C.ERR_NON_FINITE_INPUT ? off + detail : detail, `${this.what} push`);
      }
      if (onOutputs && this.outputs) {
        const ran = ex.pipelineSteps(this.handle) - before, f32 = rt.f32, y = this.step;
        for (let k = 0, o = this.outputs >> 2; k < ran; k++, o += K) {
          for (let i = 0; i < K; i++) y[i] = f32[o + i];
          onOutputs(y);
        }
      }
      if (n > 0) {
        if (events === NO_EVENTS) events = [];
        const v = new DataView(ex.memory.buffer);
        for (let i = 0; i < n; i++) {
          const e = this.events + i * C.EVENT_BYTES;
          events.push({
            label: v.getInt32(e + C.EV_LABEL, true),
            step: v.getUint32(e + C.EV_STEP, true) + v.getUint32(e + C.EV_STEP + 4, true) * 2 ** 32,
            score: v.getFloat64(e + C.EV_SCORE, true),
          });
        }
      }
    }
    return events;
  }

  reset(): void {
    const rt = this.live();
    rt.check(rt.exports.pipelineReset(this.handle), `${this.what} reset`);
  }

  /** The whole state, one blob (its header: C.SH_*). */
  saveState(): Uint8Array {
    const rt = this.live();
    const ex = rt.exports;
    const bytes = rt.check(ex.pipelineStateBytes(this.handle), `${this.what} saveState`);
    const p = rt.alloc(bytes, `${this.what} saveState`);
    try {
      rt.check(ex.pipelineSave(this.handle, p), `${this.what} saveState`);
      return rt.u8.slice(p, p + bytes);
    } finally {
      ex.memFree(p);
    }
  }

  /** Continue from a saved state; a state that does not fit is refused and changes nothing. */
  loadState(state: Uint8Array): void {
    const rt = this.live();
    const ex = rt.exports;
    const p = rt.alloc(Math.max(1, state.length), `${this.what} loadState`);
    try {
      rt.u8.set(state, p);
      const r = ex.pipelineLoad(this.handle, p, state.length);
      if (r < 0) throw new TinyrnnError(-r, ex.errorDetail(), `${this.what} loadState: ${STATE_REFUSALS[ex.errorDetail()] ?? "refused"}`);
    } finally {
      ex.memFree(p);
    }
  }

  get disposedYet(): boolean { return this.disposed; }

  dispose(): void {
    if (this.disposed) return;
    const ex = this.rt.exports;
    for (const p of [this.input, this.events, this.outputs]) if (p) ex.memFree(p);
    ex.pipelineFree(this.handle);
    this.disposed = true;
    this.model.forget(this);
  }
}

const NO_EVENTS: RawEvent[] = Object.freeze([]) as unknown as RawEvent[];

/** pipelineLoad's errorDetail for ERR_BAD_STATE, in words (assembly/pipeline.ts). */
const STATE_REFUSALS: Record<number, string> = {
  1: "not a saved tinyrnn pipeline state, or another version",
  2: "the state has the wrong size (truncated, or from another model or configuration)",
  3: "the state was saved with another model",
  4: "the state was saved with another configuration (frontend or detector settings)",
  5: "the state was saved at another input sample rate",
  6: "the state is corrupt (checksum mismatch)",
  7: "the state's detector part is out of range",
  8: "the state's audio frontend part is out of range or not finite",
  9: "the state's model part is not finite",
};

/** The input rate a saved audio state was made at (0 for sensor states), or undefined if it is no state. */
export function stateRateHz(state: Uint8Array): number | undefined {
  if (state.length < C.STATE_HEADER_BYTES) return undefined;
  const v = new DataView(state.buffer, state.byteOffset, state.byteLength);
  return v.getUint32(C.SH_MAGIC, true) === C.STATE_MAGIC ? v.getInt32(C.SH_RATE_HZ, true) : undefined;
}
