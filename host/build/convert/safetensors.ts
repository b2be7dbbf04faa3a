// PyTorch weights saved as safetensors + a small architecture JSON → the builder's LayerSpecs.
//
// Library code: no Node built-ins; bytes in, specs out. The file format
// (https://github.com/huggingface/safetensors): 8-byte little-endian header length N, N bytes of
// UTF-8 JSON { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { str: str } },
// then the data section, the tensors' raw little-endian bytes. No npm package for it is at hand,
// so this is a small strict reader that refuses what the reference (Rust) implementation refuses:
// a header that is not a JSON object, unknown dtypes, sizes that disagree with shapes, offsets
// outside the data section, overlapping or non-contiguous tensors, bytes after the last tensor.
//
// The architecture JSON (documented in docs/converter.md) says the layer order
// and sizes; it comes as an argument or from __metadata__.architecture.

import { layerOutputLen, type LayerSpec } from "../builder.js";
import type { DenseSpec, Activation } from "../layers/dense.js";
import { ACTIVATIONS } from "../layers/dense.js";
import type { GruSpec } from "../layers/gru.js";
import type { LstmSpec } from "../layers/lstm.js";
import type { SsmSpec } from "../layers/ssm.js";

// ---------------------------------------------------------------------------------------------
// The reader

const ITEM_SIZE: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};
const FLOAT_DTYPES = ["F64", "F32", "F16", "BF16"];

/** Largest header the reader accepts (the reference implementation's limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** byte range inside the data section */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  /** In file order (by data offset). */
  entries: Map<string, SafetensorsEntry>;
  /** __metadata__ (string → string); {} when absent. */
  metadata: Record<string, string>;
  /** A tensor's values as float: Float64Array for F64, Float32Array for F32/F16/BF16. */
  read(name: string): Float32Array | Float64Array;
}

