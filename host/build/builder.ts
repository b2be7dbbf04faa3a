// The builder/quantiser: float layer specs (+ calibration sequences) → a .tinyrnn file.
// The converter (PyTorch/ONNX import) produces specs and calls this.

import type { LayerRecord, NumType } from "../runtime/format.js";
import { writeModel } from "./write.js";
import { layerOps as ops, type LayerSpec } from "./layers/index.js";
import { maxAbs } from "./layers/math.js";
import { activationScale } from "./quant.js";
import type { Encoded, LayerStats, ReferenceLayer } from "./layers/types.js";

const F32_MAX = 3.4028234663852886e38, F32_MIN_NORMAL = 2 ** -126;

export type { LayerSpec };

/** Output size of a layer spec. */
export function layerOutputLen(s: LayerSpec): number {
  return ops(s).outputLen(s);
}

/** A number or list of numbers of a spec that is NaN or infinite: "weightHh[17] is NaN", or undefined. */
function nonFinite(s: LayerSpec): string | undefined {
  for (const [key, v] of Object.entries(s)) {
    if (typeof v === "number" && !Number.isFinite(v)) return `${key} is ${v}`;
    if (ArrayBuffer.isView(v) || Array.isArray(v)) {
      const a = v as ArrayLike<unknown>;
      for (let k = 0; k < a.length; k++) if (typeof a[k] === "number" && !Number.isFinite(a[k])) return `${key}[${k}] is ${a[k]}`;
    }
  }
  return undefined;
}

/** Check shapes, that every number is finite and that each layer's input is the previous layer's output. */
export function checkLayers(layers: LayerSpec[]): void {
  if (layers.length === 0) throw new Error("a model needs at least one layer");
  layers.forEach((s, i) => {
    try {
      ops(s).check(s);
      const bad = nonFinite(s);
      if (bad) throw new Error(`${bad}: weights, biases and constants must be finite`);
    } catch (e) {
      throw new Error(`layer ${i} (${s.kind}): ${(e as Error).message}`);
    }
    if (i > 0 && s.inputLen !== layerOutputLen(layers[i - 1])) {
      throw new Error(`layer ${i} (${s.kind}) takes ${s.inputLen} inputs but layer ${i - 1} gives ${layerOutputLen(layers[i - 1])}`);
    }
  });
}

/** A float reference of the whole stack: independent of the module, used by tests and calibration. */
export class ReferenceModel {
  readonly layers: ReferenceLayer[];
  readonly inputLen: number;
  readonly outputLen: number;
  constructor(specs: LayerSpec[]) {
    checkLayers(specs);
    this.layers = specs.map((s) => ops(s).reference(s));
    this.inputLen = specs[0].inputLen;
    this.outputLen = layerOutputLen(specs[specs.length - 1]);
  }
  reset(): void {
    for (const l of this.layers) l.reset();
  }
  /** One step; `observe(layer, name, values)` sees the input (layer -1) and named intermediates. */
  step(x: ArrayLike<number>, observe?: (layer: number, name: string, v: ArrayLike<number>) => void): Float64Array {
    observe?.(-1, "input", x);
    let y: ArrayLike<number> = x;
    this.layers.forEach((l, i) => { y = l.step(y, observe && ((name, v) => observe(i, name, v))); });
    return y as Float64Array;
  }
  /** Run [T, inputLen] from zero state; returns [T, outputLen] as float32. */
  run(seq: Float32Array): Float32Array {
    this.reset();
    const T = seq.length / this.inputLen;
    const out = new Float32Array(T * this.outputLen);
    for (let t = 0; t < T; t++) out.set(this.step(seq.subarray(t * this.inputLen, (t + 1) * this.inputLen)), t * this.outputLen);
    return out;
  }
}

/** How calibration turns observed activations into ranges. */
export interface Clipping {
  /** "minmax" (default): the largest |value| seen; "percentile": that percentile of |value| */
  method: "minmax" | "percentile";
  /** for "percentile", in (0, 100]; default 99.99 */
  percentile?: number;
}

const HISTOGRAM_BINS = 4096;

/**
 * The range of every observed tensor, per layer, over calibration sequences (each run from zero
 * state): max |value|, or with percentile clipping the given percentile of |value| (a second pass
 * histograms |value| in 4096 bins up to the maximum; the range is the upper edge of the bin where
 * the percentile falls). Outliers then saturate instead of costing every other value resolution.
 */
