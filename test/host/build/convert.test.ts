// Conversion after import: provenance, the quantisation report, percentile clipping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, calibrate, readModel, type LayerSpec } from "../../tinyrnn.js";
import { convert, formatReport } from "../../../host/build/convert/index.js";
import { rng, runtime, signal, torchGru, torchLinear, mixedModel } from "../../helpers.js";

test("int8 conversion reports per-layer SQNR, output cosine and max error, and records its provenance", async () => {
  const rt = await runtime("simd");
  const specs = mixedModel(3, 12, 16, 5);
  const calibration = [signal(rng(1), 300, 12), signal(rng(2), 300, 12)];
  const { bytes, report } = convert(rt, specs, { numType: "int8", calibration, source: "model.safetensors" });
  assert.equal(report.layers!.length, 5);
  for (const l of report.layers!) assert.ok(l.sqnrDb > 25, `${l.kind}: ${l.sqnrDb} dB`);
  assert.ok(report.outputCosine! > 0.999 && report.minStepCosine! > 0.99 && report.maxAbsError! < 0.05, JSON.stringify(report));
  assert.equal(report.bytes, bytes.length);
  assert.ok(report.f32Bytes > report.bytes);
  const meta = readModel(bytes).metadata as { provenance: { source: string; converter: string; date: string; calibration: { steps: number } } };
  assert.equal(meta.provenance.source, "model.safetensors");
  assert.match(meta.provenance.converter, /^tinyrnn convert \d+/);
  assert.match(meta.provenance.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(meta.provenance.calibration.steps, 600);
  const text = formatReport(report).join("\n");
  assert.match(text, /calibration: 2 sequences, 600 steps, min\/max ranges/);
  assert.match(text, /3  rmsnorm \d+\.\d dB/);
  assert.match(text, /4  dense\s+\d+\.\d dB/);
  const f32 = convert(rt, specs, { numType: "f32", source: "m.onnx" });
  assert.equal(f32.report.layers, undefined);
  assert.throws(() => convert(rt, specs, { numType: "int8", source: "m" }), /calibration data/);
});

test("percentile clipping keeps one outlier from setting the range", () => {
  const r = rng(4);
  const specs: LayerSpec[] = [torchGru(r, 4, 8), torchLinear(r, 8, 3)];
  const x = signal(rng(5), 2000, 4);
  x[777] = 500; // one wild sample among values of order 1
  const minmax = calibrate(specs, [x]);
  const pct = calibrate(specs, [x], { method: "percentile", percentile: 99.9 });
  assert.equal(minmax.input, 500);
  assert.ok(pct.input < 5, `percentile input range ${pct.input}`);
  assert.throws(() => calibrate(specs, [x], { method: "percentile", percentile: 0 }), /percentile must lie in \(0, 100\]/);
});

test("building refuses what would run as NaN or infinity, naming the layer: non-finite numbers, f32 overflow, int8 scales out of range", async () => {
  const rt = await runtime("simd");
  const specs = () => mixedModel(3, 12, 16, 5);
  const calibration = [signal(rng(1), 100, 12)];
  const refused = (change: (s: LayerSpec[]) => void, numType: "f32" | "int8", said: RegExp, more: { inputScale?: number } = {}) => {
    const s = specs();
    change(s);
    assert.throws(() => buildModel(s, { numType, calibration, ...more }), said);
    assert.throws(() => convert(rt, s, { numType, calibration, source: "m", ...more }), said, "convert refuses it the same way");
  };
  const set = (layer: number, key: string, i: number, v: number) => (s: LayerSpec[]) => {
    const a = Float32Array.from((s[layer] as unknown as Record<string, ArrayLike<number>>)[key]);
    a[i] = v;
    (s[layer] as unknown as Record<string, unknown>)[key] = a;
  };
  for (const numType of ["f32", "int8"] as const) {
    refused(set(1, "weightHh", 7, NaN), numType, /^Error: layer 1 \(lstm\): weightHh\[7\] is NaN: weights, biases and constants must be finite$/);
    refused(set(4, "weight", 0, -Infinity), numType, /^Error: layer 4 \(dense\): weight\[0\] is -Infinity/);
    refused(set(2, "aLog", 3, Infinity), numType, /^Error: layer 2 \(ssm\): aLog\[3\] is Infinity/);
  }
  // finite in float64, infinite as f32: A = −exp(A_log) of an SSM
  refused(set(2, "aLog", 3, 100), "f32", /^Error: layer 2 \(ssm\): its tensor A holds NaN or infinity as f32/);
  // int8: an output scale whose int16 multiples overflow f32, an input scale whose reciprocal does
  const huge: LayerSpec[] = [{ kind: "dense", inputLen: 4, outputLen: 2, weight: new Float32Array(8).fill(3e38), activation: "none" }];
  assert.throws(() => buildModel(huge, { numType: "int8", calibration: [new Float32Array(40).map((_, i) => 1e30 * Math.sin(i))] }),
    /^Error: layer 0 \(dense\): the model's output scale 3\.\d+e\+64 is out of range/);
  refused(() => {}, "int8", /^Error: the input scale 1e-40 is not a normal f32/, { inputScale: 1e-40 });
  // and what it builds, the module loads
  for (const numType of ["f32", "int8"] as const) rt.loadModel(buildModel(specs(), { numType, calibration })).dispose();
});
