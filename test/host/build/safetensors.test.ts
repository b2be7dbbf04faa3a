// The safetensors importer against PyTorch: fixtures from test/fixtures/make_torch_fixtures.py
// (GRU/LSTM 1–2 layers + Linear head, a Mamba stack), f32 and calibrated int8 on both builds,
// and the refusal of malformed files and architectures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildModel, ReferenceModel } from "../../tinyrnn.js";
import { readNpyMatrix } from "../../../host/cli/npy.js";
import { readSafetensors, safetensorsToSpecs, archPathFor } from "../../../host/build/convert/safetensors.js";
import { BUILDS, runtime, maxAbsDiff, minStepCosine } from "../../helpers.js";

const dir = "test/fixtures/torch/";
interface Fixture {
  name: string; safetensors: string; arch: string | null; input: string; calibration: string; output: string;
  outputShape: [number, number]; unsupported?: string;
}
const manifest: { T: number; models: Fixture[] } = JSON.parse(readFileSync(dir + "manifest.json", "utf8"));
const npy = (f: string) => readNpyMatrix(readFileSync(dir + f), f);
const bytesOf = (f: Fixture) => new Uint8Array(readFileSync(dir + f.safetensors));
const archOf = (f: Fixture) => (f.arch ? readFileSync(dir + f.arch, "utf8") : undefined);
const fixture = (name: string) => manifest.models.find((m) => m.name === name)!;

const INT8_MIN_COSINE: Record<string, number> = { gru1: 0.999, gru2: 0.999, lstm1: 0.999, lstm2: 0.999, mamba: 0.995, mamba_normf: 0.995 };
const supported = manifest.models.filter((m) => !m.unsupported);

test("fixtures: every model, both architecture paths (file and __metadata__), well under 2 MB", () => {
  assert.deepEqual(supported.map((m) => m.name).sort(), Object.keys(INT8_MIN_COSINE).sort());
  assert.ok(manifest.models.some((m) => m.arch) && manifest.models.some((m) => !m.arch));
  for (const m of manifest.models) {
    if (m.arch) assert.equal(archPathFor(dir + m.safetensors), dir + m.arch);
  }
  let total = 0;
  for (const m of manifest.models) for (const f of [m.safetensors, m.output, m.input, m.calibration, m.arch]) if (f) total += readFileSync(dir + f).length;
  assert.ok(total < 1.5e6, `${total} bytes`);
});

for (const f of supported) {
  test(`${f.name}: imports with every tensor used, from the architecture ${f.arch ? "file" : "in __metadata__"}`, () => {
    const r = safetensorsToSpecs(bytesOf(f), archOf(f));
    assert.equal(r.architectureSource, f.arch ? "argument" : "metadata");
    assert.deepEqual(r.unused, []);
    const ref = new ReferenceModel(r.specs);
    assert.equal(ref.outputLen, f.outputShape[1]);
    // The float64 reference against PyTorch's float32 run.
    const x = npy(f.input);
    const err = maxAbsDiff(ref.run(x.data), npy(f.output).data);
    assert.ok(err <= 1e-5, `reference vs PyTorch max abs error ${err}`);
  });

  for (const build of BUILDS) {
    test(`${build}: ${f.name} f32 through the importer matches PyTorch (max abs ≤ 1e-5)`, async (t) => {
      const { specs } = safetensorsToSpecs(bytesOf(f), archOf(f));
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "f32" }));
      const err = maxAbsDiff(model.openStream().run(npy(f.input).data), npy(f.output).data);
      model.dispose();
      t.diagnostic(`${build} ${f.name} f32 max abs error vs PyTorch: ${err.toExponential(2)}`);
      assert.ok(err <= 1e-5, `max abs error ${err}`);
    });

    test(`${build}: ${f.name} int8 calibrated on another sequence: per-step cosine vs PyTorch ≥ ${INT8_MIN_COSINE[f.name]}`, async (t) => {
      const { specs } = safetensorsToSpecs(bytesOf(f), archOf(f));
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "int8", calibration: [npy(f.calibration).data] }));
      const y = model.openStream().run(npy(f.input).data);
      const cos = minStepCosine(y, npy(f.output).data, f.outputShape[1]);
      const err = maxAbsDiff(y, npy(f.output).data);
      model.dispose();
      t.diagnostic(`${build} ${f.name} int8 min per-step cosine vs PyTorch: ${cos.toFixed(6)}, max abs error ${err.toExponential(2)}`);
      assert.ok(cos >= INT8_MIN_COSINE[f.name], `min per-step cosine ${cos}`);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed files and architectures

