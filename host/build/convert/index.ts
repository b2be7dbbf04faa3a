// Conversion, after import: float layer specs (from host/build/convert/onnx.ts or safetensors.ts) +
// calibration → a .tinyrnn file, with provenance in its metadata and a report of what
// quantisation cost. No Node built-ins: the CLI reads the files and passes bytes in.

import { buildModel, type Clipping, type LayerSpec } from "../builder.js";
import type { NumType } from "../../runtime/format.js";
import type { Runtime } from "../../runtime/runtime.js";

export const CONVERTER_VERSION = "1";

export interface ConvertOptions {
  numType: NumType;
  /** int8: calibration sequences, each [T, inputLen] */
  calibration?: Float32Array[];
  clipping?: Clipping;
  /** a fixed int8 input scale (audio models: the frontend's FEATURE_SCALE) */
  inputScale?: number;
  /** where the model came from, e.g. the input file's name */
  source: string;
  /** merged into the file's metadata (labels, frontend, detector, sampleRateHz…) */
  metadata?: Record<string, unknown>;
  /** the provenance date (YYYY-MM-DD); default today — fix it for byte-identical rebuilds */
  date?: string;
}

export interface LayerReport {
  index: number;
  kind: string;
  /** int8 vs f32, on the calibration data: 10·log10(Σ f² / Σ (f − q)²) of this layer's output (error accumulated up to it) */
  sqnrDb: number;
}

export interface QuantReport {
  numType: NumType;
  source: string;
  bytes: number;
  /** the f32 file's size, for comparison */
  f32Bytes: number;
  calibration?: { sequences: number; steps: number; clipping: Clipping };
  /** int8 only */
  layers?: LayerReport[];
  /** int8 vs f32 over all calibration steps: cosine of the whole output, the worst step's, and the largest |difference| */
  outputCosine?: number;
  minStepCosine?: number;
  maxAbsError?: number;
}

export interface Converted {
  bytes: Uint8Array;
  report: QuantReport;
}

/** Build the file and, for int8, measure it against f32 in the module (layer by layer via prefix models). */
export function convert(rt: Runtime, specs: LayerSpec[], o: ConvertOptions, progress?: (line: string) => void): Converted {
  const steps = (o.calibration ?? []).reduce((n, s) => n + s.length, 0) / specs[0].inputLen;
  const clipping = o.clipping ?? { method: "minmax" };
  const provenance = {
    source: o.source,
    converter: `tinyrnn convert ${CONVERTER_VERSION}`,
    date: o.date ?? new Date().toISOString().slice(0, 10),
    ...(o.numType === "int8" ? { calibration: { sequences: o.calibration?.length ?? 0, steps, clipping } } : {}),
  };
  const build = (s: LayerSpec[], numType: NumType) =>
    buildModel(s, { numType, calibration: o.calibration, clipping, inputScale: o.inputScale, metadata: { ...(o.metadata ?? {}), provenance } });
  const f32 = build(specs, "f32");
  rt.loadModel(f32).dispose(); // what the module would refuse is never written (int8: loaded below)
  if (o.numType === "f32") return { bytes: f32, report: { numType: "f32", source: o.source, bytes: f32.length, f32Bytes: f32.length } };
  if (!o.calibration?.length) throw new Error("an int8 model needs calibration data (--calibrate)");
  progress?.(`calibrating on ${o.calibration.length} sequence${o.calibration.length === 1 ? "" : "s"}, ${steps} steps`);
  const int8 = build(specs, "int8");
  const layers: LayerReport[] = [];
  let whole: { cos: number; minCos: number; maxAbs: number } | undefined;
  for (let k = 0; k < specs.length; k++) {
    progress?.(`measuring layer ${k} (${specs[k].kind}) int8 against f32`);
    const prefix = specs.slice(0, k + 1);
    const last = k === specs.length - 1;
    const a = rt.loadModel(last ? f32 : build(prefix, "f32"));
    const b = rt.loadModel(last ? int8 : build(prefix, "int8"));
    let signal = 0, noise = 0, ab = 0, aa = 0, bb = 0, minCos = 1, maxAbs = 0;
    const O = a.outputLen;
    for (const seq of o.calibration) {
      const ya = a.openStream().run(seq), yb = b.openStream().run(seq);
      for (let t = 0; t < ya.length / O; t++) {
        let sab = 0, saa = 0, sbb = 0;
        for (let i = t * O; i < (t + 1) * O; i++) {
          const d = ya[i] - yb[i];
          signal += ya[i] * ya[i];
          noise += d * d;
          sab += ya[i] * yb[i]; saa += ya[i] * ya[i]; sbb += yb[i] * yb[i];
          maxAbs = Math.max(maxAbs, Math.abs(d));
        }
        ab += sab; aa += saa; bb += sbb;
        if (saa > 0 || sbb > 0) minCos = Math.min(minCos, sab / Math.sqrt(saa * sbb || 1));
      }
    }
    a.dispose();
    b.dispose();
    layers.push({ index: k, kind: specs[k].kind, sqnrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise) });
    if (last) whole = { cos: aa === 0 && bb === 0 ? 1 : ab / Math.sqrt(aa * bb), minCos, maxAbs };
  }
  return {
    bytes: int8,
    report: {
      numType: "int8", source: o.source, bytes: int8.length, f32Bytes: f32.length,
      calibration: { sequences: o.calibration.length, steps, clipping }, layers,
      outputCosine: whole!.cos, minStepCosine: whole!.minCos, maxAbsError: whole!.maxAbs,
    },
  };
}

/** The report as lines for a terminal. */
export function formatReport(r: QuantReport): string[] {
  const lines = [`${r.numType} model from ${r.source}: ${r.bytes} bytes (f32 would be ${r.f32Bytes})`];
  if (r.layers) {
    const c = r.calibration!;
    lines.push(`calibration: ${c.sequences} sequence${c.sequences === 1 ? "" : "s"}, ${c.steps} steps, ${c.clipping.method === "percentile" ? `${c.clipping.percentile ?? 99.99}th percentile` : "min/max"} ranges`);
    lines.push("layer  kind   SQNR int8 vs f32 (output so far)");
    for (const l of r.layers) lines.push(`${String(l.index).padStart(5)}  ${l.kind.padEnd(6)} ${Number.isFinite(l.sqnrDb) ? `${l.sqnrDb.toFixed(1)} dB` : "exact"}`);
    lines.push(`output: cosine ${r.outputCosine!.toFixed(6)} overall, ${r.minStepCosine!.toFixed(6)} worst step; max abs error ${r.maxAbsError!.toExponential(2)}`);
  }
  return lines;
}
