// The C host (host/c/, examples/mcu/tinyrnn-c.c) on wasm3, on WAMR's fast interpreter and on WAMR
// running the module compiled ahead of time (wamrc, against Debian's llvm-16-dev: installed with
// apt-get when missing; the module compiled on each run for this machine, build/c/tinyrnn.mvp.aot
// with bounds checked in software as on a microcontroller, build/c/tinyrnn.mvp.hw.aot with
// WAMR's hardware bounds checks, and the simd build's build/c/tinyrnn.simd.aot on WAMR's AOT
// loader alone), built from their sources in ../shared/runtimes (extracted and built once into
// build/runtimes/ and build/c/, git-ignored), gives what Node gives on the same module (build/tinyrnn.mvp.wasm; the
// simd build computes the same), byte for byte:
//   run     every shipped model, and a model of every layer kind (f32 and int8), stepped as a raw
//           stream over float32 rows (its own test input, then saturating rows) and over int16 rows;
//           a stream state saved half-way (the TypeScript host's format) and continued
//   detect  every shipped keyword model on the sample recording (and hey-jarvis on it at 48 kHz)
//           with the settings of the model's host section, as `tinyrnn detect` prints the
//           events (and with --json), and the pipeline's state after them (so the config words
//           too); hey-jarvis with its settings given on the command line as window sums, and
//           as probabilities; a 48 kHz stereo 24-bit recording through an f32 spotter
//   errors  a corrupt model and a foreign state refused in the TypeScript host's words; a
//           pipeline refused when linear memory is capped below what it needs, in pages or in
//           bytes (wasm3's memoryLimit: the module stops short of it, where touching it would trap)
//   selftest  `tinyrnn-c <module> selftest` (host/c/tinyrnn_selftest.h, which every command runs
//           first) passes on all five (and WAMR's AOT builds with an interpreter run the .wasm
//           too); built with one expected output of its header changed, it fails, naming that
//           output
// The five are checked side by side. Where ../shared/runtimes is absent (a fresh clone
// elsewhere) the test says so and is skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { createRuntime, KeywordSpotter, readWav, TinyrnnError, type Model, type Runtime } from "../../host/runtime/index.js";
import { decodeWavFrames, readWavHeader, writeWav } from "../../host/runtime/wav.js";
import { pipelineWords } from "../../host/runtime/pipeline.js";
import { encodeFrontendConfig } from "../../host/runtime/frontend.js";
import * as C from "../../host/runtime/constants.js";
import { buildModel, Frontend, namedRefusal } from "../../host/build/index.js";
import { modelChecksum } from "../../host/build/write.js";
import { mixedModel, rng, signal, uniform } from "../../host/build/random.js";
import { readNpyMatrix } from "../../host/cli/npy.js";
import { beepModel, beepTrack, noise } from "../kws-fixture.js";
import { jsonLines, runtimeSource, wamrc, SHARED_RUNTIMES as SHARED } from "./tools.js";
import { sampleAt48k } from "./worklet-scope.js";
import { readModel } from "../../host/runtime/format.js";
import { asVersion10 } from "../helpers.js";

const OUT = resolve("build/c");
const DIR = join(OUT, "test");
const WASM = "build/tinyrnn.mvp.wasm";
const SKIP = existsSync(SHARED) ? false : `${SHARED} (the wasm3 and WAMR sources) is absent here: the C host is not built or tested`;
// WASM compiled by wamrc for this machine's CPU: bounds checked in software (as on a
// microcontroller), and by the hardware (wamrc's default on 64-bit targets; WAMR's guard pages);
// and the simd build, checked in software
const AOT = join(OUT, "tinyrnn.mvp.aot"), AOT_HW = join(OUT, "tinyrnn.mvp.hw.aot");
const SIMD_WASM = "build/tinyrnn.simd.wasm", SIMD_AOT = join(OUT, "tinyrnn.simd.aot");
const RUNTIMES = [
  { name: "wasm3", source: "wasm3", what: "wasm3", module: WASM },
  { name: "wamr", source: "wamr", what: "WAMR (fast interpreter)", module: WASM },
  { name: "wamr-aot", source: "wamr", what: "WAMR AOT (wamrc --bounds-checks=1)", module: AOT },
  { name: "wamr-aot-hw", source: "wamr", what: "WAMR AOT, bounds checked by the hardware", module: AOT_HW },
  { name: "wamr-aot-only", source: "wamr", what: "WAMR AOT only, simd build (wamrc --bounds-checks=1)", module: SIMD_AOT },
] as const;
type RuntimeName = (typeof RUNTIMES)[number]["name"];
const SHIPPED = [
  "models/hey-jarvis/hey-jarvis.tinyrnn",
  "models/commands/commands-gru.tinyrnn",
  "models/commands/commands-lstm.tinyrnn",
  "models/commands/commands-ssm.tinyrnn",
  "models/sensor/vibration.tinyrnn",
  "models/sensor/ecg-anomaly/ecg-anomaly.tinyrnn",
  "models/demo/activity.tinyrnn",
];
const ROWS = 400; // real feature rows per model (4 s of audio frames), then WIDE saturating ones
const WIDE = 48;