interface Raw { name: string; dtype: string; shape: number[]; raw: Uint8Array }

/** The tensors of a safetensors file, raw, for editing. */
function tensorsOf(bytes: Uint8Array): { list: Raw[]; metadata: Record<string, string> } {
  const file = readSafetensors(bytes);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const list = [...file.entries.values()].map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, raw: bytes.slice(8 + n + e.begin, 8 + n + e.end) }));
  return { list, metadata: file.metadata };
}

/** Write a safetensors file (what make_torch_fixtures.py does, in TypeScript). */
function writeSafetensors(list: Raw[], metadata?: Record<string, string>, headerOverride?: (h: Record<string, unknown>) => void): Uint8Array {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const t of list) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.raw.length] };
    off += t.raw.length;
  }
  if (metadata) header.__metadata__ = metadata;
  headerOverride?.(header);
  let h = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(h.length / 8) * 8).fill(0x20);
  padded.set(h);
  h = padded;
  const out = new Uint8Array(8 + h.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let p = 8 + h.length;
  for (const t of list) { out.set(t.raw, p); p += t.raw.length; }
  return out;
}

const f32Raw = (a: ArrayLike<number>) => new Uint8Array(Float32Array.from(a).buffer);
const gru1 = fixture("gru1");
const gru1Arch = archOf(gru1)!;

test("a fixture rewritten by the test writer gives the same specs", () => {
  const { list, metadata } = tensorsOf(bytesOf(gru1));
  const again = safetensorsToSpecs(writeSafetensors(list, metadata), gru1Arch);
  const orig = safetensorsToSpecs(bytesOf(gru1), gru1Arch);
  assert.deepEqual(again.specs, orig.specs);
});

