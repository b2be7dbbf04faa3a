// The model image reader: validates a .tinyrnn image in linear memory once, at load, and lays
// out everything a step needs (TFLite Micro's "Prepare"). It never traps on a bad image: every
// field is bounds-checked in 64-bit arithmetic before it is used, and every failure returns an
// error code from errors.ts with errorDetail() naming the layer or byte offset.
//
// File format v1 (little-endian; host/runtime/format.ts writes it, keep the two in step):
//   header, 64 bytes:
//     0 magic "TRNN"   4 versionMajor u16 (1)   6 versionMinor u16   8 headerBytes (64)
//     12 fileBytes   16 CRC-32 of the file without this field ([0,16) + [20, fileBytes))   20 numType (0 f32, 1 int8)
//     24 inputLen   28 outputLen   32 layerCount   36 layerTableOffset
//     40 metadataOffset   44 metadataBytes (UTF-8 JSON, read by the host only)
//     48 inputScale f32 (int8: real = q · scale)   52 outputScale f32   56 flags (0)   60 reserved (0)
//   layer table: layerCount records of 64 bytes:
//     0 kind   4 flags   8 inputLen   12 outputLen   16..48 params p0..p7   48 dataOffset   52 dataBytes
//     56, 60 reserved (0)
//   layer data: the kind's tensors in a fixed order, each starting 16-byte aligned (see each kernel
//   file's plan function); dataOffset is 16-aligned and dataBytes is exactly what the plan needs.
//
// Model context (MODEL_BYTES, u32 fields): 0 tag   4 image   8 imageBytes   12 numType   16 inputLen
//   20 outputLen   24 layerCount   28 layers   32 stateBytes (per stream)   36 scratch   40 scratchBytes
//   44 inputScale f32   48 inverse inputScale f32   52 outputScale f32   56 weightBytes   60 streams open

import { modelChecksum } from "./crc32";
import { memAlloc, memFree, isTagged } from "./alloc";
import * as E from "./errors";
import {
  LAYER_DESC_BYTES, MAX_TENSORS, KIND_DENSE, KIND_GRU, KIND_LSTM, KIND_SSM, KIND_RMSNORM, NUM_F32, NUM_INT8,
  padLen,
} from "./layer";
import { densePlan, densePrepare } from "./dense";
import { gruPlan, gruPrepare } from "./gru";
import { lstmPlan, lstmPrepare } from "./lstm";
import { ssmPlan, ssmPrepare } from "./ssm";
import { normPlan, normPrepare } from "./norm";

export const MAGIC: u32 = 0x4e4e5254; // "TRNN"
export const VERSION_MAJOR: u32 = 1;
export const HEADER_BYTES: u32 = 64;
export const LAYER_RECORD_BYTES: u32 = 64;
export const MAX_LAYERS: u32 = 64;
export const MAX_DIM: u32 = 8192; // any one size; a tiny model is far below

export const MODEL_TAG: u32 = 0x4c444f4d; // "MODL"
export const MODEL_BYTES: usize = 64;

function planLayer(d: usize, numType: u32): i32 {
  const k = load<u32>(d, 32);
  if (k == KIND_DENSE) return densePlan(d, numType);
  if (k == KIND_GRU) return gruPlan(d, numType);
  if (k == KIND_LSTM) return lstmPlan(d, numType);
  if (k == KIND_SSM) return ssmPlan(d, numType);
  if (k == KIND_RMSNORM) return normPlan(d, numType);
  return -E.ERR_BAD_LAYER_KIND;
}

function prepareLayer(d: usize, numType: u32): i32 {
  const k = load<u32>(d, 32);
  if (k == KIND_DENSE) return densePrepare(d, numType);
  if (k == KIND_GRU) return gruPrepare(d, numType);
  if (k == KIND_LSTM) return lstmPrepare(d, numType);
  if (k == KIND_SSM) return ssmPrepare(d, numType);
  if (k == KIND_RMSNORM) return normPrepare(d, numType);
  return -E.ERR_BAD_LAYER_KIND;
}

/** Valid model handle? */
export function isModel(m: usize): bool {
  return isTagged(m, MODEL_BYTES, MODEL_TAG);
}

