// The model image reader: validates a .tinyrnn image in linear memory once, at load, and lays
// out everything a step needs (TFLite Micro's "Prepare"). It never traps on a bad image: every
// field is bounds-checked in 64-bit arithmetic before it is used, and every failure returns an
// error code from errors.ts with errorDetail() naming the layer or byte offset.
//
// File format v1 (little-endian): its layout is constants.ts's "The model file" section, the one
// source the host's writer (host/build/write.ts) and reader (host/runtime/format.ts) use too:
//   header (FILE_HEADER_BYTES): the HDR_* fields, at those byte offsets
//   layer table: HDR_LAYER_COUNT records of LAYER_RECORD_BYTES, the REC_* fields
//   layer data: the kind's tensors in a fixed order, each starting FILE_TENSOR_ALIGN-aligned (see
//   each kernel file's plan function); a record's dataOffset is aligned too and its dataBytes is
//   exactly what the plan needs.
//
// What it lays out: a model context (ModelCtx below), one layer descriptor per layer (layer.ts),
// and the model's scratch; a stream (stream.ts) adds its own state block of stateBytes.

import { modelChecksum } from "./crc32";
import { memAlloc, memFree, isTagged } from "./alloc";
import * as E from "./errors";
import {
  FILE_MAGIC, FILE_VERSION_MAJOR, FILE_HEADER_BYTES, LAYER_RECORD_BYTES, MAX_LAYERS, MAX_DIM, MAX_PARAMS,
  HDR_MAGIC, HDR_VERSION_MAJOR, HDR_HEADER_BYTES, HDR_FILE_BYTES, HDR_CHECKSUM, HDR_NUM_TYPE, HDR_INPUT_LEN,
  HDR_OUTPUT_LEN, HDR_LAYER_COUNT, HDR_LAYER_TABLE, HDR_METADATA_OFFSET, HDR_METADATA_BYTES, HDR_INPUT_SCALE,
  HDR_OUTPUT_SCALE, FILE_TENSOR_ALIGN, REC_KIND, REC_FLAGS, REC_INPUT_LEN, REC_OUTPUT_LEN, REC_PARAMS,
  REC_DATA_OFFSET, REC_DATA_BYTES, NUM_F32, NUM_INT8, LAYER_TENSOR_SHIFT,
} from "./constants";
import {
  LAYER_DESC_BYTES, MAX_TENSORS, LD_PARAMS, LD_KIND, LD_FLAGS, LD_INPUT_LEN, LD_OUTPUT_LEN, LD_STATE_OFFSET,
  LD_SCRATCH, LD_RECORD, padLen, stateBytes as layerStateBytes, scratch, scratchBytes as layerScratchBytes,
  tensorCount, tensorSlot,
} from "./layer";
import { layerPlan, layerPrepare } from "./layers";
import { activationTablesInit } from "./activations";

export const MODEL_TAG: u32 = 0x4c444f4d; // "MODL"

/** A loaded model: immutable after modelLoad but for streamsOpen. The handle points at it. */
// @ts-ignore: decorator
@unmanaged export class ModelCtx {
  tag: u32;            // MODEL_TAG while the model lives, 0 once freed
  image: usize;        // the model image, owned by the model (16-aligned)
  imageBytes: u32;     // bytes the host gave (≥ the file's fileBytes)
  numType: u32;        // NUM_*
  inputLen: i32;       // elements, 1..MAX_DIM
  outputLen: i32;      // elements, 1..MAX_DIM
  layerCount: u32;     // 1..MAX_LAYERS
  layers: usize;       // layerCount descriptors of LAYER_DESC_BYTES (layer.ts)
  stateBytes: u32;     // a stream's state block, a multiple of 16: the input vector, then each layer's state
  scratch: usize;      // scratchBytes shared by the model's streams (a step's temporaries)
  scratchBytes: u32;
  inputScale: f32;     // int8: real input = int16 · inputScale
  inputScaleInv: f32;  // 1 / inputScale
  outputScale: f32;    // int8: real output = int16 · outputScale
  weightBytes: u32;    // Σ of the layers' dataBytes
  streamsOpen: u32;    // streams of this model not yet freed
}
export const MODEL_BYTES: usize = offsetof<ModelCtx>(); // 64

