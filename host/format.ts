// The .tinyrnn file: writer, and a reader of its header, layer table and metadata (for `inspect`
// and the host; the module validates everything itself on load). The layout is specified at the
// top of assembly/model.ts; this file and that one change together.

import { TinyrnnError, ERROR_CODES } from "./abi.js";

const refuse = (code: number, detail: number, why: string) => new TinyrnnError(code, detail, `reading the model (${why})`);

export const MAGIC = 0x4e4e5254; // "TRNN"
export const VERSION_MAJOR = 1;
export const VERSION_MINOR = 0;
export const HEADER_BYTES = 64;
export const LAYER_RECORD_BYTES = 64;

export const KIND = { dense: 1, gru: 2, lstm: 3, ssm: 4, rmsnorm: 5 } as const;
export type LayerKind = keyof typeof KIND;
export const KIND_NAMES: Record<number, LayerKind> = { 1: "dense", 2: "gru", 3: "lstm", 4: "ssm", 5: "rmsnorm" };

export type NumType = "f32" | "int8";
export const NUM_TYPE_CODE: Record<NumType, number> = { f32: 0, int8: 1 };

/** Elements an activation vector (or weight row) of n values occupies: whole 16-byte vectors. */
export function padLen(n: number, numType: NumType): number {
  return numType === "int8" ? (n + 15) & ~15 : (n + 3) & ~3;
}

export interface LayerRecord {
  kind: number;
  flags: number;
  inputLen: number;
  outputLen: number;
  /** Up to 8 kind-specific numbers, stored as 32-bit integers (negative values allowed). */
  params: number[];
  /** The layer's tensors in the kind's fixed order; each is placed 16-byte aligned. */
  tensors: ArrayBufferView[];
}

export interface ModelImage {
  numType: NumType;
  inputLen: number;
  outputLen: number;
  /** int8: real input = int16 · inputScale; f32: 1. */
  inputScale: number;
  /** int8: real output = int16 · outputScale; f32: 1. */
  outputScale: number;
  layers: LayerRecord[];
  /** JSON-serialisable; read by the host only (labels, provenance, frontend settings…). */
  metadata: Record<string, unknown>;
}

const align16 = (n: number) => (n + 15) & ~15;

let crcTable: Uint32Array | undefined;
/** CRC-32 (IEEE), as assembly/crc32.ts computes it; pass a previous result to continue. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The file's checksum: CRC-32 of every byte but the checksum field ([16, 20)). */
export function modelChecksum(file: Uint8Array): number {
  return crc32(file.subarray(20), crc32(file.subarray(0, 16)));
}

/** Serialise a model image to the bytes of a .tinyrnn file. */
export function writeModel(img: ModelImage): Uint8Array {
  const layerTableOffset = HEADER_BYTES;
  let offset = align16(layerTableOffset + LAYER_RECORD_BYTES * img.layers.length);
  const placed = img.layers.map((layer) => {
    const dataOffset = offset;
    let off = 0;
    const tensorOffsets = layer.tensors.map((t) => {
      off = align16(off);
      const at = off;
      off += t.byteLength;
      return at;
    });
    offset = align16(dataOffset + off);
    return { dataOffset, dataBytes: off, tensorOffsets };
  });
  const metaBytes = new TextEncoder().encode(JSON.stringify(img.metadata));
  const metadataOffset = offset;
  const fileBytes = metadataOffset + metaBytes.length;
  const out = new Uint8Array(fileBytes);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint16(4, VERSION_MAJOR, true);
  v.setUint16(6, VERSION_MINOR, true);
  v.setUint32(8, HEADER_BYTES, true);
  v.setUint32(12, fileBytes, true);
  v.setUint32(20, NUM_TYPE_CODE[img.numType], true);
  v.setUint32(24, img.inputLen, true);
  v.setUint32(28, img.outputLen, true);
  v.setUint32(32, img.layers.length, true);
  v.setUint32(36, layerTableOffset, true);
  v.setUint32(40, metadataOffset, true);
  v.setUint32(44, metaBytes.length, true);
  v.setFloat32(48, img.inputScale, true);
  v.setFloat32(52, img.outputScale, true);
  img.layers.forEach((layer, i) => {
    if (layer.params.length > 8) throw new Error(`layer ${i}: more than 8 params`);
    const r = layerTableOffset + i * LAYER_RECORD_BYTES;
    v.setUint32(r, layer.kind, true);
    v.setUint32(r + 4, layer.flags, true);
    v.setUint32(r + 8, layer.inputLen, true);
    v.setUint32(r + 12, layer.outputLen, true);
    layer.params.forEach((p, k) => v.setInt32(r + 16 + 4 * k, p | 0, true));
    v.setUint32(r + 48, placed[i].dataOffset, true);
    v.setUint32(r + 52, placed[i].dataBytes, true);
    layer.tensors.forEach((t, k) => {
      out.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), placed[i].dataOffset + placed[i].tensorOffsets[k]);
    });
  });
  out.set(metaBytes, metadataOffset);
  v.setUint32(16, modelChecksum(out), true);
  return out;
}

