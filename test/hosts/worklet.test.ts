// tinyrnn/worklet (dist/worklet.js) in an imitation AudioWorkletGlobalScope (node:vm): nothing but
// WebAssembly, registerProcessor, AudioWorkletProcessor and sampleRate. The browser test
// (browser.test.ts) runs the same bundle in Chromium; this one checks the processor's contract
// exactly and quickly: its events are KeywordSpotter's, its messages, its errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { createRuntimeSync, KeywordSpotter, readWav, type DetectionEvent } from "../../host/runtime/index.js";
import type { WorkletEvent, WorkletMessage, WorkletReady, WorkletScores, WorkletError } from "../../host/runtime/worklet.js";
import { sampleAt48k, workletScope, type FakeNode } from "./worklet-scope.js";

const bundle = readFileSync("dist/worklet.js", "utf8");
const WAKE = new Uint8Array(readFileSync("models/hey-jarvis/hey-jarvis.tinyrnn"));
const COMMANDS = new Uint8Array(readFileSync("models/commands/commands-gru.tinyrnn"));
const SENSOR = new Uint8Array(readFileSync("models/sensor/vibration.tinyrnn"));
const sample16k = readWav(readFileSync("models/sample/morning.wav")).samples;
const sample48k = sampleAt48k();
const QUANTUM = 128;

const events = (m: WorkletMessage[]) => m.filter((x): x is WorkletEvent => x.type === "event");
const errors = (m: WorkletMessage[]) => m.filter((x): x is WorkletError => x.type === "error");
const readies = (m: WorkletMessage[]) => m.filter((x): x is WorkletReady => x.type === "ready");
const brief = (e: { label: string; endMs: number }) => `${e.label}@${e.endMs}`;

/** Feed `x` from `from` to `to` in render quanta, as channel 0 (and copies as more channels). */
function feed(node: FakeNode, x: Float32Array, from = 0, to = x.length, channels = 1): void {
  const q = Array.from({ length: channels }, () => new Float32Array(QUANTUM));
  for (let i = from; i + QUANTUM <= to; i += QUANTUM) {
    for (const c of q) c.set(x.subarray(i, i + QUANTUM));
    node.process(q);
  }
}

/** What KeywordSpotter finds in x[from, to), its times shifted to start at from. */
function reference(model: Uint8Array, x: Float32Array, rateHz: number, from = 0, to = x.length): DetectionEvent[] {
  const rt = createRuntimeSync();
  const s = new KeywordSpotter(rt.loadModel(model));
  const shiftMs = (from * 1000) / rateHz;
  return s.push(x.subarray(from, to), rateHz).map((e) => ({ ...e, startMs: e.startMs + shiftMs, endMs: e.endMs + shiftMs }));
}

