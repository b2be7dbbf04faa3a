// The ONNX importer (host/build/convert/onnx.ts) against committed fixtures made by
// test/fixtures/make_onnx_fixtures.py: torch.onnx.export of nn.GRU / nn.LSTM models and hand-made
// ONNX graphs, with PyTorch's (or NumPy's) outputs on test/fixtures/onnx/input.npy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { buildModel } from "../../tinyrnn.js";
import { readNpyMatrix } from "../../../host/cli/npy.js";
import { onnxToSpecs } from "../../../host/build/convert/onnx.js";
import { BUILDS, runtime, maxAbsDiff, minStepCosine, cosine } from "../../helpers.js";

const dir = "test/fixtures/onnx/";
const npy = (name: string) => readNpyMatrix(readFileSync(dir + name), name);
const onnx = (name: string) => new Uint8Array(readFileSync(dir + name + ".onnx"));
const x = npy("input.npy");
const calib = npy("calib.npy");

const FIXTURES: { name: string; kinds: string; what: string }[] = [
  { name: "gru1", kinds: "gru,dense:sigmoid", what: "nn.GRU(40→64) + Linear + sigmoid, (seq, batch) layout, dynamic axes" },
  { name: "gru2", kinds: "gru,gru,dense:relu,dense:none", what: "2-layer nn.GRU(40→64), batch_first, no constant folding, Linear + ReLU + Linear" },
  { name: "lstm", kinds: "lstm,dense:softmax", what: "nn.LSTM(40→64) + Gemm + softmax" },
  { name: "gru_lbr0", kinds: "gru,dense:tanh", what: "hand-made ONNX GRU, linear_before_reset=0, layout=1, W as a Constant" },
];

test("importer: layer kinds, sizes and options of every fixture", () => {
  for (const f of FIXTURES) {
    const { specs, inputLen, metadata } = onnxToSpecs(onnx(f.name));
    assert.equal(inputLen, 40, f.name);
    assert.equal(specs.map((s) => (s.kind === "dense" ? `dense:${s.activation}` : s.kind)).join(), f.kinds, f.name);
    assert.equal(metadata.format, "onnx");
    for (const s of specs) if (s.kind === "gru") assert.equal(s.resetAfter, f.name !== "gru_lbr0", `${f.name} resetAfter`);
  }
  assert.equal(onnxToSpecs(onnx("gru1")).metadata.producer, "pytorch 1.13.0");
});

for (const build of BUILDS) {
  for (const f of FIXTURES) {
    const ref = npy(f.name + ".out.npy");
    test(`${build}: ${f.name} (${f.what}): f32 through the importer matches the reference (max abs ≤ 1e-5)`, async (t) => {
      const { specs } = onnxToSpecs(onnx(f.name));
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "f32" }));
      assert.equal(model.outputLen, ref.cols);
      const err = maxAbsDiff(model.openStream().run(x.data), ref.data);
      t.diagnostic(`${build} ${f.name} f32 max abs error ${err.toExponential(2)}`);
      model.dispose();
      assert.ok(err <= 1e-5, `max abs error ${err}`);
    });
    test(`${build}: ${f.name}: int8 calibrated on another sequence, per-step output cosine ≥ 0.999 against the reference`, async (t) => {
      const { specs } = onnxToSpecs(onnx(f.name));
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "int8", calibration: [calib.data] }));
      const y8 = model.openStream().run(x.data);
      const cos = minStepCosine(y8, ref.data, ref.cols);
      t.diagnostic(`${build} ${f.name} int8 min per-step cosine ${cos.toFixed(7)}, max abs error ${maxAbsDiff(y8, ref.data).toFixed(4)}`);
      model.dispose();
      assert.ok(cos >= 0.999, `min per-step cosine ${cos}`);
    });
  }
}

test("refused: a Conv2D graph names the node and its op type", () => {
  assert.throws(() => onnxToSpecs(onnx("conv2d")), /ONNX node "\/0\/Conv" \(Conv\): op type Conv is not supported/);
});

