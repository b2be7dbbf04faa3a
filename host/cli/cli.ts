// The `tinyrnn` command line. Node built-ins are used here and in its file helpers (host/cli/), and
// by no file the runtime or the evaluation bundles.

import { writeFileSync, writeSync, readdirSync, statSync, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, basename, dirname, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
// The package's entries, imported at run time from dist/ (host/bundle.mjs): the CLI carries only
// its own code, not another copy of the runtime, the converter or the evaluation. The build tools
// (dist/build.js, 200 KB: the converter) are imported by the commands that use them, when they run
// (`await import`): `run` and `detect` do not wait for them to load.
import { Runtime, readModel, TinyrnnError, KeywordSpotter, frontendSettings, readWav, FEATURE_SCALE, type ParsedModel, type FrontendSettings, type Stream } from "../runtime/core.js";
import type { Clipping } from "../build/index.js";
import { formatEval, detSvg } from "../eval/index.js";
import { readWavPieces } from "./wav-file.js";
import * as C from "../runtime/constants.js";
import { readNpyMatrix, readNpySequences, npyMatrixFile } from "./npy.js";
import { evalFiles, loadModel, readBytes as readFile, ModelRefused } from "./eval-files.js";

declare const TINYRNN_VERSION: string;

/**
 * The module's builds, read from the package's build/ beside dist/ (the CLI does not embed them,
 * so the package holds them once as files and once in the runtime bundle). "auto": SIMD when the
 * engine has it.
 */
function createRuntime({ build }: { build?: "auto" | "simd" | "mvp" } = {}): Promise<Runtime> {
  // A command runs the module for seconds to hours: compile it optimised up front instead of
  // starting in V8's baseline tier and tiering up while it runs (3-5 % faster on a long detect).
  setFlagsFromString("--no-wasm-dynamic-tiering");
  const file = (b: string) => readFileSync(new URL(`../build/tinyrnn.${b}.wasm`, import.meta.url));
  return Runtime.create(build === "simd" || build === "mvp" ? file(build) : { simd: file("simd"), mvp: file("mvp") });
}
const VERSION = typeof TINYRNN_VERSION === "string" ? TINYRNN_VERSION : "dev";

const USAGE = `usage:
  tinyrnn run <model.tinyrnn> <input.npy> -o <out.npy> [--build simd|mvp]
      stream a float32 [T, F] array through the model step by step; write the outputs [T, O]
  tinyrnn detect <model.tinyrnn> <file.wav> [--json] [--threshold X] [--build simd|mvp]
      spot keywords in a recording: one line per event (with --json, one JSON object per line)
  tinyrnn convert <model.onnx|model.safetensors> -o <model.tinyrnn> [--dtype int8|f32] [--calibrate <data.npy|wav-folder>]
                  [--clip minmax|percentile[:P]] [--labels a,b,c] [--metadata meta.json] [--arch arch.json] [--report report.json]
      bring a PyTorch/ONNX model to tinyrnn; int8 needs calibration data and prints what quantisation cost
  tinyrnn eval <model.tinyrnn> <testset-dir> [--json] [--threshold X] [--sweep] [--plot det.svg] [--build simd|mvp]
      measure a model on a test set (<dir>/testset.json, see docs/evaluation.md): accuracy, recall, FRR,
      false accepts per hour; --sweep adds FRR at 0.5 and 0.1 false accepts per hour
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

/** --build: simd, mvp, or auto (the default: SIMD when the engine has it). */
function parseBuild(flags: Map<string, string | true>): "auto" | "simd" | "mvp" {
  const build = (flags.get("build") ?? "auto") as string;
  if (!["auto", "simd", "mvp"].includes(build)) throw new UsageError(`--build must be simd or mvp, not ${build}`);
  return build as "auto" | "simd" | "mvp";
}

/** --threshold X in [0, 1], if given. */
function parseThreshold(flags: Map<string, string | true>): number | undefined {
  if (!flags.has("threshold")) return undefined;
  const threshold = Number(flags.get("threshold"));
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number in [0, 1], not ${flags.get("threshold")}`);
  return threshold;
}

