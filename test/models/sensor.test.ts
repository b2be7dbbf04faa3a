// The shipped sensor models (models/sensor/): they load on both builds, carry what SensorStream
// needs, and classify / score a few steps of their committed test sets sensibly. (`tinyrnn eval`'s
// own test checks the model cards' figures.) Also: features.mjs computes the vibration model's
// feature frames exactly as the Python recipe does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SensorStream } from "../tinyrnn.js";
import { readNpyMatrix, readNpyInt } from "../../host/cli/npy.js";
import { rocAuc } from "../../host/eval/eval.js";
import { VibrationFeatures, FEATURES } from "../../models/sensor/features.mjs";
import { BUILDS, runtime } from "../helpers.js";

const dir = "models/sensor/";

function testStream(sub: string, k: number) {
  const set = JSON.parse(readFileSync(`${dir}${sub}test/testset.json`, "utf8"));
  assert.equal(set.kind, "steps");
  const s = set.streams[k];
  const x = readNpyMatrix(readFileSync(`${dir}${sub}test/${s.features}`), s.features);
  const labelsPath = `${dir}${sub}test/${s.labels}`;
  return { x, y: Array.from(readNpyInt(readFileSync(labelsPath), labelsPath, ["i4"], [1], "[T]").data) };
}

for (const build of BUILDS) {
  test(`${build}: vibration.tinyrnn loads, has its sensor metadata and tells machine states apart on a test stream`, async () => {
    const rt = await runtime(build);
    const m = rt.loadModel(readFileSync(dir + "vibration.tinyrnn"));
    assert.equal(m.info.numType, "int8");
    assert.equal(m.inputLen, FEATURES);
    const meta = m.metadata as { sampleRateHz: number; labels: string[]; normalise: { mean: number[]; std: number[] }; detector: { background: string[] } };
    assert.equal(meta.sampleRateHz, 10);
    assert.deepEqual(meta.labels, ["normal", "imbalance", "misalignment", "bearing", "looseness"]);
    assert.equal(meta.normalise.mean.length, FEATURES);
    assert.deepEqual(meta.detector.background, ["normal"]);
    const { x, y } = testStream("", 0);
    const sensor = new SensorStream(m);
    const scores = new Float32Array(x.rows * 5);
    const events = sensor.push(x.data, scores);
    let right = 0, n = 0;
    for (let t = 0; t < x.rows; t++) {
      const p = scores.subarray(t * 5, t * 5 + 5);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 0.01, "softmax outputs sum to 1");
      if (y[t] < 0) continue;
      n++;
      if (p.indexOf(Math.max(...p)) === y[t]) right++;
    }
    assert.ok(n > 200 && right / n > 0.9, `${right} of ${n} steps right`);
    const faults = new Set(y.filter((l) => l > 0).map((l) => meta.labels[l]));
    assert.ok(events.length > 0 && faults.size > 0, `${events.length} events for faults ${[...faults]}`);
    for (const e of events) assert.ok(faults.has(e.label), `event ${e.label} is one of the stream's faults`);
    sensor.dispose();
    m.dispose();
  });

  test(`${build}: ecg-anomaly.tinyrnn loads, has its sensor metadata and scores wide beats of record 208 above normal ones`, async () => {
    const rt = await runtime(build);
    const m = rt.loadModel(readFileSync(dir + "ecg-anomaly/ecg-anomaly.tinyrnn"));
    assert.equal(m.info.numType, "int8");
    assert.equal(m.inputLen, 1);
    assert.equal(m.outputLen, 1);
    const meta = m.metadata as { sampleRateHz: number; normalise: { mean: number[] }; detector: { threshold: number } };
    assert.equal(meta.sampleRateHz, 180);
    assert.equal(meta.normalise.mean.length, 1);
    assert.ok(meta.detector.threshold > 0 && meta.detector.threshold < 1);
    const { x, y } = testStream("ecg-anomaly/", 0);
    const T = 60 * 180; // the first minute
    const sensor = new SensorStream(m);
    const scores = new Float32Array(T);
    sensor.push(x.data.subarray(0, T), scores);
    assert.ok(scores.every((v) => v >= 0 && v < 1));
    // ROC AUC over the scored steps: the chance that a wide-beat step outscores a normal-beat step
    const scored = [...Array(T).keys()].filter((t) => y[t] >= 0);
    const wide = scored.filter((t) => y[t] === 1).length;
    assert.ok(wide > 500 && scored.length - wide > 1000, `${wide} wide-beat and ${scored.length - wide} normal-beat steps`);
    const auc = rocAuc(scored.map((t) => scores[t]), scored.map((t) => y[t] === 1))!;
    assert.ok(auc > 0.7, `per-step AUC over the first minute ${auc}`);
    sensor.dispose();
    m.dispose();
  });
}

test("features.mjs gives the recipe's feature frames, whatever the chunk sizes", () => {
  const raw = readNpyMatrix(readFileSync(dir + "sample-raw.npy"), "sample-raw.npy");
  const want = readNpyMatrix(readFileSync(dir + "sample-features.npy"), "sample-features.npy");
  assert.equal(raw.cols, 3);
  assert.equal(want.cols, FEATURES);
  for (const chunk of [1, 777, raw.rows]) {
    const fe = new VibrationFeatures();
    const parts: Float32Array[] = [];
    for (let t = 0; t < raw.rows; t += chunk) parts.push(fe.push(raw.data.subarray(t * 3, Math.min(raw.rows, t + chunk) * 3)));
    const got = Float32Array.from(parts.flatMap((p) => [...p]));
    assert.equal(got.length, want.data.length, `chunks of ${chunk}`);
    let err = 0;
    for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want.data[i]));
    assert.ok(err < 1e-3, `chunks of ${chunk}: max difference ${err}`);
  }
});