test("refused: an LSTM with peepholes names the node and says why", () => {
  assert.throws(() => onnxToSpecs(onnx("lstm_peephole")), /ONNX node "lstm_with_peepholes" \(LSTM\): peephole connections \(input P\) are not supported/);
});

test("refused: truncated and corrupt files give a clear error", () => {
  const bytes = onnx("gru1");
  for (const n of [bytes.length - 1, Math.floor(bytes.length / 2), 1000, 10]) {
    assert.throws(() => onnxToSpecs(bytes.subarray(0, n)), /not a valid ONNX file|truncated/, `cut at ${n} bytes`);
  }
  assert.throws(() => onnxToSpecs(new Uint8Array(0)), /empty/);
  assert.throws(() => onnxToSpecs(new TextEncoder().encode("this is not a model at all, just text")), /not a valid ONNX file/);
  const flipped = bytes.slice();
  for (let i = 0; i < 64; i++) flipped[i] ^= 0xa5;
  assert.throws(() => onnxToSpecs(flipped), /not a valid ONNX file|ONNX node|graph/);
});

test("the committed ONNX descriptor matches host/build/convert/onnx.proto", () => {
  const r = spawnSync(process.execPath, ["host/build/convert/make-onnx-descriptor.mjs", "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("refused: what a stream cannot run, each naming the node or output and why", () => {
  const cases: [string, RegExp][] = [
    ["refuse_bidirectional", /ONNX node "\/rnn\/GRU" \(GRU\): direction "bidirectional" is not supported/],
    ["refuse_residual", /ONNX node "\/Add" \(Add\): adding two runtime tensors \(e\.g\. a residual connection\) is not supported/],
    ["refuse_tanh_after_gru", /ONNX node "\/Tanh" \(Tanh\): tanh must directly follow a Gemm or MatMul/],
    ["refuse_last_step", /ONNX node "\/Gather" \(Gather\): selecting steps or features of the stream .* is not supported/],
    ["refuse_grucell", /the graph has 2 inputs \("x", "h"\) and no GRU or LSTM node: a recurrent step written out as arithmetic \(e\.g\. an exported nn\.GRUCell/],
    ["refuse_state_swapped", /graph output "hn" holds the hidden state of ONNX node "\/rnn\/GRU" \(layer 0\) at another position .* than graph input "h0" does/],
    ["refuse_head_on_hn", /ONNX node "\/fc\/Gemm" \(Gemm\): input "\/Gather_output_0" is the final hidden state \(Y_h\) of ONNX node "\/rnn\/GRU" \(GRU\), which may only reach/],
    ["refuse_only_hn", /the graph's outputs \("\d+"\) are all recurrent state: export the per-step output Y/],
    ["refuse_buffer_state", /ONNX node "\/rnn\/GRU" \(GRU\): initial_h "h_start" is a non-zero constant: a stream starts from zero state/],
  ];
  for (const [name, re] of cases) assert.throws(() => onnxToSpecs(onnx(name)), re, name);
});

test("a model that also returns h_n: y is the step output, h_n the stream's state", () => {
  const { specs, metadata } = onnxToSpecs(onnx("gru_hn"));
  assert.equal(specs.map((s) => s.kind).join(), "gru");
  assert.equal(metadata.output, "y");
  assert.deepEqual(metadata.state, { inputs: [], outputs: ["hn"] });
});

// The streaming export: x [1, 1, 40], state in (h0, c0) and out (hn, cn). A stream keeps the state
// itself, so it runs the whole sequence; PyTorch was stepped with the state fed back.
const STREAMING: { name: string; kinds: string; state: string[] }[] = [
  { name: "stream_gru1", kinds: "gru,dense:none", state: ["h0"] },
  { name: "stream_gru2", kinds: "gru,gru,dense:none", state: ["h0"] },
  { name: "stream_lstm1", kinds: "lstm,dense:none", state: ["h0", "c0"] },
  { name: "stream_lstm2", kinds: "lstm,lstm,dense:none", state: ["h0", "c0"] },
];

/** Each recurrent layer's h (and c) from an f32 stream's saved state: after the input vector, each layer's block at the next 16 bytes. */
function f32States(blob: Uint8Array, inputLen: number, layers: { kind: string; H: number }[]): { h: Float32Array; c?: Float32Array }[] {
  const pad4 = (n: number) => (n + 3) & ~3, v = new DataView(blob.buffer, blob.byteOffset + 16);
  const read = (off: number, n: number) => Float32Array.from({ length: n }, (_, j) => v.getFloat32(off + 4 * j, true));
  let off = pad4(inputLen) * 4;
  return layers.map(({ kind, H }) => {
    off = (off + 15) & ~15;
    const r = { h: read(off, H), ...(kind === "lstm" ? { c: read(off + pad4(H) * 4, H) } : {}) };
    off += pad4(H) * 4 * (kind === "lstm" ? 2 : 1);
    return r;
  });
}

test("streaming exports: state inputs and outputs are recognised, axes come from the GRU/LSTM layout", () => {
  for (const f of STREAMING) {
    const { specs, inputLen, metadata } = onnxToSpecs(onnx(f.name));
    assert.equal(inputLen, 40);
    assert.equal(specs.map((s) => (s.kind === "dense" ? `dense:${s.activation}` : s.kind)).join(), f.kinds, f.name);
    assert.deepEqual(metadata.state, { inputs: f.state, outputs: f.state.map((n) => n.replace("0", "n")) }, f.name);
    assert.equal(metadata.output, "y");
  }
});

for (const build of BUILDS) {
  for (const f of STREAMING) {
    const ref = npy(f.name + ".out.npy");
    test(`${build}: ${f.name} (streaming export, state in and out): f32 matches PyTorch stepped with its state fed back (max abs ≤ 1e-4), and so does the state`, async (t) => {
      const { specs } = onnxToSpecs(onnx(f.name));
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "f32" }));
      const stream = model.openStream();
      const err = maxAbsDiff(stream.run(x.data), ref.data);
      const rec = specs.flatMap((s) => (s.kind === "gru" || s.kind === "lstm" ? [{ kind: s.kind, H: s.hiddenLen }] : []));
      const states = f32States(stream.saveState(), 40, rec);
      const hn = npy(f.name + ".hn.npy"), cn = f.name.includes("lstm") ? npy(f.name + ".cn.npy") : undefined;
      let stateErr = 0;
      states.forEach((s, k) => {
        stateErr = Math.max(stateErr, maxAbsDiff(s.h, hn.data.subarray(k * hn.cols, (k + 1) * hn.cols)));
        if (cn) stateErr = Math.max(stateErr, maxAbsDiff(s.c!, cn.data.subarray(k * cn.cols, (k + 1) * cn.cols)));
      });
      t.diagnostic(`${build} ${f.name} f32 max abs error ${err.toExponential(2)}, final state ${stateErr.toExponential(2)}`);
      model.dispose();
      assert.ok(err <= 1e-4, `max abs error ${err}`);
      assert.ok(stateErr <= 1e-4, `state max abs error ${stateErr}`);
    });
    test(`${build}: ${f.name}: int8 calibrated on another sequence, mean per-step cosine ≥ 0.999 against PyTorch`, async (t) => {
      const { specs } = onnxToSpecs(onnx(f.name));
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "int8", calibration: [calib.data] }));
      const y8 = model.openStream().run(x.data);
      const O = ref.cols, T = ref.data.length / O;
      let sum = 0;
      for (let s = 0; s < T; s++) sum += cosine(y8.subarray(s * O, (s + 1) * O), ref.data.subarray(s * O, (s + 1) * O));
      const mean = sum / T, min = minStepCosine(y8, ref.data, O);
      t.diagnostic(`${build} ${f.name} int8 mean per-step cosine ${mean.toFixed(6)}, min ${min.toFixed(6)}, max abs error ${maxAbsDiff(y8, ref.data).toFixed(4)}`);
      model.dispose();
      assert.ok(mean >= 0.999, `mean per-step cosine ${mean}`);
    });
  }
}
