// tinyrnn eval: test sets on disk, keyword scoring against the hand-built beep spotter, sensor
// steps scoring, the threshold sweep, model-card checks and the refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "npyjs";
import { Frontend, KeywordSpotter, buildModel, defaultFrontendConfig, FEATURE_SCALE, SensorStream, type LayerSpec } from "../../tinyrnn.js";
import { evaluate, compareWithCard, rocAuc, type EvalResult, type TestSet } from "../../../host/eval/eval.js";
import { readTestSet, evalFiles } from "../../../host/cli/eval-files.js";
import { runtime, rng, signal, torchGru, torchLinear } from "../../helpers.js";
import { beepModel, beepSpecs, beepTrack, noise, BEEP_METADATA } from "../../kws-fixture.js";

const root = mkdtempSync(join(tmpdir(), "tinyrnn-eval-"));
const BEEPS = [1.0, 3.5, 6.0];

const npy = (data: Int16Array | Float32Array | Int8Array | Int32Array, shape: number[]) => new Uint8Array(dump(data, shape));

/** The int16 features the frontend's integer path gives for this audio (16 kHz). */
async function int16Features(x: Float32Array): Promise<Int16Array> {
  const fe = new Frontend(await runtime("simd"), defaultFrontendConfig(16000), "int8");
  const f = fe.features(x);
  fe.dispose();
  return Int16Array.from(f, (v) => Math.round(v / FEATURE_SCALE));
}

async function calibration(): Promise<Float32Array[]> {
  const fe = new Frontend(await runtime("simd"), defaultFrontendConfig(16000), "f32");
  const feats = [fe.features(beepTrack(16000, 5, [1.0, 3.5]))];
  fe.dispose();
  return feats;
}

const beepAudio = beepTrack(16000, 8, BEEPS);
const noiseAudio = noise(16000 * 6, 0.2, 3);
// a beep's frames: frame k sees samples [160k, 160k + 480), so the first frame to hear a beep at t0 s is 100·t0 − 2
const beepEvents = BEEPS.map((t0) => ({ label: "beep", start: Math.round(100 * t0) - 2, end: Math.round(100 * (t0 + 0.5)) }));
const bgEvents = [{ label: "unknown", start: 200, end: 300 }, { label: "background", start: 450, end: 550 }];

/** Write a keyword test set; `edit` may change testset.json before it is written. */
async function writeKeywordSet(name: string, edit?: (j: Record<string, unknown>) => void): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const a = await int16Features(beepAudio), b = await int16Features(noiseAudio);
  writeFileSync(join(dir, "beeps.npy"), npy(a, [a.length / 40, 40]));
  writeFileSync(join(dir, "noise.npy.gz"), gzipSync(npy(b, [b.length / 40, 40])));
  const json: Record<string, unknown> = {
    kind: "keywords",
    description: "three 1 kHz beeps in light noise; loud noise alone",
    streams: [
      { name: "beeps", features: "beeps.npy", events: [...beepEvents, ...bgEvents] },
      { name: "noise", features: "noise.npy.gz", events: [{ label: "silence", start: 0, end: 500 }] },
    ],
  };
  edit?.(json);
  writeFileSync(join(dir, "testset.json"), JSON.stringify(json, null, 2));
  return dir;
}

const models = new Map<string, Uint8Array>();
async function beepBytes(numType: "int8" | "f32"): Promise<Uint8Array> {
  if (!models.has(numType)) models.set(numType, beepModel(numType, await calibration()));
  return models.get(numType)!;
}
async function modelFile(numType: "int8" | "f32"): Promise<string> {
  const p = join(root, `beep.${numType}.tinyrnn`);
  writeFileSync(p, await beepBytes(numType));
  return p;
}

