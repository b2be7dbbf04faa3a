// ONNX's own GRU and LSTM conformance cases (its backend node cases) and more in their style, through
// the ONNX importer, one stream per batch element. Fixtures: test/fixtures/make_onnx_conformance.py
// (test/fixtures/onnx/conformance/). Initial state given as a graph input is put into the stream
// through a saved-state blob; Y_h / Y_c are compared with the stream's output at the last step and
// its state after it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildModel } from "../../tinyrnn.js";
import { onnxToSpecs } from "../../../host/build/convert/onnx.js";
import { BUILDS, runtime, maxAbsDiff } from "../../helpers.js";

const dir = "test/fixtures/onnx/conformance/";

interface Tensor { dims: number[]; data: number[] }
interface Case {
  name: string; source: string; op: "GRU" | "LSTM"; layout: 0 | 1; batch: number; outputs: string[];
  inputs: Record<string, Tensor>; expected: Record<string, Tensor>; refused?: string;
}
const cases: Case[] = JSON.parse(readFileSync(dir + "cases.json", "utf8"));
const onnx = (name: string) => new Uint8Array(readFileSync(dir + name + ".onnx"));

/** Batch element b of a [seq, batch, n] (layout 0) or [batch, seq, n] (layout 1) tensor, as [seq, n]; Y has an extra directions axis. */
function element(t: Tensor, b: number, layout: 0 | 1): Float32Array {
  const n = t.dims[t.dims.length - 1];
  const [T, B] = layout === 0 ? [t.dims[0], t.dims[t.dims.length - 2]] : [t.dims[1], t.dims[0]];
  const out = new Float32Array(T * n);
  for (let s = 0; s < T; s++) {
    const row = layout === 0 ? s * B + b : b * T + s; // directions = 1, so it drops out of the index
    out.set(t.data.slice(row * n, (row + 1) * n), s * n);
  }
  return out;
}

/** A single-layer f32 model's state: the input vector (pad4(I) floats), then at the next 16 bytes the layer's h [pad4(H)], then c. */
function stateOffsets(inputLen: number, H: number): { h: number; c: number } {
  const pad4 = (n: number) => (n + 3) & ~3;
  const h = (pad4(inputLen) * 4 + 15) & ~15;
  return { h, c: h + pad4(H) * 4 };
}
const HEADER = 16;

for (const c of cases) {
  if (c.refused) {
    test(`conformance: ${c.name} is refused, naming the feature (${c.source})`, () => {
      assert.throws(() => onnxToSpecs(onnx(c.name)), new RegExp(c.refused!));
    });
    continue;
  }
  for (const build of BUILDS) {
    test(`${build}: conformance ${c.name}: every batch element as a stream matches ${c.outputs.join(", ")} (f32, max abs ≤ 1e-5; ${c.source})`, async (t) => {
      const { specs, inputLen, metadata } = onnxToSpecs(onnx(c.name));
      assert.equal(specs.length, 1);
      const H = specs[0].kind === "gru" || specs[0].kind === "lstm" ? specs[0].hiddenLen : NaN;
      const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "f32" }));
      const off = stateOffsets(inputLen, H);
      const stateIn = Object.keys(c.inputs).filter((n) => n !== "X");
      assert.deepEqual((metadata.state as { inputs: string[] } | undefined)?.inputs ?? [], stateIn);
      let err = 0;
      for (let b = 0; b < c.batch; b++) {
        const stream = model.openStream();
        if (stateIn.length) {
          const blob = stream.saveState();
          const v = new DataView(blob.buffer);
          for (const n of stateIn) {
            const s = element(c.inputs[n], b, c.layout);
            s.forEach((x, j) => v.setFloat32(HEADER + (n === "initial_h" ? off.h : off.c) + 4 * j, x, true));
          }
          stream.loadState(blob);
        }
        const x = element(c.inputs.X, b, c.layout);
        const y = stream.run(x);
        const T = x.length / inputLen;
        const state = new DataView(stream.saveState().buffer);
        const h = Float32Array.from({ length: H }, (_, j) => state.getFloat32(HEADER + off.h + 4 * j, true));
        const cell = c.op === "GRU" ? undefined : Float32Array.from({ length: H }, (_, j) => state.getFloat32(HEADER + off.c + 4 * j, true));
        assert.ok(maxAbsDiff(h, y.subarray((T - 1) * H)) === 0, "the last step's output is the state h");
        for (const n of c.outputs) {
          const want = element(c.expected[n], b, c.layout);
          const got = n === "Y" ? y : n === "Y_h" ? y.subarray((T - 1) * H) : cell!;
          assert.equal(got.length, want.length, `${n} length`);
          err = Math.max(err, maxAbsDiff(got, want));
        }
        stream.dispose();
      }
      t.diagnostic(`${build} ${c.name}: ${c.batch} stream(s), max abs error ${err.toExponential(2)}`);
      model.dispose();
      assert.ok(err <= 1e-5, `max abs error ${err}`);
    });
  }
}

test("conformance: every GRU and LSTM case of ONNX's backend set is here", () => {
  const onnxCases = cases.filter((c) => c.name.startsWith("test_")).map((c) => c.name);
  assert.deepEqual(onnxCases.sort(), [
    "test_gru_batchwise", "test_gru_defaults", "test_gru_seq_length", "test_gru_with_initial_bias",
    "test_lstm_batchwise", "test_lstm_defaults", "test_lstm_with_initial_bias", "test_lstm_with_peepholes",
  ]);
});