const shapeStr = (s: readonly (number | undefined)[]) => `[${s.map((d) => (d === undefined ? "?" : d)).join(", ")}]`;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Parse and validate a safetensors file. Throws an Error that says what is wrong. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`not a safetensors file: ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n === 0) throw new Error("not a safetensors file: the header length is 0");
  if (n > MAX_HEADER_BYTES) throw new Error(`not a safetensors file: the header length ${n} is above the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > bytes.length - 8) {
    throw new Error(`safetensors file is truncated or not safetensors: the header length is ${n} bytes but only ${bytes.length - 8} follow it`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new Error("safetensors header is not valid UTF-8");
  }
  if (!text.startsWith("{")) throw new Error(`safetensors header does not start with "{" (it starts ${JSON.stringify(text.slice(0, 16))})`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) throw new Error("safetensors header is not a JSON object");

  const dataStart = 8 + n, dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const list: SafetensorsEntry[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("safetensors __metadata__ is not an object of strings");
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== "string") throw new Error(`safetensors __metadata__.${k} is not a string`);
        metadata[k] = s;
      }
      continue;
    }
    const where = `safetensors tensor "${name}"`;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${where}: its header entry is not an object`);
    const { dtype, shape, data_offsets: off } = v as Record<string, unknown>;
    if (typeof dtype !== "string" || !(dtype in ITEM_SIZE)) throw new Error(`${where}: unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    }
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw new Error(`${where}: data_offsets ${JSON.stringify(off)} is not [begin, end] with 0 ≤ begin ≤ end`);
    }
    const need = (shape as number[]).reduce((a, d) => a * d, 1) * ITEM_SIZE[dtype];
    if (off[1] - off[0] !== need) {
      throw new Error(`${where}: shape ${shapeStr(shape)} of ${dtype} takes ${need} bytes but data_offsets [${off[0]}, ${off[1]}] give ${off[1] - off[0]}`);
    }
    if (off[1] > dataLen) {
      throw new Error(`safetensors file is truncated: tensor "${name}" ends at byte ${off[1]} of the data section, which has only ${dataLen} bytes`);
    }
    list.push({ name, dtype, shape: shape as number[], begin: off[0], end: off[1] });
  }
  list.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0, prev = "";
  for (const e of list) {
    if (e.begin < pos) throw new Error(`safetensors tensors "${prev}" and "${e.name}" overlap (bytes ${e.begin}–${pos} of the data section)`);
    if (e.begin > pos) throw new Error(`safetensors data section has ${e.begin - pos} unindexed bytes before tensor "${e.name}" (at ${pos})`);
    pos = e.end;
    prev = e.name;
  }
  if (pos !== dataLen) throw new Error(`safetensors data section has ${dataLen - pos} bytes after the last tensor (it ends at ${pos} of ${dataLen})`);

  const entries = new Map(list.map((e) => [e.name, e]));
  return {
    entries,
    metadata,
    read(name: string) {
      const e = entries.get(name);
      if (!e) throw new Error(`tensor "${name}" is missing`);
      if (!FLOAT_DTYPES.includes(e.dtype)) throw new Error(`tensor "${name}" has dtype ${e.dtype}; expected a float dtype (${FLOAT_DTYPES.join(", ")})`);
      const count = (e.end - e.begin) / ITEM_SIZE[e.dtype];
      const at = dataStart + e.begin;
      const out = e.dtype === "F64" ? new Float64Array(count) : new Float32Array(count);
      const bf = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        switch (e.dtype) {
          case "F64": out[i] = view.getFloat64(at + 8 * i, true); break;
          case "F32": out[i] = view.getFloat32(at + 4 * i, true); break;
          case "F16": out[i] = halfToFloat(view.getUint16(at + 2 * i, true)); break;
          default: bf.setUint32(0, view.getUint16(at + 2 * i, true) << 16); out[i] = bf.getFloat32(0); break; // BF16
        }
        if (!Number.isFinite(out[i])) throw new Error(`tensor "${name}" has a non-finite value (${out[i]}) at flat index ${i}`);
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The architecture JSON

/** One entry of `layers`: `type` plus that type's fields (docs/converter.md). */
export interface ArchLayer {
  type: string;
  /** Tensor name prefix, e.g. "gru" for gru.weight_ih_l0; "" for none. */
  prefix?: string;
  [field: string]: unknown;
}

export interface Architecture {
  layers: ArchLayer[];
  /** Output labels, passed through to the model's metadata. */
  labels?: string[];
}

export interface SafetensorsImport {
  specs: LayerSpec[];
  /** The file's __metadata__ (string → string). */
  metadata: Record<string, string>;
  /** The architecture used (as given, or parsed from __metadata__.architecture). */
  architecture: Architecture;
  /** Where the architecture came from. */
  architectureSource: "argument" | "metadata";
  /** Names of the tensors in the file that no layer used. */
  unused: string[];
  labels?: string[];
}

/** The conventional place of a separate architecture file: model.safetensors → model.arch.json. */
export function archPathFor(safetensorsPath: string): string {
  return safetensorsPath.replace(/\.safetensors$/i, "") + ".arch.json";
}

function parseArchitecture(arch: unknown, what: string): Architecture {
  let a = arch;
  if (typeof a === "string") {
    try {
      a = JSON.parse(a);
    } catch (e) {
      throw new Error(`${what} is not valid JSON (${(e as Error).message})`);
    }
  }
  if (a === null || typeof a !== "object" || Array.isArray(a)) throw new Error(`${what} is not a JSON object`);
  const o = a as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["layers", "labels", "format", "version"].includes(k)) throw new Error(`${what} has an unknown field "${k}" (known: layers, labels)`);
  }
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw new Error(`${what} needs "layers": a non-empty list`);
  o.layers.forEach((l, i) => {
    if (l === null || typeof l !== "object" || Array.isArray(l) || typeof (l as ArchLayer).type !== "string") {
      throw new Error(`${what}: layers[${i}] is not an object with a "type"`);
    }
  });
  if (o.labels !== undefined && !(Array.isArray(o.labels) && o.labels.every((s) => typeof s === "string"))) {
    throw new Error(`${what}: "labels" is not a list of strings`);
  }
  return o as unknown as Architecture;
}

