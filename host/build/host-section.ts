// The model file's host section (format v1.1, HS_* in assembly/constants.ts): what a host without a
// JSON parser needs — the labels, and the default pipeline as config words — made from the JSON
// metadata by the same code the TypeScript host runs (spotterSetup, sensorSetup, pipelineWords), so
// that a C host opening the section's words runs exactly what KeywordSpotter or SensorStream would.
// The module never reads it; writeModel appends it to every file.

import * as C from "../runtime/constants.js";
import { readModel, type ParsedModel } from "../runtime/format.js";
import { encodeFrontendConfig } from "../runtime/frontend.js";
import { pipelineWords, type ModelShape } from "../runtime/pipeline.js";
import { sensorSetup } from "../runtime/sensor.js";
import { spotterSetup } from "../runtime/spotter.js";
import { modelChecksum } from "./write.js";

export interface HostSection {
  /** C.PIPE_AUDIO, C.PIPE_SENSOR, or 0: the metadata describes no pipeline */
  pipeKind: number;
  /** one per output, or none */
  labels: string[];
  /** the default pipeline's config words (C.PC_*), little-endian; audio at 16 kHz input */
  config: Uint8Array;
  /** ms between steps, and of input one step sees (0 with no pipeline) */
  hopMs: number;
  windowMs: number;
}

/**
 * The host section for a model, as the TypeScript host would run it with no options. Metadata that
 * a KeywordSpotter or SensorStream would refuse (they say why when one is made) gives no pipeline,
 * as for a raw model: `refused` says why.
 */
export function hostSection(model: ModelShape): HostSection & { refused?: string } {
  try {
    return pipelineSection(model);
  } catch (e) {
    return { ...pipelineSection({ ...model, metadata: { labels: model.metadata.labels } }), refused: (e as Error).message };
  }
}

function pipelineSection(model: ModelShape): HostSection {
  const meta = model.metadata;
  const bytes = (words: ArrayBuffer) => new Uint8Array(words);
  if (meta.frontend !== undefined) {
    const s = spotterSetup(model);
    const frontend = encodeFrontendConfig({ ...s.frontendSettings, sampleRateHz: C.FRONTEND_SAMPLE_RATE_HZ });
    return { pipeKind: C.PIPE_AUDIO, labels: s.labels, config: bytes(pipelineWords(model, C.PIPE_AUDIO, s.detector, frontend)), hopMs: s.frontendSettings.hopMs, windowMs: s.frontendSettings.windowMs };
  }
  if (meta.sampleRateHz !== undefined) {
    const s = sensorSetup(model);
    return { pipeKind: C.PIPE_SENSOR, labels: s.labels, config: bytes(s.words), hopMs: s.detector.hopMs, windowMs: s.detector.hopMs };
  }
  const l = meta.labels;
  const labels = Array.isArray(l) && l.length === model.outputLen && l.every((x) => typeof x === "string") ? (l as string[]) : [];
  return { pipeKind: 0, labels, config: new Uint8Array(0), hopMs: 0, windowMs: 0 };
}

/** The section's bytes (HS_* header, the labels NUL-terminated, padding, the config words). */
export function encodeHostSection(h: HostSection): Uint8Array {
  const names = h.labels.map((l, i) => {
    if (l.includes("\0")) throw new Error(`label ${i} (${JSON.stringify(l)}) holds a NUL character, which the host section cannot store`);
    return new TextEncoder().encode(l + "\0");
  });
  const labelBytes = names.reduce((n, b) => n + b.length, 0);
  const configAt = (C.HOST_HEADER_BYTES + labelBytes + 3) & ~3;
  const out = new Uint8Array(configAt + h.config.length);
  const v = new DataView(out.buffer);
  v.setUint32(C.HS_MAGIC, C.HOST_MAGIC, true);
  v.setUint32(C.HS_BYTES, out.length, true);
  v.setInt32(C.HS_PIPE_KIND, h.pipeKind, true);
  v.setInt32(C.HS_LABEL_COUNT, h.labels.length, true);
  v.setUint32(C.HS_LABELS, C.HOST_HEADER_BYTES, true);
  v.setUint32(C.HS_CONFIG, configAt, true);
  v.setInt32(C.HS_CONFIG_WORDS, h.config.length / 4, true);
  v.setFloat64(C.HS_HOP_MS, h.hopMs, true);
  v.setFloat64(C.HS_WINDOW_MS, h.windowMs, true);
  let at = C.HOST_HEADER_BYTES;
  for (const b of names) { out.set(b, at); at += b.length; }
  out.set(h.config, configAt);
  return out;
}