async function run(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, ["o", "output", "build"], []);
  if (positional.length !== 2) throw new UsageError("run takes a model and an input file");
  const out = (flags.get("o") ?? flags.get("output")) as string | undefined;
  if (!out) throw new UsageError("run needs -o <out.npy>");
  const build = parseBuild(flags);
  const [modelPath, inputPath] = positional;
  checkOutputPath(out);
  const modelBytes = readFile(modelPath, "model");
  const input = readNpyMatrix(readFile(inputPath, "input"), inputPath);
  const rt = await createRuntime({ build });
  const model = loadModel(rt, modelBytes);
  if (input.cols !== model.inputLen) throw new Error(`${inputPath} has ${input.cols} features per step; ${modelPath} takes ${model.inputLen}`);
  // the outputs go straight into the .npy file's bytes, written in one piece
  const file = npyMatrixFile(input.rows, model.outputLen);
  const t0 = performance.now();
  const showedProgress = runSteps(model.openStream(), input.data, file.data);
  const ms = performance.now() - t0;
  try {
    writeFileSync(out, file.bytes);
  } catch (e) {
    throw new Error(`cannot write ${out}: ${writeFailure(e)}`);
  }
  const summary = `tinyrnn: ${input.rows} steps through ${modelPath} (${model.numType}, ${rt.build} build) in ${ms.toFixed(1)} ms; wrote ${out} [${input.rows}, ${model.outputLen}]\n`;
  // Straight to file descriptor 2, unless the progress went through process.stderr (in order):
  // Node sets that stream up on its first use, 2-5 ms of a short run's start-up.
  if (showedProgress) process.stderr.write(summary);
  else {
    try {
      writeSync(2, summary);
    } catch {
      process.stderr.write(summary);
    }
  }
}

/**
 * Step a stream over a whole sequence x [T, inputLen] into y [T, outputLen]: what Stream.run does,
 * bit for bit, without its per-step copies. Chunks of the input are copied into linear memory at
 * once, streamStep is called on them in place (one call a step, nothing allocated), and each
 * chunk's outputs are copied out at once. A long run says how far it is (on a terminal only).
 */
function runSteps(stream: Stream, x: Float32Array, y: Float32Array): boolean {
  const m = stream.model, rt = m.runtime, I = m.inputLen, O = m.outputLen, T = x.length / I;
  const chunk = Math.max(1, Math.min(T, 4096));
  const xp = rt.alloc(chunk * I * 4, "room for the input"), yp = rt.alloc(chunk * O * 4, "room for the output");
  const step = rt.exports.streamStep, h = stream.handle;
  let tty: boolean | undefined; // asked only once a run has lasted a second: a short one never sets process.stderr up
  let shown = performance.now();
  const t0 = shown;
  try {
    for (let t = 0; t < T; t += chunk) {
      const n = Math.min(chunk, T - t);
      rt.f32.set(x.subarray(t * I, (t + n) * I), xp >> 2);
      for (let k = 0; k < n; k++) {
        const rc = step(h, xp + 4 * I * k, yp + 4 * O * k);
        if (rc < 0) rt.check(rc, "step");
      }
      y.set(rt.f32.subarray(yp >> 2, (yp >> 2) + n * O), t * O);
      if (performance.now() - shown > 1000 && (tty ??= process.stderr.isTTY === true)) {
        shown = performance.now();
        process.stderr.write(`\rtinyrnn: ${t + n} of ${T} steps (${Math.floor((100 * (t + n)) / T)} %)`);
      }
    }
  } finally {
    rt.exports.memFree(xp);
    rt.exports.memFree(yp);
  }
  if (shown !== t0) process.stderr.write("\r\x1b[K");
  return shown !== t0;
}