for (const numType of ["int8", "f32"] as const) {
  test(`${numType}: every beep is found, noise fires nothing, background intervals are correct`, async () => {
    const dir = await writeKeywordSet("kws");
    const r = evalFiles(await runtime("simd"), await modelFile(numType), dir);
    assert.equal(r.kind, "keywords");
    assert.equal(r.numType, numType);
    assert.equal(r.accuracy, 100, JSON.stringify(r));
    assert.deepEqual(r.perLabel, {
      beep: { intervals: 3, correct: 3, recall: 100 },
      unknown: { intervals: 1, correct: 1, recall: 100 },
      background: { intervals: 1, correct: 1, recall: 100 },
      silence: { intervals: 1, correct: 1, recall: 100 },
    });
    assert.deepEqual(r.frr, { beep: 0 });
    assert.equal(r.falseAccepts, 0);
    assert.equal(r.falseAcceptsPerHour, 0);
    assert.equal(r.steps, 798 + 598);
    assert.equal(r.hours, Math.round((r.steps * 10 / 3.6e6) * 1e6) / 1e6);
    assert.deepEqual(r.thresholds, { beep: 0.8 });
    // a threshold no smoothed score reaches misses every beep
    const hi = evalFiles(await runtime("simd"), await modelFile(numType), dir, { threshold: 0.9999 });
    assert.deepEqual(hi.frr, { beep: 100 });
    assert.equal(hi.perLabel!.beep.correct, 0);
    assert.equal(hi.accuracy, 50); // the 3 background intervals of 6 are still right
  });
}

test("int8: the posteriors and events are bit for bit KeywordSpotter's on the same audio", async () => {
  const rt = await runtime("simd");
  const model = rt.loadModel(await beepBytes("int8"));
  const post: number[] = [];
  const spotter = new KeywordSpotter(model, { onPosteriors: (p) => post.push(...p) });
  const spotted = spotter.push(beepAudio, 16000);
  spotter.dispose();
  const feats = await int16Features(beepAudio);
  const set: TestSet = { kind: "keywords", streams: [{ name: "a", features: feats, steps: feats.length / 40, cols: 40, events: beepEvents }] };
  const { KeywordEval } = await import("../../../host/eval/eval.js");
  const k = new KeywordEval(model, set);
  assert.deepEqual([...k.posteriors[0]], post);
  const events = k.detect()[0];
  assert.deepEqual(events.map((e) => [e.label, 30 + 10 * e.step]), spotted.map((e) => [e.label, e.endMs]));
  model.dispose();
});

