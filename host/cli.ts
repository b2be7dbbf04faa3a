// The `tinyrnn` command line. The only host file that uses Node built-ins.

import { readFileSync, writeFileSync } from "node:fs";
import { createRuntime, readModel, TinyrnnError, type ParsedModel } from "./index.js";
import { KeywordSpotter } from "./spotter.js";
import { readWav } from "./wav.js";
import { describeLayer } from "./describe.js";
import { readNpyMatrix, writeNpyMatrix } from "./npy.js";

declare const TINYRNN_VERSION: string;
const VERSION = typeof TINYRNN_VERSION === "string" ? TINYRNN_VERSION : "dev";

const USAGE = `usage:
  tinyrnn run <model.tinyrnn> <input.npy> -o <out.npy> [--build simd|mvp]
      stream a float32 [T, F] array through the model step by step; write the outputs [T, O]
  tinyrnn detect <model.tinyrnn> <file.wav> [--json] [--threshold X] [--build simd|mvp]
      spot keywords in a recording: one line per event (with --json, one JSON object per line)
  tinyrnn inspect <model.tinyrnn> [--json]
      print the model's layers, shapes, number types and byte counts
  tinyrnn --version | --help`;

class UsageError extends Error {}

interface Parsed { positional: string[]; flags: Map<string, string | true> }

function parseArgs(args: string[], valued: string[], bare: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("-") && a !== "-") {
      const name = a.replace(/^--?/, "");
      if (valued.includes(name)) {
        if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
        flags.set(name, args[++i]);
      } else if (bare.includes(name)) {
        flags.set(name, true);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`);
  }
}

async function run(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, ["o", "output", "build"], []);
  if (positional.length !== 2) throw new UsageError("run takes a model and an input file");
  const out = (flags.get("o") ?? flags.get("output")) as string | undefined;
  if (!out) throw new UsageError("run needs -o <out.npy>");
  const build = (flags.get("build") ?? "auto") as string;
  if (!["auto", "simd", "mvp"].includes(build)) throw new UsageError(`--build must be simd or mvp, not ${build}`);
  const [modelPath, inputPath] = positional;
  const modelBytes = readFile(modelPath, "model");
  const input = readNpyMatrix(readFile(inputPath, "input"), inputPath);
  const rt = await createRuntime({ build: build as "auto" | "simd" | "mvp" });
  const model = rt.loadModel(modelBytes);
  if (input.cols !== model.inputLen) throw new Error(`${inputPath} has ${input.cols} features per step; ${modelPath} takes ${model.inputLen}`);
  const stream = model.openStream();
  const t0 = performance.now();
  const y = new Float32Array(input.rows * model.outputLen);
  // In chunks, so that a long run can say how far it is (on a terminal only).
  const chunk = 4096, tty = process.stderr.isTTY === true;
  let shown = t0;
  for (let t = 0; t < input.rows; t += chunk) {
    const end = Math.min(input.rows, t + chunk);
    stream.run(input.data.subarray(t * input.cols, end * input.cols), y.subarray(t * model.outputLen, end * model.outputLen));
    if (tty && performance.now() - shown > 1000) {
      shown = performance.now();
      process.stderr.write(`\rtinyrnn: ${end} of ${input.rows} steps (${Math.floor((100 * end) / input.rows)} %)`);
    }
  }
  if (shown !== t0) process.stderr.write("\r\x1b[K");
  const ms = performance.now() - t0;
  try {
    writeFileSync(out, writeNpyMatrix(y, input.rows, model.outputLen));
  } catch (e) {
    throw new Error(`cannot write ${out}: ${(e as Error).message}`);
  }
  process.stderr.write(`tinyrnn: ${input.rows} steps through ${modelPath} (${model.numType}, ${rt.build} build) in ${ms.toFixed(1)} ms; wrote ${out} [${input.rows}, ${model.outputLen}]\n`);
}

async function detect(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, ["threshold", "build"], ["json"]);
  if (positional.length !== 2) throw new UsageError("detect takes a model and a WAV file");
  const build = (flags.get("build") ?? "auto") as string;
  if (!["auto", "simd", "mvp"].includes(build)) throw new UsageError(`--build must be simd or mvp, not ${build}`);
  let threshold: number | undefined;
  if (flags.has("threshold")) {
    threshold = Number(flags.get("threshold"));
    if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number in [0, 1], not ${flags.get("threshold")}`);
  }
  const [modelPath, wavPath] = positional;
  const modelBytes = readFile(modelPath, "model");
  const pcm = readWav(readFile(wavPath, "audio"), wavPath);
  const rt = await createRuntime({ build: build as "auto" | "simd" | "mvp" });
  const model = rt.loadModel(modelBytes);
  // --threshold replaces every label's threshold, including per-label ones from the metadata
  const labels = (model.metadata.labels as string[] | undefined) ?? [];
  const spotter = new KeywordSpotter(model, threshold === undefined ? {} : { threshold, thresholds: Object.fromEntries(labels.map((l) => [l, threshold])) });
  const json = flags.has("json");
  const print = (e: { label: string; score: number; startMs: number; endMs: number }) => {
    if (json) process.stdout.write(JSON.stringify({ label: e.label, score: Number(e.score.toFixed(4)), startMs: Math.round(e.startMs), endMs: Math.round(e.endMs) }) + "\n");
    else process.stdout.write(`${(e.startMs / 1000).toFixed(2).padStart(8)} s – ${(e.endMs / 1000).toFixed(2).padStart(8)} s  ${e.label}  ${e.score.toFixed(3)}\n`);
  };
  const audioSec = pcm.samples.length / pcm.sampleRateHz;
  const tty = process.stderr.isTTY === true && audioSec > 5;
  const chunk = 4096;
  let events = 0;
  let shown = performance.now();
  const t0 = shown;
  for (let i = 0; i < pcm.samples.length; i += chunk) {
    for (const e of spotter.push(pcm.samples.subarray(i, i + chunk), pcm.sampleRateHz)) {
      if (tty) process.stderr.write("\r\x1b[K");
      print(e);
      events++;
    }
    if (tty && performance.now() - shown > 250) {
      shown = performance.now();
      process.stderr.write(`\rtinyrnn: ${(i / pcm.sampleRateHz).toFixed(1)} of ${audioSec.toFixed(1)} s`);
    }
  }
  if (tty) process.stderr.write("\r\x1b[K");
  const wallSec = (performance.now() - t0) / 1000;
  const summary = `${events} event${events === 1 ? "" : "s"} in ${audioSec.toFixed(2)} s of audio (${pcm.sampleRateHz} Hz), ${wallSec.toFixed(3)} s wall, ${Math.round(audioSec / Math.max(wallSec, 1e-6))}× real time (${rt.build} build)`;
  // with --json, stdout holds only the events
  (json ? process.stderr : process.stdout).write((json ? "tinyrnn: " : "") + summary + "\n");
  spotter.dispose();
  model.dispose();
}

