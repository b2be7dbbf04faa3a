// Loading the module, models and streams. No Node built-ins here: this runs unchanged in Node,
// Deno, browsers and Cloudflare Workers.

import * as C from "./constants.js";
import { ABI_FUNCTIONS, TinyrnnError, ERROR_CODES, type TinyrnnExports } from "./abi.js";
import { readModel, type NumType, type ParsedModel } from "./format.js";

/**
 * Where the WebAssembly module comes from. Workers cannot compile bytes: pass a Module there. A Blob
 * is what Bun gives for a file (`Bun.file(path)`, the path being what `import x from "x.wasm"` yields).
 */
export type WasmSource = BufferSource | WebAssembly.Module | URL | Response | Promise<Response> | Blob;
/** What a synchronous create takes: bytes or a compiled module (an AudioWorklet has no fetch). */
export type WasmSourceSync = BufferSource | WebAssembly.Module;
/** Both builds: the runtime picks SIMD when the engine has it. */
export interface WasmBuilds<S> { simd: S; mvp: S }

export interface RuntimeOptions {
  /** The module to use. Bytes or URLs of both builds let the runtime pick SIMD when available. */
  wasm?: WasmSource | WasmBuilds<WasmSource>;
}


// Globals that some hosts lack (an AudioWorkletGlobalScope has no URL, fetch or Response) are
// looked up, never named bare.
const has = (name: string): unknown => (globalThis as Record<string, unknown>)[name];
// by tag, not instanceof: bytes may come from another realm (a worklet's options, a vm context)
const isArrayBuffer = (s: unknown): s is ArrayBuffer => Object.prototype.toString.call(s) === "[object ArrayBuffer]";
const isBytes = (s: unknown): s is BufferSource => ArrayBuffer.isView(s) || isArrayBuffer(s);
const isBuilds = <S>(s: unknown): s is WasmBuilds<S> => typeof s === "object" && s !== null && "simd" in s && "mvp" in s;

async function toModule(src: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (isBytes(src)) return WebAssembly.compile(src);
  const URLClass = has("URL") as typeof URL | undefined, ResponseClass = has("Response") as typeof Response | undefined;
  const BlobClass = has("Blob") as typeof Blob | undefined;
  if (BlobClass && src instanceof BlobClass) return WebAssembly.compile(await src.arrayBuffer());
  if (URLClass && src instanceof URLClass) return compileResponse((has("fetch") as typeof fetch)(src));
  if ((ResponseClass && src instanceof ResponseClass) || src instanceof Promise) return compileResponse(src as Response | Promise<Response>);
  throw new TypeError("the tinyrnn module must be given as bytes, a WebAssembly.Module, a URL, a Response or a Blob");
}

