// npm run bench:peers (not in CI): tinyrnn against other runtimes people would run the same
// networks on, with the same weights — ONNX Runtime native (onnxruntime-node) and WebAssembly
// (onnxruntime-web, here in Node), TensorFlow.js (wasm backend, else cpu), plain JavaScript — and
// its wake-word pipeline against openWakeWord's. Every peer is checked against tinyrnn's float32
// output before it is timed. What is measured, and how to read it: docs/benchmarks.md.
//
//   npm run bench:peers                  # everything: tables, bench/results/peers.json and .svg
//   npm run bench:peers -- --publish     # … then the README's peers block and docs/peers.svg from that run
//   npm run bench:peers -- --publish-only  # those two from the last bench/results/peers.json, no run
//   npm run bench:peers -- --quick       # a smoke run: few repeats, 1 minute of audio, 1 round
//
// Times: per step, two modes — streaming (one step per call, the state carried: what a wake word or
// a sensor stream does) and whole sequence (one call over 100 steps). All peers of a case are timed
// interleaved, round by round, and each peer's ratio to tinyrnn int8 simd is the median of its
// per-round ratios (bench/timing.ts): on a busy machine the absolute times move, the ratios much less.
// Peak memory: each peer alone in a child process (VmHWM). The peers are installed by this script
// into build/peers (bench/peers/setup.ts).

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import { medianRatio, median, timeInterleavedAsync, type Timing, type TimingOptions } from "./timing.js";
import { installPeers, type ShippedFile } from "./peers/setup.js";
import { writeCaseModels, readCaseModels, SEQ_T, type CaseModel } from "./peers/models.js";
import type { Peer, PeerRun } from "./peers/peer.js";
import { tinyrnnPeer } from "./peers/tinyrnn.js";
import { ortPeer } from "./peers/ort.js";
import { tfjsPeer, loadTf } from "./peers/tfjs.js";
import { jsPeer } from "./peers/js.js";
import { longWav, wakeChild, wakeShips, vmHwm, type WakeRun } from "./peers/wakeword.js";
import { consoleReport, publish, type PeersResult, type CaseResult, type PeerInfo, type Agreement } from "./peers/report.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const log = (s: string) => process.stderr.write(`bench:peers: ${s}\n`);

/** The reference every ratio is taken against, and the float32 reference every output is checked against. */
const RATIO_BASE = "tinyrnn-int8-simd";
const F32_REF = "tinyrnn-f32-simd";
/** max |peer − tinyrnn f32| over 100 steps a float32 peer must stay within to be timed. */
const F32_TOLERANCE = 1e-4;
/** the same for tinyrnn's int8 builds (quantised weights and activations: docs/numbers.md). */
const INT8_TOLERANCE = 0.05;

const QUICK = flag("--quick");
const TIMING: TimingOptions = QUICK ? { warmupMs: 30, repeatMs: 5, repeats: 5 } : { warmupMs: 100, repeatMs: 15, repeats: 21 };
const WAKE_MINUTES = option("--minutes", QUICK ? 1 : 10);
const WAKE_ROUNDS = option("--rounds", QUICK ? 1 : 3);
const RESULTS = "bench/results/peers.json";

/** How to make each runtime, by id: tinyrnn's builds and the peers (TF.js: wasm, or cpu where wasm does not initialise). */
const FACTORIES: { ids: string[]; make: () => Peer | Promise<Peer> }[] = [
  { ids: ["tinyrnn-int8-simd"], make: () => tinyrnnPeer("simd", "int8") },
  { ids: ["tinyrnn-int8-mvp"], make: () => tinyrnnPeer("mvp", "int8") },
  { ids: ["tinyrnn-f32-simd"], make: () => tinyrnnPeer("simd", "f32") },
  { ids: ["ort-node"], make: () => ortPeer("node") },
  { ids: ["ort-web"], make: () => ortPeer("web") },
  {
    ids: ["tfjs-wasm", "tfjs-cpu"],
    make: async () => {
      const { backend, wasmError } = await loadTf();
      if (wasmError) log(`TF.js wasm backend did not initialise (${wasmError}); timing its cpu backend`);
      return tfjsPeer(backend);
    },
  },
  { ids: ["js"], make: () => jsPeer() },
];

