// The pipeline in the module (assembly/pipeline.ts, assembly/detector.ts) through KeywordSpotter
// and SensorStream: the module's detector gives the float yardstick's events, the whole state saves
// as one blob that continues bit for bit in a fresh runtime on either build, states that do not
// fit are refused without changing anything, and misuse is a TinyrnnError with a code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KeywordSpotter, SensorStream, TinyrnnError, Frontend, defaultFrontendConfig, readWav, Detector, type DetectionEvent, type Runtime } from "../../tinyrnn.js";
import { crc32 } from "../../../host/build/write.js";
import { readNpyMatrix } from "../../../host/cli/npy.js";
import * as C from "../../../assembly/constants.js";
import { BUILDS, runtime } from "../../helpers.js";
import { beepModel, beepTrack } from "../../kws-fixture.js";

const WAKE = readFileSync("models/hey-jarvis/hey-jarvis.tinyrnn");
const SAMPLE = readWav(readFileSync("models/sample/morning.wav"));
const VIBRATION = readFileSync("models/sensor/vibration.tinyrnn");

function spot(s: KeywordSpotter, x: Float32Array | Int16Array, rate: number, chunk: number): DetectionEvent[] {
  const out: DetectionEvent[] = [];
  for (let i = 0; i < x.length; i += chunk) out.push(...s.push(x.subarray(i, i + chunk), rate));
  return out;
}

async function beepModelBytes(numType: "int8" | "f32"): Promise<Uint8Array> {
  const fe = new Frontend(await runtime("simd"), defaultFrontendConfig(16000), "f32");
  const feats = [fe.features(beepTrack(16000, 5, [1.0, 3.5]))];
  fe.dispose();
  return beepModel(numType, feats);
}

/** The sample at 48 kHz (linear interpolation: the spotter only needs audio). */
function upsample3(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length * 3);
  for (let i = 0; i < y.length; i++) {
    const t = i / 3, k = Math.floor(t), f = t - k;
    y[i] = x[k] * (1 - f) + (x[Math.min(k + 1, x.length - 1)] * f);
  }
  return y;
}

const isState = (detail: number) => (e: unknown) => e instanceof TinyrnnError && e.code === "badState" && e.detail === detail;

for (const build of BUILDS) {
  test(`${build}: the module's detector fires exactly where the float yardstick does, with the same scores`, async () => {
    const rt = await runtime(build);
    for (const [name, bytes] of [["hey-jarvis", WAKE], ["beep f32", await beepModelBytes("f32")], ["beep int8", await beepModelBytes("int8")]] as const) {
      const model = rt.loadModel(bytes);
      const post: { p: Float32Array; endMs: number }[] = [];
      const s = new KeywordSpotter(model, { onPosteriors: (p, endMs) => post.push({ p: p.slice(), endMs }) });
      const x = name === "hey-jarvis" ? SAMPLE.samples : beepTrack(16000, 5, [1.0, 3.5]);
      const events = spot(s, x, 16000, 1000);
      const meta = model.metadata as { labels: string[]; detector?: object };
      const yard = new Detector({ ...(meta.detector ?? {}), labels: meta.labels, hopMs: s.frontendSettings.hopMs, windowMs: s.frontendSettings.windowMs });
      const want = post.map((f) => yard.push(f.p, f.endMs)).filter((e): e is DetectionEvent => e !== null);
      assert.ok(want.length >= 2, `${name}: the yardstick found ${want.length} events`);
      assert.deepEqual(events.map((e) => [e.label, e.startMs, e.endMs]), want.map((e) => [e.label, e.startMs, e.endMs]), name);
      events.forEach((e, i) => assert.ok(Math.abs(e.score - want[i].score) <= 1e-12, `${name}: score ${e.score} vs ${want[i].score}`));
      model.dispose();
    }
  });
}