async function detect(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, ["threshold", "build"], ["json"]);
  if (positional.length !== 2) throw new UsageError("detect takes a model and a WAV file");
  const build = parseBuild(flags);
  const threshold = parseThreshold(flags);
  const [modelPath, wavPath] = positional;
  const modelBytes = readFile(modelPath, "model");
  const rt = await createRuntime({ build });
  const model = loadModel(rt, modelBytes);
  // --threshold replaces every label's threshold, including per-label ones from the metadata
  const labels = (model.metadata.labels as string[] | undefined) ?? [];
  const spotter = new KeywordSpotter(model, threshold === undefined ? {} : { threshold, thresholds: Object.fromEntries(labels.map((l) => [l, threshold])) });
  const json = flags.has("json");
  const print = (e: { label: string; score: number; startMs: number; endMs: number }) => {
    if (json) process.stdout.write(JSON.stringify({ label: e.label, score: Number(e.score.toFixed(4)), startMs: Math.round(e.startMs), endMs: Math.round(e.endMs) }) + "\n");
    else process.stdout.write(`${(e.startMs / 1000).toFixed(2).padStart(8)} s – ${(e.endMs / 1000).toFixed(2).padStart(8)} s  ${e.label}  ${e.score.toFixed(3)}\n`);
  };
  let events = 0;
  let rateHz = 0, audioSec = 0, doneSec = 0, tty = false;
  let shown = performance.now();
  const t0 = shown;
  readWavPieces(wavPath, (f) => {
    rateHz = f.sampleRateHz;
    audioSec = f.frames / rateHz;
    tty = process.stderr.isTTY === true && audioSec > 5;
  }, (samples) => {
    for (const e of spotter.push(samples, rateHz)) {
      if (tty) process.stderr.write("\r\x1b[K");
      print(e);
      events++;
    }
    doneSec += samples.length / rateHz;
    if (tty && performance.now() - shown > 250) {
      shown = performance.now();
      process.stderr.write(`\rtinyrnn: ${doneSec.toFixed(1)} of ${audioSec.toFixed(1)} s`);
    }
  });
  if (tty) process.stderr.write("\r\x1b[K");
  const wallSec = (performance.now() - t0) / 1000;
  const summary = `${events} event${events === 1 ? "" : "s"} in ${audioSec.toFixed(2)} s of audio (${rateHz} Hz), ${wallSec.toFixed(3)} s wall, ${Math.round(audioSec / Math.max(wallSec, 1e-6))}× real time (${rt.build} build)`;
  // with --json, stdout holds only the events
  (json ? process.stderr : process.stdout).write((json ? "tinyrnn: " : "") + summary + "\n");
  spotter.dispose();
  model.dispose();
}

async function evalCommand(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, ["threshold", "build", "plot"], ["json", "sweep"]);
  if (positional.length !== 2) throw new UsageError("eval takes a model and a test-set directory");
  const plot = flags.get("plot") as string | undefined;
  const build = parseBuild(flags);
  const threshold = parseThreshold(flags);
  const [modelPath, dir] = positional;
  const rt = await createRuntime({ build });
  const tty = process.stderr.isTTY === true;
  let shown = performance.now();
  const t0 = shown;
  const progress = (done: number, total: number) => {
    if (tty && performance.now() - shown > 250) {
      shown = performance.now();
      process.stderr.write(`\rtinyrnn: ${done} of ${total} steps (${Math.floor((100 * done) / total)} %)`);
    }
  };
  const result = evalFiles(rt, modelPath, dir, { threshold, sweep: flags.has("sweep") || plot !== undefined, progress });
  if (shown !== t0) process.stderr.write("\r\x1b[K");
  if (plot !== undefined) {
    // --plot: the DET curve of the sweep (keyword test sets), its own thresholds marked
    if (result.kind !== "keywords") throw new Error(`--plot draws a DET curve, for keyword test sets; ${dir} is a ${result.kind} test set`);
    const svg = detSvg([{ name: basename(modelPath), result }], `${basename(modelPath)} on ${dir}`);
    try {
      writeFileSync(plot, svg);
    } catch (e) {
      throw new Error(`cannot write ${plot}: ${(e as Error).message}`);
    }
    process.stderr.write(`tinyrnn: wrote the DET curve to ${plot}\n`);
  }
  if (flags.has("json")) process.stdout.write(JSON.stringify(result) + "\n");
  else process.stdout.write(formatEval(result).join("\n") + "\n");
}