/** Every runtime that loads here (`only`: just that one); those that do not, with why. */
async function makePeers(only?: string): Promise<{ peers: Peer[]; failed: PeerInfo[] }> {
  const peers: Peer[] = [];
  const failed: PeerInfo[] = [];
  for (const f of FACTORIES.filter((fa) => only === undefined || fa.ids.includes(only))) {
    try {
      peers.push(await f.make());
    } catch (e) {
      failed.push({ id: f.ids[0], label: f.ids[0], version: "—", numType: "f32", error: (e as Error).message });
      log(`${f.ids[0]} did not load: ${(e as Error).message}`);
    }
  }
  return { peers, failed };
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Infinity : m;
};

/** Busy CPU time of the whole machine so far, ms. */
const cpuBusyMs = () => os.cpus().reduce((a, c) => a + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);

/** One case: open every peer that runs it, check its outputs, time both modes interleaved. */
async function runCase(c: CaseModel, peers: Peer[]): Promise<CaseResult> {
  const opened: { peer: Peer; run: PeerRun }[] = [];
  const agreement: Record<string, Agreement> = {};
  for (const peer of peers.filter((p) => p.supports(c))) {
    try {
      opened.push({ peer, run: await peer.open(c) });
    } catch (e) {
      agreement[peer.id] = { streamMaxAbs: NaN, sequenceMaxAbs: NaN, tolerance: NaN, ok: false, error: (e as Error).message };
      log(`${c.label}: ${peer.label} did not open it: ${(e as Error).message}`);
    }
  }
  const ref = opened.find((o) => o.peer.id === F32_REF)!;
  const refStream = await ref.run.streamOutputs();
  const refSeq = await ref.run.sequenceOutputs();
  const timed: typeof opened = [];
  for (const o of opened) {
    const tolerance = o.peer.numType === "int8" ? INT8_TOLERANCE : F32_TOLERANCE;
    try {
      const streamMaxAbs = maxAbs(await o.run.streamOutputs(), refStream);
      const sequenceMaxAbs = maxAbs(await o.run.sequenceOutputs(), refSeq);
      const ok = streamMaxAbs <= tolerance && sequenceMaxAbs <= tolerance;
      agreement[o.peer.id] = { streamMaxAbs, sequenceMaxAbs, tolerance, ok };
      if (ok) timed.push(o);
      else log(`${c.label}: ${o.peer.label} differs from tinyrnn f32 by ${Math.max(streamMaxAbs, sequenceMaxAbs).toExponential(2)} (> ${tolerance}): not timed`);
    } catch (e) {
      agreement[o.peer.id] = { streamMaxAbs: NaN, sequenceMaxAbs: NaN, tolerance, ok: false, error: (e as Error).message };
      log(`${c.label}: ${o.peer.label} failed: ${(e as Error).message}`);
    }
  }
  const stream = await timeInterleavedAsync(timed.map((o) => (n: number) => o.run.stream(n)), TIMING);
  const seqCalls = await timeInterleavedAsync(timed.map((o) => async (n: number) => {
    for (let i = 0; i < n; i++) await o.run.sequence();
  }), TIMING);
  for (const o of opened) o.run.dispose();
  // per step: a whole-sequence call's time / SEQ_T
  const perStep = (t: Timing): Timing => ({ ...t, medianUs: t.medianUs / SEQ_T, bestUs: t.bestUs / SEQ_T, repeatsUs: t.repeatsUs.map((v) => v / SEQ_T) });
  const sequence = seqCalls.map(perStep);
  const base = timed.findIndex((o) => o.peer.id === RATIO_BASE);
  const modes = (ts: Timing[]) => Object.fromEntries(timed.map((o, i) => [o.peer.id, { timing: ts[i], ratio: medianRatio(ts[i], ts[base]) }]));
  return { id: c.id, label: c.label, kind: c.kind, agreement, stream: modes(stream), sequence: modes(sequence) };
}