test("a safetensors file missing a tensor is refused, naming the tensor", () => {
  const { list } = tensorsOf(bytesOf(gru1));
  const bytes = writeSafetensors(list.filter((t) => t.name !== "rnn.bias_hh_l0"));
  assert.throws(() => safetensorsToSpecs(bytes, gru1Arch), /layer 0 \(gru "rnn"\), layer 0 of 1: tensor "rnn\.bias_hh_l0" is missing \(the file has rnn\./);
  // …and a missing Mamba tensor, named with its block
  const m = fixture("mamba");
  const ml = tensorsOf(bytesOf(m)).list.filter((t) => t.name !== "layers.1.mixer.A_log");
  assert.throws(() => safetensorsToSpecs(writeSafetensors(ml), archOf(m)), /block 1 of 2: tensor "layers\.1\.mixer\.A_log" is missing/);
});

test("mismatched shapes are refused, naming the tensor, its shape and the expected one", () => {
  const { list } = tensorsOf(bytesOf(gru1));
  const edited = list.map((t) => (t.name === "fc.weight" ? { ...t, shape: [12, 32], raw: t.raw.slice(0, 12 * 32 * 4) } : t));
  assert.throws(() => safetensorsToSpecs(writeSafetensors(edited), gru1Arch), /layer 1 \(linear "fc"\): tensor "fc\.weight" has shape \[12, 32\]; expected \[12, 64\]/);
  // sizes in the architecture that disagree with the tensors
  const arch = JSON.parse(gru1Arch);
  arch.layers[0].hidden = 65;
  assert.throws(() => safetensorsToSpecs(bytesOf(gru1), arch), /tensor "rnn\.weight_ih_l0" has shape \[192, 40\]; expected \[195, 40\]/);
  const m = fixture("mamba");
  const march = JSON.parse(archOf(m)!);
  march.layers[0].state_size = 16;
  assert.throws(() => safetensorsToSpecs(bytesOf(m), march), /tensor "layers\.0\.mixer\.A_log" has shape \[64, 8\]; expected \[64, 16\]/);
  // a layer whose input is not the previous layer's output
  const arch2 = JSON.parse(archOf(fixture("lstm2"))!);
  arch2.layers[1].input = 64;
  assert.throws(() => safetensorsToSpecs(bytesOf(fixture("lstm2")), arch2), /tensor "fc\.weight" has shape \[12, 48\]; expected \[12, 64\]/);
});

test("a truncated file is refused as truncated", () => {
  const b = bytesOf(gru1);
  assert.throws(() => readSafetensors(b.subarray(0, b.length - 100)), /truncated: tensor "[^"]+" ends at byte \d+ of the data section, which has only \d+ bytes/);
  assert.throws(() => readSafetensors(b.subarray(0, 100)), /truncated or not safetensors: the header length is \d+ bytes but only 92 follow it/);
  assert.throws(() => readSafetensors(b.subarray(0, 5)), /fewer than the 8 of the header length/);
});

test("bad headers are refused with what is wrong", () => {
  const withHeader = (text: string, data = 0) => {
    const h = new TextEncoder().encode(text);
    const out = new Uint8Array(8 + h.length + data);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  assert.throws(() => readSafetensors(withHeader("{not json")), /header is not valid JSON/);
  assert.throws(() => readSafetensors(withHeader("[1, 2]")), /does not start with "\{"/);
  assert.throws(() => readSafetensors(withHeader("PK\u0003\u0004 a zip")), /does not start with "\{"/);
  assert.throws(() => readSafetensors(new Uint8Array(16)), /header length is 0/);
  assert.throws(() => readSafetensors(withHeader('{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}', 4)), /tensor "a": unknown dtype "F33"/);
  assert.throws(() => readSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4)), /shape \[2\] of F32 takes 8 bytes but data_offsets \[0, 4\] give 4/);
  assert.throws(() => readSafetensors(withHeader('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4)), /shape \[-1\] is not a list of non-negative integers/);
  assert.throws(() => readSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', 4)), /data_offsets \[4,0\] is not \[begin, end\]/);
  assert.throws(
    () => readSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8)),
    /tensors "a" and "b" overlap/,
  );
  assert.throws(() => readSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8)), /4 unindexed bytes before tensor "a"/);
  assert.throws(() => readSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 12)), /8 bytes after the last tensor/);
  assert.throws(() => readSafetensors(withHeader('{"__metadata__":{"x":1}}')), /__metadata__\.x is not a string/);
  const huge = new Uint8Array(64);
  new DataView(huge.buffer).setUint32(0, 1000, true);
  assert.throws(() => readSafetensors(huge), /header length is 1000 bytes but only 56 follow it/);
  const bad = withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4);
  bad[12] = 0xff;
  assert.throws(() => readSafetensors(bad), /not valid UTF-8/);
});

test("F16, BF16 and F64 tensors are read as floats; integer tensors are refused where a float is needed", () => {
  const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001]).buffer); // 1, -2, 0.5, 65504, 2^-24
  const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040, 0x3e20]).buffer); // 1, -3, 0.15625
  const f64 = new Uint8Array(new Float64Array([Math.PI, -1e-300]).buffer);
  const i32 = new Uint8Array(new Int32Array([7]).buffer);
  const file = readSafetensors(writeSafetensors([
    { name: "h", dtype: "F16", shape: [5], raw: f16 },
    { name: "b", dtype: "BF16", shape: [3], raw: bf16 },
    { name: "d", dtype: "F64", shape: [2], raw: f64 },
    { name: "i", dtype: "I32", shape: [1], raw: i32 },
  ], { note: "hello" }));
  assert.deepEqual([...file.read("h")], [1, -2, 0.5, 65504, 2 ** -24]);
  assert.deepEqual([...file.read("b")], [1, -3, 0.15625]);
  assert.ok(file.read("d") instanceof Float64Array);
  assert.deepEqual([...file.read("d")], [Math.PI, -1e-300]);
  assert.throws(() => file.read("i"), /tensor "i" has dtype I32; expected a float dtype/);
  assert.equal(file.metadata.note, "hello");
  const nan = readSafetensors(writeSafetensors([{ name: "n", dtype: "F32", shape: [2], raw: f32Raw([1, NaN]) }]));
  assert.throws(() => nan.read("n"), /tensor "n" has a non-finite value \(NaN\) at flat index 1/);
});

