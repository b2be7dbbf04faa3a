// The detector's rules, as documented in host/runtime/detector.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Detector } from "../../../host/eval/detector.js";

const labels = ["background", "yes", "no"];
/** Feed a score sequence for "yes" (the rest to background), one step per 10 ms; collect events. */
function run(d: Detector, yes: number[], no: number[] = []): { label: string; score: number; startMs: number; endMs: number }[] {
  const out = [];
  for (let k = 0; k < yes.length; k++) {
    const y = yes[k], n = no[k] ?? 0;
    const e = d.push([1 - y - n, y, n], 10 * (k + 1));
    if (e) out.push(e);
  }
  return out;
}

test("fires when the smoothed score reaches the threshold, with the window's span and the smoothed score", () => {
  const d = new Detector({ labels, hopMs: 10, windowMs: 30, smoothingMs: 30, threshold: 0.6 });
  const events = run(d, [0, 0, 0, 0, 0, 0.9, 0.9, 0.9, 0.9, 0, 0]);
  assert.equal(events.length, 1);
  // smoothed over 3 steps: step 7 (endMs 70) is the first whose mean, (0 + 0.9 + 0.9) / 3, reaches 0.6
  assert.equal(events[0].label, "yes");
  assert.equal(events[0].endMs, 70);
  assert.ok(Math.abs(events[0].score - 0.6) < 1e-12);
  assert.equal(events[0].startMs, 70 - (30 + 2 * 10)); // the oldest step's window start
  // and it never reaches back before the stream's start
  const early = new Detector({ labels, hopMs: 10, windowMs: 30, smoothingMs: 30, threshold: 0.3 });
  assert.equal(run(early, [1, 1, 1])[0].startMs, 0);
});

test("smoothing suppresses a one-step blip that an unsmoothed detector fires on", () => {
  const blip = [0, 0, 0.95, 0, 0, 0];
  assert.equal(run(new Detector({ labels, hopMs: 10, smoothingMs: 0, threshold: 0.5 }), blip).length, 1);
  assert.equal(run(new Detector({ labels, hopMs: 10, smoothingMs: 50, threshold: 0.5 }), blip).length, 0);
});

test("no early firing: before the window fills, missing steps count as zero", () => {
  const d = new Detector({ labels, hopMs: 10, smoothingMs: 100, threshold: 0.5 });
  assert.equal(run(d, [1, 1, 1, 1]).length, 0); // mean over 10 steps is at most 0.4
});

test("the refractory period holds back a second event, then lets the next one through", () => {
  const d = new Detector({ labels, hopMs: 10, threshold: 0.5, refractoryMs: 100 });
  const yes = [0.9, 0.9, 0, 0, 0.9, 0, 0, 0, 0, 0, 0, 0.9];
  const events = run(d, yes);
  assert.deepEqual(events.map((e) => e.endMs), [10, 120]); // 50 is within 100 ms of 10
});

test("per-label thresholds; the highest label over its own threshold wins", () => {
  const d = new Detector({ labels, hopMs: 10, thresholds: { yes: 0.8, no: 0.3 }, refractoryMs: 0 });
  const events = run(d, [0.5, 0.35, 0.85], [0.4, 0.6, 0.1]);
  assert.deepEqual(events.map((e) => [e.label, e.endMs]), [["no", 10], ["no", 20], ["yes", 30]]);
});

test("background labels never fire, by default name or given explicitly", () => {
  const names = ["_background_noise_", "_unknown_", "silence", "Unknown", "yes"];
  const d = new Detector({ labels: names, hopMs: 10, threshold: 0.5, refractoryMs: 0 });
  for (let k = 0; k < 4; k++) assert.equal(d.push([1, 0, 0, 0, 0].map((_, i) => (i === k ? 1 : 0)), 10 * (k + 1)), null);
  assert.equal(d.push([0, 0, 0, 0, 1], 50)?.label, "yes");
  const custom = new Detector({ labels: ["a", "b"], hopMs: 10, background: ["a"], refractoryMs: 0 });
  assert.equal(custom.push([1, 0], 10), null);
  assert.equal(custom.push([0, 1], 20)?.label, "b");
});

test("the same steps give the same events after reset", () => {
  const d = new Detector({ labels, hopMs: 10, smoothingMs: 20, threshold: 0.5, refractoryMs: 30 });
  const seq = Array.from({ length: 200 }, (_, k) => 0.5 + 0.5 * Math.sin(k / 7));
  const a = run(d, seq);
  d.reset();
  assert.deepEqual(run(d, seq), a);
  assert.ok(a.length > 3);
});

test("bad options are refused with a clear message", () => {
  assert.throws(() => new Detector({ labels: [], hopMs: 10 }), /at least one label/);
  assert.throws(() => new Detector({ labels, hopMs: 0 }), /hopMs/);
  assert.throws(() => new Detector({ labels, hopMs: 10, thresholds: { maybe: 0.5 } }), /"maybe", which is not one of the model's labels/);
  assert.throws(() => new Detector({ labels, hopMs: 10, threshold: 1.5 }), /\[0, 1\]/);
  assert.throws(() => new Detector({ labels, hopMs: 10 }).push([1, 0], 10), /2 posteriors for 3 labels/);
});
