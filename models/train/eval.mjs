// Score a sensor model on a committed test set — a stand-in for `tinyrnn eval` until it lands,
// following the same test-set format and the same rules, so the card's figures carry over:
//
//   <dir>/testset.json  { "kind": "steps", "description": "…",
//                         "streams": [ { "name", "features": "x.npy", "labels": "x.labels.npy" } ] }
//   features  float32 .npy [T, F]: raw sensor values, fed to a SensorStream (which normalises them
//             with the model's metadata), one fresh stream per test stream
//   labels    int32 .npy [T]: the true class per step; −1 = not scored
//
// Several outputs (classes): per-step accuracy (argmax vs label), per-label recall, confusion.
// One output (a score): labels 0/1; ROC AUC over the scored steps, and recall and false-positive
// rate at the metadata's detector threshold (on the raw per-step score, no smoothing).
//
// Usage (after npm run build):  node models/train/eval.mjs <model.tinyrnn> <dir> [--json]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "npyjs";
import { createRuntime, SensorStream } from "../../dist/tinyrnn.js";

const npy = (path) => {
  const b = readFileSync(path);
  return parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

export async function evaluate(modelPath, dir) {
  const rt = await createRuntime();
  const model = rt.loadModel(readFileSync(modelPath));
  const set = JSON.parse(readFileSync(join(dir, "testset.json"), "utf8"));
  if (set.kind !== "steps") throw new Error(`${dir}/testset.json: kind ${set.kind} is not "steps"`);
  const F = model.inputLen, O = model.outputLen;
  const probe = new SensorStream(model);
  const labels = probe.labels;
  const threshold = model.metadata.detector?.threshold ?? 0.5;
  probe.dispose();
  const confusion = Array.from({ length: O === 1 ? 2 : O }, () => new Array(O === 1 ? 2 : O).fill(0));
  const scored = []; // one-output models: [score, label]
  let steps = 0, skipped = 0;
  for (const s of set.streams) {
    const x = npy(join(dir, s.features)), y = npy(join(dir, s.labels));
    if (x.shape.length !== 2 || x.shape[1] !== F) throw new Error(`${s.features}: shape [${x.shape}], the model takes [T, ${F}]`);
    const T = x.shape[0];
    if (y.data.length !== T) throw new Error(`${s.labels}: ${y.data.length} labels for ${T} steps`);
    const sensor = new SensorStream(model);
    const out = new Float32Array(T * O);
    sensor.push(Float32Array.from(x.data), out);
    sensor.dispose();
    for (let t = 0; t < T; t++) {
      const want = Number(y.data[t]);
      if (want < 0) { skipped++; continue; }
      steps++;
      if (O === 1) {
        scored.push([out[t], want]);
        confusion[want][out[t] >= threshold ? 1 : 0]++;
      } else {
        let best = 0;
        for (let k = 1; k < O; k++) if (out[t * O + k] > out[t * O + best]) best = k;
        confusion[want][best]++;
      }
    }
  }
  model.dispose();
  const pct = (a, b) => (b ? Math.round((10000 * a) / b) / 100 : null);
  const result = { model: modelPath, testset: dir, numType: model.info?.numType, steps, skipped, labels, confusion };
  if (O === 1) {
    // ROC AUC: the probability that a positive step scores above a negative one (ties count half)
    scored.sort((a, b) => a[0] - b[0]);
    let neg = 0, pos = 0, sumRanks = 0;
    for (let i = 0; i < scored.length;) {
      let j = i;
      while (j < scored.length && scored[j][0] === scored[i][0]) j++;
      const rank = (i + j + 1) / 2; // 1-based average rank of the tie group
      for (let k = i; k < j; k++) if (scored[k][1] === 1) { pos++; sumRanks += rank; } else neg++;
      i = j;
    }
    result.auc = pos && neg ? Math.round((10000 * (sumRanks - (pos * (pos + 1)) / 2)) / (pos * neg)) / 100 : null;
    result.threshold = threshold;
    result.recall = pct(confusion[1][1], pos);
    result.falsePositiveRate = pct(confusion[0][1], neg);
    result.positives = pos;
    result.negatives = neg;
  } else {
    let right = 0;
    for (let k = 0; k < O; k++) right += confusion[k][k];
    result.accuracy = pct(right, steps);
    result.perLabel = Object.fromEntries(labels.map((l, k) => [l, { recall: pct(confusion[k][k], confusion[k].reduce((a, b) => a + b, 0)), steps: confusion[k].reduce((a, b) => a + b, 0) }]));
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [modelPath, dir, flag] = process.argv.slice(2);
  if (!modelPath || !dir) {
    console.error("usage: node models/train/eval.mjs <model.tinyrnn> <test-dir> [--json]");
    process.exit(2);
  }
  const r = await evaluate(modelPath, dir);
  if (flag === "--json") console.log(JSON.stringify(r));
  else if (r.auc !== undefined) console.log(`${modelPath}: ${r.steps} steps (${r.skipped} not scored): ROC AUC ${r.auc} %, at threshold ${r.threshold}: recall ${r.recall} %, false positives ${r.falsePositiveRate} %`);
  else console.log(`${modelPath}: ${r.steps} steps (${r.skipped} not scored): accuracy ${r.accuracy} %; recall ${Object.entries(r.perLabel).map(([l, v]) => `${l} ${v.recall} %`).join(", ")}`);
}