/** tinyrnn-c built with examples/mcu/build.sh against a runtime from ../shared/runtimes. */
function buildHost(name: RuntimeName, variant?: { suffix: string; cflags: string }): string {
  const t0 = performance.now();
  const src = runtimeSource(RUNTIMES.find((r) => r.name === name)!.source);
  const bin = join(OUT, `tinyrnn-c-${name}${variant?.suffix ?? ""}`);
  process.stderr.write(`# building ${name} (once; its CMake build stays in ${src}/build-tinyrnn${name.replace(/^wamr/, "").replace(/^wasm3/, "")}) and tinyrnn-c…\n`);
  const env = variant ? { ...process.env, CFLAGS: `${process.env.CFLAGS ?? ""} ${variant.cflags}` } : process.env;
  const b = spawnSync("sh", ["examples/mcu/build.sh", name, src, bin], { encoding: "utf8", env });
  process.stderr.write(b.stderr.replace(/^(?=.)/gm, "#   "));
  assert.equal(b.status, 0, `examples/mcu/build.sh ${name} failed:\n${b.stderr}`);
  assert.doesNotMatch(b.stderr, /warning:/, "the C host compiles without warnings (C99, -Wall -Wextra -Wpedantic)");
  process.stderr.write(`# ${name}: tinyrnn-c ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return bin;
}

/**
 * WAMR's AOT compiler (wamrc() in tools.ts) compiles WASM into AOT and AOT_HW: bounds checked in software, as
 * the wamr-aot build (WAMR_DISABLE_HW_BOUND_CHECK) needs, and not (wamr-aot-hw); and SIMD_WASM
 * into SIMD_AOT, checked in software.
 */
function compileAot(): void {
  const compiler = wamrc();
  mkdirSync(OUT, { recursive: true });
  for (const [wasm, aot, flags] of [[WASM, AOT, ["--bounds-checks=1"]], [WASM, AOT_HW, []], [SIMD_WASM, SIMD_AOT, ["--bounds-checks=1"]]] as const) {
    const t2 = performance.now();
    rmSync(aot, { force: true });
    const c = spawnSync(compiler, [...flags, "-o", aot, wasm], { encoding: "utf8" });
    assert.equal(c.status, 0, `wamrc ${flags.join(" ")} -o ${aot} ${wasm} failed:\n${c.stdout}${c.stderr}`);
    process.stderr.write(`# wamrc ${[...flags, ""].join(" ")}compiled ${wasm} to ${aot} (${statSync(aot).size} bytes) in ${((performance.now() - t2) / 1000).toFixed(1)} s\n`);
  }
}

/** Run tinyrnn-c on `module`; asynchronous, so that the runtimes run side by side. */
function tinyrnnC(bin: string, model: string, args: string[], module: string = WASM): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, failed) => {
    const p = spawn(bin, [module, model, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    p.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    p.on("error", failed);
    p.on("close", (status) => done({ status, stdout, stderr }));
  });
}

const bytesOf = (a: Float32Array | Int16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Where two outputs first differ, in words. */
function firstDifference(got: Uint8Array, want: Uint8Array, kind: "f32" | "i16", width: number): string {
  if (got.length !== want.length) return `${got.length} bytes, not ${want.length}`;
  const elem = kind === "f32" ? 4 : 2;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue;
    const at = i - (i % elem);
    const v = (b: Uint8Array) => (kind === "f32" ? new DataView(b.buffer, b.byteOffset).getFloat32(at, true) : new DataView(b.buffer, b.byteOffset).getInt16(at, true));
    return `step ${Math.floor(at / elem / width)}, output ${(at / elem) % width}: ${v(got)}, Node ${v(want)}`;
  }
  return "nowhere";
}