/**
 * Run every runtime on the first case for a while before anything is timed: a large WebAssembly
 * module (ONNX Runtime web's) or a JS library (TF.js) tiers up over its first second or so, which
 * the first case's per-runner warm-up alone did not cover (its ratios came out high).
 */
async function warmUp(c: CaseModel, peers: Peer[], ms: number): Promise<void> {
  for (const peer of peers.filter((p) => p.supports(c))) {
    const run = await peer.open(c);
    for (const mode of [(n: number) => run.stream(n), async (n: number) => { for (let i = 0; i < n; i++) await run.sequence(); }]) {
      const t0 = performance.now();
      while (performance.now() - t0 < ms / 2) await mode(16);
    }
    run.dispose();
  }
}

/** A child process of this script; its last stdout line is JSON. */
function child<T>(argv: string[]): T {
  const r = spawnSync(process.execPath, [process.argv[1], "--child", ...argv], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${argv.join(" ")} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

/** In a child: each case this peer runs, opened, streamed and run whole, then closed; or nothing ("none"). */
async function memoryChild(id: string): Promise<{ peakRssBytes: number }> {
  if (id !== "none") {
    const { peers } = await makePeers(id);
    const peer = peers.find((p) => p.id === id);
    if (!peer) throw new Error(`no peer ${id} here`);
    for (const c of readCaseModels().filter((cm) => peer.supports(cm))) {
      const run = await peer.open(c);
      await run.stream(2000);
      for (let i = 0; i < 20; i++) await run.sequence();
      run.dispose();
    }
  } else {
    readCaseModels();
  }
  return { peakRssBytes: vmHwm() };
}

async function main(): Promise<void> {
  if (flag("--child")) {
    const [kind, what, path] = args.slice(args.indexOf("--child") + 1);
    const out = kind === "mem" ? await memoryChild(what) : await wakeChild(what as WakeRun["who"], path);
    console.log(JSON.stringify(out));
    return;
  }
  if (flag("--publish-only")) {
    publish(JSON.parse(readFileSync(RESULTS, "utf8")) as PeersResult);
    return;
  }
  const started = performance.now();
  const cpuStart = cpuBusyMs(), ownStart = process.cpuUsage();
  installPeers(log);
  const cases = writeCaseModels();
  const { peers, failed } = await makePeers();
  log(`peers: ${peers.map((p) => p.label).join(", ")}`);

  await warmUp(cases[0], peers, QUICK ? 200 : 1000);
  const caseResults: CaseResult[] = [];
  for (const c of cases) {
    log(`timing ${c.label} (${peers.filter((p) => p.supports(c)).length} runtimes, streaming and whole sequence) …`);
    caseResults.push(await runCase(c, peers));
  }
  // the parent's own load so far, before the children run
  const wallS = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownStart);
  const otherLoadPct = Math.max(0, (100 * (cpuBusyMs() - cpuStart - (own.user + own.system) / 1000)) / (wallS * 1000 * os.cpus().length));

  log("peak memory: each runtime alone in a child process …");
  const memory: Record<string, number> = {};
  for (const id of ["none", ...peers.map((p) => p.id)]) memory[id] = child<{ peakRssBytes: number }>(["mem", id]).peakRssBytes;

  const total = (files: ShippedFile[], k: "bytes" | "gzipBytes") => (files.some((f) => f[k] === null) ? null : files.reduce((a, f) => a + f[k]!, 0));
  const bytes = Object.fromEntries(peers.map((p) => [p.id, Object.fromEntries(cases.filter((c) => p.supports(c)).map((c) => {
    const files = p.ships(c);
    return [c.id, { files, total: total(files, "bytes")!, gzipTotal: total(files, "gzipBytes") }];
  }))]));

  const wav = longWav(WAKE_MINUTES);
  log(`wake word: ${(wav.audioSec / 60).toFixed(1)} min of audio, tinyrnn and openWakeWord alternately, ${WAKE_ROUNDS} round${WAKE_ROUNDS > 1 ? "s" : ""} …`);
  const rounds: { tinyrnn: WakeRun; openwakeword: WakeRun; ratio: number }[] = [];
  for (let r = 0; r < WAKE_ROUNDS; r++) {
    const tinyrnn = child<WakeRun>(["wake", "tinyrnn", wav.path]);
    const openwakeword = child<WakeRun>(["wake", "openwakeword", wav.path]);
    rounds.push({ tinyrnn, openwakeword, ratio: openwakeword.runMs / tinyrnn.runMs });
  }
  const ships = wakeShips();
  const side = (who: WakeRun["who"]) => ({
    realtime: median(rounds.map((r) => r[who].realtime)),
    cpuRealtime: median(rounds.map((r) => (r[who].audioSec * 1000) / r[who].cpuMs)),
    peakRssBytes: Math.max(...rounds.map((r) => r[who].peakRssBytes)),
    events: rounds[0][who].events,
    bytes: total(ships[who], "bytes")!,
    files: ships[who],
  });

  const cpu = os.cpus();
  const result: PeersResult = {
    when: new Date().toISOString(),
    quick: QUICK,
    machine: { node: process.version, v8: process.versions.v8, platform: `${os.platform()} ${os.arch()}`, cpuModel: cpu[0]?.model ?? "unknown", cpuCount: cpu.length, otherLoadPct },
    method: {
      timing: TIMING,
      ratioBase: RATIO_BASE,
      sequenceSteps: SEQ_T,
      tolerance: { f32: F32_TOLERANCE, int8: INT8_TOLERANCE, against: F32_REF },
      streaming: "one step per call, the state carried between calls, each step's output read into JS; the case's 100 input rows cycled",
      sequence: "one call over [100, I] from zero state; per-step time = the call's time / 100",
      ratios: "every runtime of a case timed round-robin; ratio = median over rounds of (its time / tinyrnn int8 simd's time in the same round)",
      memory: "VmHWM of a child process that loads the runtime and runs each case it supports (2000 streamed steps, 20 sequences), one case at a time; 'none' is the same child loading no runtime",
      bytes: "the files a user ships: the runtime's (a browser app's minified bundles and .wasm; for onnxruntime-node its JS and this platform's native libraries) and the model (the .onnx or .tinyrnn file, or float32 weights at 4 bytes each); gzip -9 where the files go over the wire",
      wakeword: "each pipeline alone in a child process reading the same WAV a block at a time, 80 ms chunks; × real time = audio time / the pipeline's wall time after loading; rounds alternate the two; ratio = median of per-round (openWakeWord time / tinyrnn time)",
    },
    peers: [...peers.map((p): PeerInfo => ({ id: p.id, label: p.label, version: p.version, numType: p.numType })), ...failed],
    cases: caseResults,
    memory: { baselineBytes: memory.none, peakRssBytes: Object.fromEntries(peers.map((p) => [p.id, memory[p.id]])) },
    bytes,
    wakeword: { audioSec: wav.audioSec, source: `models/sample/morning.wav × ${wav.repeats}`, repeats: wav.repeats, rounds, ratio: median(rounds.map((r) => r.ratio)), tinyrnn: side("tinyrnn"), openwakeword: side("openwakeword") },
    totalSeconds: (performance.now() - started) / 1000,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(result, null, 2) + "\n");
  consoleReport(result);
  publish(result, { readme: flag("--publish") });
}

await main();
