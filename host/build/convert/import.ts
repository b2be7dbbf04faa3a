// What a model file is, by its bytes: PyTorch weights as safetensors (with an architecture JSON)
// or an ONNX graph.

import type { LayerSpec } from "../builder.js";
import { safetensorsToSpecs } from "./safetensors.js";
import { onnxToSpecs } from "./onnx.js";

export interface Imported {
  format: "onnx" | "safetensors";
  specs: LayerSpec[];
  metadata: Record<string, unknown>;
  /** tensors the file holds that no layer used (worth a warning) */
  unused: string[];
}

/** A safetensors file starts with an 8-byte little-endian header length and then a JSON object. */
export function isSafetensors(b: Uint8Array): boolean {
  if (b.length < 10) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
  return n > 1 && n + 8 <= b.length && b[8] === 0x7b; // "{"
}

/**
 * Import a model file. `name` names it in errors; `arch` is the architecture JSON a safetensors
 * file needs (beside it as <stem>.arch.json, or in its __metadata__).
 */
export function importModel(bytes: Uint8Array, name: string, arch?: Record<string, unknown>): Imported {
  if (isSafetensors(bytes) || /\.safetensors$/i.test(name)) {
    const r = safetensorsToSpecs(bytes, arch);
    const metadata: Record<string, unknown> = { ...(r.metadata ?? {}) };
    if (r.labels) metadata.labels = r.labels;
    return { format: "safetensors", specs: r.specs, metadata, unused: r.unused ?? [] };
  }
  if (/\.onnx$/i.test(name)) {
    const r = onnxToSpecs(bytes);
    return { format: "onnx", specs: r.specs, metadata: { onnx: r.metadata }, unused: [] };
  }
  throw new Error(`${name} is neither an ONNX model (.onnx) nor a safetensors file`);
}