/** Node's outputs of Stream.step (f32 rows) or stepInt16 (int16 rows), from step `from` to `to`, as bytes. */
function nodeRun(m: Model, rows: Float32Array | Int16Array, from: number, to: number, stream = m.openStream()): Uint8Array {
  const F = m.inputLen, K = m.outputLen;
  const out = rows instanceof Int16Array ? new Int16Array((to - from) * K) : new Float32Array((to - from) * K);
  for (let t = from; t < to; t++) {
    const x = rows.subarray(t * F, (t + 1) * F);
    if (rows instanceof Int16Array) (out as Int16Array).set(stream.stepInt16(x), (t - from) * K);
    else (out as Float32Array).set(stream.step(x as Float32Array), (t - from) * K);
  }
  return bytesOf(out);
}

interface Run { what: string; model: string; args: string[]; out: string; want: Uint8Array; kind: "f32" | "i16"; width: number }
interface Detect { what: string; model: string; args: string[]; events: string; state: Uint8Array; stateMask?: [number, number] }
interface Expected {
  runs: Run[];
  state: { model: string; first: string; rest: string; saved: Uint8Array; continued: Uint8Array; foreign: string };
  detects: Detect[];
  printed: { model: string; wav: string; lines: string };
  old: string;
  corrupt: { model: string; message: string };
  nonFinite: { model: string; rows: string; state: string; weights: string; message: string };
}

