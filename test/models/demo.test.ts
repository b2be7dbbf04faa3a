// The shipped demo model (models/demo): its float path matches PyTorch, and the int8 file that
// `npm start` streams recognises the sample recording as well as PyTorch did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildModel, type LayerSpec } from "../tinyrnn.js";
import { readNpyMatrix } from "../../host/cli/npy.js";
import { BUILDS, runtime, maxAbsDiff } from "../helpers.js";

const dir = "models/demo/";
const { labels, hidden, weights: w } = JSON.parse(readFileSync(dir + "weights.json", "utf8"));
const x = readNpyMatrix(readFileSync(dir + "sample.npy"), "sample.npy");
const torchOut = readNpyMatrix(readFileSync(dir + "sample-torch.npy"), "sample-torch.npy");
const truth: number[] = JSON.parse(readFileSync(dir + "sample-labels.json", "utf8")).perStep;
const K = labels.length;
const argmax = (a: Float32Array, t: number) => { let b = 0; for (let k = 1; k < K; k++) if (a[t * K + k] > a[t * K + b]) b = k; return b; };

for (const build of BUILDS) {
  test(`${build}: f32 GRU + softmax head from the PyTorch weights matches PyTorch on the sample (max abs ≤ 1e-5)`, async () => {
    const specs: LayerSpec[] = [
      { kind: "gru", inputLen: 3, hiddenLen: hidden, weightIh: w["gru.weight_ih_l0"], weightHh: w["gru.weight_hh_l0"], biasIh: w["gru.bias_ih_l0"], biasHh: w["gru.bias_hh_l0"] },
      { kind: "dense", inputLen: hidden, outputLen: K, weight: w["fc.weight"], bias: w["fc.bias"], activation: "softmax" },
    ];
    const rt = await runtime(build);
    const y = rt.loadModel(buildModel(specs, { numType: "f32" })).openStream().run(x.data);
    const err = maxAbsDiff(y, torchOut.data);
    assert.ok(err <= 1e-5, `max abs error ${err}`);
  });

  test(`${build}: shipped int8 activity.tinyrnn agrees with PyTorch's decisions on ≥ 99 % of the sample's steps`, async () => {
    const rt = await runtime(build);
    const m = rt.loadModel(readFileSync(dir + "activity.tinyrnn"));
    assert.deepEqual(m.metadata.labels, labels);
    const y = m.openStream().run(x.data);
    let agree = 0, right = 0;
    for (let t = 0; t < x.rows; t++) {
      if (argmax(y, t) === argmax(torchOut.data, t)) agree++;
      if (argmax(y, t) === truth[t]) right++;
    }
    assert.ok(agree / x.rows >= 0.99, `agreement ${agree / x.rows}`);
    assert.ok(right / x.rows >= 0.9, `per-step accuracy ${right / x.rows}`);
  });
}