/**
 * Validate the image at `image` (imageBytes long, 16-aligned, owned by the model from now on)
 * and build its context. Returns the model handle (> 0) or a negated error code.
 */
export function modelLoad(image: usize, imageBytes: u32): i32 {
  if ((image & 15) != 0) return E.fail(E.ERR_BAD_HEADER, 0);
  if (imageBytes < HEADER_BYTES) return E.fail(E.ERR_TRUNCATED, <i32>imageBytes);
  if (load<u32>(image) != MAGIC) return E.fail(E.ERR_BAD_MAGIC, 0);
  if (<u32>load<u16>(image, 4) != VERSION_MAJOR) return E.fail(E.ERR_BAD_VERSION, <i32>load<u16>(image, 4));
  if (load<u32>(image, 8) != HEADER_BYTES) return E.fail(E.ERR_BAD_HEADER, 8);
  const fileBytes = load<u32>(image, 12);
  if (fileBytes > imageBytes) return E.fail(E.ERR_TRUNCATED, <i32>imageBytes);
  if (fileBytes < HEADER_BYTES) return E.fail(E.ERR_BAD_HEADER, 12);
  if (modelChecksum(image, <usize>fileBytes) != load<u32>(image, 16)) return E.fail(E.ERR_BAD_CHECKSUM, 16);
  const numType = load<u32>(image, 20);
  if (numType != NUM_F32 && numType != NUM_INT8) return E.fail(E.ERR_BAD_NUM_TYPE, <i32>numType);
  const inLen = load<u32>(image, 24);
  const outLen = load<u32>(image, 28);
  const layerCount = load<u32>(image, 32);
  const tableOffset = load<u32>(image, 36);
  if (inLen == 0 || inLen > MAX_DIM) return E.fail(E.ERR_BAD_SHAPE, 24);
  if (outLen == 0 || outLen > MAX_DIM) return E.fail(E.ERR_BAD_SHAPE, 28);
  if (layerCount == 0 || layerCount > MAX_LAYERS) return E.fail(E.ERR_BAD_HEADER, 32);
  const tableEnd = <u64>tableOffset + <u64>layerCount * LAYER_RECORD_BYTES;
  if (tableOffset < HEADER_BYTES || tableEnd > <u64>fileBytes) return E.fail(E.ERR_BAD_HEADER, 36);
  const metaOffset = load<u32>(image, 40);
  const metaBytes = load<u32>(image, 44);
  if (<u64>metaOffset + <u64>metaBytes > <u64>fileBytes || (metaBytes > 0 && <u64>metaOffset < tableEnd))
    return E.fail(E.ERR_BAD_HEADER, 40);
  const inputScale = load<f32>(image, 48);
  const outputScale = load<f32>(image, 52);
  if (!(inputScale > 0) || !(outputScale > 0) || !isFinite(inputScale) || !isFinite(outputScale))
    return E.fail(E.ERR_BAD_HEADER, 48);

  const m = memAlloc(<u32>MODEL_BYTES);
  const layers = memAlloc(<u32>(LAYER_DESC_BYTES * <usize>layerCount));
  if (m == 0 || layers == 0) {
    memFree(m);
    memFree(layers);
    return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  }
  const r = prepareModel(m, layers, image, fileBytes, numType, inLen, outLen, layerCount, tableOffset, <u32>tableEnd);
  if (r < 0) {
    memFree(load<u32>(m, 36));
    memFree(layers);
    memFree(m);
    return r;
  }
  store<u32>(m, <u32>image, 4);
  store<u32>(m, imageBytes, 8);
  store<u32>(m, numType, 12);
  store<u32>(m, inLen, 16);
  store<u32>(m, outLen, 20);
  store<u32>(m, layerCount, 24);
  store<u32>(m, <u32>layers, 28);
  store<f32>(m, inputScale, 44);
  store<f32>(m, 1.0 / inputScale, 48);
  store<f32>(m, outputScale, 52);
  store<u32>(m, MODEL_TAG);
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
    for (let k: usize = 0; k < 32; k += 4) store<u32>(d + k, load<u32>(rec + 16 + k)); // params
    store<u32>(d, load<u32>(rec), 32); // kind
    store<u32>(d, load<u32>(rec, 4), 36); // flags
    const li = load<u32>(rec, 8);
    const lo = load<u32>(rec, 12);
    if (li != prevOut || lo == 0 || lo > MAX_DIM) return E.fail(E.ERR_BAD_SHAPE, <i32>i);
    store<u32>(d, li, 40);
    store<u32>(d, lo, 44);
    store<u32>(d, <u32>rec, 68);
    const planned = planLayer(d, numType);
    if (planned < 0) return E.fail(-planned, <i32>i);
    // Walk the tensors through the layer's data, 16-byte aligned, and check they fill it exactly.
    const dataOffset = load<u32>(rec, 48);
    const dataBytes = load<u32>(rec, 52);
    if ((dataOffset & 15) != 0 || <u64>dataOffset < <u64>tableEnd || <u64>dataOffset + <u64>dataBytes > <u64>fileBytes)
      return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
    const count = load<i32>(d, 64);
    if (count > MAX_TENSORS) return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
    let off: u64 = 0;
    for (let t = 0; t < count; t++) {
      const slot = d + 96 + (<usize>t << 2);
      const bytes = <u64>load<u32>(slot);
      off = (off + 15) & ~<u64>15;
      if (off + bytes > <u64>dataBytes) return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
      store<u32>(slot, <u32>(image + <usize>dataOffset + <usize>off));
      off += bytes;
    }
    if (((off + 15) & ~<u64>15) != (((<u64>dataBytes) + 15) & ~<u64>15)) return E.fail(E.ERR_BAD_TENSOR_BOUNDS, <i32>i);
    weightBytes += <u64>dataBytes;
    // State and scratch placement.
    const sBytes = <u64>load<u32>(d, 52);
    const xBytes = <u64>load<u32>(d, 60);
    if (sBytes > 0x7fffffff || xBytes > 0x7fffffff) return E.fail(E.ERR_BAD_SHAPE, <i32>i);
    stateBytes = (stateBytes + 15) & ~<u64>15;
    store<u32>(d, <u32>stateBytes, 48);
    stateBytes += sBytes;
    scratchBytes = (scratchBytes + 15) & ~<u64>15;
    store<u32>(d, <u32>scratchBytes, 56); // offset for now, made absolute below
    scratchBytes += xBytes;
    if (stateBytes > 0x40000000 || scratchBytes > 0x40000000) return E.fail(E.ERR_BAD_SHAPE, <i32>i);
    prevOut = lo;
  }
  if (prevOut != outLen) return E.fail(E.ERR_BAD_SHAPE, <i32>(layerCount - 1));
  const scratch = memAlloc(<u32>scratchBytes);
  if (scratch == 0) return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  store<u32>(m, <u32>scratch, 36);
  for (let i: u32 = 0; i < layerCount; i++) {
    const d = layers + <usize>i * LAYER_DESC_BYTES;
    store<u32>(d, <u32>(scratch + <usize>load<u32>(d, 56)), 56);
    const r = prepareLayer(d, numType);
    if (r < 0) return E.fail(-r, <i32>i);
  }
  store<u32>(m, <u32>((stateBytes + 15) & ~<u64>15), 32);
  store<u32>(m, <u32>scratchBytes, 40);
  store<u32>(m, <u32>weightBytes, 56);
  return 0;
}

/** Free a model and its image. Streams of it must be freed first (the host does this). */
export function modelFree(m: usize): i32 {
  if (!isModel(m)) return E.fail(E.ERR_BAD_HANDLE, 0);
  if (load<u32>(m, 60) != 0) return E.fail(E.ERR_BAD_HANDLE, <i32>load<u32>(m, 60));
  store<u32>(m, 0);
  memFree(load<u32>(m, 36));
  memFree(load<u32>(m, 28));
  memFree(load<u32>(m, 4));
  memFree(m);
  return 0;
}

/** Layer descriptor i of a model. */
// @ts-ignore: decorator
@inline export function layerDesc(m: usize, i: u32): usize {
  return <usize>load<u32>(m, 28) + <usize>i * LAYER_DESC_BYTES;
}