async function compileResponse(r: Response | Promise<Response>): Promise<WebAssembly.Module> {
  const res = await r;
  if (!res.ok) throw new Error(`could not fetch the tinyrnn module: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}

async function pick(src: WasmSource | WasmBuilds<WasmSource>): Promise<WebAssembly.Module> {
  if (!isBuilds<WasmSource>(src)) return toModule(src);
  if (isBytes(src.simd)) return toModule(WebAssembly.validate(src.simd) ? src.simd : src.mvp);
  try {
    return await toModule(src.simd);
  } catch {
    return toModule(src.mvp);
  }
}

function pickSync(src: WasmSourceSync | WasmBuilds<WasmSourceSync>): WebAssembly.Module {
  const one = (s: WasmSourceSync): WebAssembly.Module => {
    if (s instanceof WebAssembly.Module) return s;
    if (isBytes(s)) return new WebAssembly.Module(s);
    throw new TypeError("a synchronous create takes the tinyrnn module as bytes or a WebAssembly.Module");
  };
  if (!isBuilds<WasmSourceSync>(src)) return one(src);
  // a compiled SIMD module means the engine has SIMD
  return one(isBytes(src.simd) && !WebAssembly.validate(src.simd) ? src.mvp : src.simd);
}

function instantiate(module: WebAssembly.Module): WebAssembly.Instance {
  return new WebAssembly.Instance(module, {});
}

/** One instance of the module: its own linear memory, any number of models and streams. */
export class Runtime {
  readonly exports: TinyrnnExports;
  /** "simd" or "mvp": which build is running. */
  readonly build: "simd" | "mvp";
  private buffer: ArrayBuffer | undefined;
  private u8v!: Uint8Array;
  private f32v!: Float32Array;
  private i16v!: Int16Array;

  private constructor(instance: WebAssembly.Instance) {
    const ex = instance.exports as unknown as TinyrnnExports;
    for (const name of ABI_FUNCTIONS) {
      if (typeof (ex as unknown as Record<string, unknown>)[name] !== "function") throw new Error(`not a tinyrnn module: export ${name} is missing`);
    }
    this.exports = ex;
    this.build = ex.buildFeatures() & 1 ? "simd" : "mvp";
  }

  /** Instantiate the module (it imports nothing). */
  static async create(source: WasmSource | WasmBuilds<WasmSource>): Promise<Runtime> {
    const module = await pick(source);
    const instance = await WebAssembly.instantiate(module, {});
    return new Runtime(instance);
  }

  /**
   * The same, synchronously, from bytes or a compiled module: for an AudioWorklet's constructor or
   * a Worker's module scope. (Browsers compile large modules synchronously only off the main
   * thread; the module is about 32 KB, under every engine's limit.)
   */
  static createSync(source: WasmSourceSync | WasmBuilds<WasmSourceSync>): Runtime {
    const module = pickSync(source);
    return new Runtime(instantiate(module));
  }

  /** Views over linear memory, re-made only when memory has grown (at load, never in a step). */
  get u8(): Uint8Array { this.views(); return this.u8v; }
  get f32(): Float32Array { this.views(); return this.f32v; }
  get i16(): Int16Array { this.views(); return this.i16v; }
  private views(): void {
    const b = this.exports.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.u8v = new Uint8Array(b);
      this.f32v = new Float32Array(b);
      this.i16v = new Int16Array(b);
    }
  }

  /** Bytes of linear memory right now. */
  get memoryBytes(): number { return this.exports.memory.buffer.byteLength; }

  check(result: number, context: string): number {
    if (result < 0) throw new TinyrnnError(-result, this.exports.errorDetail(), context);
    return result;
  }

  alloc(bytes: number, context: string): number {
    const p = this.exports.memAlloc(bytes);
    if (p === 0) throw new TinyrnnError(ERROR_CODES.outOfMemory, 0, context);
    return p;
  }

  /** Copy a .tinyrnn file (its bytes: a Uint8Array, another view, or an ArrayBuffer) into the module, validate it and return the model. */
  loadModel(file: ArrayBufferView | ArrayBuffer): Model {
    const bytes = ArrayBuffer.isView(file) ? new Uint8Array(file.buffer, file.byteOffset, file.byteLength)
      : isArrayBuffer(file) ? new Uint8Array(file) : undefined;
    if (!bytes) throw new TypeError("loadModel expects the model file's bytes (a Uint8Array or an ArrayBuffer)");
    const image = this.alloc(Math.max(bytes.length, 1), "loading the model");
    this.u8.set(bytes, image);
    const handle = this.exports.modelLoad(image, bytes.length);
    if (handle < 0) {
      const detail = this.exports.errorDetail();
      this.exports.memFree(image);
      throw new TinyrnnError(-handle, detail, "loading the model");
    }
    let info: ParsedModel;
    try {
      info = readModel(bytes);
    } catch (e) {
      this.exports.modelFree(handle);
      throw e;
    }
    // the module has verified the stored checksum against the file: it is the file's fingerprint
    return new Model(this, handle, info, info.checksum);
  }
}

/** A loaded model: immutable weights, shared by any number of streams. */
export class Model {
  readonly numType: NumType;
  readonly inputLen: number;
  readonly outputLen: number;
  readonly layerCount: number;
  /** Bytes of weights (layer data) in the model image. */
  readonly weightBytes: number;
  /** Bytes of state each stream keeps. */
  readonly stateBytes: number;
  /** Bytes of scratch the model's layers share between steps. */
  readonly scratchBytes: number;
  readonly info: ParsedModel;
  /** Fingerprint of the model file (CRC-32), stored in saved states. */
  readonly fingerprint: number;
  /** @internal */ readonly io: { in: number; out: number };
  private dependents = new Set<{ dispose(): void }>();
  private disposed = false;

  constructor(readonly runtime: Runtime, readonly handle: number, info: ParsedModel, fingerprint: number) {
    const ex = runtime.exports;
    this.info = info;
    this.fingerprint = fingerprint;
    this.numType = ex.modelInfo(handle, C.INFO_NUM_TYPE) === C.NUM_INT8 ? "int8" : "f32";
    this.inputLen = ex.modelInfo(handle, C.INFO_INPUT_LEN);
    this.outputLen = ex.modelInfo(handle, C.INFO_OUTPUT_LEN);
    this.layerCount = ex.modelInfo(handle, C.INFO_LAYER_COUNT);
    this.weightBytes = ex.modelInfo(handle, C.INFO_WEIGHT_BYTES);
    this.stateBytes = ex.modelInfo(handle, C.INFO_STATE_BYTES);
    this.scratchBytes = ex.modelInfo(handle, C.INFO_SCRATCH_BYTES);
    // One input and one output buffer per model, f32-sized (int16 steps use their first half).
    this.io = { in: runtime.alloc(this.inputLen * 4, "loading the model"), out: runtime.alloc(this.outputLen * 4, "loading the model") };
  }

  get metadata(): Record<string, unknown> { return this.info.metadata; }

  /** Open an independent stream with zero state. */
  openStream(): Stream {
    this.assertLive();
    const h = this.runtime.check(this.runtime.exports.streamOpen(this.handle), "opening a stream");
    const s = new Stream(this, h);
    this.own(s);
    return s;
  }

  /** @internal A stream or pipeline of this model, disposed with it. */ own(d: { dispose(): void }): void { this.dependents.add(d); }
  /** @internal */ forget(d: { dispose(): void }): void { this.dependents.delete(d); }

  /** @internal */ assertLive(): void {
    if (this.disposed) throw new TinyrnnError(ERROR_CODES.badHandle, 0, "using a disposed model");
  }

  /** Free the model and every stream, spotter and sensor stream still open on it. */
  dispose(): void {
    if (this.disposed) return;
    for (const d of [...this.dependents]) d.dispose();
    const ex = this.runtime.exports;
    ex.memFree(this.io.in);
    ex.memFree(this.io.out);
    this.runtime.check(ex.modelFree(this.handle), "disposing the model");
    this.disposed = true;
  }
}

/** One input sequence through a model, one step at a time, with its own state. */
export class Stream {
  private disposed = false;
  constructor(readonly model: Model, readonly handle: number) {}

  private live(): Runtime {
    if (this.disposed) throw new TinyrnnError(ERROR_CODES.badHandle, 0, "using a disposed stream");
    return this.model.runtime;
  }

  /** Feed one input vector; returns the output vector (into `out` when given). */
  step(input: ArrayLike<number>, out?: Float32Array): Float32Array {
    const rt = this.live();
    const m = this.model;
    if (input.length !== m.inputLen) throw new RangeError(`input has ${input.length} values; the model takes ${m.inputLen}`);
    const result = out ?? new Float32Array(m.outputLen);
    if (result.length < m.outputLen) throw new RangeError(`output buffer has ${result.length} values; the model gives ${m.outputLen}`);
    const f32 = rt.f32;
    f32.set(input, m.io.in >> 2);
    rt.check(rt.exports.streamStep(this.handle, m.io.in, m.io.out), "step");
    const o = m.io.out >> 2;
    for (let i = 0; i < m.outputLen; i++) result[i] = f32[o + i];
    return result;
  }

  /** Integer-only step of an int8 model: int16 input at the model's input scale, int16 output. */
  stepInt16(input: ArrayLike<number>, out?: Int16Array): Int16Array {
    const rt = this.live();
    const m = this.model;
    if (input.length !== m.inputLen) throw new RangeError(`input has ${input.length} values; the model takes ${m.inputLen}`);
    const result = out ?? new Int16Array(m.outputLen);
    const i16 = rt.i16;
    i16.set(input, m.io.in >> 1);
    rt.check(rt.exports.streamStepI16(this.handle, m.io.in, m.io.out), "stepInt16");
    const o = m.io.out >> 1;
    for (let i = 0; i < m.outputLen; i++) result[i] = i16[o + i];
    return result;
  }

  /** Run a whole sequence, [T, inputLen] row-major, step by step; returns [T, outputLen]. */
  run(sequence: Float32Array, out?: Float32Array): Float32Array {
    const m = this.model;
    if (sequence.length % m.inputLen !== 0) throw new RangeError(`sequence length ${sequence.length} is not a multiple of the input size ${m.inputLen}`);
    const T = sequence.length / m.inputLen;
    const result = out ?? new Float32Array(T * m.outputLen);
    for (let t = 0; t < T; t++) {
      this.step(sequence.subarray(t * m.inputLen, (t + 1) * m.inputLen), result.subarray(t * m.outputLen, (t + 1) * m.outputLen));
    }
    return result;
  }

  /** Back to zero state: the start of a new sequence. */
  reset(): void {
    const rt = this.live();
    rt.check(rt.exports.streamReset(this.handle), "reset");
  }

  /** The stream's state as bytes; loadState() on a stream of the same model continues exactly. */
  saveState(): Uint8Array {
    const rt = this.live();
    const m = this.model;
    const out = new Uint8Array(C.STREAM_STATE_HEADER_BYTES + m.stateBytes);
    const v = new DataView(out.buffer);
    v.setUint32(C.SS_MAGIC, C.STREAM_STATE_MAGIC, true);
    v.setUint32(C.SS_VERSION, C.STREAM_STATE_VERSION, true);
    v.setUint32(C.SS_MODEL_CRC, m.fingerprint, true);
    v.setUint32(C.SS_STATE_BYTES, m.stateBytes, true);
    const p = rt.exports.streamState(this.handle);
    out.set(rt.u8.subarray(p, p + m.stateBytes), C.STREAM_STATE_HEADER_BYTES);
    return out;
  }

  loadState(bytes: Uint8Array): void {
    const rt = this.live();
    const m = this.model;
    const bad = (why: string) => new TinyrnnError(ERROR_CODES.badState, 0, `loadState: ${why}`);
    if (!(bytes instanceof Uint8Array) || bytes.length < C.STREAM_STATE_HEADER_BYTES) throw bad("not a saved tinyrnn state");
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (v.getUint32(C.SS_MAGIC, true) !== C.STREAM_STATE_MAGIC || v.getUint32(C.SS_VERSION, true) !== C.STREAM_STATE_VERSION) throw bad("not a saved tinyrnn state");
    if (v.getUint32(C.SS_MODEL_CRC, true) !== m.fingerprint) throw bad("the state was saved from a different model");
    if (v.getUint32(C.SS_STATE_BYTES, true) !== m.stateBytes || bytes.length !== C.STREAM_STATE_HEADER_BYTES + m.stateBytes) throw bad("wrong state size");
    // every value of an f32 model's state is an f32: a NaN or infinity there would stay in every output
    const k = m.numType === "f32" ? new Float32Array(bytes.slice(C.STREAM_STATE_HEADER_BYTES).buffer).findIndex((x) => !Number.isFinite(x)) : -1;
    if (k >= 0) throw bad(`the state holds NaN or infinity (value ${k})`);
    const p = rt.exports.streamState(this.handle);
    rt.u8.set(bytes.subarray(C.STREAM_STATE_HEADER_BYTES), p);
  }

  dispose(): void {
    if (this.disposed) return;
    const rt = this.model.runtime;
    rt.check(rt.exports.streamFree(this.handle), "disposing the stream");
    this.disposed = true;
    this.model.forget(this);
  }
}