test("scoring rules: tolerance after the end, wrong labels, events outside any interval, duplicates", async () => {
  // a model whose posteriors are its input: dense identity with softmax off, 3 labels, f32
  const rt = await runtime("simd");
  const eye = Float32Array.from({ length: 9 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const bytes = buildModel([{ kind: "dense", inputLen: 3, outputLen: 3, weight: eye, bias: new Float32Array(3), activation: "none" }],
    { numType: "f32", metadata: { labels: ["unknown", "yes", "no"], frontend: { ...BEEP_METADATA.frontend, channels: 3 }, detector: { threshold: 0.5, refractoryMs: 0 } } });
  const model = rt.loadModel(bytes);
  const T = 500, x = new Int16Array(T * 3);
  const fire = (k: number, label: 1 | 2) => { x[k * 3 + label] = Math.round(1 / FEATURE_SCALE); };
  fire(20, 1);   // inside yes [10, 30)
  fire(21, 1);   // duplicate of it
  fire(75, 1);   // in no [40, 50)'s tolerance tail, but "yes": a false accept, and that no is missed
  fire(175, 2);  // no [100, 120) + tolerance 50 ends at 170: matches nothing, a false accept; that no is missed
  fire(210, 1);  // inside unknown [200, 260): a false accept, and that interval is wrong
  fire(480, 2);  // nowhere: a false accept (unknown [300, 350) stays right)
  const events = [{ label: "yes", start: 10, end: 30 }, { label: "no", start: 40, end: 50 }, { label: "no", start: 100, end: 120 }, { label: "unknown", start: 200, end: 260 }, { label: "unknown", start: 300, end: 350 }];
  const r = evaluate(model, { kind: "keywords", streams: [{ name: "s", features: x, steps: T, cols: 3, events }] });
  assert.deepEqual(r.perLabel, {
    yes: { intervals: 1, correct: 1, recall: 100 },
    no: { intervals: 2, correct: 0, recall: 0 },
    unknown: { intervals: 2, correct: 1, recall: 50 },
  });
  assert.equal(r.falseAccepts, 4);
  assert.equal(r.duplicates, 1);
  assert.deepEqual(r.frr, { yes: 0, no: 100 });
  assert.equal(r.accuracy, 40);
  const loose = evaluate(model, { kind: "keywords", toleranceSteps: 100, streams: [{ name: "s", features: x, steps: T, cols: 3, events }] });
  assert.equal(loose.perLabel!.no.correct, 1); // 175 < 120 + 100 (and 210 stays with unknown [200, 260), which it is inside)
  assert.equal(loose.perLabel!.unknown.correct, 1);
  model.dispose();
});

test("--sweep: FRR and false accepts per hour at 0.05 … 0.999, and FRR at ≤ 0.5 and ≤ 0.1 FA/h", async () => {
  const dir = await writeKeywordSet("kws-sweep");
  const r = evalFiles(await runtime("simd"), await modelFile("int8"), dir, { sweep: true });
  const s = r.sweep!;
  assert.equal(s.points.length, 104);
  assert.deepEqual([s.points[0], s.points[94], s.points[95], s.points[103]].map((p) => p.threshold), [0.05, 0.99, 0.991, 0.999]);
  for (const p of s.points) {
    assert.ok(p.frr >= 0 && p.frr <= 100 && p.falseAccepts >= 0 && Number.isFinite(p.falseAcceptsPerHour), JSON.stringify(p));
    assert.equal(p.frrPerLabel.beep, p.frr);
  }
  // low thresholds fire on the noise (and an early false accept's refractory time can hide a beep:
  // FRR need not grow with the threshold); from some threshold on nothing false fires and every beep is found
  assert.ok(s.points[0].falseAccepts > 0);
  const clean = s.points.findIndex((p) => p.falseAccepts === 0);
  assert.ok(clean > 0 && s.points[clean].threshold <= 0.8, JSON.stringify(s.points.map((p) => [p.threshold, p.frr, p.falseAccepts])));
  for (const p of s.points.slice(clean)) assert.deepEqual([p.frr, p.falseAccepts], [0, 0]);
  // the operating points: the lowest FRR within the false-accept budget, at the lowest such threshold
  const op = { targetFaPerHour: 0.5, threshold: s.points[clean].threshold, frr: 0, falseAcceptsPerHour: 0 };
  assert.deepEqual(s.at0_5FaPerHour, op);
  assert.deepEqual(s.at0_1FaPerHour, { ...op, targetFaPerHour: 0.1 });
});

test("steps: a sensor classifier's per-step accuracy, recall and confusion matrix, skipping −1", async () => {
  const rt = await runtime("simd");
  const demo = readFileSync("models/demo/activity.tinyrnn");
  const x = new Uint8Array(readFileSync("models/demo/sample.npy"));
  const { perStep, labels: names } = JSON.parse(readFileSync("models/demo/sample-labels.json", "utf8")) as { perStep: number[]; labels: string[] };
  const labels = Int32Array.from(perStep, (l, i) => (i % 10 === 0 ? -1 : l));
  const dir = join(root, "steps");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "sample.npy.gz"), gzipSync(x));
  writeFileSync(join(dir, "sample.labels.npy"), npy(labels, [labels.length]));
  writeFileSync(join(dir, "testset.json"), JSON.stringify({ kind: "steps", description: "the demo's sample", streams: [{ name: "sample", features: "sample.npy.gz", labels: "sample.labels.npy" }] }));
  const mp = join(root, "activity.tinyrnn");
  writeFileSync(mp, demo);
  const r = evalFiles(rt, mp, dir);
  // the same figures by hand
  const m = rt.loadModel(demo);
  const set = readTestSet(dir);
  const feats = set.streams[0].features as Float32Array, T = set.streams[0].steps;
  const y = new Float32Array(T * 4);
  new SensorStream(m).push(feats, y);
  const per = names.map(() => [0, 0]);
  const confusion = names.map(() => [0, 0, 0, 0]);
  for (let t = 0; t < T; t++) {
    if (labels[t] < 0) continue;
    const row = [...y.subarray(t * 4, t * 4 + 4)];
    per[labels[t]][0]++;
    if (row.indexOf(Math.max(...row)) === labels[t]) per[labels[t]][1]++;
    confusion[labels[t]][row.indexOf(Math.max(...row))]++;
  }
  assert.deepEqual(r.confusion, confusion);
  const total = per.reduce((a, p) => a + p[0], 0), correct = per.reduce((a, p) => a + p[1], 0);
  assert.equal(r.accuracy, Math.round((100 * correct / total) * 1000) / 1000);
  assert.ok(r.accuracy! > 80, `demo accuracy ${r.accuracy}`);
  names.forEach((n, i) => { if (per[i][0]) assert.deepEqual(r.perLabel![n], { steps: per[i][0], correct: per[i][1], recall: Math.round((100 * per[i][1] / per[i][0]) * 1000) / 1000 }); });
  assert.equal(r.steps, T);
  assert.equal(r.hours, Math.round((T / 50 / 3600) * 1e6) / 1e6);
  m.dispose();
});

