// `tinyrnn run` as a user runs it, whole process, against the plain-JavaScript whole process that
// does the same (bench/plain-run.ts): a GRU(40→128) + dense(128→12) head over a 20,000 × 40
// float32 .npy, outputs written as a .npy. Each is a fresh `node` process timed from spawn to
// exit, so the figure holds everything a user waits for: Node's start-up, loading the CLI, compiling
// the module, reading the model and the .npy, the steps, writing the .npy. A bare `node -e 0` is
// timed in the same rounds, the floor under both. Rounds interleave the three; the ratio is the
// median of per-round ratios (bench/timing.ts says why).
//
// The files go to build/bench/cli/: the int8 model (calibrated on two 300-step signals), its float
// weights as JSON for the plain-JS script, the input.
//
// `npm run bench -- cli [rounds] [other/dist/cli.js]`: this comparison alone; with another
// checkout's CLI, that one runs in the same rounds too ("baseline": its times, its ratio to plain
// JS, and whether its output file is byte for byte the same).

import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { buildModel, type GruSpec, type DenseSpec } from "../host/build/index.js";
import { rng, signal, torchGru, torchLinear } from "../host/build/random.js";
import { readNpyMatrix, writeNpyMatrix } from "../host/cli/npy.js";
import { median } from "./timing.js";

export const CLI_STEPS = 20_000;
export const TARGET_CLI_SPEEDUP = 10; // `tinyrnn run` whole process ≥ 10× the plain-JS whole process
const I = 40, H = 128, O = 12;
const DIR = "build/bench/cli";

export interface CliRunResult {
  steps: number;
  model: string;
  repeats: number;
  /** Whole-process wall times per round, ms. */
  tinyrnnMs: number[];
  plainJsMs: number[];
  nodeStartMs: number[];
  /** The steps alone, as `tinyrnn run` reports them on stderr, per round, ms. */
  tinyrnnStepsMs: number[];
  median: { tinyrnnMs: number; plainJsMs: number; nodeStartMs: number; tinyrnnStepsMs: number };
  /** Median of per-round plain-JS / tinyrnn. */
  speedup: number;
  pass: boolean;
  /** max |tinyrnn int8 − plain-JS f32| over every output: both did the same work. */
  maxAbsDiff: number;
  /** Another CLI timed in the same rounds, when one was given. */
  baseline?: { cli: string; ms: number[]; stepsMs: number[]; medianMs: number; medianStepsMs: number; speedup: number; sameOutput: boolean };
}

/** Write the model, the plain-JS weights and the input to build/bench/cli/; returns their paths. */
function prepare() {
  const r = rng(4128);
  const gru: GruSpec = torchGru(r, I, H), head: DenseSpec = torchLinear(r, H, O);
  mkdirSync(DIR, { recursive: true });
  const paths = { model: `${DIR}/gru128.tinyrnn`, weights: `${DIR}/gru128.json`, input: `${DIR}/in.npy`, outTinyrnn: `${DIR}/out.tinyrnn.npy`, outJs: `${DIR}/out.js.npy` };
  writeFileSync(paths.model, buildModel([gru, head], { numType: "int8", calibration: [signal(rng(31), 300, I), signal(rng(32), 300, I)] }));
  const plain = (s: object) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v]));
  writeFileSync(paths.weights, JSON.stringify({ gru: plain(gru), head: plain(head) }));
  writeFileSync(paths.input, writeNpyMatrix(signal(rng(33), CLI_STEPS, I), CLI_STEPS, I));
  return paths;
}