test("a GRU stored as F64 converts and matches PyTorch", () => {
  const { list } = tensorsOf(bytesOf(gru1));
  const as64 = list.map((t) => ({ ...t, dtype: "F64", raw: new Uint8Array(Float64Array.from(new Float32Array(t.raw.slice().buffer)).buffer) }));
  const r = safetensorsToSpecs(writeSafetensors(as64), gru1Arch);
  const x = npy(gru1.input);
  assert.ok(maxAbsDiff(new ReferenceModel(r.specs).run(x.data), npy(gru1.output).data) <= 1e-5);
});

test("the Mamba stack's final RMSNorm (norm_f) becomes an rmsnorm layer; left out of the architecture, its weight is reported unused", () => {
  const m = fixture("mamba_normf");
  assert.deepEqual(safetensorsToSpecs(bytesOf(m)).specs.map((s) => s.kind), ["ssm", "ssm", "rmsnorm", "dense"]);
  const arch = JSON.parse(readSafetensors(bytesOf(m)).metadata.architecture);
  arch.layers.splice(1, 1);
  assert.deepEqual(safetensorsToSpecs(bytesOf(m), arch).unused, ["norm_f.weight"]);
});

test("LayerNorm and temporal Conv1d are refused by name; Conv1d with kernel_size 1 is a Linear", () => {
  assert.throws(() => safetensorsToSpecs(bytesOf(gru1), { layers: [{ type: "layernorm", prefix: "ln" }] }), /layer 0 \(layernorm "ln"\): a standalone LayerNorm is not supported: tinyrnn has RMSNorm/);
  const { list } = tensorsOf(bytesOf(gru1));
  const fcW = list.find((t) => t.name === "fc.weight")!, fcB = list.find((t) => t.name === "fc.bias")!;
  const withConv = (K: number) => writeSafetensors([
    ...list.filter((t) => !t.name.startsWith("fc.")),
    { name: "head.weight", dtype: "F32", shape: [12, 64 / K, K], raw: fcW.raw },
    { name: "head.bias", dtype: "F32", shape: [12], raw: fcB.raw },
  ]);
  const arch = (extra = {}) => ({ layers: [JSON.parse(gru1Arch).layers[0], { type: "conv1d", prefix: "head", ...extra }] });
  assert.throws(() => safetensorsToSpecs(withConv(4), arch()), /layer 1 \(conv1d "head"\): a Conv1d with kernel_size 4 \(tensor "head\.weight"\) mixes several time steps/);
  assert.throws(() => safetensorsToSpecs(withConv(1), arch({ groups: 4 })), /Conv1d with groups 4 is not supported/);
  const conv = safetensorsToSpecs(withConv(1), arch({ kernel_size: 1 }));
  const lin = safetensorsToSpecs(bytesOf(gru1), gru1Arch);
  assert.deepEqual(conv.specs, lin.specs);
});