export function calibrate(specs: LayerSpec[], sequences: Float32Array[], clipping: Clipping = { method: "minmax" }):
  { input: number; layers: LayerStats[] } {
  const ref = new ReferenceModel(specs);
  for (const seq of sequences) {
    if (seq.length % ref.inputLen !== 0) throw new Error(`a calibration sequence has ${seq.length} values, not a multiple of the input size ${ref.inputLen}`);
  }
  const each = (visit: (layer: number, name: string, v: ArrayLike<number>) => void) => {
    for (const seq of sequences) {
      ref.reset();
      for (let t = 0; t < seq.length; t += ref.inputLen) ref.step(seq.subarray(t, t + ref.inputLen), visit);
    }
  };
  const key = (layer: number, name: string) => `${layer}\u0000${name}`;
  const max = new Map<string, number>();
  each((layer, name, v) => { const k = key(layer, name); max.set(k, Math.max(max.get(k) ?? 0, maxAbs(v))); });
  let range = max;
  if (clipping.method === "percentile") {
    const p = clipping.percentile ?? 99.99;
    if (!(p > 0 && p <= 100)) throw new Error(`the clipping percentile must lie in (0, 100], not ${p}`);
    const hist = new Map<string, Float64Array>();
    each((layer, name, v) => {
      const k = key(layer, name), m = max.get(k)!;
      let h = hist.get(k);
      if (!h) hist.set(k, (h = new Float64Array(HISTOGRAM_BINS)));
      if (m === 0) return;
      for (let i = 0; i < v.length; i++) h[Math.min(HISTOGRAM_BINS - 1, Math.floor((Math.abs(v[i]) / m) * HISTOGRAM_BINS))]++;
    });
    range = new Map();
    for (const [k, h] of hist) {
      let total = 0;
      for (const c of h) total += c;
      let seen = 0, bin = HISTOGRAM_BINS - 1;
      for (let b = 0; b < HISTOGRAM_BINS; b++) {
        seen += h[b];
        if (seen >= (p / 100) * total) { bin = b; break; }
      }
      range.set(k, (max.get(k)! * (bin + 1)) / HISTOGRAM_BINS);
    }
  } else if (clipping.method !== "minmax") {
    throw new Error(`unknown clipping method "${(clipping as { method: string }).method}" (minmax or percentile)`);
  }
  const layers: LayerStats[] = specs.map(() => new Map());
  let input = 0;
  for (const [k, r] of range) {
    const [layer, name] = k.split("\u0000");
    if (Number(layer) < 0) input = r;
    else layers[Number(layer)].set(name, r);
  }
  return { input, layers };
}

export interface BuildOptions {
  numType: NumType;
  /** int8: representative input sequences, each [T, inputLen] row-major. Required for int8. */
  calibration?: Float32Array[];
  /** Stored in the file for the host (labels, provenance, …). */
  metadata?: Record<string, unknown>;
  /** int8: how calibrated ranges are chosen (default min/max) */
  clipping?: Clipping;
  /**
   * int8: a fixed input scale instead of the calibrated one — for inputs that arrive already as
   * int16 in a known scale, like the audio frontend's features (frontend FEATURE_SCALE).
   */
  inputScale?: number;
}

/** Build a .tinyrnn file from float layer specs. */
export function buildModel(specs: LayerSpec[], opts: BuildOptions): Uint8Array {
  checkLayers(specs);
  const numType = opts.numType;
  let stats: LayerStats[] = specs.map(() => new Map());
  let inputScale = 1;
  if (numType === "int8") {
    if (!opts.calibration || opts.calibration.length === 0) throw new Error("an int8 model needs calibration sequences");
    const c = calibrate(specs, opts.calibration, opts.clipping);
    stats = c.layers;
    inputScale = opts.inputScale ?? activationScale(c.input);
    if (!(inputScale > 0) || !Number.isFinite(inputScale)) throw new Error(`inputScale must be a positive number, not ${opts.inputScale}`);
  } else if (numType !== "f32") {
    throw new Error(`unknown number type "${numType}" (int8 or f32)`);
  }
  // What the module refuses (assembly/model.ts): it would make a step's numbers NaN or infinite.
  if (!(Math.fround(inputScale) >= F32_MIN_NORMAL && Math.fround(inputScale) <= F32_MAX))
    throw new Error(`the input scale ${inputScale} is not a normal f32 (its reciprocal must be finite)`);
  const records: LayerRecord[] = [];
  let scale = inputScale;
  specs.forEach((s, i) => {
    const where = `layer ${i} (${s.kind})`;
    let e: Encoded;
    try {
      e = ops(s).encode(s, { numType, inputScale: scale, stats: stats[i] });
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
    }
    e.record.tensors.forEach((t, k) => {
      if (t instanceof Float32Array && !t.every(Number.isFinite))
        throw new Error(`${where}: its tensor ${ops(s).f32Tensors[k] ?? k} holds NaN or infinity as f32 (a value beyond ±${F32_MAX.toExponential(4)}?)`);
    });
    if (numType === "int8" && i === specs.length - 1 && !(e.outputScale > 0 && Math.fround(e.outputScale) <= F32_MAX / 32768))
      throw new Error(`${where}: the model's output scale ${e.outputScale} is out of range (int16 · scale must be a finite f32: the calibrated outputs are too large)`);
    records.push(e.record);
    scale = e.outputScale;
  });
  return writeModel({
    numType,
    inputLen: specs[0].inputLen,
    outputLen: layerOutputLen(specs[specs.length - 1]),
    inputScale,
    outputScale: scale,
    layers: records,
    metadata: { ...(opts.metadata ?? {}), layers: specs.map((s) => s.kind) },
  });
}
