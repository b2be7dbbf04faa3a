// The peers bench's ONNX export (bench/peers/onnx-export.ts) read back through the ONNX importer:
// the same layer, weights and state names, so ONNX Runtime in `npm run bench:peers` runs the
// network tinyrnn runs. (The bench itself checks ONNX Runtime's outputs against tinyrnn's; this
// test needs no peer installed, and times nothing.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { onnxToSpecs } from "../../host/build/convert/onnx.js";
import { recurrentToOnnx, ONNX_NAMES } from "../../bench/peers/onnx-export.js";
import { rng, torchGru, torchLstm } from "../helpers.js";
import type { GruSpec, LstmSpec } from "../tinyrnn.js";

for (const spec of [torchGru(rng(5), 40, 24), torchLstm(rng(6), 40, 20)] as (GruSpec | LstmSpec)[]) {
  test(`bench ONNX export: ${spec.kind} ${spec.inputLen}→${spec.hiddenLen} imports as the same layer, state in and out`, () => {
    const { specs, inputLen, metadata } = onnxToSpecs(recurrentToOnnx(spec));
    assert.equal(inputLen, spec.inputLen);
    assert.equal(specs.length, 1);
    const got = specs[0] as GruSpec | LstmSpec;
    assert.equal(got.kind, spec.kind);
    assert.equal(got.hiddenLen, spec.hiddenLen);
    if (spec.kind === "gru") assert.notEqual((got as GruSpec).resetAfter, false);
    const f32 = (a: ArrayLike<number> | undefined) => Array.from(Float32Array.from(a ?? []));
    for (const k of ["weightIh", "weightHh", "biasIh", "biasHh"] as const) assert.deepEqual(f32(got[k]), f32(spec[k]), k);
    const state = metadata.state as { inputs: string[]; outputs: string[] };
    const lstm = spec.kind === "lstm";
    assert.deepEqual(state.inputs, lstm ? [ONNX_NAMES.h0, ONNX_NAMES.c0] : [ONNX_NAMES.h0]);
    assert.deepEqual(state.outputs, lstm ? [ONNX_NAMES.hn, ONNX_NAMES.cn] : [ONNX_NAMES.hn]);
  });
}