test("a spotter's whole state continues bit for bit in a fresh runtime, on the other build, from any cut", async () => {
  const x = upsample3(SAMPLE.samples);
  const whole = async (build: "simd" | "mvp") => spot(new KeywordSpotter((await runtime(build, true)).loadModel(WAKE)), x, 48000, 4800);
  const reference = await whole("simd");
  assert.equal(reference.length, 3, JSON.stringify(reference));
  assert.deepEqual(await whole("mvp"), reference, "both builds hear the same");
  for (const [from, to] of [["simd", "mvp"], ["mvp", "simd"]] as const) {
    for (const cut of [4800 * 37 + 1234, x.length >> 1, 48000 * 18 + 7]) {
      const a = new KeywordSpotter((await runtime(from, true)).loadModel(WAKE));
      const first = spot(a, x.subarray(0, cut), 48000, 4800);
      const state = a.saveState();
      const b = new KeywordSpotter((await runtime(to, true)).loadModel(WAKE)); // never pushed: opens at the state's rate
      b.loadState(state);
      const rest = spot(b, x.subarray(cut), 48000, 4800);
      assert.deepEqual([...first, ...rest], reference, `${from} → ${to}, cut at sample ${cut}`);
    }
  }
});

test("the wake word's pipeline state: its size, and what is refused without a change", async (t) => {
  const rt = await runtime("simd", true);
  const model = rt.loadModel(WAKE);
  const a = new KeywordSpotter(model);
  const x = SAMPLE.samples;
  spot(a, x.subarray(0, 16000 * 6), 16000, 1600);
  const state = a.saveState();
  t.diagnostic(`hey-jarvis at 16 kHz: ${state.length} state bytes per stream (model ${model.stateBytes})`);
  const rest = spot(new KeywordSpotter(rt.loadModel(WAKE)), x, 16000, 1600).filter((e) => e.endMs > 6000);
  const check = (b: KeywordSpotter) => assert.deepEqual(spot(b, x.subarray(16000 * 6), 16000, 1600), rest);
  const reseal = (s: Uint8Array) => { const v = new DataView(s.buffer, s.byteOffset); v.setUint32(C.SH_BODY_CRC, crc32(s.subarray(C.STATE_HEADER_BYTES)), true); return s; };
  const cases: [string, Uint8Array, number][] = [
    ["not a state", new Uint8Array(100), 1],
    ["truncated", state.subarray(0, state.length - 8), 2],
    ["a byte flipped", (() => { const s = state.slice(); s[s.length - 3] ^= 1; return s; })(), 6],
    ["another detector setting", (() => { const o = new KeywordSpotter(model, { threshold: 0.9 }); o.push(new Float32Array(1600), 16000); return o.saveState(); })(), 4],
    ["another input rate", (() => { const o = new KeywordSpotter(model); o.push(new Float32Array(4800), 48000); return o.saveState(); })(), 2],
    ["a buffered-sample count out of range", (() => { const s = state.slice(); new DataView(s.buffer).setInt32(frontendOffset(a, model.outputLen), 100000, true); return reseal(s); })(), 8],
    ["a detector clock behind its last event", (() => { const s = state.slice(); const d = new DataView(s.buffer); d.setUint32(C.STATE_HEADER_BYTES + 8, 0xffffff00, true); d.setUint32(C.STATE_HEADER_BYTES + 12, 0, true); return reseal(s); })(), 7],
  ];
  for (const [what, bad, detail] of cases) {
    const b = new KeywordSpotter(rt.loadModel(WAKE));
    b.loadState(state);
    assert.throws(() => b.loadState(bad), isState(detail), what);
    check(b); // unchanged: it continues from the good state
  }
  // a state from another model: the commands GRU's
  const other = new KeywordSpotter(rt.loadModel(readFileSync("models/commands/commands-gru.tinyrnn")));
  other.push(new Float32Array(1600), 16000);
  const b = new KeywordSpotter(rt.loadModel(WAKE));
  b.loadState(state);
  assert.throws(() => b.loadState(other.saveState()), (e) => e instanceof TinyrnnError && e.code === "badState" && (e.detail === 2 || e.detail === 3));
  check(b);
});

/** Where the frontend's part starts in a keyword spotter's state (after the header and the detector's). */
function frontendOffset(s: KeywordSpotter, K: number): number {
  const W = s.detector.windowSteps;
  return C.STATE_HEADER_BYTES + 16 + ((4 * K + 2 * W * K + 7) & ~7);
}

