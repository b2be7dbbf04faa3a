// The .tinyrnn file, read on the host: its header, layer table and metadata (for `inspect` and
// the runtime; the module validates everything itself on load). The layout's numbers are
// assembly/constants.ts's (FILE_*, HDR_*, REC_*), the same names the module's reader uses;
// host/build/write.ts writes the file.

import { TinyrnnError, ERROR_CODES } from "./abi.js";
import * as C from "./constants.js";

const refuse = (code: number, detail: number, why: string) => new TinyrnnError(code, detail, `reading the model (${why})`);

/** Layer kinds by name (C.KIND_*). Every place a kind touches: docs/adding-a-layer.md. */
export const KIND = { dense: C.KIND_DENSE, gru: C.KIND_GRU, lstm: C.KIND_LSTM, ssm: C.KIND_SSM, rmsnorm: C.KIND_RMSNORM } as const;
export type LayerKind = keyof typeof KIND;
export const KIND_NAMES = Object.fromEntries(Object.entries(KIND).map(([k, v]) => [v, k])) as Record<number, LayerKind>;

export type NumType = "f32" | "int8";
export const NUM_TYPE_CODE: Record<NumType, number> = { f32: C.NUM_F32, int8: C.NUM_INT8 };

/** Elements an activation vector (or weight row) of n values occupies: whole 16-byte vectors. */
export function padLen(n: number, numType: NumType): number {
  return numType === "int8" ? (n + 15) & ~15 : (n + 3) & ~3;
}

export interface LayerRecord {
  kind: number;
  flags: number;
  inputLen: number;
  outputLen: number;
  /** Up to C.MAX_PARAMS kind-specific numbers, stored as 32-bit integers (negative values allowed). */
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
  /** the CRC-32 stored in the header (the module checks it on load) */
  checksum: number;
}

/** Read a .tinyrnn file's header, layer table and metadata. Throws a TinyrnnError on a bad file. */
export function readModel(bytes: Uint8Array): ParsedModel {
  if (bytes.length < C.FILE_HEADER_BYTES) throw refuse(ERROR_CODES.truncated, bytes.length, "shorter than the header");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => v.getUint32(at, true);
  if (u32(C.HDR_MAGIC) !== C.FILE_MAGIC) throw refuse(ERROR_CODES.badMagic, 0, "magic");
  const major = v.getUint16(C.HDR_VERSION_MAJOR, true);
  if (major !== C.FILE_VERSION_MAJOR) throw refuse(ERROR_CODES.badVersion, major, "version");
  const fileBytes = u32(C.HDR_FILE_BYTES);
  if (fileBytes > bytes.length || fileBytes < C.FILE_HEADER_BYTES) throw refuse(ERROR_CODES.truncated, bytes.length, `header says ${fileBytes} bytes`);
  const numTypeCode = u32(C.HDR_NUM_TYPE);
  const numType = (Object.keys(NUM_TYPE_CODE) as NumType[]).find((k) => NUM_TYPE_CODE[k] === numTypeCode);
  if (!numType) throw refuse(ERROR_CODES.badNumType, numTypeCode, "number type");
  const layerCount = u32(C.HDR_LAYER_COUNT);
  const tableOffset = u32(C.HDR_LAYER_TABLE);
  if (layerCount > C.MAX_LAYERS || tableOffset + layerCount * C.LAYER_RECORD_BYTES > fileBytes) throw refuse(ERROR_CODES.badHeader, C.HDR_LAYER_COUNT, "layer table");
  const layers: ParsedLayer[] = [];
  for (let i = 0; i < layerCount; i++) {
    const r = tableOffset + i * C.LAYER_RECORD_BYTES;
    const kindCode = u32(r + C.REC_KIND);
    const params: number[] = [];
    for (let k = 0; k < C.MAX_PARAMS; k++) params.push(v.getInt32(r + C.REC_PARAMS + 4 * k, true));
    layers.push({
      kind: KIND_NAMES[kindCode] ?? `unknown(${kindCode})`,
      kindCode,
      flags: u32(r + C.REC_FLAGS),
      inputLen: u32(r + C.REC_INPUT_LEN),
      outputLen: u32(r + C.REC_OUTPUT_LEN),
      params,
      dataOffset: u32(r + C.REC_DATA_OFFSET),
      dataBytes: u32(r + C.REC_DATA_BYTES),
    });
  }
  const metaOffset = u32(C.HDR_METADATA_OFFSET);
  const metaBytes = u32(C.HDR_METADATA_BYTES);
  if (metaOffset + metaBytes > fileBytes) throw refuse(ERROR_CODES.badHeader, C.HDR_METADATA_OFFSET, "metadata");
  let metadata: Record<string, unknown> = {};
  if (metaBytes > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeUtf8(bytes.subarray(metaOffset, metaOffset + metaBytes)));
    } catch (cause) {
      throw new TinyrnnError(ERROR_CODES.badMetadata, metaOffset, "reading the model (metadata)", { cause });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw refuse(ERROR_CODES.badMetadata, metaOffset, "metadata");
    metadata = parsed as Record<string, unknown>;
  }
  return {
    version: `${major}.${v.getUint16(C.HDR_VERSION_MINOR, true)}`,
    fileBytes,
    numType,
    inputLen: u32(C.HDR_INPUT_LEN),
    outputLen: u32(C.HDR_OUTPUT_LEN),
    inputScale: v.getFloat32(C.HDR_INPUT_SCALE, true),
    outputScale: v.getFloat32(C.HDR_OUTPUT_SCALE, true),
    layers,
    metadata,
    checksum: u32(C.HDR_CHECKSUM),
  };
}

/**
 * Strict UTF-8 to a string without TextDecoder (an AudioWorkletGlobalScope has none): throws on
 * a malformed, overlong or surrogate sequence, as TextDecoder("utf-8", { fatal: true }) does.
 */
export function decodeUtf8(b: Uint8Array): string {
  let out = "";
  const codes: number[] = [];
  for (let i = 0; i < b.length;) {
    const c = b[i++];
    let cp: number, need: number, min: number;
    if (c < 0x80) { cp = c; need = 0; min = 0; }
    else if ((c & 0xe0) === 0xc0) { cp = c & 0x1f; need = 1; min = 0x80; }
    else if ((c & 0xf0) === 0xe0) { cp = c & 0x0f; need = 2; min = 0x800; }
    else if ((c & 0xf8) === 0xf0) { cp = c & 0x07; need = 3; min = 0x10000; }
    else throw new Error(`invalid UTF-8 byte at ${i - 1}`);
    for (let k = 0; k < need; k++) {
      const d = b[i++];
      if (d === undefined || (d & 0xc0) !== 0x80) throw new Error(`invalid UTF-8 sequence at ${i - 1}`);
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`invalid UTF-8 code point at ${i - 1}`);
    codes.push(cp);
    if (codes.length >= 4096) { out += String.fromCodePoint(...codes); codes.length = 0; }
  }
  return out + String.fromCodePoint(...codes);
}
