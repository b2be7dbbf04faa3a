// npm run bench: per-step time of each recurrent layer kind on both builds of the module and
// against plain-JS float, the module's own int8 matvec peak, and the module sizes, checked against
// the targets in DESIGN.md ("Targets"), and what opening and disposing a stream costs with many
// others open. Prints a table; writes bench/results/latest.json.
//
// What is timed: the module's ABI called directly — streamStep(stream, input, output) with the
// input sequence already in linear memory (f32 in, f32 out; int8 models quantise the input and
// dequantise the output inside the call, as every user's step does). The host wrapper
// Stream.step(x, out), which copies in and out of linear memory, is timed too ("via Stream.step").
// No allocation happens inside a timed loop.
//
// Peak: dense N×N layers (no activation) for a few N; the best int8 simd GMAC/s is "the peak".
// Every recurrent case is timed interleaved with its variants and with the peak probe at the best
// N, and its "% of peak" and "× JS" are medians of per-round ratios (bench/timing.ts says why).
//
// MAC counting: bench/cases.ts. Plain-JS float twins: bench/jsfloat.ts.

import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync, openSync, writeSync, closeSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import { createRuntime, wasmBuilds, KeywordSpotter, defaultFrontendConfig, FEATURE_SCALE, type Runtime, type NumType } from "../host/runtime/index.js";
import { buildModel, ReferenceModel, Frontend, type LayerSpec } from "../host/build/index.js";
import { rng, signal, torchGru, torchLinear } from "../host/build/random.js";
import { RECURRENT_CASES, PEAK_SIZES, LIVE_STREAMS, denseSpecs } from "./cases.js";
import { timeInterleaved, medianRatio, DEFAULT_TIMING, type Timing } from "./timing.js";
import type { JsStep } from "./jsfloat.js";
import { benchCliRun, formatCliRun, TARGET_CLI_SPEEDUP } from "./cli.js";

const TARGET_PEAK_FRACTION = 0.5; // int8 step ≥ 50 % of the measured dot_i16x8 peak, hidden ≥ 64
const TARGET_JS_SPEEDUP = 10; // int8 step ≥ 10× the plain-JS float step
const TARGET_MODULE_BYTES = 32 * 1024; // simd module ≤ 32 KiB raw
const SEQ_STEPS = 128; // distinct precomputed input vectors, cycled through while timing

type Build = "simd" | "mvp";

/** Something to time: run(n) performs n steps; dispose() frees what it loaded. */
interface Runner {
  run(n: number): void;
  dispose(): void;
}

interface Measured extends Timing {
  gmacPerS: number;
}

const gmac = (macs: number, us: number) => macs / us / 1e3;
const measured = (t: Timing, macs: number): Measured => ({ ...t, gmacPerS: gmac(macs, t.medianUs) });

/** streamStep through the raw ABI over a precomputed input sequence in linear memory. */
function rawRunner(rt: Runtime, modelBytes: Uint8Array, seq: Float32Array): Runner {
  const model = rt.loadModel(modelBytes);
  const stream = model.openStream();
  const I = model.inputLen;
  const T = seq.length / I;
  const seqPtr = rt.alloc(seq.length * 4, "bench input sequence");
  rt.f32.set(seq, seqPtr >> 2);
  const ex = rt.exports;
  const h = stream.handle, out = model.io.out, stride = I * 4;
  let t = 0;
  let rc = 0;
  return {
    run(n) {
      for (let i = 0; i < n; i++) {
        rc |= ex.streamStep(h, seqPtr + t * stride, out);
        if (++t === T) t = 0;
      }
    },
    dispose() {
      if (rc < 0) rt.check(rc, "bench step");
      ex.memFree(seqPtr);
      model.dispose();
    },
  };
}

/** The host wrapper Stream.step(x, out), with the input views and output made beforehand. */
function wrapperRunner(rt: Runtime, modelBytes: Uint8Array, seq: Float32Array): Runner {
  const model = rt.loadModel(modelBytes);
  const stream = model.openStream();
  const I = model.inputLen;
  const T = seq.length / I;
  const xs = Array.from({ length: T }, (_, t) => seq.subarray(t * I, (t + 1) * I));
  const out = new Float32Array(model.outputLen);
  let t = 0;
  return {
    run(n) {
      for (let i = 0; i < n; i++) {
        stream.step(xs[t], out);
        if (++t === T) t = 0;
      }
    },
    dispose() { model.dispose(); },
  };
}