test("the bundle names no URL, TextDecoder, fetch, performance or import() outside strings", () => {
  // strings out first (one line at most: the embedded modules' base64 has "//" in it), then comments
  const code = bundle.replace(/"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`/g, '""').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "");
  for (const re of [/\bURL\b/, /\bTextDecoder\b/, /\bfetch\b/, /\bperformance\b/, /\bimport\s*\(/, /\batob\b/, /\bBuffer\b/, /\bprocess\.env\b/]) {
    assert.doesNotMatch(code, re);
  }
  assert.doesNotMatch(bundle, /^\s*(import|export)\b/m, "a classic script too: no import or export statement");
});

for (const rateHz of [48000, 16000]) {
  test(`${rateHz} Hz in 128-frame quanta: ready, then exactly KeywordSpotter's events; no absent global read`, () => {
    const x = rateHz === 48000 ? sample48k : sample16k;
    const scope = workletScope(bundle, rateHz);
    const node = scope.node({ model: WAKE.buffer.slice(0) as ArrayBuffer, scores: true });
    const ready = readies(node.messages);
    assert.equal(ready.length, 1, JSON.stringify(node.messages));
    assert.equal(ready[0].build, "simd");
    assert.equal(ready[0].sampleRateHz, rateHz);
    assert.equal(ready[0].hopMs, 10);
    assert.ok(ready[0].labels.includes("hey_jarvis") && ready[0].stateBytes > 0, JSON.stringify(ready[0]));
    feed(node, x);
    const quanta = Math.floor(x.length / QUANTUM);
    const got = events(node.messages);
    const want = reference(WAKE, x.subarray(0, quanta * QUANTUM), rateHz);
    assert.deepEqual(got.map(brief), want.map(brief));
    assert.deepEqual(got.map((e) => e.score), want.map((e) => e.score));
    if (rateHz === 16000) assert.deepEqual(got.map(brief), ["hey_jarvis@5440", "hey_jarvis@12640", "hey_jarvis@18750"], "the CLI's events");
    else assert.equal(got.length, 3, got.map(brief).join(" "));
    // scores: every 50 ms of frames, each label's peak since the last
    const scores = node.messages.filter((m): m is WorkletScores => m.type === "scores");
    const frames = Math.floor(((quanta * QUANTUM) / rateHz) * 100) - 2;
    assert.ok(Math.abs(scores.length - frames / 5) <= 2, `${scores.length} scores messages for ${frames} frames`);
    const hj = ready[0].labels.indexOf("hey_jarvis");
    for (const e of got) {
      const around = scores.find((s) => s.endMs >= e.endMs)!;
      assert.ok(around.scores[hj] >= e.score - 1e-6, `the plot shows the peak that fired at ${e.endMs}`);
    }
    assert.deepEqual(errors(node.messages), []);
    assert.deepEqual(scope.touched, []);
  });
}

test("channels are averaged: the same signal on two channels gives the same events", () => {
  const node = workletScope(bundle, 16000).node({ model: WAKE });
  feed(node, sample16k, 0, sample16k.length, 2);
  assert.deepEqual(events(node.messages).map(brief), ["hey_jarvis@5440", "hey_jarvis@12640", "hey_jarvis@18750"]);
});

test("a model swap, a reset and close: times go on from the processor's start", () => {
  const node = workletScope(bundle, 48000).node({ model: WAKE });
  const at = (s: number) => Math.floor((s * 48000) / QUANTUM) * QUANTUM; // a quantum boundary
  feed(node, sample48k, 0, at(10));
  assert.deepEqual(events(node.messages).map((e) => e.label), ["hey_jarvis"]);
  node.post({ type: "model", model: COMMANDS });
  const ready = readies(node.messages);
  assert.equal(ready.length, 2);
  assert.ok(ready[1].labels.includes("stop") && ready[1].background.includes("unknown") && ready[1].background.includes("silence"), JSON.stringify(ready[1]));
  assert.equal(ready[1].thresholds[ready[1].labels.indexOf("stop")], 0.7, "the model's own threshold");
  feed(node, sample48k, at(10), at(16));
  node.post({ type: "reset" });
  feed(node, sample48k, at(16), sample48k.length);
  const want = [...reference(COMMANDS, sample48k, 48000, at(10), at(16)), ...reference(COMMANDS, sample48k, 48000, at(16), at(sample48k.length / 48000))];
  assert.deepEqual(events(node.messages).slice(1).map(brief), want.map(brief));
  assert.ok(want.some((e) => e.label === "stop" && e.endMs > 13000 && e.endMs < 15000), `"stop" after the second wake word: ${want.map(brief)}`);
  node.post({ type: "close" });
  const n = node.messages.length;
  assert.equal(node.process([new Float32Array(QUANTUM)]), false, "process() returns false once closed");
  node.post({ type: "model", model: WAKE });
  assert.equal(node.messages.length, n, "a closed processor says nothing more");
});

test("builds: the embedded mvp, or the module given as bytes or as a WebAssembly.Module", () => {
  const mvp = new Uint8Array(readFileSync("build/tinyrnn.mvp.wasm"));
  const cases: [Parameters<ReturnType<typeof workletScope>["node"]>[0], string][] = [
    [{ model: WAKE, build: "mvp" }, "mvp"],
    [{ model: WAKE, wasm: mvp }, "mvp"],
    [{ model: WAKE, wasm: new WebAssembly.Module(readFileSync("build/tinyrnn.simd.wasm")) }, "simd"],
  ];
  for (const [options, build] of cases) {
    const node = workletScope(bundle, 16000).node(options);
    assert.equal(readies(node.messages)[0]?.build, build, JSON.stringify(node.messages));
    feed(node, sample16k);
    assert.deepEqual(events(node.messages).map(brief), ["hey_jarvis@5440", "hey_jarvis@12640", "hey_jarvis@18750"], build);
  }
});

test("errors are posted with a code; the processor stays and takes a good model", () => {
  const odd = workletScope(bundle, 44000).node({ model: WAKE });
  assert.deepEqual(errors(odd.messages).map((e) => e.code), ["badSampleRate"]);
  assert.match(errors(odd.messages)[0].message, /44000 Hz.*8000, 16000, 22050, 32000, 44100, 48000 Hz/);
  assert.equal(odd.process([new Float32Array(QUANTUM)]), true);

  const scope = workletScope(bundle, 16000);
  const codes = (options: Parameters<typeof scope.node>[0]) => errors(scope.node(options).messages).map((e) => e.code);
  assert.deepEqual(codes({ model: new Uint8Array(64) }), ["badMagic"]);
  const corrupt = WAKE.slice();
  corrupt[corrupt.length - 100] ^= 1;
  assert.deepEqual(codes({ model: corrupt }), ["badChecksum"]);
  assert.deepEqual(codes({ model: SENSOR }), ["refused"]);
  assert.deepEqual(codes({} as { model: Uint8Array }), ["badOptions"]);
  assert.deepEqual(codes({ model: WAKE, wasm: new Uint8Array(8) }), ["badOptions"]);
  assert.deepEqual(codes({ model: WAKE, build: "fast" as "simd" }), ["badOptions"]);
  assert.deepEqual(codes({ model: WAKE, detector: { threshold: 2 } }), ["badArgument"]);

  const node = scope.node({ model: WAKE });
  feed(node, sample16k, 0, 16000 * 8);
  node.post({ type: "model", model: SENSOR });
  node.post({ type: "model" } as never);
  node.post({ type: "louder" } as never);
  assert.deepEqual(errors(node.messages).map((e) => e.code), ["refused", "badOptions", "badOptions"]);
  feed(node, sample16k, 16000 * 8, sample16k.length);
  assert.deepEqual(events(node.messages).map(brief), ["hey_jarvis@5440", "hey_jarvis@12640", "hey_jarvis@18750"], "the wake model went on");
});

test("process() allocates nothing once started (young-generation bytes over 1,000 quanta)", (t) => {
  const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.space_used_size;
  /** The least growth of the young generation over `rounds` runs of `body` (a run with a scavenge only lowers it: skipped). */
  const leastGrowth = (body: () => void, rounds = 30) => {
    let least = Infinity;
    for (let r = 0; r < rounds; r++) {
      const before = young();
      body();
      const grew = young() - before;
      if (grew >= 0) least = Math.min(least, grew);
    }
    return least;
  };
  const overhead = leastGrowth(() => {});
  for (const scores of [false, true]) {
    const node = workletScope(bundle, 48000).node({ model: WAKE, scores });
    const quantum = [new Float32Array(QUANTUM)];
    let at = 0;
    const run = (n: number) => () => {
      const q = quantum[0];
      for (let i = 0; i < n; i++, at = (at + QUANTUM) % (sample48k.length - QUANTUM)) {
        for (let j = 0; j < QUANTUM; j++) q[j] = sample48k[at + j]; // no subarray: that is an allocation too
        node.process(quantum);
      }
    };
    run(20000)(); // warm up: the first calls compile and tier up
    // 1,000 quanta are 2.7 s of audio, 267 frames; with scores, 53 scores messages (each a Float32Array)
    const grew = leastGrowth(run(1000)) - overhead;
    t.diagnostic(`${grew} bytes over 1,000 quanta, scores ${scores ? "on" : "off"}`);
    // One object per call would be 16 kB at least (KeywordSpotter.push makes an array, a closure and
    // a subarray: > 100 kB); without scores the least seen is 144 bytes, at times 2 kB (the engine's own)
    assert.ok(grew < (scores ? 32 : 8) * 1024, `${grew} bytes allocated in the young generation over 1,000 quanta`);
  }
});

test("what a quantum costs (a figure, not a check)", async (t) => {
  // Measured in this realm: calls from a vm context into the module are several times slower than
  // a worklet's. The bundle is imported as the browser would run it, with the scope's globals set here.
  const g = globalThis as Record<string, unknown>;
  let Processor: (new (options: unknown) => { process(inputs: Float32Array[][]): boolean }) | undefined;
  g.AudioWorkletProcessor = class { port = { onmessage: null, postMessage() {} }; };
  g.registerProcessor = (_name: string, cls: typeof Processor) => { Processor = cls; };
  try {
    await import(pathToFileURL(resolve("dist/worklet.js")).href);
    for (const [build, rateHz] of [["simd", 48000], ["mvp", 48000], ["simd", 16000]] as const) {
      g.sampleRate = rateHz;
      const x = rateHz === 48000 ? sample48k : sample16k;
      const node = new Processor!({ processorOptions: { model: WAKE, build } });
      const quanta = Math.floor(x.length / QUANTUM);
      const inputs = [[new Float32Array(QUANTUM)]];
      const pass = (each?: Float64Array) => {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < quanta; i++) {
          inputs[0][0].set(x.subarray(i * QUANTUM, (i + 1) * QUANTUM));
          const t1 = each ? process.hrtime.bigint() : 0n;
          node.process(inputs);
          if (each) each[i] = Number(process.hrtime.bigint() - t1);
        }
        return Number(process.hrtime.bigint() - t0) / quanta;
      };
      pass(); pass(); // warm up: compile, tier up
      const best = Math.min(pass(), pass(), pass());
      const each = new Float64Array(quanta);
      pass(each);
      each.sort();
      const us = (ns: number) => (ns / 1000).toFixed(1);
      t.diagnostic(`${build} ${rateHz} Hz, hey-jarvis: ${us(best)} µs a quantum over a whole pass (best of 3); one by one ${us(each[quanta >> 1])} median, ` +
        `${us(each[Math.floor(quanta * 0.99)])} p99, ${us(each[quanta - 1])} max; a quantum lasts ${us((QUANTUM / rateHz) * 1e9)} µs`);
    }
  } finally {
    for (const name of ["AudioWorkletProcessor", "registerProcessor", "sampleRate"]) delete g[name];
  }
});