test("architecture mistakes are refused with the layer and field", () => {
  const b = bytesOf(gru1);
  assert.throws(() => safetensorsToSpecs(b), /no architecture: give an architecture JSON/);
  assert.throws(() => safetensorsToSpecs(b, "{"), /the architecture JSON is not valid JSON/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [] }), /needs "layers": a non-empty list/);
  assert.throws(() => safetensorsToSpecs(b, { layerz: [] }), /unknown field "layerz"/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [{ type: "gru", prefix: "rnn", hiden: 64 }] }), /layer 0 \(gru "rnn"\): unknown field "hiden"/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [{ type: "gru", prefix: "rnn", numLayers: 2 }] }), /layer 1 of 2: tensor "rnn\.weight_ih_l1" is missing/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [{ type: "gru", prefix: "rnn", bidirectional: true }] }), /bidirectional GRUs cannot run one step at a time/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [{ type: "transformer" }] }), /layer 0 \(transformer\): unknown layer type "transformer"/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [{ type: "gru", prefix: "rnn" }, { type: "linear", prefix: "fc", activation: "gelu" }] }), /activation "gelu" is not one of/);
  assert.throws(() => safetensorsToSpecs(b, { layers: [{ type: "gru", prefix: "rnn" }, { type: "softmax" }] }), /standalone softmax must follow a linear layer/);
  const lstm2 = fixture("lstm2");
  assert.throws(() => safetensorsToSpecs(bytesOf(lstm2), { layers: [{ type: "lstm", prefix: "rnn" }, { type: "linear", prefix: "fc" }] }), /the file has "rnn\.weight_ih_l1" but "numLayers" is 1/);
});

test("sizes may be left out; standalone activations fold into the linear before; unused tensors are listed", () => {
  const { list } = tensorsOf(bytesOf(gru1));
  const extra = writeSafetensors([...list, { name: "extra.thing", dtype: "F32", shape: [2], raw: f32Raw([1, 2]) }]);
  const r = safetensorsToSpecs(extra, { layers: [{ type: "gru", prefix: "rnn" }, { type: "linear", prefix: "fc" }, { type: "softmax" }], labels: ["a"] });
  assert.deepEqual(r.unused, ["extra.thing"]);
  assert.deepEqual(r.labels, ["a"]);
  assert.equal(r.specs[1].kind === "dense" && r.specs[1].activation, "softmax");
  assert.deepEqual(r.specs.map((s) => s.inputLen), [40, 64]);
  // Mamba: sizes inferred from the tensors, nested Hugging Face config, dt_rank "auto" (ceil(32/16) = 2)
  const m = fixture("mamba");
  const auto = safetensorsToSpecs(bytesOf(m), { layers: [{ type: "mamba", config: { model_type: "mamba", hidden_size: 32, time_step_rank: "auto", vocab_size: 50280 } }, { type: "linear", prefix: "fc" }] });
  const given = safetensorsToSpecs(bytesOf(m), archOf(m));
  assert.deepEqual(auto.specs, given.specs);
});

test("mamba_ssm's MambaConfig (ssm_cfg) is read too; Mamba2 and MLP blocks are refused", () => {
  const m = fixture("mamba");
  const head = { type: "linear", prefix: "fc" };
  const cfg = { d_model: 32, n_layer: 2, d_intermediate: 0, ssm_cfg: { d_state: 8, d_conv: 4, expand: 2, dt_rank: 2 }, rms_norm: true, residual_in_fp32: true };
  const given = safetensorsToSpecs(bytesOf(m), archOf(m));
  assert.deepEqual(safetensorsToSpecs(bytesOf(m), { layers: [{ type: "mamba", config: cfg }, head] }).specs, given.specs);
  assert.throws(() => safetensorsToSpecs(bytesOf(m), { layers: [{ type: "mamba", config: { ...cfg, ssm_cfg: { layer: "Mamba2" } } }, head] }), /Mamba2 blocks are not supported/);
  assert.throws(() => safetensorsToSpecs(bytesOf(m), { layers: [{ type: "mamba", config: { ...cfg, d_intermediate: 128 } }, head] }), /an MLP \(d_intermediate > 0\)/);
  assert.throws(() => safetensorsToSpecs(bytesOf(m), { layers: [{ type: "mamba", ssm_cfg: { d_state: 16 } }, head] }), /"layers\.0\.mixer\.A_log" has shape \[64, 8\]; expected \[64, 16\]/);
});