function parseClipping(v: string | undefined): Clipping {
  if (v === undefined || v === "minmax") return { method: "minmax" };
  const m = /^percentile(?::([\d.]+))?$/.exec(v);
  if (!m) throw new UsageError(`--clip must be minmax or percentile[:P], not ${v}`);
  return { method: "percentile", percentile: m[1] ? Number(m[1]) : 99.99 };
}

/** The provenance date: SOURCE_DATE_EPOCH (seconds, reproducible-builds.org) when set, else today. */
function sourceDate(): string | undefined {
  const v = process.env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === "") return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970, not ${JSON.stringify(v)}`);
  return new Date(Number(v) * 1000).toISOString().slice(0, 10);
}

/** Why a file could not be written, in words (a Node error's code), for "cannot write <path>: …". */
function writeFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EISDIR: "it is a directory", ENOENT: "its directory does not exist", ENOTDIR: "a part of its path is not a directory",
    EACCES: "permission denied", EPERM: "permission denied", EROFS: "the file system is read-only", ENOSPC: "no space left on the device",
  };
  return (code && words[code]) ?? (e as Error).message.split("\n")[0];
}

/** Refuse an output path that cannot be a file before any work: a directory, or one in a directory that does not exist. */
function checkOutputPath(path: string): void {
  const parent = dirname(resolve(path));
  if (existsSync(path) && statSync(path).isDirectory()) throw new Error(`cannot write ${path}: it is a directory`);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new Error(`cannot write ${path}: its directory does not exist`);
}

/**
 * Write outputs all or nothing: each to a temporary name beside it, then each renamed over its
 * path. On a failure the temporaries and any output already renamed are removed, and the error is
 * one line: "cannot write <path>: <why>".
 */
function writeOutputs(files: [path: string, data: Uint8Array | string][]): void {
  const staged: [tmp: string, path: string][] = [], renamed: string[] = [];
  let at = "";
  try {
    for (const [path] of files) { at = path; checkOutputPath(path); }
    for (const [path, data] of files) {
      at = path;
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      staged.push([tmp, path]);
      writeFileSync(tmp, data, { flag: "wx" });
    }
    for (const [tmp, path] of staged) { at = path; renameSync(tmp, path); renamed.push(path); }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    for (const path of renamed) rmSync(path, { force: true });
    throw new Error((e as Error).message.startsWith("cannot write ") ? (e as Error).message : `cannot write ${at}: ${writeFailure(e)}`);
  }
}

async function convertCommand(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, ["o", "output", "dtype", "calibrate", "clip", "labels", "metadata", "arch", "report"], []);
  if (positional.length !== 1) throw new UsageError("convert takes one input model");
  const out = (flags.get("o") ?? flags.get("output")) as string | undefined;
  if (!out) throw new UsageError("convert needs -o <model.tinyrnn>");
  const dtype = (flags.get("dtype") ?? "int8") as string;
  if (dtype !== "int8" && dtype !== "f32") throw new UsageError(`--dtype must be int8 or f32, not ${dtype}`);
  const clipping = parseClipping(flags.get("clip") as string | undefined);
  const reportPath = flags.get("report") as string | undefined;
  if (reportPath !== undefined && resolve(reportPath) === resolve(out)) throw new UsageError("--report and -o name the same file");
  // before the work, what can be known now: each output's place (writeOutputs checks again)
  for (const path of reportPath !== undefined ? [out, reportPath] : [out]) checkOutputPath(path);
  const { convert, formatReport, importModel, archPathFor, Frontend, hostSection } = await import("../build/index.js");
  const input = positional[0];
  const bytes = readFile(input, "model");
  // the architecture of a safetensors file: --arch, or <stem>.arch.json beside it (else its __metadata__)
  let arch: Record<string, unknown> | undefined;
  const archPath = (flags.get("arch") as string | undefined) ?? [archPathFor(input)].find((p) => p !== input && existsSync(p));
  if (archPath) {
    try {
      arch = JSON.parse(new TextDecoder().decode(readFile(archPath, "architecture")));
    } catch (e) {
      throw new Error(`${archPath} is not valid JSON (${(e as Error).message})`);
    }
  }
  const imported = importModel(bytes, input, arch);
  if (imported.unused.length) process.stderr.write(`tinyrnn: ${input}: ${imported.unused.length} tensor${imported.unused.length === 1 ? "" : "s"} unused: ${imported.unused.slice(0, 6).join(", ")}${imported.unused.length > 6 ? ", …" : ""}\n`);
  const metadata: Record<string, unknown> = { ...imported.metadata };
  // --metadata: a JSON object merged over what the import gave (sampleRateHz, normalise, detector…)
  const metaPath = flags.get("metadata") as string | undefined;
  if (metaPath) {
    const text = new TextDecoder().decode(readFile(metaPath, "metadata"));
    let extra: unknown;
    try {
      extra = JSON.parse(text);
    } catch (e) {
      throw new Error(`${metaPath} is not valid JSON (${(e as Error).message})`);
    }
    if (extra === null || typeof extra !== "object" || Array.isArray(extra)) throw new Error(`${metaPath} is not a JSON object`);
    if ("provenance" in extra) throw new Error(`${metaPath}: "provenance" is written by convert itself`);
    Object.assign(metadata, extra);
  }
  if (flags.has("labels")) metadata.labels = String(flags.get("labels")).split(",").map((l) => l.trim()).filter(Boolean);
  const rt = await createRuntime();
  const tty = process.stderr.isTTY === true;
  const progress = (line: string) => { if (tty) process.stderr.write(`\r\x1b[K${line}`); };
  let calibration: Float32Array[] | undefined;
  let inputScale: number | undefined;
  const cal = flags.get("calibrate") as string | undefined;
  if (cal) {
    const inputLen = imported.specs[0].inputLen;
    if (existsSync(cal) && statSync(cal).isDirectory()) {
      // WAV files, through the frontend the model will hear with: features are its input
      const files = readdirSync(cal).filter((f) => /\.wav$/i.test(f)).sort();
      if (files.length === 0) throw new Error(`${cal} holds no .wav files`);
      const settings = frontendSettings(metadata.frontend as Partial<FrontendSettings> | undefined);
      metadata.frontend = settings;
      if (settings.channels !== inputLen) throw new Error(`the frontend gives ${settings.channels} features; ${input} takes ${inputLen}`);
      calibration = files.map((f, i) => {
        progress(`tinyrnn: calibration audio ${i + 1} of ${files.length}: ${f}`);
        const pcm = readWav(readFile(join(cal, f), "audio"), join(cal, f));
        const fe = new Frontend(rt, { ...settings, sampleRateHz: pcm.sampleRateHz }, "f32");
        const feats = fe.features(pcm.samples);
        fe.dispose();
        return feats;
      });
      inputScale = FEATURE_SCALE;
    } else {
      const { sequences, features } = readNpySequences(readFile(cal, "calibration data"), cal);
      if (features !== inputLen) throw new Error(`${cal} has ${features} features per step; ${input} takes ${inputLen}`);
      calibration = sequences;
    }
  } else if (dtype === "int8") {
    throw new UsageError("an int8 model needs --calibrate <data.npy|wav-folder> (or --dtype f32)");
  }
  const { bytes: model, report } = convert(rt, imported.specs, { numType: dtype, calibration, clipping, inputScale, source: basename(input), metadata, date: sourceDate() }, progress);
  if (tty) process.stderr.write("\r\x1b[K");
  // every output at once, or none
  const reportJson = JSON.stringify({ ...report, layers: report.layers?.map((l) => ({ ...l, sqnrDb: Number.isFinite(l.sqnrDb) ? l.sqnrDb : null })) }, null, 2) + "\n";
  writeOutputs(reportPath !== undefined ? [[out, model], [reportPath, reportJson]] : [[out, model]]);
  // metadata that a keyword spotter or sensor stream would refuse: say so now, not at first use
  const refused = (metadata.frontend !== undefined || metadata.sampleRateHz !== undefined) && hostSection(readModel(model)).refused;
  if (refused) process.stderr.write(`tinyrnn: note: ${out} runs as a raw stream only: ${refused}\n`);
  process.stdout.write([`wrote ${out} (${imported.format}, ${imported.specs.length} layers: ${imported.specs.map((s) => s.kind).join(" → ")})`, ...formatReport(report)].join("\n") + "\n");
}

async function inspect(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args, [], ["json"]);
  if (positional.length !== 1) throw new UsageError("inspect takes one model file");
  const { describeLayer, readHostSection } = await import("../build/index.js");
  const bytes = readFile(positional[0], "model");
  const info: ParsedModel = readModel(bytes);
  // Let the module judge it too: inspect should not call a file good that load would refuse.
  const rt = await createRuntime();
  const model = loadModel(rt, bytes);
  const layers = info.layers.map((l, i) => ({ index: i, ...describeLayer(l, info.numType) }));
  const host = readHostSection(bytes, info);
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
    hostSection: host && { pipeline: host.pipeKind === C.PIPE_AUDIO ? "audio" : host.pipeKind === C.PIPE_SENSOR ? "sensor" : "none", labels: host.labels, configWords: host.config.length / 4, hopMs: host.hopMs, windowMs: host.windowMs },
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
  const hs = summary.hostSection;
  lines.push(hs ? `  host section: ${hs.pipeline === "none" ? "no pipeline" : `${hs.pipeline} pipeline, ${hs.configWords} config words, a step every ${hs.hopMs} ms`}; labels ${hs.labels.join(", ") || "none"}` : "  host section: none (format 1.0)");
  const meta = Object.entries(info.metadata).filter(([k]) => k !== "layers");
  if (meta.length) lines.push(`  metadata:`, ...meta.map(([k, v]) => `    ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`));
  process.stdout.write(lines.join("\n") + "\n");
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  // `tinyrnn detect … | head`: a reader that stops early is not an error. Not for `run`, which
  // writes nothing to stdout: Node sets process.stdout up on its first use (2-5 ms of start-up).
  if (cmd !== "run") {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
  }
  try {
    if (cmd === "run") await run(rest);
    else if (cmd === "detect") await detect(rest);
    else if (cmd === "convert") await convertCommand(rest);
    else if (cmd === "inspect") await inspect(rest);
    else if (cmd === "eval") await evalCommand(rest);
    else if (cmd === "--version" || cmd === "-v") process.stdout.write(`tinyrnn ${VERSION}\n`);
    else if (cmd === "--help" || cmd === "-h" || cmd === "help") process.stdout.write(USAGE + "\n");
    else throw new UsageError(cmd ? `unknown command "${cmd}"` : "no command given");
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tinyrnn: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    // a refused model file: its layer's kind and tensor, or its header field, named by the build tools
    const msg = e instanceof ModelRefused ? (await import("../build/index.js")).namedRefusal(e.refusal, e.bytes)
      : e instanceof TinyrnnError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`tinyrnn: ${msg}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
