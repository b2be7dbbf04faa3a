// Streams: one per independent input sequence, each with its own state block, sharing the model's
// weights and scratch. A step validates and converts the input, runs every layer in order and
// writes the output; it allocates nothing.

import { memAlloc, memFree, isTagged } from "./alloc";
import * as E from "./errors";
import { NUM_INT8 } from "./constants";
import { stateOffset } from "./layer";
import { layerStepInt8, layerStepF32 } from "./layers";
import { ModelCtx, isModel, layerDesc } from "./model";
import { vconst, V_ZERO } from "./fixedpoint";

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

export const STREAM_TAG: u32 = 0x4d525453; // "STRM"

/** A stream: its model and its own state block. The handle points at it. */
// @ts-ignore: decorator
@unmanaged class StreamCtx {
  tag: u32;      // STREAM_TAG while the stream lives, 0 once freed
  model: usize;  // the ModelCtx it runs
  state: usize;  // its state block, model.stateBytes: [input vector, padded][layer 0 state][layer 1 state]…
}
const STREAM_BYTES: usize = (offsetof<StreamCtx>() + 15) & ~15; // 16: memAlloc's granule

export function isStream(s: usize): bool {
  return isTagged(s, STREAM_BYTES, STREAM_TAG);
}

export function streamOpen(m: usize): i32 {
  if (!isModel(m)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const mc = changetype<ModelCtx>(m);
  const s = memAlloc(<u32>STREAM_BYTES);
  const state = memAlloc(mc.stateBytes);
  if (s == 0 || state == 0) {
    memFree(s);
    memFree(state);
    return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  }
  const sc = changetype<StreamCtx>(s);
  sc.model = m;
  sc.state = state;
  sc.tag = STREAM_TAG;
  mc.streamsOpen++;
  return <i32>s;
}

export function streamFree(s: usize): i32 {
  if (!isStream(s)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const sc = changetype<StreamCtx>(s);
  const mc = changetype<ModelCtx>(sc.model);
  sc.tag = 0;
  memFree(sc.state);
  memFree(s);
  mc.streamsOpen--;
  return 0;
}

/** Zero the stream's state: the start of a new sequence. */
export function streamReset(s: usize): i32 {
  if (!isStream(s)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const sc = changetype<StreamCtx>(s);
  const state = sc.state;
  const bytes = <usize>changetype<ModelCtx>(sc.model).stateBytes;
  for (let p: usize = 0; p < bytes; p += 8) store<u64>(state + p, 0);
  return 0;
}

export function streamState(s: usize): usize {
  return isStream(s) ? changetype<StreamCtx>(s).state : 0;
}

/**
 * Where the stream's input vector lives (int16 for int8 models, f32 for f32 models, padded): a
 * pipeline's frontend writes its features here, then streamRun runs the model on them, so
 * features never leave linear memory. It is the start of the state block.
 */
export function streamInput(s: usize): usize {
  return isStream(s) ? changetype<StreamCtx>(s).state : 0;
}

/** Run the model on the input in the stream's state block; its output vector (int16 | f32, padded). */
export function streamRun(s: usize): usize {
  const sc = changetype<StreamCtx>(s);
  return runLayers(sc.model, sc.state);
}

function runLayers(m: usize, state: usize): usize {
  const mc = changetype<ModelCtx>(m);
  const numType = mc.numType;
  const count = mc.layerCount;
  let x = state; // the input vector sits at the start of the state block
  for (let i: u32 = 0; i < count; i++) {
    const d = layerDesc(m, i);
    const st = state + stateOffset(d);
    x = numType == NUM_INT8 ? layerStepInt8(d, x, st) : layerStepF32(d, x, st);
  }
  return x;
}

/**
 * One step with float input and output (f32[inputLen] at `input`, f32[outputLen] to `output`).
 * int8 models quantise the input with the model's input scale (round to nearest, saturating)
 * and dequantise the output. A NaN or infinite input is refused before any state changes.
 */
export function streamStep(s: usize, input: usize, output: usize): i32 {
  if (!isStream(s)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const r = streamSetInput(s, input);
  if (r < 0) return r;
  const sc = changetype<StreamCtx>(s);
  outputToF32(sc.model, runLayers(sc.model, sc.state), output);
  return 0;
}

/**
 * Put f32 [inputLen] at `input` into the stream's input vector: int8 models quantise it with the
 * model's input scale (round to nearest, saturating). A NaN or infinity is refused (errorDetail:
 * its index) before anything changes.
 */
export function streamSetInput(s: usize, input: usize): i32 {
  const sc = changetype<StreamCtx>(s), mc = changetype<ModelCtx>(sc.model);
  const state = sc.state;
  const inLen = mc.inputLen;
  let i = 0;
  // simd: four at a time where all four are finite (x − x is 0), then one by one
  if (SIMD) for (; i + 4 <= inLen; i += 4) {
    const v = v128.load(input + (<usize>i << 2));
    if (v128.any_true(f32x4.ne(f32x4.sub(v, v), vconst(V_ZERO)))) break;
  }
  for (; i < inLen; i++) {
    const v = load<f32>(input + (<usize>i << 2));
    if (!isFinite(v)) return E.fail(E.ERR_NON_FINITE_INPUT, i);
  }
  if (mc.numType == NUM_INT8) {
    const inv = mc.inputScaleInv;
    i = 0;
    if (SIMD) {
      // the scalar's round-to-nearest-even and clamp: a saturating truncation and narrow of an integral value
      for (; i + 4 <= inLen; i += 4) {
        const q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(input + (<usize>i << 2)), f32x4.splat(inv))));
        v128.store64_lane(state + (<usize>i << 1), i16x8.narrow_i32x4_s(q, q), 0);
      }
    }
    for (; i < inLen; i++) {
      let q = nearest<f32>(load<f32>(input + (<usize>i << 2)) * inv);
      q = q < -32768 ? -32768 : q > 32767 ? 32767 : q;
      store<i16>(state + (<usize>i << 1), <i16>(<i32>q));
    }
  } else {
    memory.copy(state, input, <usize>inLen << 2);
  }
  return 0;
}

/**
 * A step's output vector `y` (int16 | f32) as f32 [outputLen] at `output`: int8 models dequantise
 * with the model's output scale (an f32 product, as the hosts' yardsticks do).
 */
export function outputToF32(m: usize, y: usize, output: usize): void {
  const mc = changetype<ModelCtx>(m);
  const outLen = mc.outputLen;
  if (mc.numType == NUM_INT8) {
    const scale = mc.outputScale;
    for (let i = 0; i < outLen; i++) store<f32>(output + (<usize>i << 2), <f32>load<i16>(y + (<usize>i << 1)) * scale);
  } else {
    for (let i = 0; i < outLen; i++) store<f32>(output + (<usize>i << 2), load<f32>(y + (<usize>i << 2)));
  }
}

/**
 * One integer-only step of an int8 model: int16 input already at the model's input scale,
 * int16 output at its output scale. The path for hosts without floating point.
 */
export function streamStepI16(s: usize, input: usize, output: usize): i32 {
  if (!isStream(s)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const sc = changetype<StreamCtx>(s), m = sc.model, mc = changetype<ModelCtx>(m);
  if (mc.numType != NUM_INT8) return E.fail(E.ERR_WRONG_NUM_TYPE, 0);
  const state = sc.state;
  const inLen = mc.inputLen;
  const outLen = mc.outputLen;
  for (let i = 0; i < inLen; i++) store<i16>(state + (<usize>i << 1), load<i16>(input + (<usize>i << 1)));
  const y = runLayers(m, state);
  for (let i = 0; i < outLen; i++) store<i16>(output + (<usize>i << 1), load<i16>(y + (<usize>i << 1)));
  return 0;
}

