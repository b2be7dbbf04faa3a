// Keyword spotting end to end in the module: resampler → frontend → model in place → detector.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Frontend, KeywordSpotter, defaultFrontendConfig, type DetectionEvent } from "../../tinyrnn.js";
import { BUILDS, runtime } from "../../helpers.js";
import { beepModel, beepTrack, noise } from "../../kws-fixture.js";

const RATES = [8000, 16000, 22050, 32000, 44100, 48000];
const BEEPS = [1.0, 3.5];

async function calibration(): Promise<Float32Array[]> {
  const fe = new Frontend(await runtime("simd"), defaultFrontendConfig(16000), "f32");
  const feats = [fe.features(beepTrack(16000, 5, BEEPS))];
  fe.dispose();
  return feats;
}

function spot(spotter: KeywordSpotter, x: Float32Array | Int16Array, rate: number, chunk: number): DetectionEvent[] {
  const events: DetectionEvent[] = [];
  for (let i = 0; i < x.length; i += chunk) events.push(...spotter.push(x.subarray(i, i + chunk), rate));
  return events;
}

for (const build of BUILDS) {
  for (const numType of ["int8", "f32"] as const) {
    test(`${build} ${numType}: beeps are found where they are, at every input rate; noise and silence give nothing`, async () => {
      const rt = await runtime(build);
      const model = rt.loadModel(beepModel(numType, await calibration()));
      for (const rate of RATES) {
        const s = new KeywordSpotter(model);
        const events = spot(s, beepTrack(rate, 5, BEEPS), rate, 4096);
        assert.deepEqual(events.map((e) => e.label), ["beep", "beep"], `${rate} Hz: ${JSON.stringify(events)}`);
        events.forEach((e, i) => {
          // fires within 0.3 s of the beep's start; the span ends when it fired
          assert.ok(e.endMs > BEEPS[i] * 1000 && e.endMs < BEEPS[i] * 1000 + 300, `${rate} Hz: ${JSON.stringify(e)}`);
          assert.ok(e.startMs < e.endMs && e.score >= 0.8);
        });
        s.reset();
        assert.deepEqual(spot(s, noise(rate * 3, 0.2, 3), rate, 4096), [], `noise at ${rate} Hz`);
        s.reset();
        assert.deepEqual(spot(s, new Float32Array(rate * 2), rate, 4096), [], `silence at ${rate} Hz`);
        s.dispose();
      }
      model.dispose();
    });
  }

  test(`${build}: the same audio gives the same events and posteriors whatever the chunk sizes (1 sample, 128, whole)`, async () => {
    const rt = await runtime(build);
    const model = rt.loadModel(beepModel("int8", await calibration()));
    const x = beepTrack(44100, 2.2, [1.0]);
    const run = (chunk: number) => {
      const post: number[] = [];
      const s = new KeywordSpotter(model, { onPosteriors: (p, endMs) => post.push(endMs, p[1]) });
      const events = spot(s, x, 44100, chunk);
      s.dispose();
      return { events, post };
    };
    const whole = run(x.length);
    assert.equal(whole.events.length, 1);
    assert.deepEqual(run(128), whole);
    assert.deepEqual(run(1), whole);
  });
}

test("Int16Array PCM gives the events Float32Array PCM gives", async () => {
  const rt = await runtime("simd");
  const model = rt.loadModel(beepModel("int8", await calibration()));
  const x = beepTrack(16000, 5, BEEPS);
  const x16 = Int16Array.from(x, (v) => Math.round(v * 32767));
  const a = spot(new KeywordSpotter(model), x, 16000, 1000);
  const b = spot(new KeywordSpotter(model), x16, 16000, 1000);
  assert.equal(a.length, BEEPS.length, `Float32Array PCM: ${JSON.stringify(a)}`);
  assert.deepEqual(b.map((e) => [e.label, e.endMs]), a.map((e) => [e.label, e.endMs]));
});

test("misuse is refused clearly: a model without a frontend, a changed or unsupported rate, NaN audio", async () => {
  const rt = await runtime("simd");
  const model = rt.loadModel(beepModel("f32", await calibration()));
  const s = new KeywordSpotter(model);
  s.push(new Float32Array(100), 16000);
  assert.throws(() => s.push(new Float32Array(100), 44100), /changed from 16000 Hz to 44100 Hz; reset\(\) before a new rate/);
  s.reset();
  assert.throws(() => s.push(new Float32Array(100), 11025), /sample rate/);
  s.reset();
  const bad = new Float32Array(100);
  bad[50] = NaN;
  assert.throws(() => s.push(bad, 16000), /NaN|infinity|non-finite/i);
  const demo = readFileSync("models/demo/activity.tinyrnn"); // the shipped activity demo: a model with no frontend
  assert.throws(() => new KeywordSpotter(rt.loadModel(demo)), /no frontend settings/);
});