// ---------------------------------------------------------------------------------------------
// Names → specs

type Data = Float32Array | Float64Array;

/** Tensor access that checks shapes, names what is missing and records what was used. */
class Tensors {
  readonly used = new Set<string>();
  constructor(readonly file: SafetensorsFile) {}
  has(name: string): boolean {
    return this.file.entries.has(name);
  }
  /** `expect`: the shape, with undefined for a size still to be learnt from the tensor. */
  get(name: string, expect: (number | undefined)[], what: string): { data: Data; shape: number[] } {
    const e = this.file.entries.get(name);
    if (!e) {
      const stem = name.includes(".") ? name.slice(0, name.lastIndexOf(".") + 1) : "";
      const near = [...this.file.entries.keys()].filter((k) => k.startsWith(stem)).slice(0, 8);
      const hint = near.length ? ` (the file has ${near.join(", ")}${near.length === 8 ? ", …" : ""})` : ` (the file has no tensor named ${stem ? `"${stem}…"` : "like it"})`;
      throw new Error(`${what}: tensor "${name}" is missing${hint}`);
    }
    const ok = e.shape.length === expect.length && expect.every((d, i) => d === undefined || d === e.shape[i]);
    if (!ok) throw new Error(`${what}: tensor "${name}" has shape ${shapeStr(e.shape)}; expected ${shapeStr(expect)}`);
    let data: Data;
    try {
      data = this.file.read(name);
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
    this.used.add(name);
    return { data, shape: e.shape };
  }
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/** Reads a layer entry's fields: aliases, types, unknown-field check. */
class Fields {
  private readonly seen = new Set<string>(["type", "prefix"]);
  constructor(readonly entry: ArchLayer, readonly what: string, readonly fallback?: Record<string, unknown>) {}
  private raw(names: string[]): unknown {
    for (const n of names) {
      this.seen.add(n);
      if (this.entry[n] !== undefined) return this.entry[n];
    }
    if (this.fallback) for (const n of names) if (this.fallback[n] !== undefined) return this.fallback[n];
    return undefined;
  }
  size(names: string[], opts: { auto?: boolean } = {}): number | undefined {
    const v = this.raw(names);
    if (v === undefined || v === null) return undefined;
    if (opts.auto && v === "auto") return undefined;
    if (!(Number.isInteger(v) && (v as number) > 0)) throw new Error(`${this.what}: "${names[0]}" is ${JSON.stringify(v)}; expected a positive integer`);
    return v as number;
  }
  number(names: string[]): number | undefined {
    const v = this.raw(names);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`${this.what}: "${names[0]}" is ${JSON.stringify(v)}; expected a number ≥ 0`);
    return v;
  }
  bool(names: string[]): boolean | undefined {
    const v = this.raw(names);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw new Error(`${this.what}: "${names[0]}" is ${JSON.stringify(v)}; expected true or false`);
    return v;
  }
  string(names: string[]): string | undefined {
    const v = this.raw(names);
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new Error(`${this.what}: "${names[0]}" is ${JSON.stringify(v)}; expected a string`);
    return v;
  }
  /** Ignored but allowed (PyTorch constructor arguments that do not change the step). */
  allow(names: string[]): void {
    for (const n of names) this.seen.add(n);
  }
  done(): void {
    for (const k of Object.keys(this.entry)) {
      if (!this.seen.has(k)) throw new Error(`${this.what}: unknown field "${k}" (known: ${[...this.seen].join(", ")})`);
    }
  }
}

const check = (what: string, field: string, given: number | undefined, actual: number) => {
  if (given !== undefined && given !== actual) throw new Error(`${what}: "${field}" is ${given} but the tensors say ${actual}`);
};

function recurrent(type: "gru" | "lstm", entry: ArchLayer, what: string, t: Tensors, prevOut: number | undefined): (GruSpec | LstmSpec)[] {
  const G = type === "gru" ? 3 : 4;
  const f = new Fields(entry, what);
  const prefix = f.string(["prefix"]) ?? type;
  const input = f.size(["input", "input_size", "inputLen"]);
  const hidden = f.size(["hidden", "hidden_size", "hiddenLen"]);
  const L = f.size(["numLayers", "num_layers"]) ?? 1;
  const bias = f.bool(["bias"]) ?? true;
  if (f.bool(["bidirectional"])) throw new Error(`${what}: bidirectional ${type.toUpperCase()}s cannot run one step at a time; only one direction is supported`);
  if (type === "lstm" && (f.size(["proj_size", "projSize"]) ?? 0) > 0) throw new Error(`${what}: LSTM with proj_size (weight_hr) is not supported`);
  f.allow(["batch_first", "dropout"]);
  f.done();
  if (t.has(join(prefix, "weight_ih_l0_reverse"))) throw new Error(`${what}: "${join(prefix, "weight_ih_l0_reverse")}" is there: a bidirectional ${type.toUpperCase()}, which cannot run one step at a time`);
  if (t.has(join(prefix, "weight_hr_l0"))) throw new Error(`${what}: "${join(prefix, "weight_hr_l0")}" is there: an LSTM with proj_size, which is not supported`);
  if (t.has(join(prefix, `weight_ih_l${L}`))) throw new Error(`${what}: the file has "${join(prefix, `weight_ih_l${L}`)}" but "numLayers" is ${L}`);
  const specs: (GruSpec | LstmSpec)[] = [];
  let I = input ?? prevOut;
  let H = hidden;
  for (let k = 0; k < L; k++) {
    const w = `${what}, layer ${k} of ${L}`;
    const ih = t.get(join(prefix, `weight_ih_l${k}`), [H === undefined ? undefined : G * H, k === 0 ? I : H], w);
    if (H === undefined) {
      if (ih.shape[0] % G !== 0) throw new Error(`${w}: tensor "${join(prefix, "weight_ih_l0")}" has ${ih.shape[0]} rows, not a multiple of ${G} gates`);
      H = ih.shape[0] / G;
    }
    if (k === 0) I = ih.shape[1];
    const hh = t.get(join(prefix, `weight_hh_l${k}`), [G * H, H], w);
    const bIh = bias ? t.get(join(prefix, `bias_ih_l${k}`), [G * H], w).data : undefined;
    const bHh = bias ? t.get(join(prefix, `bias_hh_l${k}`), [G * H], w).data : undefined;
    const base = { inputLen: k === 0 ? I! : H, hiddenLen: H, weightIh: ih.data, weightHh: hh.data, biasIh: bIh, biasHh: bHh };
    specs.push(type === "gru" ? { kind: "gru", ...base, resetAfter: true } : { kind: "lstm", ...base });
  }
  check(what, "input", input, I!);
  return specs;
}

function linear(entry: ArchLayer, what: string, t: Tensors, prevOut: number | undefined, conv: boolean): DenseSpec {
  const f = new Fields(entry, what);
  const prefix = f.string(["prefix"]) ?? (conv ? "conv" : "fc");
  const input = f.size(conv ? ["in_channels", "input"] : ["input", "in_features", "inputLen"]);
  const output = f.size(conv ? ["out_channels", "output"] : ["output", "out_features", "outputLen"]);
  const bias = f.bool(["bias"]) ?? true;
  const activation = (f.string(["activation"]) ?? "none") as Activation;
  if (!ACTIVATIONS.includes(activation)) throw new Error(`${what}: activation "${activation}" is not one of ${ACTIVATIONS.join(", ")}`);
  let kernel = 1;
  if (conv) {
    kernel = f.size(["kernel_size"]) ?? 1;
    const groups = f.size(["groups"]) ?? 1;
    f.allow(["padding", "stride", "dilation", "padding_mode"]);
    if (groups !== 1) throw new Error(`${what}: Conv1d with groups ${groups} is not supported (only kernel_size 1, groups 1 — a per-step Linear — converts)`);
  }
  f.done();
  const wName = join(prefix, "weight");
  let w;
  if (conv) {
    const K = t.file.entries.get(wName)?.shape[2] ?? kernel;
    if (K !== 1) {
      throw new Error(
        `${what}: a Conv1d with kernel_size ${K} (tensor "${wName}") mixes several time steps; tinyrnn has no standalone causal ` +
        `convolution layer (a depthwise causal conv exists only inside the Mamba block), so only kernel_size 1 — a per-step Linear — converts`,
      );
    }
    w = t.get(wName, [output, input ?? prevOut, 1], what);
  } else {
    w = t.get(wName, [output, input ?? prevOut], what);
  }
  const [O, I] = w.shape;
  check(what, conv ? "in_channels" : "input", input, I);
  const b = bias ? t.get(join(prefix, "bias"), [O], what).data : undefined;
  return { kind: "dense", inputLen: I, outputLen: O, weight: w.data, bias: b, activation };
}

function mamba(entry: ArchLayer, what: string, t: Tensors, prevOut: number | undefined): SsmSpec[] {
  // Fields come from the entry, else from a nested Hugging Face config.json ("config"), else from
  // mamba_ssm's MambaConfig.ssm_cfg (in the entry or in "config").
  const obj = (v: unknown, name: string): Record<string, unknown> => {
    if (v === undefined) return {};
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${what}: "${name}" is not an object`);
    return v as Record<string, unknown>;
  };
  const cfg = obj(entry.config, "config");
  const f = new Fields(entry, what, { ...obj(cfg.ssm_cfg, "config.ssm_cfg"), ...obj(entry.ssm_cfg, "ssm_cfg"), ...cfg });
  f.allow(["config", "ssm_cfg"]);
  const variant = f.string(["layer"]);
  if (variant !== undefined && variant !== "Mamba1") throw new Error(`${what}: ${variant} blocks are not supported (Mamba1 only)`);
  if ((f.number(["d_intermediate"]) ?? 0) > 0) throw new Error(`${what}: blocks with an MLP (d_intermediate > 0) are not supported`);
  const prefix = f.string(["prefix"]) ?? "layers";
  const M0 = f.size(["d_model", "hidden_size", "dModel"]);
  const N0 = f.size(["d_state", "state_size", "dState"]);
  const K0 = f.size(["d_conv", "conv_kernel", "dConv"]);
  const expand = f.size(["expand"]);
  const Di0 = f.size(["d_inner", "intermediate_size", "dInner"]);
  const R0 = f.size(["dt_rank", "time_step_rank", "dtRank"], { auto: true });
  const nLayer = f.size(["n_layer", "num_hidden_layers", "n_layers", "numLayers"]);
  const eps = f.number(["rms_norm_eps", "layer_norm_epsilon", "norm_epsilon", "eps"]) ?? 1e-5;
  const convBias = f.bool(["use_conv_bias", "conv_bias"]) ?? true;
  if (f.bool(["use_bias", "bias"])) throw new Error(`${what}: Mamba with use_bias (in_proj / out_proj biases) is not supported`);
  const rms = f.bool(["rms_norm"]);
  if (rms === false) throw new Error(`${what}: Mamba blocks with LayerNorm (rms_norm false) are not supported; tinyrnn's block norm is RMSNorm`);
  f.allow(["residual_in_fp32", "fused_add_norm"]);
  f.done();
  const blk = (i: number, n: string) => join(prefix, `${i}.${n}`);
  let count = nLayer;
  if (count === undefined) {
    count = 0;
    while (t.has(blk(count, "mixer.in_proj.weight"))) count++;
    if (count === 0) throw new Error(`${what}: no Mamba block found: tensor "${blk(0, "mixer.in_proj.weight")}" is missing`);
  } else if (t.has(blk(count, "mixer.in_proj.weight"))) {
    throw new Error(`${what}: the file has "${blk(count, "mixer.in_proj.weight")}" but the architecture says ${count} blocks`);
  }
  const specs: SsmSpec[] = [];
  let M = M0 ?? prevOut;
  for (let i = 0; i < count; i++) {
    const w = `${what}, block ${i} of ${count}`;
    for (const n of ["mixer.in_proj.bias", "mixer.out_proj.bias"]) {
      if (t.has(blk(i, n))) throw new Error(`${w}: "${blk(i, n)}" is there: Mamba with use_bias (in_proj / out_proj biases) is not supported`);
    }
    const Di = Di0 ?? (expand !== undefined && M !== undefined ? expand * M : undefined);
    const inProj = t.get(blk(i, "mixer.in_proj.weight"), [Di === undefined ? undefined : 2 * Di, M], w);
    M = inProj.shape[1];
    if (inProj.shape[0] % 2 !== 0) throw new Error(`${w}: tensor "${blk(i, "mixer.in_proj.weight")}" has ${inProj.shape[0]} rows, not 2·d_inner`);
    const di = inProj.shape[0] / 2;
    if (expand !== undefined && Di0 === undefined) check(w, "expand", expand * M, di);
    const convName = blk(i, "mixer.conv1d.weight");
    const convShape = t.file.entries.get(convName)?.shape;
    const conv = t.get(convName, convShape?.length === 2 ? [di, K0] : [di, 1, K0], w);
    const K = conv.shape[conv.shape.length - 1];
    const cb = convBias ? t.get(blk(i, "mixer.conv1d.bias"), [di], w).data : new Float32Array(di);
    const aLog = t.get(blk(i, "mixer.A_log"), [di, N0], w);
    const N = aLog.shape[1];
    const dtProj = t.get(blk(i, "mixer.dt_proj.weight"), [di, R0], w);
    const R = dtProj.shape[1];
    const xProj = t.get(blk(i, "mixer.x_proj.weight"), [R + 2 * N, di], w);
    const dtBias = t.get(blk(i, "mixer.dt_proj.bias"), [di], w);
    const D = t.get(blk(i, "mixer.D"), [di], w);
    const outProj = t.get(blk(i, "mixer.out_proj.weight"), [M, di], w);
    const norm = t.get(blk(i, "norm.weight"), [M], w);
    specs.push({
      kind: "ssm", inputLen: M, dModel: M, dState: N, dConv: K, dInner: di, dtRank: R, normEps: eps,
      normWeight: norm.data, inProjWeight: inProj.data, convWeight: conv.data, convBias: cb,
      xProjWeight: xProj.data, dtProjWeight: dtProj.data, dtProjBias: dtBias.data, aLog: aLog.data, d: D.data,
      outProjWeight: outProj.data,
    });
  }
  if (specs.length) {
    const s = specs[0];
    check(what, "d_model", M0, s.dModel);
    check(what, "d_state", N0, s.dState);
    check(what, "d_conv", K0, s.dConv!);
    check(what, "dt_rank", R0, s.dtRank!);
    check(what, "d_inner", Di0, s.dInner!);
  }
  return specs;
}

const NORM_REFUSAL =
  "is not supported: tinyrnn has RMSNorm (type \"rmsnorm\"), not LayerNorm, which also subtracts the mean and adds a bias";

/**
 * Map a safetensors file of PyTorch weights to layer specs for `buildModel`, following the
 * architecture JSON given here, or else the one stored in `__metadata__.architecture`.
 */
export function safetensorsToSpecs(bytes: Uint8Array, arch?: Architecture | string | Record<string, unknown>): SafetensorsImport {
  const file = readSafetensors(bytes);
  let architecture: Architecture;
  let architectureSource: "argument" | "metadata";
  if (arch !== undefined) {
    architecture = parseArchitecture(arch, "the architecture JSON");
    architectureSource = "argument";
  } else if (file.metadata.architecture !== undefined) {
    architecture = parseArchitecture(file.metadata.architecture, "the architecture in the safetensors __metadata__");
    architectureSource = "metadata";
  } else {
    throw new Error(
      "no architecture: give an architecture JSON (for example model.arch.json next to model.safetensors) or store it as a JSON string in the safetensors __metadata__ under \"architecture\"",
    );
  }
  const t = new Tensors(file);
  const specs: LayerSpec[] = [];
  const outLen = () => {
    const s = specs[specs.length - 1];
    return s === undefined ? undefined : layerOutputLen(s);
  };
  architecture.layers.forEach((entry, i) => {
    const type = entry.type.toLowerCase();
    const what = `layer ${i} (${type}${typeof entry.prefix === "string" ? ` "${entry.prefix}"` : ""})`;
    switch (type) {
      case "gru":
      case "lstm":
        specs.push(...recurrent(type, entry, what, t, outLen()));
        break;
      case "linear":
      case "dense":
        specs.push(linear(entry, what, t, outLen(), false));
        break;
      case "conv1d":
        specs.push(linear(entry, what, t, outLen(), true));
        break;
      case "mamba":
        specs.push(...mamba(entry, what, t, outLen()));
        break;
      case "relu":
      case "sigmoid":
      case "tanh":
      case "softmax": {
        new Fields(entry, what).done();
        const prev = specs[specs.length - 1];
        if (!prev || prev.kind !== "dense" || (prev.activation ?? "none") !== "none") {
          throw new Error(`${what}: a standalone ${type} must follow a linear layer without an activation (tinyrnn applies activations in the dense layer)`);
        }
        prev.activation = type;
        break;
      }
      case "rmsnorm": {
        // nn.RMSNorm / Mamba's final norm_f: y = x / sqrt(mean(x²) + eps) · weight
        const f = new Fields(entry, what);
        const prefix = f.string(["prefix"]) ?? "norm";
        const size = f.size(["size", "normalized_shape", "hidden_size", "d_model"]);
        const eps = f.number(["eps", "rms_norm_eps", "layer_norm_epsilon", "norm_epsilon"]) ?? 1e-5;
        f.done();
        const prev = outLen();
        if (prev === undefined) throw new Error(`${what}: an RMSNorm needs a layer before it (its size comes from that layer's output)`);
        const w = t.get(join(prefix, "weight"), [prev], what);
        check(what, "size", size, prev);
        specs.push({ kind: "rmsnorm", inputLen: prev, weight: w.data, eps });
        break;
      }
      case "layernorm":
        throw new Error(`${what}: a standalone LayerNorm ${NORM_REFUSAL}`);
      default:
        throw new Error(`${what}: unknown layer type "${entry.type}" (known: gru, lstm, linear, conv1d, mamba, rmsnorm, relu, sigmoid, tanh, softmax; layernorm is refused)`);
    }
  });
  for (let i = 1; i < specs.length; i++) {
    const prevOut = layerOutputLen(specs[i - 1]);
    if (specs[i].inputLen !== prevOut) throw new Error(`layer spec ${i} (${specs[i].kind}) takes ${specs[i].inputLen} inputs but the layer before gives ${prevOut}`);
  }
  const unused = [...file.entries.keys()].filter((n) => !t.used.has(n)).sort();
  return { specs, metadata: file.metadata, architecture, architectureSource, unused, labels: architecture.labels };
}