test("steps: a single-output score model gives ROC AUC and recall / false-positive rate at its threshold", async () => {
  const rt = await runtime("simd");
  const r0 = rng(41);
  const specs: LayerSpec[] = [torchGru(r0, 2, 8), torchLinear(r0, 8, 1, "sigmoid")];
  const bytes = buildModel(specs, { numType: "f32", metadata: { sampleRateHz: 100, labels: ["anomaly"], detector: { threshold: 0.5 } } });
  const T = 300, x = signal(rng(42), T, 2);
  const score = rt.loadModel(bytes).openStream().run(x);
  // labels that mostly but not always agree with score ≥ its median
  const lr = rng(43), median = [...score].sort((a, b) => a - b)[T >> 1];
  const labels = Int8Array.from(score, (s) => (lr() < 0.15 ? (s >= median ? 0 : 1) : s >= median ? 1 : 0));
  labels[5] = -1;
  const set: TestSet = { kind: "steps", streams: [{ name: "s", features: x, steps: T, cols: 2, labels }] };
  const r = evaluate(rt.loadModel(bytes), set);
  // AUC by pairs, recall and FPR by counting
  let pairs = 0, wins = 0, tp = 0, fp = 0, pos = 0, neg = 0;
  for (let i = 0; i < T; i++) {
    if (labels[i] < 0) continue;
    if (labels[i] === 1) { pos++; if (score[i] >= 0.5) tp++; } else { neg++; if (score[i] >= 0.5) fp++; }
    if (labels[i] !== 1) continue;
    for (let j = 0; j < T; j++) if (labels[j] === 0) { pairs++; wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0; }
  }
  assert.equal(r.auc, Math.round((wins / pairs) * 1e5) / 1e3);   // percent
  assert.ok(r.auc! > 70 && r.auc! < 100, `auc ${r.auc}, ${pos} positives, ${neg} negatives, ${JSON.stringify(r)}`);
  assert.equal(r.threshold, 0.5);
  assert.equal(r.recall, Math.round((100 * tp / pos) * 1000) / 1000);
  assert.equal(r.falsePositiveRate, Math.round((100 * fp / neg) * 1000) / 1000);
  assert.deepEqual([r.positives, r.negatives], [pos, neg]);
  assert.equal(evaluate(rt.loadModel(bytes), set, { threshold: 1 }).recall, 0);
  assert.equal(rocAuc([1, 2, 3], [false, false, false]), null);
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
});