/** Wall time of one process, ms; throws with its stderr when it fails. */
function timeProcess(args: string[]): { ms: number; stderr: string } {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, args, { encoding: "utf8" });
  const ms = performance.now() - t0;
  if (p.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${p.stderr}`);
  return { ms, stderr: p.stderr };
}

const stepsMs = (stderr: string) => Number(/ in ([\d.]+) ms;/.exec(stderr)?.[1] ?? NaN);

/** `repeats` interleaved rounds of tinyrnn run, the plain-JS script and a bare node (and `baselineCli` run). */
export function benchCliRun(repeats = 5, baselineCli?: string): CliRunResult {
  const p = prepare();
  const tinyrnn = ["dist/cli.js", "run", p.model, p.input, "-o", p.outTinyrnn];
  const plainJs = ["build/bench/plain-run.mjs", p.weights, p.input, "-o", p.outJs];
  const outBaseline = `${DIR}/out.baseline.npy`;
  const baseline = baselineCli ? [baselineCli, "run", p.model, p.input, "-o", outBaseline] : undefined;
  const res = { tinyrnnMs: [] as number[], plainJsMs: [] as number[], nodeStartMs: [] as number[], tinyrnnStepsMs: [] as number[] };
  const base = { ms: [] as number[], stepsMs: [] as number[] };
  // one untimed run of each: the files in the page cache, the same for all
  for (const args of [tinyrnn, plainJs, ...(baseline ? [baseline] : [])]) timeProcess(args);
  for (let round = 0; round < repeats; round++) {
    const t = timeProcess(tinyrnn);
    res.tinyrnnMs.push(t.ms);
    res.tinyrnnStepsMs.push(stepsMs(t.stderr));
    res.plainJsMs.push(timeProcess(plainJs).ms);
    res.nodeStartMs.push(timeProcess(["-e", "0"]).ms);
    if (baseline) {
      const b = timeProcess(baseline);
      base.ms.push(b.ms);
      base.stepsMs.push(stepsMs(b.stderr));
    }
  }
  const a = readNpyMatrix(readFileSync(p.outTinyrnn), p.outTinyrnn).data, b = readNpyMatrix(readFileSync(p.outJs), p.outJs).data;
  if (a.length !== b.length) throw new Error(`tinyrnn wrote ${a.length} values, plain JS ${b.length}`);
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
  if (!(maxAbsDiff < 0.1)) throw new Error(`tinyrnn run and the plain-JS run differ by ${maxAbsDiff}: not the same model`);
  const speedup = median(res.plainJsMs.map((js, r) => js / res.tinyrnnMs[r]));
  return {
    steps: CLI_STEPS, model: `GRU(${I}→${H}) + dense(${H}→${O}), int8 (tinyrnn) / float32 (plain JS)`, repeats, ...res,
    median: { tinyrnnMs: median(res.tinyrnnMs), plainJsMs: median(res.plainJsMs), nodeStartMs: median(res.nodeStartMs), tinyrnnStepsMs: median(res.tinyrnnStepsMs) },
    speedup, pass: speedup >= TARGET_CLI_SPEEDUP, maxAbsDiff,
    baseline: baselineCli ? {
      cli: baselineCli, ...base, medianMs: median(base.ms), medianStepsMs: median(base.stepsMs),
      speedup: median(res.plainJsMs.map((js, r) => js / base.ms[r])),
      sameOutput: Buffer.compare(readFileSync(p.outTinyrnn), readFileSync(outBaseline)) === 0,
    } : undefined,
  };
}

/** The result in one paragraph for the bench's output. */
export function formatCliRun(r: CliRunResult): string {
  const m = r.median;
  return `tinyrnn run, whole process: ${r.steps.toLocaleString("en")} steps of ${r.model}, .npy in and out; medians of ${r.repeats} interleaved rounds\n` +
    `  tinyrnn run ${m.tinyrnnMs.toFixed(0)} ms (node start-up ${m.nodeStartMs.toFixed(0)} ms, steps ${m.tinyrnnStepsMs.toFixed(0)} ms, the rest ${(m.tinyrnnMs - m.nodeStartMs - m.tinyrnnStepsMs).toFixed(0)} ms); ` +
    `plain JS ${m.plainJsMs.toFixed(0)} ms\n` +
    `  ${r.speedup.toFixed(1)}× the plain-JS whole process (target ≥ ${TARGET_CLI_SPEEDUP}×: ${r.pass ? "pass" : "FAIL"}); outputs within ${r.maxAbsDiff.toFixed(4)} of each other` +
    (r.baseline ? `\n  baseline ${r.baseline.cli}: ${r.baseline.medianMs.toFixed(0)} ms (steps ${r.baseline.medianStepsMs.toFixed(0)} ms), ${r.baseline.speedup.toFixed(1)}× plain JS; ` +
      `its output ${r.baseline.sameOutput ? "byte for byte the same" : "DIFFERS"}` : "");
}