async function inspect(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, [], ["json"]);
  if (positional.length !== 1) throw new UsageError("inspect takes one model file");
  const bytes = readFile(positional[0], "model");
  const info: ParsedModel = readModel(bytes);
  // Let the module judge it too: inspect should not call a file good that load would refuse.
  const rt = await createRuntime();
  const model = rt.loadModel(bytes);
  const layers = info.layers.map((l, i) => ({ index: i, ...describeLayer(l, info.numType) }));
  const summary = {
    file: positional[0],
    formatVersion: info.version,
    fileBytes: info.fileBytes,
    numType: info.numType,
    inputLen: info.inputLen,
    outputLen: info.outputLen,
    inputScale: info.inputScale,
    outputScale: info.outputScale,
    weightBytes: model.weightBytes,
    stateBytesPerStream: model.stateBytes,
    scratchBytes: model.scratchBytes,
    layers,
    metadata: info.metadata,
  };
  model.dispose();
  if (flags.has("json")) {
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    return;
  }
  const lines = [
    `${summary.file}: tinyrnn model, format ${summary.formatVersion}, ${summary.numType}, ${summary.fileBytes} bytes`,
    `  input ${summary.inputLen}${info.numType === "int8" ? ` (int16, scale ${summary.inputScale.toExponential(4)})` : " (f32)"}` +
      ` → output ${summary.outputLen}${info.numType === "int8" ? ` (int16, scale ${summary.outputScale.toExponential(4)})` : " (f32)"}`,
    `  weights ${summary.weightBytes} bytes, state ${summary.stateBytesPerStream} bytes per stream, scratch ${summary.scratchBytes} bytes`,
    `  layers:`,
    ...layers.map((l) => `    ${String(l.index).padStart(2)}  ${l.kind.padEnd(6)} ${`${l.inputLen} → ${l.outputLen}`.padEnd(12)} ${l.summary.padEnd(44)} ${l.dtypes.padEnd(34)} ${l.dataBytes} bytes`),
  ];
  const meta = Object.entries(info.metadata).filter(([k]) => k !== "layers");
  if (meta.length) lines.push(`  metadata:`, ...meta.map(([k, v]) => `    ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`));
  process.stdout.write(lines.join("\n") + "\n");
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === "run") await run(rest);
    else if (cmd === "detect") await detect(rest);
    else if (cmd === "inspect") await inspect(rest);
    else if (cmd === "--version" || cmd === "-v") process.stdout.write(`tinyrnn ${VERSION}\n`);
    else if (cmd === "--help" || cmd === "-h" || cmd === "help") process.stdout.write(USAGE + "\n");
    else throw new UsageError(cmd ? `unknown command "${cmd}"` : "no command given");
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tinyrnn: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    const msg = e instanceof TinyrnnError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`tinyrnn: ${msg}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