function jsRunner(js: JsStep, seq: Float32Array): Runner {
  const I = js.inputLen;
  const T = seq.length / I;
  let t = 0;
  let sink = 0;
  return {
    run(n) {
      for (let i = 0; i < n; i++) {
        sink += js.step(seq, t * I)[0];
        if (++t === T) t = 0;
      }
    },
    dispose() {
      if (Number.isNaN(sink)) throw new Error("the JS float step produced NaN");
    },
  };
}

/** Time runners interleaved, then free them. */
function timeRunners(runners: Runner[]): Timing[] {
  try {
    return timeInterleaved(runners.map((r) => r.run));
  } finally {
    for (const r of runners) r.dispose();
  }
}

/** max |JS f32 twin − float64 reference| over a sequence: the twin computes the same layer. */
function checkJs(specs: LayerSpec[], js: JsStep, seq: Float32Array): number {
  const ref = new ReferenceModel(specs);
  js.reset();
  let err = 0;
  for (let t = 0; t < seq.length / js.inputLen; t++) {
    const want = ref.step(seq.subarray(t * js.inputLen, (t + 1) * js.inputLen));
    const got = js.step(seq, t * js.inputLen);
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  js.reset();
  return err;
}

const notLanded = (e: unknown) => e instanceof Error && /not supported yet/.test(e.message);

/** Busy CPU time of the whole machine so far, ms (to tell how much other processes ran meanwhile). */
function cpuBusyMs(): number {
  return os.cpus().reduce((a, c) => a + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

// `npm run bench -- cli [rounds] [other/dist/cli.js]`: only `tinyrnn run` against plain JS, whole
// process (bench/cli.ts).
if (process.argv[2] === "cli") {
  console.log(formatCliRun(benchCliRun(process.argv[3] ? Number(process.argv[3]) : undefined, process.argv[4])));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------

const started = performance.now();
const cpuStart = cpuBusyMs(), ownStart = process.cpuUsage();
const runtimes: Record<Build, Runtime> = {
  simd: await createRuntime({ build: "simd" }),
  mvp: await createRuntime({ build: "mvp" }),
};
if (runtimes.simd.build !== "simd") throw new Error("this engine has no WebAssembly SIMD: the bench needs it");

// 1. The module's own matvec peak: dense N×N, no activation.
interface PeakRow { n: number; macs: number; int8Simd: Measured; int8Mvp: Measured; f32Simd: Measured }
const peakModels = PEAK_SIZES.map((N) => {
  const specs = denseSpecs(N);
  return {
    N,
    seq: signal(rng(22), SEQ_STEPS, N),
    int8: buildModel(specs, { numType: "int8", calibration: [signal(rng(21), 48, N)] }),
    f32: buildModel(specs, { numType: "f32" }),
  };
});
const peakTimings = timeRunners(peakModels.flatMap((p) => [
  rawRunner(runtimes.simd, p.int8, p.seq), rawRunner(runtimes.mvp, p.int8, p.seq), rawRunner(runtimes.simd, p.f32, p.seq),
]));
const peakRows: PeakRow[] = peakModels.map((p, i) => ({
  n: p.N, macs: p.N * p.N,
  int8Simd: measured(peakTimings[3 * i], p.N * p.N),
  int8Mvp: measured(peakTimings[3 * i + 1], p.N * p.N),
  f32Simd: measured(peakTimings[3 * i + 2], p.N * p.N),
}));
const best = <T>(rows: T[], key: (r: T) => number) => rows.reduce((a, b) => (key(b) > key(a) ? b : a));
const peakRow = best(peakRows, (r) => r.int8Simd.gmacPerS);
const peakSimd = peakRow.int8Simd.gmacPerS;
const peakMvp = best(peakRows, (r) => r.int8Mvp.gmacPerS).int8Mvp.gmacPerS;
const peakF32 = best(peakRows, (r) => r.f32Simd.gmacPerS).f32Simd.gmacPerS;
const probe = peakModels.find((p) => p.N === peakRow.n)!;

// 2. Recurrent layers.
interface CaseRow {
  kind: string; shape: string; hiddenLen: number; macsPerStep: number; macFormula: string;
  status: "ok" | "not landed";
  int8Simd?: Measured; int8Mvp?: Measured; f32Simd?: Measured; js?: Measured;
  wrapperInt8Simd?: Timing;
  /** The peak probe (dense at the peak's N, int8 simd), timed in the same rounds as this case. */
  probe?: Measured;
  /** max |JS float32 twin − host float64 reference| over 32 steps. */
  jsMaxAbsErrVsReference?: number;
  /** Medians of per-round ratios (against the probe and the JS twin of the same round). */
  pctOfPeak?: number; speedupVsJs?: number;
  passPeak?: boolean; passJs?: boolean;
}
const caseRows: CaseRow[] = [];
for (const c of RECURRENT_CASES) {
  const base = { kind: c.kind, shape: c.shape, hiddenLen: c.hiddenLen, macsPerStep: c.macsPerStep, macFormula: c.macFormula };
  let specs: LayerSpec[], int8: Uint8Array, f32: Uint8Array;
  const calib = [signal(rng(31), 300, c.inputLen), signal(rng(32), 300, c.inputLen)];
  try {
    specs = c.specs();
    int8 = buildModel(specs, { numType: "int8", calibration: calib });
    f32 = buildModel(specs, { numType: "f32" });
  } catch (e) {
    if (!notLanded(e)) throw e;
    caseRows.push({ ...base, status: "not landed" });
    continue;
  }
  const seq = signal(rng(33), SEQ_STEPS, c.inputLen);
  const js = c.js(specs);
  const jsErr = checkJs(specs, js, seq.subarray(0, 32 * c.inputLen));
  const [i8s, i8m, f32s, jsT, wrap, pr] = timeRunners([
    rawRunner(runtimes.simd, int8, seq), rawRunner(runtimes.mvp, int8, seq), rawRunner(runtimes.simd, f32, seq),
    jsRunner(js, seq), wrapperRunner(runtimes.simd, int8, seq), rawRunner(runtimes.simd, probe.int8, probe.seq),
  ]);
  const probeMacs = probe.N * probe.N;
  // % of peak in one round = (MACs / t_case) / (probeMacs / t_probe)
  const pctOfPeak = (100 * c.macsPerStep) / probeMacs / medianRatio(i8s, pr);
  const speedupVsJs = medianRatio(jsT, i8s);
  caseRows.push({
    ...base, status: "ok",
    int8Simd: measured(i8s, c.macsPerStep), int8Mvp: measured(i8m, c.macsPerStep), f32Simd: measured(f32s, c.macsPerStep),
    js: measured(jsT, c.macsPerStep), wrapperInt8Simd: wrap, probe: measured(pr, probeMacs),
    jsMaxAbsErrVsReference: jsErr,
    pctOfPeak, speedupVsJs,
    passPeak: c.hiddenLen < 64 ? undefined : pctOfPeak >= 100 * TARGET_PEAK_FRACTION,
    passJs: speedupVsJs >= TARGET_JS_SPEEDUP,
  });
}

// 3. Module sizes.
// Keyword spotting: audio through the module, per 10 ms hop — the frontend alone (resampler,
// window, FFT, mel, noise reduction, PCAN, log) and with a GRU(40→64) + softmax head stepped in
// place on its features. Real-time factor = 10 ms of audio / time per hop.
const HOP_MS = 10;
const TARGET_REALTIME = 1000; // keyword spotting end to end ≥ 1000× real time, simd build

/** One hop of audio (rate/100 samples) per step, from a precomputed second of audio in linear memory. */
function audioRunner(rt: Runtime, rateHz: number, numType: NumType, modelBytes?: Uint8Array): Runner {
  // with a model: the module's whole pipeline through KeywordSpotter (resampler, frontend, model,
  // detector), as a user runs it; without: the frontend alone
  const model = modelBytes ? rt.loadModel(modelBytes) : undefined;
  const spotter = model ? new KeywordSpotter(model) : undefined;
  const fe = spotter ? undefined : new Frontend(rt, defaultFrontendConfig(rateHz), numType);
  const ex = rt.exports;
  const frame = fe ? rt.alloc(fe.frameBytes, "bench frame") : 0;
  // a second of speech-band audio: a few tones wandering in pitch over noise
  const n = rateHz;
  const audio = Int16Array.from({ length: n }, (_, i) => {
    const t = i / rateHz;
    return Math.round(3000 * Math.sin(2 * Math.PI * (300 + 200 * Math.sin(3 * t)) * t) + 1500 * Math.sin(2 * Math.PI * 1200 * t) + 800 * Math.sin(i * 12.9898) * Math.cos(i * 78.233));
  });
  const audioPtr = rt.alloc(n * 2, "bench audio");
  rt.i16.set(audio, audioPtr >> 1);
  const hop = rateHz / 100;
  const hops = Array.from({ length: 100 }, (_, k) => audio.subarray(k * hop, (k + 1) * hop));
  let pos = 0, rc = 0, k = 0;
  return {
    run(steps) {
      if (spotter) {
        for (let s = 0; s < steps; s++, k = (k + 1) % 100) spotter.push(hops[k], rateHz);
        return;
      }
      for (let s = 0; s < steps; s++) {
        let left = hop;
        while (left > 0) {
          const r = ex.frontendPush(fe!.handle, audioPtr + pos * 2, Math.min(left, n - pos), 0, frame);
          if (r < 0) { rc = r; return; }
          const used = r >>> 1;
          pos += used;
          left -= used;
          if (pos === n) pos = 0;
        }
      }
    },
    dispose() {
      if (rc < 0) rt.check(rc, "bench audio");
      ex.memFree(audioPtr);
      if (frame) ex.memFree(frame);
      spotter?.dispose();
      model?.dispose();
      fe?.dispose();
    },
  };
}

const kwsSpecs: LayerSpec[] = [torchGru(rng(4064), 40, 64), torchLinear(rng(4012), 64, 12, "softmax")];
const kwsFeatures = (() => {
  const fe = new Frontend(runtimes.simd, defaultFrontendConfig(16000), "f32");
  const f = fe.features(Float32Array.from({ length: 32000 }, (_, i) => 0.2 * Math.sin(i * 0.3) * Math.sin(i * 0.0007) + 0.05 * Math.sin(i * 12.9898)));
  fe.dispose();
  return f;
})();
const kwsMetadata = { labels: Array.from({ length: 12 }, (_, i) => `label${i}`), frontend: {} };
const kwsModels = {
  int8: buildModel(kwsSpecs, { numType: "int8", calibration: [kwsFeatures], inputScale: FEATURE_SCALE, metadata: kwsMetadata }),
  f32: buildModel(kwsSpecs, { numType: "f32", metadata: kwsMetadata }),
};
interface AudioRow { pipeline: string; rateHz: number; int8Simd: Timing; int8Mvp: Timing; f32Simd: Timing }
const audioRows: AudioRow[] = [];
for (const [pipeline, withModel] of [["frontend", false], ["pipeline: frontend + GRU(40→64) + head + detector", true]] as const) {
  for (const rateHz of [16000, 48000]) {
    const [int8Simd, int8Mvp, f32Simd] = timeRunners([
      audioRunner(runtimes.simd, rateHz, "int8", withModel ? kwsModels.int8 : undefined),
      audioRunner(runtimes.mvp, rateHz, "int8", withModel ? kwsModels.int8 : undefined),
      audioRunner(runtimes.simd, rateHz, "f32", withModel ? kwsModels.f32 : undefined),
    ]);
    audioRows.push({ pipeline, rateHz, int8Simd, int8Mvp, f32Simd });
  }
}
const realtime = (t: Timing) => (HOP_MS * 1000) / t.medianUs;

// Stream open + dispose: streamOpen then streamFree through the raw ABI, the keyword spotter's
// int8 model, with other streams of it left open — each count in a runtime of its own. The
// allocator's work per call must not grow with the blocks it holds (two per open stream).
/** One open + dispose per step, with `live` other streams of the model open meanwhile. */
function openDisposeRunner(rt: Runtime, modelBytes: Uint8Array, live: number): Runner {
  const model = rt.loadModel(modelBytes);
  const ex = rt.exports, m = model.handle;
  const others = Array.from({ length: live }, () => rt.check(ex.streamOpen(m), "bench: opening a stream"));
  let rc = 0;
  return {
    run(n) {
      for (let i = 0; i < n; i++) {
        const s = ex.streamOpen(m);
        if (s < 0) { rc = s; return; }
        ex.streamFree(s);
      }
    },
    dispose() {
      if (rc < 0) rt.check(rc, "bench stream open + dispose");
      for (const s of others) rt.check(ex.streamFree(s), "bench: disposing a stream");
      model.dispose();
    },
  };
}
interface OpenDisposeRow { liveStreams: number; int8Simd: Timing; int8Mvp: Timing; simdVsOneLive: number; mvpVsOneLive: number }
const openDisposeStateBytes = (() => {
  const m = runtimes.simd.loadModel(kwsModels.int8);
  const n = m.stateBytes;
  m.dispose();
  return n;
})();
const openDispose = await (async () => {
  const runners: Runner[] = [];
  for (const live of LIVE_STREAMS) {
    for (const build of ["simd", "mvp"] as const) runners.push(openDisposeRunner(await createRuntime({ build }), kwsModels.int8, live));
  }
  const t = timeRunners(runners);
  return LIVE_STREAMS.map((liveStreams, i): OpenDisposeRow => ({
    liveStreams, int8Simd: t[2 * i], int8Mvp: t[2 * i + 1],
    simdVsOneLive: medianRatio(t[2 * i], t[0]), mvpVsOneLive: medianRatio(t[2 * i + 1], t[1]),
  }));
})();

const sizes = { simd: wasmBuilds.simd.byteLength, mvp: wasmBuilds.mvp.byteLength };

// ---------------------------------------------------------------------------------------------
// `tinyrnn detect` as a user runs it, whole process, on a long file: the sample repeated to two
// hours (230 MB of 16 kHz PCM16), written once to build/bench/. Peak RSS from /usr/bin/time when
// the machine has it.

const LONG_HOURS = 2;
function detectLongFile(): { audioSec: number; wallSec: number; realtime: number; peakRssBytes: number | null; events: number } {
  const path = "build/bench/long.wav";
  const sample = readFileSync("models/sample/morning.wav");
  const dataAt = sample.indexOf("data") + 8;
  const data = sample.subarray(dataAt);
  const reps = Math.ceil((LONG_HOURS * 3600 * 16000 * 2) / data.length);
  if (!existsSync(path) || statSync(path).size !== 44 + reps * data.length) {
    mkdirSync("build/bench", { recursive: true });
    const header = Buffer.from(sample.subarray(0, 44));
    header.writeUInt32LE(36 + reps * data.length, 4);
    header.writeUInt32LE(reps * data.length, 40);
    const fd = openSync(path, "w");
    writeSync(fd, header);
    for (let i = 0; i < reps; i++) writeSync(fd, data);
    closeSync(fd);
  }
  const audioSec = (reps * data.length) / 32000;
  const args = ["dist/cli.js", "detect", "models/hey-jarvis/hey-jarvis.tinyrnn", path];
  const timed = existsSync("/usr/bin/time");
  const t0 = performance.now();
  const r = timed ? spawnSync("/usr/bin/time", ["-v", process.execPath, ...args], { encoding: "utf8" }) : spawnSync(process.execPath, args, { encoding: "utf8" });
  const wallSec = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tinyrnn detect failed: ${r.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  const events = /^(\d+) events? in/m.exec(r.stdout)?.[1];
  return { audioSec, wallSec, realtime: audioSec / wallSec, peakRssBytes: rss ? Number(rss[1]) * 1024 : null, events: Number(events ?? 0) };
}
const detectLong = detectLongFile();

// `tinyrnn run` as a user runs it, whole process, against a plain-JS script doing the same.
const cliRun = benchCliRun();

// ---------------------------------------------------------------------------------------------
// Report.

const wallS = (performance.now() - started) / 1000;
const cpuEnd = cpuBusyMs(), ownEnd = process.cpuUsage(ownStart);
const ownCpuMs = (ownEnd.user + ownEnd.system) / 1000;
const otherLoadPct = Math.max(0, (100 * (cpuEnd - cpuStart - ownCpuMs)) / (wallS * 1000 * os.cpus().length));

const f = (v: number | undefined, d = 1) => (v === undefined ? "—" : v.toFixed(d));
const us = (t: Timing | undefined) => (t === undefined ? "—" : `${t.medianUs.toFixed(2)} [${t.bestUs.toFixed(2)}]`);
const pf = (ok: boolean | undefined) => (ok === undefined ? "—" : ok ? "pass" : "FAIL");
function table(head: string[], rows: string[][], leftCols = 1): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftCols ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

const cpu = os.cpus();
const machine = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.arch()}`,
  cpuModel: cpu[0]?.model ?? "unknown",
  cpuCount: cpu.length,
  totalMemBytes: os.totalmem(),
  otherLoadPct,
};
const T = DEFAULT_TIMING;
console.log(`tinyrnn bench — node ${machine.node} (V8 ${machine.v8}), ${machine.cpuModel} × ${machine.cpuCount}, ${machine.platform}`);
console.log("timed: streamStep through the raw ABI, inputs precomputed in linear memory; models = the layer alone, no head");
console.log(`times: µs per step, median of ${T.repeats} interleaved repeats of ≥ ${T.repeatMs} ms after ${T.warmupMs} ms warm-up, [fastest repeat]`);
console.log(`other processes kept ${otherLoadPct.toFixed(0)} % of the ${cpu.length} CPUs busy meanwhile${otherLoadPct > 10 ? " (absolute times are disturbed; per-round ratios much less)" : ""}\n`);

console.log("Matrix-vector peak: one dense N×N int8 layer, no activation; GMAC/s = N² / median step time");
console.log(table(
  ["dense", "int8 simd µs", "GMAC/s", "int8 mvp µs", "GMAC/s", "f32 simd µs", "GMAC/s"],
  peakRows.map((r) => [`${r.n}×${r.n}`, us(r.int8Simd), f(r.int8Simd.gmacPerS, 2), us(r.int8Mvp), f(r.int8Mvp.gmacPerS, 2),
    us(r.f32Simd), f(r.f32Simd.gmacPerS, 2)]),
));
console.log(`peak: int8 simd ${peakSimd.toFixed(2)} GMAC/s (at ${peakRow.n}×${peakRow.n}, the probe timed alongside every case below); ` +
  `int8 mvp ${peakMvp.toFixed(2)}; f32 simd ${peakF32.toFixed(2)}\n`);

const okRows = caseRows.filter((r) => r.status === "ok");
const missing = caseRows.filter((r) => r.status !== "ok");
console.log("Recurrent step time, µs per step: median [fastest]");
console.log(table(
  ["layer", "shape", "MAC/step", "int8 simd", "int8 mvp", "f32 simd", "JS f32", "int8 simd via Stream.step"],
  caseRows.map((r) => [r.kind, r.shape, String(r.macsPerStep), r.status === "ok" ? us(r.int8Simd) : r.status, us(r.int8Mvp),
    us(r.f32Simd), us(r.js), us(r.wrapperInt8Simd)]),
  2,
));

console.log("\nThroughput, GMAC/s (from medians), and targets (medians of per-round ratios)");
console.log(table(
  ["layer", "shape", "int8 simd", "int8 mvp", "f32 simd", "JS f32", "% of peak", "≥ 50 %", "× JS f32", "≥ 10×"],
  okRows.map((r) => [r.kind, r.shape, f(r.int8Simd!.gmacPerS, 2), f(r.int8Mvp!.gmacPerS, 2), f(r.f32Simd!.gmacPerS, 2),
    f(r.js!.gmacPerS, 2), f(r.pctOfPeak), pf(r.passPeak), f(r.speedupVsJs), pf(r.passJs)]),
  2,
));
if (missing.length) console.log(`not measured (kernel not on this branch yet): ${missing.map((r) => `${r.kind} ${r.shape}`).join(", ")}`);

console.log("\nKeyword spotting: one 10 ms hop of int16 audio per step (input rate → 16 kHz → 40 log-mel features [→ model]); real-time factor = 10 ms / median time per hop");
console.log(table(
  ["pipeline", "input", "int8 simd µs", "× real time", "int8 mvp µs", "× real time", "f32 simd µs", "× real time", "≥ 1000× (simd)"],
  audioRows.map((r) => [r.pipeline, `${r.rateHz / 1000} kHz`, us(r.int8Simd), f(realtime(r.int8Simd), 0), us(r.int8Mvp), f(realtime(r.int8Mvp), 0),
    us(r.f32Simd), f(realtime(r.f32Simd), 0), pf(realtime(r.int8Simd) >= TARGET_REALTIME)]),
  2,
));

console.log(`\nStream open + dispose (streamOpen, streamFree), GRU(40→64) + head int8, ${openDisposeStateBytes} B of state; µs per open + dispose, and × the time with 1 other stream open (median of per-round ratios)`);
console.log(table(
  ["other streams open", "int8 simd µs", "× 1 open", "int8 mvp µs", "× 1 open"],
  openDispose.map((r) => [String(r.liveStreams), us(r.int8Simd), f(r.simdVsOneLive, 2), us(r.int8Mvp), f(r.mvpVsOneLive, 2)]),
));

console.log(`\ntinyrnn detect, whole process, one core: ${(detectLong.audioSec / 3600).toFixed(2)} h of 16 kHz audio in ${detectLong.wallSec.toFixed(2)} s = ` +
  `${detectLong.realtime.toFixed(0)}× real time (target ≥ 1000×: ${pf(detectLong.realtime >= TARGET_REALTIME)}), ` +
  `peak RSS ${detectLong.peakRssBytes === null ? "— (no /usr/bin/time)" : `${(detectLong.peakRssBytes / 2 ** 20).toFixed(0)} MB (target ≤ 150 MB: ${pf(detectLong.peakRssBytes <= 150 * 2 ** 20)})`}, ${detectLong.events} events`);

console.log(`\n${formatCliRun(cliRun)}`);

const sizeRows = (["simd", "mvp"] as const).map((b) => [b, String(sizes[b]), (sizes[b] / 1024).toFixed(2),
  `${((100 * sizes[b]) / TARGET_MODULE_BYTES).toFixed(1)} %`, b === "simd" ? pf(sizes[b] <= TARGET_MODULE_BYTES) : "(no target)"]);
console.log("\nModule size (raw .wasm)");
console.log(table(["build", "bytes", "KiB", "of 32 KiB", "≤ 32 KiB"], sizeRows));

console.log(`\nbench took ${wallS.toFixed(1)} s; JSON: bench/results/latest.json`);

const result = {
  when: new Date().toISOString(),
  machine,
  method: {
    timed: "streamStep(stream, input, output) through runtime.exports, input sequence precomputed in linear memory; wrapper = Stream.step(x, out)",
    timing: T,
    interleaving: "each case's variants and the peak probe are timed round-robin; % of peak and × JS are medians of per-round ratios",
    sequenceSteps: SEQ_STEPS,
    models: "the recurrent layer alone, no head; PyTorch-style uniform(±1/√fan) weights; int8 calibrated on two 300-step signals",
    macs: "weight-matrix multiply-accumulates at logical (unpadded) shapes; elementwise work not counted (bench/cases.ts)",
    peak: `best int8 simd GMAC/s (median) over dense N×N layers, no activation, N in ${PEAK_SIZES.join(", ")}`,
  },
  targets: { peakFraction: TARGET_PEAK_FRACTION, jsSpeedup: TARGET_JS_SPEEDUP, moduleBytes: TARGET_MODULE_BYTES, keywordSpottingRealtime: TARGET_REALTIME, cliRunSpeedup: TARGET_CLI_SPEEDUP },
  peak: { int8SimdGmacPerS: peakSimd, probeN: peakRow.n, int8MvpGmacPerS: peakMvp, f32SimdGmacPerS: peakF32, rows: peakRows },
  cases: caseRows,
  keywordSpotting: audioRows.map((r) => ({ ...r, realtime: { int8Simd: realtime(r.int8Simd), int8Mvp: realtime(r.int8Mvp), f32Simd: realtime(r.f32Simd) } })),
  streamOpenDispose: { model: "GRU(40→64) + head, int8", stateBytes: openDisposeStateBytes, rows: openDispose },
  moduleBytes: { ...sizes, simdPass: sizes.simd <= TARGET_MODULE_BYTES },
  detectLongFile: detectLong,
  cliRun,
  totalSeconds: wallS,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", JSON.stringify(result, null, 2) + "\n");