const TENSOR_ALIGN_MASK: u64 = FILE_TENSOR_ALIGN - 1;

/** Valid model handle? */
export function isModel(m: usize): bool {
  return isTagged(m, MODEL_BYTES, MODEL_TAG);
}

/**
 * Validate the image at `image` (imageBytes long, 16-aligned, owned by the model from now on)
 * and build its context. Returns the model handle (> 0) or a negated error code.
 */
export function modelLoad(image: usize, imageBytes: u32): i32 {
  activationTablesInit(); // once: the integer activations' tables
  if ((image & 15) != 0) return E.fail(E.ERR_BAD_HEADER, 0);
  if (imageBytes < <u32>FILE_HEADER_BYTES) return E.fail(E.ERR_TRUNCATED, <i32>imageBytes);
  if (load<u32>(image, HDR_MAGIC) != FILE_MAGIC) return E.fail(E.ERR_BAD_MAGIC, 0);
  const versionMajor = <u32>load<u16>(image, HDR_VERSION_MAJOR);
  if (versionMajor != FILE_VERSION_MAJOR) return E.fail(E.ERR_BAD_VERSION, <i32>versionMajor);
  if (load<u32>(image, HDR_HEADER_BYTES) != FILE_HEADER_BYTES) return E.fail(E.ERR_BAD_HEADER, HDR_HEADER_BYTES);
  const fileBytes = load<u32>(image, HDR_FILE_BYTES);
  if (fileBytes > imageBytes) return E.fail(E.ERR_TRUNCATED, <i32>imageBytes);
  if (fileBytes < <u32>FILE_HEADER_BYTES) return E.fail(E.ERR_BAD_HEADER, HDR_FILE_BYTES);
  if (modelChecksum(image, <usize>fileBytes) != load<u32>(image, HDR_CHECKSUM)) return E.fail(E.ERR_BAD_CHECKSUM, HDR_CHECKSUM);
  const numType = load<u32>(image, HDR_NUM_TYPE);
  if (numType != NUM_F32 && numType != NUM_INT8) return E.fail(E.ERR_BAD_NUM_TYPE, <i32>numType);
  const inLen = load<u32>(image, HDR_INPUT_LEN);
  const outLen = load<u32>(image, HDR_OUTPUT_LEN);
  const layerCount = load<u32>(image, HDR_LAYER_COUNT);
  const tableOffset = load<u32>(image, HDR_LAYER_TABLE);
  if (inLen == 0 || inLen > <u32>MAX_DIM) return E.fail(E.ERR_BAD_SHAPE, HDR_INPUT_LEN);
  if (outLen == 0 || outLen > <u32>MAX_DIM) return E.fail(E.ERR_BAD_SHAPE, HDR_OUTPUT_LEN);
  if (layerCount == 0 || layerCount > <u32>MAX_LAYERS) return E.fail(E.ERR_BAD_HEADER, HDR_LAYER_COUNT);
  const tableEnd = <u64>tableOffset + <u64>layerCount * LAYER_RECORD_BYTES;
  if (tableOffset < <u32>FILE_HEADER_BYTES || tableEnd > <u64>fileBytes) return E.fail(E.ERR_BAD_HEADER, HDR_LAYER_TABLE);
  const metaOffset = load<u32>(image, HDR_METADATA_OFFSET);
  const metaBytes = load<u32>(image, HDR_METADATA_BYTES);
  if (<u64>metaOffset + <u64>metaBytes > <u64>fileBytes || (metaBytes > 0 && <u64>metaOffset < tableEnd))
    return E.fail(E.ERR_BAD_HEADER, HDR_METADATA_OFFSET);
  const inputScale = load<f32>(image, HDR_INPUT_SCALE);
  const outputScale = load<f32>(image, HDR_OUTPUT_SCALE);
  // positive and finite, and so are what a step makes of them: 1 / inputScale (so a normal f32)
  // and int16 · outputScale (so at most f32.MAX_VALUE / 32768)
  if (!(inputScale >= f32.MIN_NORMAL_VALUE && inputScale <= f32.MAX_VALUE)) return E.fail(E.ERR_BAD_HEADER, HDR_INPUT_SCALE);
  if (!(outputScale > 0 && outputScale <= f32.MAX_VALUE / 32768)) return E.fail(E.ERR_BAD_HEADER, HDR_OUTPUT_SCALE);

  const m = memAlloc(<u32>MODEL_BYTES), c = changetype<ModelCtx>(m);
  const layers = memAlloc(<u32>(LAYER_DESC_BYTES * <usize>layerCount));
  if (m == 0 || layers == 0) {
    memFree(m);
    memFree(layers);
    return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  }
  const r = prepareModel(m, layers, image, fileBytes, numType, inLen, outLen, layerCount, tableOffset, <u32>tableEnd);
  if (r < 0) {
    memFree(c.scratch);
    memFree(layers);
    memFree(m);
    return r;
  }
  c.image = image;
  c.imageBytes = imageBytes;
  c.numType = numType;
  c.inputLen = <i32>inLen;
  c.outputLen = <i32>outLen;
  c.layerCount = layerCount;
  c.layers = layers;
  c.inputScale = inputScale;
  c.inputScaleInv = 1.0 / inputScale;
  c.outputScale = outputScale;
  c.tag = MODEL_TAG;
  return <i32>m;
}