/** Every input file, written once into build/c/test/, with what Node makes of it. */
async function expectations(): Promise<Expected> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const file = (name: string, bytes: Uint8Array) => (writeFileSync(join(DIR, name), bytes), join(DIR, name));
  const rt: Runtime = await createRuntime({ wasm: readFileSync(WASM) });

  // run: real rows (the sample's frontend features; a test machine's feature rows), then rows
  // past the int16 range at the input scale (saturation, rounding at the edges)
  const audio = readWav(readFileSync("models/sample/morning.wav"));
  const fe = new Frontend(rt);
  const features = fe.features(audio.samples).subarray(0, ROWS * 40);
  fe.dispose();
  // the sensor models' own test inputs
  const npy = (path: string, width: number) => readNpyMatrix(readFileSync(path), path).data.subarray(0, ROWS * width);
  const inputs: Record<number, Float32Array> = {
    40: features,
    51: npy("models/sensor/test/machine00.npy", 51),
    1: npy("models/sensor/ecg-anomaly/test/record208-second-half.npy", 1),
    3: npy("models/demo/sample.npy", 3),
  };
  const r = rng(7);
  const models: { name: string; bytes: Uint8Array; rows: Float32Array }[] = SHIPPED.map((path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const m = rt.loadModel(bytes);
    const real = inputs[m.inputLen];
    assert.ok(real, `${path}: no test input of ${m.inputLen} features here`);
    const rows = new Float32Array(real.length + WIDE * m.inputLen);
    rows.set(real);
    rows.set(uniform(r, WIDE * m.inputLen, 4 * 32767 * m.info.inputScale), real.length);
    m.dispose();
    return { name: path.split("/").pop()!.replace(/\.tinyrnn$/, ""), bytes, rows };
  });
  // every layer kind (GRU, LSTM, SSM, RMSNorm, dense softmax), f32 and int8
  const specs = mixedModel(11, 12, 16, 5), x = signal(rng(3), 300, 12);
  models.push({ name: "mixed-f32", bytes: buildModel(specs, { numType: "f32" }), rows: x });
  models.push({ name: "mixed-int8", bytes: buildModel(specs, { numType: "int8", calibration: [signal(rng(4), 400, 12)] }), rows: x });
  const runs: Run[] = [];
  for (const { name, bytes, rows } of models) {
    const model = file(`${name}.tinyrnn`, bytes);
    const m = rt.loadModel(bytes);
    const T = rows.length / m.inputLen;
    runs.push({ what: `${name}, f32 rows`, model, args: ["run", file(`${name}.f32`, bytesOf(rows))], out: `${name}.f32.out`, want: nodeRun(m, rows, 0, T), kind: "f32", width: m.outputLen });
    if (m.numType === "int8") {
      const q = Int16Array.from(rows, (v) => Math.max(-32768, Math.min(32767, Math.round(v / m.info.inputScale))));
      runs.push({ what: `${name}, int16 rows`, model, args: ["run", file(`${name}.i16`, bytesOf(q)), "--i16"], out: `${name}.i16.out`, want: nodeRun(m, q, 0, T), kind: "i16", width: m.outputLen });
    }
    m.dispose();
  }

  // a stream state saved half-way through hey-jarvis's rows, and the rest continued from it
  const hj = models[0], m = rt.loadModel(hj.bytes);
  const T = hj.rows.length / m.inputLen, half = T >> 1;
  const s = m.openStream();
  nodeRun(m, hj.rows, 0, half, s);
  const saved = s.saveState();
  const continued = nodeRun(m, hj.rows, half, T, s);
  const other = rt.loadModel(readFileSync(SHIPPED[1]));
  const state = {
    model: join(DIR, "hey-jarvis.tinyrnn"), saved, continued,
    first: file("first-half.f32", bytesOf(hj.rows.subarray(0, half * m.inputLen))),
    rest: file("second-half.f32", bytesOf(hj.rows.subarray(half * m.inputLen))),
    foreign: file("commands-gru.state", other.openStream().saveState()),
  };
  other.dispose();

  // detect: Node's spotter with the model's own detector settings, given to tinyrnn-c in steps
  const detects: Detect[] = [];
  const spot = (what: string, model: string, wavPath: string, as: "own" | "sums" | "probabilities") => {
    const mm = rt.loadModel(readFileSync(model));
    // decoded as `tinyrnn detect` decodes it: 16-bit mono as int16, anything else as f32
    const wav = readFileSync(wavPath), f = readWavHeader(wav, wav.length, wavPath);
    const samples = decodeWavFrames(f, wav.subarray(f.dataOffset, f.dataOffset + f.frames * f.frameBytes));
    const spotter = new KeywordSpotter(mm);
    const events = jsonLines(spotter.push(samples, f.sampleRateHz));
    const d = spotter.detector;
    if (as === "own") {
      // the model's own settings, from its host section: the pipeline's config words are Node's
      detects.push({ what, model, args: [wavPath, "--json"], events, state: spotter.saveState() });
      spotter.dispose();
      mm.dispose();
      return;
    }
    const labels = ["--labels", d.labels.join(","), "--smoothing-steps", String(d.windowSteps), "--refractory-steps", String(d.refractorySteps)];
    if (as === "sums") {
      // the window sums the TypeScript host derives; "-": never fires. The f64 thresholds are
      // not among the words then, so the config's CRC in the saved state differs from Node's
      const words = new DataView(pipelineWords(mm.info, C.PIPE_AUDIO, d, encodeFrontendConfig({ ...spotter.frontendSettings, sampleRateHz: f.sampleRateHz })));
      const sums = d.labels.map((_, l) => (d.fires[l] ? String(words.getInt32((C.PC_LABELS + l * C.PC_LABEL_WORDS + C.PCL_SUM_THRESHOLD) * 4, true)) : "-"));
      detects.push({ what, model, args: ["detect", wavPath, "--json", ...labels, "--sum-thresholds", sums.join(",")], events, state: spotter.saveState(), stateMask: [C.SH_CONFIG_CRC, C.SH_CONFIG_CRC + 4] });
    } else {
      const background = d.labels.filter((_, l) => !d.fires[l]);
      detects.push({ what, model, args: ["detect", wavPath, "--json", ...labels, "--thresholds", Array.from(d.thresholds, String).join(","), ...(background.length ? ["--background", background.join(",")] : [])], events, state: spotter.saveState() });
    }
    spotter.dispose();
    mm.dispose();
  };
  spot("hey-jarvis on morning.wav, window sums", SHIPPED[0], "models/sample/morning.wav", "sums");
  spot("hey-jarvis on morning.wav, probabilities", SHIPPED[0], "models/sample/morning.wav", "probabilities");
  // f32 end to end: 48 kHz stereo 24-bit (decoded to f32, resampled), f64 thresholds
  const left = beepTrack(48000, 6, [1, 3.5]), hiss = noise(left.length, 0.01, 9);
  spot("an f32 beep spotter on 48 kHz stereo 24-bit", file("beep-f32.tinyrnn", beepModel("f32", [])),
    file("beeps-48k-stereo-24bit.wav", writeWav([left, left.map((v, i) => 0.5 * v + hiss[i])], 48000, "24")), "probabilities");
  const sample48k = file("morning-48k.wav", writeWav([sampleAt48k()], 48000, "32f"));
  for (const path of SHIPPED.filter((p) => readModel(readFileSync(p)).metadata.frontend)) {
    spot(`${path.split("/").pop()} on morning.wav, its own settings`, path, "models/sample/morning.wav", "own");
  }
  spot("hey-jarvis on morning.wav at 48 kHz, its own settings", SHIPPED[0], sample48k, "own");
  assert.equal(detects[0].events.split("\n").length - 1, 3, "hey-jarvis hears its three wake words in morning.wav");
  assert.equal(detects[2].events.split("\n").length - 1, 2, "the beep spotter hears both beeps");
  assert.deepEqual(detects.filter((d) => d.args[1] === "--json").map((d) => d.what.split(" ")[0]), ["hey-jarvis.tinyrnn", "commands-gru.tinyrnn", "commands-lstm.tinyrnn", "commands-ssm.tinyrnn", "hey-jarvis"]);
  // as `tinyrnn detect` prints them (the summary line after them aside)
  const cli = spawnSync(process.execPath, ["dist/cli.js", "detect", SHIPPED[0], "models/sample/morning.wav"], { encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  const printed = { model: SHIPPED[0], wav: "models/sample/morning.wav", lines: cli.stdout.split("\n").slice(0, -2).join("\n") + "\n" };

  // a corrupt model (one bit of its weights): Node's words for it
  const corrupt = new Uint8Array(readFileSync(SHIPPED[0]));
  corrupt[200] ^= 0x40;
  let message = "";
  try { rt.loadModel(corrupt); } catch (e) { message = (e as Error).message; }
  assert.equal(message, "loading the model: the model file is corrupt (checksum mismatch) (header byte 16)");
  m.dispose();
  const old = file("hey-jarvis-1.0.tinyrnn", asVersion10(new Uint8Array(readFileSync(SHIPPED[0]))));
  // an f32 state holding a NaN, and an f32 model with a NaN weight (layer 1's first): Node's words
  // for it, as the tools that have the file say them (the runtime's own message gives indices)
  const f32 = models.find((x) => x.name === "mixed-f32")!, mf = rt.loadModel(f32.bytes);
  const nanState = mf.openStream().saveState();
  new DataView(nanState.buffer).setFloat32(C.STREAM_STATE_HEADER_BYTES + 4 * 20, NaN, true);
  mf.dispose();
  const nanWeights = f32.bytes.slice();
  new DataView(nanWeights.buffer).setFloat32(readModel(f32.bytes).layers[1].dataOffset, NaN, true);
  new DataView(nanWeights.buffer).setUint32(C.HDR_CHECKSUM, modelChecksum(nanWeights), true);
  let weightsMessage = "";
  try { rt.loadModel(nanWeights); } catch (e) { weightsMessage = namedRefusal(e as TinyrnnError, nanWeights); }
  assert.equal(weightsMessage, "loading the model: a weight, bias or constant is NaN or infinite (layer 1 lstm, tensor 0 Wx)");
  const nonFinite = {
    model: join(DIR, "mixed-f32.tinyrnn"), rows: join(DIR, "mixed-f32.f32"), state: file("nan.state", nanState),
    weights: file("nan-weights.tinyrnn", nanWeights), message: weightsMessage,
  };
  return { runs, state, detects, printed, old, corrupt: { model: file("corrupt.tinyrnn", corrupt), message }, nonFinite };
}

/** Everything checked on one runtime, running `module`; returns what it measured, for the diagnostics. */
async function check(name: RuntimeName, bin: string, module: string, e: Expected): Promise<string> {
  const out = (f: string) => join(DIR, `${name}.${f}`);
  const c = (model: string, args: string[]) => tinyrnnC(bin, model, args, module);
  const st = await c("selftest", []); // tinyrnn-c <module> selftest
  assert.equal(st.stderr, "", "the self-test says nothing on stderr when it passes");
  assert.equal(st.stdout, "selftest: ok\n");
  assert.equal(st.status, 0);
  for (const r of e.runs) {
    const p = await c(r.model, [...r.args, "-o", out(r.out)]);
    assert.equal(p.status, 0, `run ${r.what}: ${p.stderr}`);
    const got = new Uint8Array(readFileSync(out(r.out)));
    assert.ok(same(got, r.want), `run ${r.what}: differs from Node at ${firstDifference(got, r.want, r.kind, r.width)}`);
  }

  let p = await c(e.state.model, ["run", e.state.first, "-o", out("first-half.out"), "--state-out", out("half.state")]);
  assert.equal(p.status, 0, p.stderr);
  assert.ok(same(new Uint8Array(readFileSync(out("half.state"))), e.state.saved), "the stream state saved half-way is Node's, byte for byte");
  p = await c(e.state.model, ["run", e.state.rest, "-o", out("second-half.out"), "--state-in", out("half.state")]);
  assert.equal(p.status, 0, p.stderr);
  assert.ok(same(new Uint8Array(readFileSync(out("second-half.out"))), e.state.continued), "continued from the saved state, the outputs are Node's");
  p = await c(e.state.model, ["run", e.state.rest, "-o", out("refused.out"), "--state-in", e.state.foreign]);
  assert.notEqual(p.status, 0, "a state of another model is refused");
  assert.equal(p.stderr, "tinyrnn-c: stream restore: the state was saved from a different model: invalid saved state\n");

  let memory = "";
  for (const d of e.detects) {
    p = await c(d.model, [...d.args, "--state-out", out("pipeline.state")]);
    assert.equal(p.status, 0, `detect ${d.what}: ${p.stderr}`);
    assert.equal(p.stdout, d.events, `detect ${d.what}: Node's events`);
    const got = new Uint8Array(readFileSync(out("pipeline.state")));
    const [a, b] = d.stateMask ?? [0, 0];
    got.set(d.state.subarray(a, b), a); // bytes known to differ, and why, in expectations()
    assert.ok(same(got, d.state), `detect ${d.what}: the pipeline's state after the audio is Node's, byte for byte`);
    memory ||= `${/memory: (.*)/.exec(p.stderr)?.[1]}; ${/\d+ steps, [\d.]+ us per 10 ms hop/.exec(p.stderr)?.[0]}`;
  }

  p = await c(e.printed.model, [e.printed.wav]);
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.split("\n").slice(0, -2).join("\n") + "\n", e.printed.lines, "the events as `tinyrnn detect` prints them");
  assert.match(p.stdout.split("\n").at(-2)!, /^3 events in 24\.79 s of audio \(16000 Hz\), [\d.]+ s wall, \d+× real time \((mvp|simd) build, (wasm3|wamr)\)$/);

  // a file of format 1.0 has no host section: its settings must be given
  p = await c(e.old, ["models/sample/morning.wav"]);
  assert.equal(p.status, 1);
  assert.equal(p.stderr, `tinyrnn-c: ${e.old} has no host section (format 1.0): give --labels and one of --sum-thresholds and --thresholds\n`);

  p = await c(e.corrupt.model, ["info"]);
  assert.notEqual(p.status, 0, "a corrupt model is refused");
  assert.equal(p.stderr, `tinyrnn-c: ${e.corrupt.model}: ${e.corrupt.message}\n`, "in the TypeScript host's words");
  p = await c(e.nonFinite.weights, ["info"]);
  assert.notEqual(p.status, 0, "an f32 model with a NaN weight is refused");
  assert.equal(p.stderr, `tinyrnn-c: ${e.nonFinite.weights}: ${e.nonFinite.message}\n`, "in the TypeScript host's words, naming the layer and tensor");
  p = await c(e.nonFinite.model, ["run", e.nonFinite.rows, "-o", out("nan-state.out"), "--state-in", e.nonFinite.state]);
  assert.notEqual(p.status, 0, "an f32 state holding a NaN is refused");
  assert.equal(p.stderr, "tinyrnn-c: stream restore: the state holds NaN or infinity: invalid saved state\n");

  // linear memory capped at one page (the pipeline needs two): memAlloc returns 0, and the
  // pipeline is refused cleanly, the model it was opened on still loaded
  p = await c(e.detects[0].model, [...e.detects[0].args, "--max-pages", "1"]);
  assert.notEqual(p.status, 0);
  assert.equal(p.stderr, "tinyrnn-c: opening the pipeline: out of WebAssembly memory\n");
  // in bytes: the pipeline needs ~95 KB; at 90,000 the module refuses before it touches past
  // the limit (wasm3 holds memory to it; WAMR to whole pages), at 96 KiB it runs as before
  p = await c(SHIPPED[0], ["models/sample/morning.wav", "--json", "--max-memory", "90000"]);
  assert.notEqual(p.status, 0);
  assert.equal(p.stderr, "tinyrnn-c: opening the pipeline: out of WebAssembly memory\n");
  p = await c(SHIPPED[0], ["models/sample/morning.wav", "--json", "--max-memory", String(96 << 10)]);
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout, e.detects[0].events);
  assert.match(p.stderr, name === "wasm3" ? /memory: linear 2 pages \(98304 bytes held, \d+ used\)/ : /memory: linear 2 pages \(131072 bytes held, \d+ used\)/);
  return memory;
}

