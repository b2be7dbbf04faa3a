// The audio frontend alone, over the module's ABI: audio in, features out — for training data,
// calibration, evaluation and tests. (A keyword spotter runs the frontend inside the module's
// pipeline; host/runtime/spotter.ts.) The settings and their encoding: host/runtime/frontend.ts.
//
//   const fe = new Frontend(runtime, defaultFrontendConfig(48000), "int8");
//   fe.push(int16Chunk, framePtr, () => { /* a frame of features landed at framePtr */ });
//   const feats = fe.features(samples);     // [frames, channels] as real values
//   fe.dispose();

import { ERROR_CODES, TinyrnnError } from "../runtime/abi.js";
import * as C from "../runtime/constants.js";
import { defaultFrontendConfig, encodeFrontendConfig, FEATURE_SCALE, type FrontendConfig } from "../runtime/frontend.js";
import type { NumType } from "../runtime/format.js";
import type { Runtime } from "../runtime/runtime.js";

/** Input samples copied into the module per piece. */
const PIECE_SAMPLES = 4096;

/**
 * A streaming frontend in a runtime: audio in (any chunk size, int16 or float in [−1, 1]), one
 * frame of `channels` features per hop. numType "int8" is the integer path (int16 features, for
 * int8 models), "f32" the float twin. Chunking never changes the features.
 */
export class Frontend {
  readonly channels: number;
  readonly numType: NumType;
  readonly config: FrontendConfig;
  /** Bytes one frame takes at a frame pointer: channels · (2 int16 | 4 f32). */
  readonly frameBytes: number;
  readonly handle: number;
  private readonly input: number;
  private readonly frame: number;
  private disposed = false;

  constructor(readonly runtime: Runtime, config: FrontendConfig = defaultFrontendConfig(), numType: NumType = "int8") {
    if (numType !== "int8" && numType !== "f32") throw new TinyrnnError(ERROR_CODES.badNumType, 0, `frontend: numType "${String(numType)}" (int8 or f32)`);
    const enc = encodeFrontendConfig(config);
    const ex = runtime.exports;
    const cfg = runtime.alloc(C.FE_CONFIG_FIELDS * 4, "opening the audio frontend");
    new Int32Array(ex.memory.buffer, cfg, C.FE_CONFIG_FIELDS).set(enc);
    const h = ex.frontendOpen(cfg, numType === "int8" ? C.NUM_INT8 : C.NUM_F32);
    const detail = ex.errorDetail();
    ex.memFree(cfg);
    if (h < 0) throw new TinyrnnError(-h, detail, "opening the audio frontend");
    this.handle = h;
    this.config = { ...config };
    this.numType = numType;
    this.channels = enc[4];
    this.frameBytes = this.channels * (numType === "int8" ? 2 : 4);
    try {
      this.input = runtime.alloc(PIECE_SAMPLES * 4, "opening the audio frontend");
      this.frame = runtime.alloc(this.frameBytes, "opening the audio frontend");
    } catch (e) {
      ex.frontendFree(h);
      throw e;
    }
  }

  private live(): Runtime {
    if (this.disposed) throw new TinyrnnError(ERROR_CODES.badHandle, 0, "using a disposed frontend");
    return this.runtime;
  }

  /**
   * Feed a chunk of audio at config.sampleRateHz. Each time a frame completes, its features are
   * written at `framePtr` in module memory (int16[channels] or f32[channels]: e.g. a model
   * stream's streamInput) and `onFrame` is called. A NaN or infinite sample refuses the whole
   * chunk before anything changes.
   */
  push(samples: Int16Array | Float32Array, framePtr: number, onFrame: () => void): void {
    const rt = this.live();
    const isF32 = samples instanceof Float32Array;
    if (!isF32 && !(samples instanceof Int16Array)) throw new TypeError("frontend push expects an Int16Array or a Float32Array");
    if (isF32) {
      for (let i = 0; i < samples.length; i++) {
        if (!Number.isFinite(samples[i])) throw new TinyrnnError(ERROR_CODES.nonFiniteInput, i, "frontend push");
      }
    }
    const ex = rt.exports;
    for (let off = 0; off < samples.length; off += PIECE_SAMPLES) {
      const piece = samples.subarray(off, Math.min(samples.length, off + PIECE_SAMPLES));
      if (isF32) rt.f32.set(piece, this.input >> 2);
      else rt.i16.set(piece, this.input >> 1);
      const bytes = isF32 ? 4 : 2;
      let done = 0, ready = false;
      while (done < piece.length || ready) {
        const r = ex.frontendPush(this.handle, this.input + done * bytes, piece.length - done, isF32 ? C.SAMPLE_F32 : C.SAMPLE_I16, framePtr);
        if (r < 0) throw new TinyrnnError(-r, ex.errorDetail(), "frontend push");
        done += r >>> 1;
        ready = (r & 1) === 1;
        if (ready) onFrame();
      }
    }
  }

  /**
   * The features of every frame this audio completes, [frames, channels] as real values
   * (int16 · FEATURE_SCALE on the integer path). Continues from the frontend's state: reset()
   * first for a clip of its own.
   */
  features(samples: Int16Array | Float32Array): Float32Array {
    const frames: Float32Array[] = [];
    const C = this.channels;
    this.push(samples, this.frame, () => {
      const rt = this.runtime;
      const f = new Float32Array(C);
      if (this.numType === "int8") {
        const q = rt.i16.subarray(this.frame >> 1, (this.frame >> 1) + C);
        for (let i = 0; i < C; i++) f[i] = q[i] * FEATURE_SCALE;
      } else {
        f.set(rt.f32.subarray(this.frame >> 2, (this.frame >> 2) + C));
      }
      frames.push(f);
    });
    const out = new Float32Array(frames.length * C);
    frames.forEach((f, t) => out.set(f, t * C));
    return out;
  }

  /** Back to silence: buffered audio, noise estimates and resampler history forgotten. */
  reset(): void {
    const rt = this.live();
    rt.check(rt.exports.frontendReset(this.handle), "frontend reset");
  }

  dispose(): void {
    if (this.disposed) return;
    const ex = this.runtime.exports;
    this.disposed = true;
    ex.memFree(this.input);
    ex.memFree(this.frame);
    this.runtime.check(ex.frontendFree(this.handle), "disposing the frontend");
  }
}