test("refusals name what is wrong", async () => {
  const rt = await runtime("simd");
  const int8 = await modelFile("int8");
  const cases: [string, (j: Record<string, unknown>) => void, RegExp][] = [
    ["bad-kind", (j) => { j.kind = "frames"; }, /unknown kind "frames"; expected "keywords" or "steps"/],
    ["missing-file", (j) => { (j.streams as { features: string }[])[0].features = "nope.npy"; }, /cannot read features of stream beeps: .*nope\.npy: no such file/],
    ["bad-label", (j) => { (j.streams as { events: unknown[] }[])[0].events.push({ label: "hey_jarvis", start: 1, end: 5 }); }, /event label "hey_jarvis" is not one of the model's labels \(background, beep\)/],
    ["outside", (j) => { (j.streams as { events: unknown[] }[])[0].events.push({ label: "beep", start: 790, end: 900 }); }, /event beep \[790, 900\) is not inside the stream's 798 steps/],
    ["bad-event", (j) => { (j.streams as { events: unknown[] }[])[0].events.push({ label: "beep", start: 5, end: 5 }); }, /events\[5\] must be \{ label, start, end \}/],
    ["no-streams", (j) => { j.streams = []; }, /needs a non-empty "streams" list/],
  ];
  assert.throws(() => evalFiles(rt, int8, join(root, "not-there")), /test set .*not-there: no such directory/);
  for (const [name, edit, msg] of cases) {
    const dir = await writeKeywordSet(name, edit);
    assert.throws(() => evalFiles(rt, int8, dir), msg, name);
  }
  // no testset.json; a directory that is not there
  const empty = join(root, "empty");
  mkdirSync(empty, { recursive: true });
  assert.throws(() => evalFiles(rt, int8, empty), /test set .*empty has no testset\.json/);
  // features of the wrong width, or float where int16 is meant
  const wide = await writeKeywordSet("wide");
  writeFileSync(join(wide, "beeps.npy"), npy(new Int16Array(32 * 10), [10, 32]));
  assert.throws(() => evalFiles(rt, int8, wide), /stream beeps has 32 features per step; the model takes 40/);
  const float = await writeKeywordSet("float");
  writeFileSync(join(float, "beeps.npy"), npy(new Float32Array(40 * 10), [10, 40]));
  assert.throws(() => evalFiles(rt, int8, float), /beeps\.npy has dtype f4; keyword features must be int16/);
  // an int8 keyword model at another input scale
  const odd = join(root, "odd-scale.tinyrnn");
  writeFileSync(odd, buildModel(beepSpecs(), { numType: "int8", calibration: await calibration(), metadata: BEEP_METADATA }));
  const kws = await writeKeywordSet("kws");
  assert.throws(() => evalFiles(rt, odd, kws), /input scale .* is not the frontend's feature scale 0\.0390625/);
  // a sensor model on a keyword set, a keyword model on a steps set
  const act = join(root, "act.tinyrnn");
  writeFileSync(act, readFileSync("models/demo/activity.tinyrnn"));
  assert.throws(() => evalFiles(rt, act, kws), /no frontend settings: it is not a keyword-spotting model/);
  // NaN in sensor features; labels of the wrong length or class
  const steps = join(root, "steps-bad");
  mkdirSync(steps, { recursive: true });
  const f = signal(rng(3), 20, 3);
  f[7] = NaN;
  writeFileSync(join(steps, "x.npy"), npy(f, [20, 3]));
  writeFileSync(join(steps, "y.npy"), npy(new Int16Array(20), [20]));
  writeFileSync(join(steps, "y19.npy"), npy(new Int16Array(19), [19]));
  writeFileSync(join(steps, "y7.npy"), npy(Int16Array.from({ length: 20 }, (_, i) => (i === 3 ? 7 : 0)), [20]));
  const stepsSet = (labels: string) => writeFileSync(join(steps, "testset.json"), JSON.stringify({ kind: "steps", streams: [{ name: "s", features: "x.npy", labels }] }));
  stepsSet("y.npy");
  assert.throws(() => evalFiles(rt, act, steps), /stream s: feature at step 2, column 1 is NaN/);
  f[7] = 0;
  writeFileSync(join(steps, "x.npy"), npy(f, [20, 3]));
  stepsSet("y19.npy");
  assert.throws(() => evalFiles(rt, act, steps), /y19\.npy has 19 labels but .*x\.npy has 20 steps/);
  stepsSet("y7.npy");
  assert.throws(() => evalFiles(rt, act, steps), /label 7 at step 3 is not −1 or a class 0 … 3/);
  assert.throws(() => evalFiles(rt, int8, steps), /stream s has 3 features per step; the model takes 40/);
  stepsSet("y.npy");
  assert.equal(evalFiles(rt, act, steps).steps, 20);
});

test("compareWithCard: figures more than 1 worse than the card, in the right direction", () => {
  const r = { accuracy: 92.0, frr: { yes: 3.5, no: 1.0 }, falseAccepts: 2, falseAcceptsPerHour: 0.4, perLabel: { yes: { intervals: 10, correct: 9, recall: 90 } }, sweep: { at0_5FaPerHour: { frr: 4 } } } as unknown as EvalResult;
  const card = (figures: Record<string, number>) => ({ eval: { testset: "test", figures } });
  assert.deepEqual(compareWithCard(r, card({ accuracy: 92.9, "frr.yes": 2.6, "frr.no": 5, falseAccepts: 1, falseAcceptsPerHour: 0, "perLabel.yes.recall": 91, "sweep.at0_5FaPerHour.frr": 3.5 })), []);
  assert.deepEqual(compareWithCard(r, card({ accuracy: 93.1, "frr.yes": 2.0, falseAccepts: 0, "perLabel.yes.recall": 95, "frr.maybe": 1 })), [
    { key: "accuracy", card: 93.1, measured: 92, worseBy: 1.1 },
    { key: "frr.yes", card: 2, measured: 3.5, worseBy: 1.5 },
    { key: "falseAccepts", card: 0, measured: 2, worseBy: 2 },
    { key: "perLabel.yes.recall", card: 95, measured: 90, worseBy: 5 },
    { key: "frr.maybe", card: 1, measured: null, worseBy: null },
  ]);
  assert.throws(() => compareWithCard(r, card({ steps: 5 })), /cannot tell whether higher or lower is better/);
  assert.throws(() => compareWithCard(r, {}), /no eval\.figures/);
});

function cli(...args: string[]) {
  const p = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
  return { code: p.status, out: p.stdout, err: p.stderr };
}

test("the CLI: a table and a summary, --json with every figure, --sweep, clear errors", async () => {
  const dir = await writeKeywordSet("cli");
  const model = await modelFile("int8");
  const human = cli("eval", model, dir, "--sweep");
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^label\s+intervals\s+correct\s+recall %\s+FRR %\nbeep\s+3\s+3\s+100\.00\s+0\.00\n/);
  assert.match(human.out, /accuracy\s+100\.00 % of 6 intervals/);
  assert.match(human.out, /false accepts 0 = 0\.00 per hour/);
  assert.match(human.out, /FRR at ≤ 0\.5 FA\/h  0\.00 % \(threshold 0\.\d\d, 0\.00 FA\/h\)/);
  assert.match(human.out, /FRR at ≤ 0\.1 FA\/h  0\.00 %/);
  const json = cli("eval", model, dir, "--json", "--sweep");
  assert.equal(json.code, 0, json.err);
  assert.equal(json.out.trim().split("\n").length, 1);
  const j = JSON.parse(json.out);
  assert.deepEqual(Object.keys(j), ["model", "testset", "kind", "numType", "streams", "steps", "hours", "toleranceSteps", "thresholds", "intervals", "accuracy", "perLabel", "falseAccepts", "falseAcceptsPerHour", "duplicates", "frr", "sweep"]);
  assert.deepEqual(Object.keys(j.sweep), ["points", "at0_5FaPerHour", "at0_1FaPerHour"]);
  assert.deepEqual(Object.keys(j.sweep.points[0]), ["threshold", "frr", "frrPerLabel", "falseAccepts", "falseAcceptsPerHour"]);
  assert.equal(typeof j.accuracy, "number");
  assert.equal(j.model, model);
  assert.equal(j.testset, dir);
  // the same as the library gives
  assert.deepEqual(j, JSON.parse(JSON.stringify(evalFiles(await runtime("simd"), model, dir, { sweep: true }))));
  const hi = JSON.parse(cli("eval", model, dir, "--json", "--threshold", "0.9999").out);
  assert.deepEqual(hi.frr, { beep: 100 });
  const f32 = JSON.parse(cli("eval", await modelFile("f32"), dir, "--json").out);
  assert.equal(f32.numType, "f32");
  assert.equal(f32.accuracy, 100);
  // errors: one line, exit 1; usage: exit 2
  const missing = cli("eval", model, join(root, "nowhere"));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^tinyrnn: test set .*nowhere: no such directory\n$/);
  const noJson = cli("eval", model, root);
  assert.equal(noJson.code, 1);
  assert.match(noJson.err, /has no testset\.json/);
  for (const args of [["eval", model], ["eval", model, dir, "--threshold", "2"], ["eval", model, dir, "--bogus"]]) {
    const res = cli(...args);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.err}`);
    assert.match(res.err, /^tinyrnn: /);
  }
  assert.match(cli("--help").out, /tinyrnn eval <model\.tinyrnn> <testset-dir>/);
});

test("checkCard (what test/models/cards.test.ts runs per models/*/card.json): holds, and names what a model misses", async () => {
  const { checkCard, readCards } = await import("../../../host/cli/eval-files.js");
  const check = (rt: Awaited<ReturnType<typeof runtime>>) => readCards(folder).map((c) => checkCard(rt, folder, c));
  const folder = join(root, "card-model");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "beep.tinyrnn"), await beepBytes("int8"));
  await writeKeywordSet(join("card-model", "test"));
  const card = (figures: Record<string, number>) => writeFileSync(join(folder, "card.json"), JSON.stringify({ model: "beep.tinyrnn", eval: { testset: "test", figures } }));
  card({ accuracy: 100, "frr.beep": 0, falseAccepts: 0, "sweep.at0_1FaPerHour.frr": 0 });
  const rt = await runtime("simd");
  const [ok] = check(rt);
  assert.deepEqual(ok.shortfalls, []);
  assert.ok(ok.result.sweep, "a sweep.* figure runs the sweep");
  card({ accuracy: 100, "perLabel.beep.recall": 100, "frr.nope": 0 });
  assert.deepEqual(check(rt)[0].shortfalls, [{ key: "frr.nope", card: 0, measured: null, worseBy: null }]);
  // a folder of variants: { "models": [card, …] }, each checked
  writeFileSync(join(folder, "card.json"), JSON.stringify({ models: [
    { model: "beep.tinyrnn", eval: { testset: "test", figures: { accuracy: 100 } } },
    { model: "beep.tinyrnn", eval: { testset: "test", figures: { "frr.beep": 0 } } }] }));
  assert.deepEqual(check(rt).map((r) => r.shortfalls), [[], []]);
  writeFileSync(join(folder, "card.json"), JSON.stringify({ model: "beep.tinyrnn" }));
  assert.throws(() => check(rt), /card\.json: beep\.tinyrnn needs "eval": \{ "testset"/);
});
