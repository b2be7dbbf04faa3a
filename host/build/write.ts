// The .tinyrnn writer. The layout's numbers are assembly/constants.ts's (FILE_*, HDR_*, REC_*),
// the same names the module's reader (assembly/model.ts) and host/runtime/format.ts use; the
// host section's are HS_* (host-section.ts).

import * as C from "../runtime/constants.js";
import { NUM_TYPE_CODE, type ModelImage } from "../runtime/format.js";
import { withHostSection } from "./host-section.js";

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

/** The file's checksum: CRC-32 of every byte but the checksum field (the module checks it on load). */
export function modelChecksum(file: Uint8Array): number {
  return crc32(file.subarray(C.HDR_CHECKSUM + 4), crc32(file.subarray(0, C.HDR_CHECKSUM)));
}

const align16 = (n: number) => (n + C.FILE_TENSOR_ALIGN - 1) & ~(C.FILE_TENSOR_ALIGN - 1);

/** Serialise a model image to the bytes of a .tinyrnn file (v1.1: with its host section). Throws
 * an Error when the metadata describes a pipeline the host would refuse (hostSection). */
export function writeModel(img: ModelImage): Uint8Array {
  const layerTableOffset = C.FILE_HEADER_BYTES;
  let offset = align16(layerTableOffset + C.LAYER_RECORD_BYTES * img.layers.length);
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
  const u32 = (at: number, x: number) => v.setUint32(at, x, true);
  u32(C.HDR_MAGIC, C.FILE_MAGIC);
  v.setUint16(C.HDR_VERSION_MAJOR, C.FILE_VERSION_MAJOR, true);
  v.setUint16(C.HDR_VERSION_MINOR, C.FILE_VERSION_MINOR, true);
  u32(C.HDR_HEADER_BYTES, C.FILE_HEADER_BYTES);
  u32(C.HDR_FILE_BYTES, fileBytes);
  u32(C.HDR_NUM_TYPE, NUM_TYPE_CODE[img.numType]);
  u32(C.HDR_INPUT_LEN, img.inputLen);
  u32(C.HDR_OUTPUT_LEN, img.outputLen);
  u32(C.HDR_LAYER_COUNT, img.layers.length);
  u32(C.HDR_LAYER_TABLE, layerTableOffset);
  u32(C.HDR_METADATA_OFFSET, metadataOffset);
  u32(C.HDR_METADATA_BYTES, metaBytes.length);
  v.setFloat32(C.HDR_INPUT_SCALE, img.inputScale, true);
  v.setFloat32(C.HDR_OUTPUT_SCALE, img.outputScale, true);
  img.layers.forEach((layer, i) => {
    if (layer.params.length > C.MAX_PARAMS) throw new Error(`layer ${i}: more than ${C.MAX_PARAMS} params`);
    const r = layerTableOffset + i * C.LAYER_RECORD_BYTES;
    u32(r + C.REC_KIND, layer.kind);
    u32(r + C.REC_FLAGS, layer.flags);
    u32(r + C.REC_INPUT_LEN, layer.inputLen);
    u32(r + C.REC_OUTPUT_LEN, layer.outputLen);
    layer.params.forEach((p, k) => v.setInt32(r + C.REC_PARAMS + 4 * k, p | 0, true));
    u32(r + C.REC_DATA_OFFSET, placed[i].dataOffset);
    u32(r + C.REC_DATA_BYTES, placed[i].dataBytes);
    layer.tensors.forEach((t, k) => {
      out.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), placed[i].dataOffset + placed[i].tensorOffsets[k]);
    });
  });
  out.set(metaBytes, metadataOffset);
  // then the host section (made from the metadata) and the checksum
  return withHostSection(out);
}

/** Copy a row-major [rows, cols] matrix into [rows, colsPadded] with zero padding. */
export function padRows<T extends Float32Array | Int8Array>(src: ArrayLike<number>, rows: number, cols: number,
  colsPadded: number, make: (n: number) => T): T {
  const out = make(rows * colsPadded);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * colsPadded + c] = src[r * cols + c];
  return out;
}