function prepareModel(m: usize, layers: usize, image: usize, fileBytes: u32, numType: u32, inLen: u32,
                      outLen: u32, layerCount: u32, tableOffset: u32, tableEnd: u32): i32 {
  // State block of a stream: [input vector, padded][layer 0 state][layer 1 state]...
  let stateBytes: u64 = <u64>padLen(<i32>inLen, numType) * (numType == NUM_INT8 ? 2 : 4);
  let scratchBytes: u64 = 0;
  let weightBytes: u64 = 0;
  let prevOut = inLen;
  for (let i: u32 = 0; i < layerCount; i++) {
    const rec = image + <usize>tableOffset + <usize>(i * LAYER_RECORD_BYTES);
    const d = layers + <usize>i * LAYER_DESC_BYTES;
    for (let k: usize = 0; k < <usize>MAX_PARAMS << 2; k += 4) {
      store<u32>(d + LD_PARAMS + k, load<u32>(rec + REC_PARAMS + k)); // p0..p7
    }
    store<u32>(d, load<u32>(rec, REC_KIND), LD_KIND);
    store<u32>(d, load<u32>(rec, REC_FLAGS), LD_FLAGS);
    const li = load<u32>(rec, REC_INPUT_LEN);
    const lo = load<u32>(rec, REC_OUTPUT_LEN);
    if (li != prevOut || lo == 0 || lo > <u32>MAX_DIM) return E.fail(E.ERR_BAD_SHAPE, <i32>i);
    store<u32>(d, li, LD_INPUT_LEN);
    store<u32>(d, lo, LD_OUTPUT_LEN);
    store<u32>(d, <u32>rec, LD_RECORD);
    const planned = layerPlan(d, numType);
    if (planned < 0) return E.fail(-planned, <i32>i);
    // Walk the tensors through the layer's data, FILE_TENSOR_ALIGN-aligned, and check they fill it exactly.
    const dataOffset = load<u32>(rec, REC_DATA_OFFSET);
    const dataBytes = load<u32>(rec, REC_DATA_BYTES);
    if ((dataOffset & (FILE_TENSOR_ALIGN - 1)) != 0 || <u64>dataOffset < <u64>tableEnd ||
        <u64>dataOffset + <u64>dataBytes > <u64>fileBytes)
      return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
    const count = tensorCount(d);
    if (count > MAX_TENSORS) return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
    let off: u64 = 0;
    for (let t = 0; t < count; t++) {
      const slot = tensorSlot(d, t);
      const bytes = <u64>load<u32>(slot);
      off = (off + TENSOR_ALIGN_MASK) & ~TENSOR_ALIGN_MASK;
      if (off + bytes > <u64>dataBytes) return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
      const p = image + <usize>dataOffset + <usize>off;
      store<u32>(slot, <u32>p);
      off += bytes;
      // f32 models: every tensor is f32, and one NaN or infinity would make every output NaN
      if (numType != NUM_INT8) {
        for (let q = p; q < p + <usize>bytes; q += 4) {
          if (!isFinite(load<f32>(q))) return E.fail(E.ERR_NON_FINITE_WEIGHT, <i32>(i << LAYER_TENSOR_SHIFT) | t);
        }
      }
    }
    if (((off + TENSOR_ALIGN_MASK) & ~TENSOR_ALIGN_MASK) != (((<u64>dataBytes) + TENSOR_ALIGN_MASK) & ~TENSOR_ALIGN_MASK))
      return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
    weightBytes += <u64>dataBytes;
    // State and scratch placement.
    const sBytes = <u64>layerStateBytes(d);
    const xBytes = <u64>layerScratchBytes(d);
    if (sBytes > 0x7fffffff || xBytes > 0x7fffffff) return E.fail(E.ERR_BAD_SHAPE, <i32>i);
    stateBytes = (stateBytes + 15) & ~<u64>15;
    store<u32>(d, <u32>stateBytes, LD_STATE_OFFSET);
    stateBytes += sBytes;
    scratchBytes = (scratchBytes + 15) & ~<u64>15;
    store<u32>(d, <u32>scratchBytes, LD_SCRATCH); // offset for now, made absolute below
    scratchBytes += xBytes;
    if (stateBytes > 0x40000000 || scratchBytes > 0x40000000) return E.fail(E.ERR_BAD_SHAPE, <i32>i);
    prevOut = lo;
  }
  if (prevOut != outLen) return E.fail(E.ERR_BAD_SHAPE, <i32>(layerCount - 1));
  const c = changetype<ModelCtx>(m);
  const scratchBlock = memAlloc(<u32>scratchBytes);
  if (scratchBlock == 0) return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  c.scratch = scratchBlock;
  for (let i: u32 = 0; i < layerCount; i++) {
    const d = layers + <usize>i * LAYER_DESC_BYTES;
    store<u32>(d, <u32>(scratchBlock + scratch(d)), LD_SCRATCH);
    const r = layerPrepare(d, numType);
    if (r < 0) return E.fail(-r, <i32>i);
  }
  c.stateBytes = <u32>((stateBytes + 15) & ~<u64>15);
  c.scratchBytes = <u32>scratchBytes;
  c.weightBytes = <u32>weightBytes;
  return 0;
}

/** Free a model and its image. Streams of it must be freed first (the host does this). */
export function modelFree(m: usize): i32 {
  if (!isModel(m)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const c = changetype<ModelCtx>(m);
  if (c.streamsOpen != 0) return E.fail(E.ERR_BAD_HANDLE, <i32>c.streamsOpen);
  c.tag = 0;
  memFree(c.scratch);
  memFree(c.layers);
  memFree(c.image);
  memFree(m);
  return 0;
}

/** Layer descriptor i of a model. */
// @ts-ignore: decorator
@inline export function layerDesc(m: usize, i: u32): usize {
  return changetype<ModelCtx>(m).layers + <usize>i * LAYER_DESC_BYTES;
}