test("the C host on wasm3, WAMR and WAMR AOT gives Node's outputs, events and states, byte for byte", { skip: SKIP, concurrency: true }, async (t) => {
  const t0 = performance.now();
  compileAot();
  const bins = Object.fromEntries(RUNTIMES.map(({ name }) => [name, buildHost(name)])) as Record<RuntimeName, string>;
  // WAMR built with its AOT loader runs the .wasm too, interpreted; with hardware bounds checks,
  // an .aot whose bounds are checked in software too; its AOT loader alone, the mvp build's .aot
  for (const [bin, module] of [[bins["wamr-aot"], WASM], [bins["wamr-aot-hw"], WASM], [bins["wamr-aot-hw"], AOT], [bins["wamr-aot-only"], AOT]]) {
    const r = spawnSync(bin, [module, "selftest"], { encoding: "utf8" });
    assert.equal(r.stdout + r.stderr, "selftest: ok\n", `${bin} ${module} selftest`);
  }
  const interpreted = spawnSync(bins["wamr-aot-only"], [WASM, "selftest"], { encoding: "utf8" });
  assert.equal(interpreted.stderr, `tinyrnn-c: ${WASM}: WAMR cannot load the module: WASM module load failed: magic header not detected\n`, "WAMR's AOT loader alone does not take a .wasm");
  // the self-test can fail: one expected int16 output changed in a copy of its header, put
  // before host/c/ on the include path
  const flipped = join(OUT, "selftest-flipped");
  mkdirSync(flipped, { recursive: true });
  const header = readFileSync("host/c/tinyrnn_selftest.h", "utf8");
  const at = /tinyrnn_selftest_out_i16\[\d+\] = \{\s*(-?\d+)/.exec(header)!;
  const first = Number(at[1]);
  writeFileSync(join(flipped, "tinyrnn_selftest.h"), header.slice(0, at.index + at[0].length - at[1].length) + String(first ^ 1) + header.slice(at.index + at[0].length));
  const bad = buildHost("wasm3", { suffix: "-selftest-flipped", cflags: `-I${flipped}` });
  const failed = spawnSync(bad, [WASM, "selftest"], { encoding: "utf8" });
  assert.equal(failed.status, 1, "a self-test whose expectation is changed fails");
  assert.equal(failed.stderr, `tinyrnn-c: self-test: int16 step 0, output 0 is ${first}, not ${first ^ 1} (Node's): this engine computes differently\n`);
  const refused = spawnSync(bad, [WASM, SHIPPED[0], "info"], { encoding: "utf8" });
  assert.equal(refused.status, 1, "and every command refuses to run after it");
  assert.equal(refused.stdout, "");
  const built = performance.now();
  const expected = await expectations();
  const ready = performance.now();
  t.diagnostic(`runtimes and tinyrnn-c built in ${((built - t0) / 1000).toFixed(1)} s; Node's side in ${((ready - built) / 1000).toFixed(1)} s`);
  await Promise.all(RUNTIMES.map(({ name, what, module }) => t.test(what, async (s) => {
    const t1 = performance.now();
    const hj = await check(name, bins[name], module, expected);
    s.diagnostic(`${what}: checked in ${((performance.now() - t1) / 1000).toFixed(1)} s (side by side); hey-jarvis on morning.wav: ${hj}`);
  })));
});