test("an f32 pipeline refuses a state with a NaN in it", async () => {
  const rt = await runtime("mvp", true);
  const model = rt.loadModel(await beepModelBytes("f32"));
  const a = new KeywordSpotter(model);
  spot(a, beepTrack(16000, 2, [1.0]), 16000, 1000);
  const state = a.saveState();
  const s = state.slice();
  new DataView(s.buffer).setFloat32(s.length - 4 * model.outputLen - 16, NaN, true);
  new DataView(s.buffer).setUint32(C.SH_BODY_CRC, crc32(s.subarray(C.STATE_HEADER_BYTES)), true);
  assert.throws(() => a.loadState(s), (e) => e instanceof TinyrnnError && e.code === "badState" && e.detail === 9); // the model state
  a.loadState(state); // the good one still loads
});

test("a sensor stream's state continues bit for bit across runtimes and builds", async () => {
  const { data: x, cols: F } = readNpyMatrix(readFileSync("models/sensor/sample-features.npy"), "sample-features.npy");
  const n = x.length;
  const whole = new SensorStream((await runtime("simd", true)).loadModel(VIBRATION));
  const scores = new Float32Array((n / F) * whole.model.outputLen);
  const events = whole.push(x.subarray(0, n), scores);
  const cut = F * Math.floor(n / F / 2);
  const a = new SensorStream((await runtime("simd", true)).loadModel(VIBRATION));
  const s1 = new Float32Array((cut / F) * whole.model.outputLen);
  const e1 = a.push(x.subarray(0, cut), s1);
  const b = new SensorStream((await runtime("mvp", true)).loadModel(VIBRATION));
  b.loadState(a.saveState());
  const s2 = new Float32Array(((n - cut) / F) * whole.model.outputLen);
  const e2 = b.push(x.subarray(cut, n), s2);
  assert.deepEqual([...e1, ...e2], events);
  assert.deepEqual(Float32Array.from([...s1, ...s2]), scores);
  assert.equal(b.elapsedMs, whole.elapsedMs);
});

test("misuse is a TinyrnnError with a code: a disposed model, unbounded detector settings, wrong chunk types", async () => {
  const rt: Runtime = await runtime("simd", true);
  const model = rt.loadModel(WAKE);
  const s = new KeywordSpotter(model);
  s.push(new Float32Array(1600), 16000);
  const sensor = new SensorStream(rt.loadModel(VIBRATION));
  model.dispose();
  assert.throws(() => s.push(new Float32Array(1600), 16000), (e) => e instanceof TinyrnnError && e.code === "badHandle");
  assert.throws(() => s.saveState(), (e) => e instanceof TinyrnnError && e.code === "badHandle");
  const m2 = rt.loadModel(WAKE);
  for (const bad of [{ smoothingMs: 1e9 }, { smoothingMs: -1 }, { refractoryMs: 1e15 }, { refractoryMs: NaN }, { threshold: 2 }]) {
    assert.throws(() => new KeywordSpotter(m2, bad), (e) => e instanceof TinyrnnError && e.code === "badArgument", JSON.stringify(bad));
  }
  const ok = new KeywordSpotter(m2);
  assert.throws(() => ok.push([0, 1, 2] as unknown as Float32Array, 16000), (e) => e instanceof TinyrnnError && e.code === "badArgument");
  assert.throws(() => ok.push(new Float32Array(10), 11025), (e) => e instanceof TinyrnnError && e.code === "badSampleRate");
  assert.throws(() => new KeywordSpotter(m2).saveState(), (e) => e instanceof TinyrnnError && e.code === "badState");
  const nan = new Float32Array(sensor.model.inputLen * 3);
  nan[sensor.model.inputLen + 2] = Infinity;
  assert.throws(() => sensor.push(nan), (e) => e instanceof TinyrnnError && e.code === "nonFiniteInput" && e.detail === sensor.model.inputLen + 2);
  assert.equal(sensor.elapsedMs, 0, "nothing of a refused push was taken");
});
