// Sensor streams: per-step scores, events independent of chunking, normalisation from metadata.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildModel, SensorStream, type LayerSpec } from "../../tinyrnn.js";
import { readNpyMatrix } from "../../../host/cli/npy.js";
import { BUILDS, runtime, rng, signal, torchGru, torchLinear } from "../../helpers.js";

const demo = readFileSync("models/demo/activity.tinyrnn");
const x = readNpyMatrix(readFileSync("models/demo/sample.npy"), "sample.npy").data;

for (const build of BUILDS) {
  test(`${build}: per-step scores equal Stream.run, and events are the same for any chunking`, async () => {
    const rt = await runtime(build);
    const m = rt.loadModel(demo);
    const want = m.openStream().run(x);
    const runChunks = (size: number) => {
      const s = new SensorStream(m, { smoothingMs: 500, threshold: 0.8, refractoryMs: 2000 });
      const scores = new Float32Array(want.length);
      const events = [];
      for (let t = 0; t < x.length / 3; t += size) {
        const end = Math.min(x.length / 3, t + size);
        events.push(...s.push(x.subarray(t * 3, end * 3), scores.subarray(t * 4, end * 4)));
      }
      s.dispose();
      return { scores, events };
    };
    const whole = runChunks(1e9);
    assert.deepEqual([...whole.scores], [...want]);
    assert.ok(whole.events.length >= 5, `${whole.events.length} events`);
    assert.deepEqual(whole.events[0].label, "walk"); // the sample starts walking
    for (const size of [1, 7, 50]) assert.deepEqual(runChunks(size).events, whole.events);
    m.dispose();
  });
}

test("normalisation from the metadata is applied before the model", async () => {
  const r = rng(5);
  const specs: LayerSpec[] = [torchGru(r, 2, 8), torchLinear(r, 8, 1, "sigmoid")];
  const mean = [100, -3], std = [20, 0.5];
  const raw = Float32Array.from(signal(rng(6), 200, 2), (v, i) => mean[i % 2] + std[i % 2] * v);
  const normed = Float32Array.from(raw, (v, i) => (v - mean[i % 2]) / std[i % 2]);
  const rt = await runtime("simd");
  const m = rt.loadModel(buildModel(specs, { numType: "f32", metadata: { sampleRateHz: 100, labels: ["anomaly"], normalise: { mean, std } } }));
  const want = m.openStream().run(normed);
  // a threshold that 50 of the 200 steps reach, halfway between two scores (this random model's
  // scores all lie below 0.5, where a threshold of 0.5 made the count below 0 = 0)
  const sorted = [...want].sort((a, b) => a - b);
  const threshold = (sorted[149] + sorted[150]) / 2;
  assert.ok(sorted[150] - sorted[149] > 1e-5, `scores ${sorted[149]} and ${sorted[150]} lie too close to split`);
  const scores = new Float32Array(200);
  const s = new SensorStream(m, { threshold, refractoryMs: 0 });
  const events = s.push(raw, scores);
  for (let i = 0; i < 200; i++) assert.ok(Math.abs(scores[i] - want[i]) < 1e-6);
  // a single-output score model fires on its threshold, every step over it with no refractory period
  assert.equal(events.length, 50);
  assert.equal(events.length, [...want].filter((v) => v >= threshold).length);
  assert.equal(s.elapsedMs, 2000);
});

test("a model without sensor metadata, or with a bad normalise entry, is refused clearly", async () => {
  const r = rng(7);
  const specs: LayerSpec[] = [torchGru(r, 2, 4), torchLinear(r, 4, 1)];
  const rt = await runtime("simd");
  const plain = rt.loadModel(buildModel(specs, { numType: "f32" }));
  assert.throws(() => new SensorStream(plain), /no sampleRateHz/);
  const bad = rt.loadModel(buildModel(specs, { numType: "f32", metadata: { sampleRateHz: 10, normalise: { mean: [0], std: [1, 1] } } }));
  assert.throws(() => new SensorStream(bad), /needs 2 means and 2 positive standard deviations/);
});