export interface ParsedLayer {
  kind: LayerKind | `unknown(${number})`;
  kindCode: number;
  flags: number;
  inputLen: number;
  outputLen: number;
  params: number[];
  dataOffset: number;
  dataBytes: number;
}

export interface ParsedModel {
  version: string;
  fileBytes: number;
  numType: NumType;
  inputLen: number;
  outputLen: number;
  inputScale: number;
  outputScale: number;
  layers: ParsedLayer[];
  metadata: Record<string, unknown>;
  /** the CRC-32 stored in the header */
  checksum: number;
  checksumOk: boolean;
}

/** Read a .tinyrnn file's header, layer table and metadata. Throws a TinyrnnError on a bad file. */
export function readModel(bytes: Uint8Array): ParsedModel {
  if (bytes.length < HEADER_BYTES) throw refuse(ERROR_CODES.truncated, bytes.length, "shorter than the header");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== MAGIC) throw refuse(ERROR_CODES.badMagic, 0, "magic");
  const major = v.getUint16(4, true);
  if (major !== VERSION_MAJOR) throw refuse(ERROR_CODES.badVersion, major, "version");
  const fileBytes = v.getUint32(12, true);
  if (fileBytes > bytes.length || fileBytes < HEADER_BYTES) throw refuse(ERROR_CODES.truncated, bytes.length, `header says ${fileBytes} bytes`);
  const numTypeCode = v.getUint32(20, true);
  const numType = (Object.keys(NUM_TYPE_CODE) as NumType[]).find((k) => NUM_TYPE_CODE[k] === numTypeCode);
  if (!numType) throw refuse(ERROR_CODES.badNumType, numTypeCode, "number type");
  const layerCount = v.getUint32(32, true);
  const tableOffset = v.getUint32(36, true);
  if (layerCount > 64 || tableOffset + layerCount * LAYER_RECORD_BYTES > fileBytes) throw refuse(ERROR_CODES.badHeader, 32, "layer table");
  const layers: ParsedLayer[] = [];
  for (let i = 0; i < layerCount; i++) {
    const r = tableOffset + i * LAYER_RECORD_BYTES;
    const kindCode = v.getUint32(r, true);
    const params: number[] = [];
    for (let k = 0; k < 8; k++) params.push(v.getInt32(r + 16 + 4 * k, true));
    layers.push({
      kind: KIND_NAMES[kindCode] ?? `unknown(${kindCode})`,
      kindCode,
      flags: v.getUint32(r + 4, true),
      inputLen: v.getUint32(r + 8, true),
      outputLen: v.getUint32(r + 12, true),
      params,
      dataOffset: v.getUint32(r + 48, true),
      dataBytes: v.getUint32(r + 52, true),
    });
  }
  const metaOffset = v.getUint32(40, true);
  const metaBytes = v.getUint32(44, true);
  if (metaOffset + metaBytes > fileBytes) throw refuse(ERROR_CODES.badHeader, 40, "metadata");
  let metadata: Record<string, unknown> = {};
  if (metaBytes > 0) {
    try {
      metadata = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(metaOffset, metaOffset + metaBytes)));
    } catch {
      throw refuse(ERROR_CODES.badMetadata, metaOffset, "metadata");
    }
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) throw refuse(ERROR_CODES.badMetadata, metaOffset, "metadata");
  }
  return {
    version: `${major}.${v.getUint16(6, true)}`,
    fileBytes,
    numType,
    inputLen: v.getUint32(24, true),
    outputLen: v.getUint32(28, true),
    inputScale: v.getFloat32(48, true),
    outputScale: v.getFloat32(52, true),
    layers,
    metadata,
    checksum: v.getUint32(16, true),
    checksumOk: modelChecksum(bytes.subarray(0, fileBytes)) === v.getUint32(16, true),
  };
}

/** Copy a row-major [rows, cols] matrix into [rows, colsPadded] with zero padding. */
export function padRows<T extends Float32Array | Int8Array>(src: ArrayLike<number>, rows: number, cols: number,
  colsPadded: number, make: (n: number) => T): T {
  const out = make(rows * colsPadded);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * colsPadded + c] = src[r * cols + c];
  return out;
}