/**
 * A model file with its host section (re)made from its metadata, as format v1.1, its checksum
 * set. `file` is a whole file, v1.0 or v1.1 (an old section is dropped); its checksum is not checked.
 */
export function withHostSection(file: Uint8Array): Uint8Array {
  const parsed = readModel(file);
  const v0 = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const old = v0.getUint16(C.HDR_VERSION_MINOR, true) >= 1 ? v0.getUint32(C.HDR_HOST_SECTION, true) : 0;
  const baseBytes = old > 0 ? old : parsed.fileBytes;
  const section = encodeHostSection(hostSection(parsed));
  const at = (baseBytes + 3) & ~3;
  const out = new Uint8Array(at + section.length);
  out.set(file.subarray(0, baseBytes));
  out.set(section, at);
  const v = new DataView(out.buffer);
  v.setUint16(C.HDR_VERSION_MINOR, C.FILE_VERSION_MINOR, true);
  v.setUint32(C.HDR_FILE_BYTES, out.length, true);
  v.setUint32(C.HDR_HOST_SECTION, at, true);
  v.setUint32(C.HDR_CHECKSUM, modelChecksum(out), true);
  return out;
}

/** Read a file's host section; undefined when it has none (v1.0). Throws on a malformed one.
 * `parsed`: the file's readModel, when the caller has it. */
export function readHostSection(file: Uint8Array, parsed: ParsedModel = readModel(file)): HostSection | undefined {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const at = parsed.version === "1.0" ? 0 : v.getUint32(C.HDR_HOST_SECTION, true);
  if (at === 0) return undefined;
  const bad = (why: string) => new Error(`the model's host section (at byte ${at}) ${why}`);
  if (at % 4 !== 0 || at + C.HOST_HEADER_BYTES > parsed.fileBytes) throw bad("is out of the file or not 4-byte aligned");
  const u32 = (o: number) => v.getUint32(at + o, true);
  const bytes = u32(C.HS_BYTES);
  if (u32(C.HS_MAGIC) !== C.HOST_MAGIC) throw bad("has no TRNH magic");
  if (bytes < C.HOST_HEADER_BYTES || at + bytes > parsed.fileBytes) throw bad(`says it has ${bytes} bytes`);
  const count = u32(C.HS_LABEL_COUNT), words = u32(C.HS_CONFIG_WORDS), configAt = u32(C.HS_CONFIG);
  if (configAt % 4 !== 0 || configAt + words * 4 > bytes) throw bad("has its config words out of it");
  const labels: string[] = [];
  let p = at + u32(C.HS_LABELS);
  for (let i = 0; i < count; i++) {
    const end = file.indexOf(0, p);
    if (end < 0 || end >= at + bytes) throw bad(`has label ${i} running out of it`);
    labels.push(new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(p, end)));
    p = end + 1;
  }
  return {
    pipeKind: v.getInt32(at + C.HS_PIPE_KIND, true),
    labels,
    config: file.slice(at + configAt, at + configAt + words * 4),
    hopMs: v.getFloat64(at + C.HS_HOP_MS, true),
    windowMs: v.getFloat64(at + C.HS_WINDOW_MS, true),
  };
}
