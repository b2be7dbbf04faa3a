// `npm run demo:activity`: stream a minute of accelerometer samples through the shipped int8 demo model,
// one step per sample, and print what it recognises, how well, and how fast.
import { readFileSync } from "node:fs";
import { parse } from "npyjs";
import { createRuntime } from "../../dist/tinyrnn.js";

const here = new URL(".", import.meta.url);
const read = (name) => readFileSync(new URL(name, here));
const modelBytes = read("activity.tinyrnn");
const x = parse(read("sample.npy").buffer.slice(0)).data;
const truth = JSON.parse(read("sample-labels.json")).perStep;

const rt = await createRuntime();
const model = rt.loadModel(modelBytes);
const { labels, sampleRateHz } = model.metadata;
const T = x.length / model.inputLen;
const K = model.outputLen;
const layers = model.info.layers.map((l) => (l.kind === "gru" ? `GRU(${l.inputLen}→${l.outputLen})` : `dense(${l.outputLen}, softmax)`)).join(" → ");
console.log(`tinyrnn demo: ${model.metadata.task}`);
console.log(`  model   models/demo/activity.tinyrnn: ${layers}, ${model.numType}, ${model.weightBytes} bytes of weights, ${model.stateBytes} bytes of state per stream, ${rt.build} build`);
console.log(`  input   models/demo/sample.npy: ${(T / sampleRateHz).toFixed(0)} s of ${sampleRateHz} Hz samples, still, walking, running and shaking (synthetic, from a seed never used in training)`);

// Stream it, one sample at a time, as a device would.
const stream = model.openStream();
const out = new Float32Array(T * K);
const memoryBefore = rt.memoryBytes;
const t0 = performance.now();
for (let t = 0; t < T; t++) stream.step(x.subarray(t * 3, t * 3 + 3), out.subarray(t * K, t * K + K));
const ms = performance.now() - t0;

// Smooth the posteriors over half a second and print the segments it finds.
const win = Math.round(sampleRateHz / 2);
const decided = new Array(T);
const avg = new Float64Array(K);
for (let t = 0; t < T; t++) {
  for (let k = 0; k < K; k++) avg[k] += out[t * K + k] - (t >= win ? out[(t - win) * K + k] : 0);
  let best = 0;
  for (let k = 1; k < K; k++) if (avg[k] > avg[best]) best = k;
  decided[t] = best;
}
const runs = [];
for (let t = 0; t < T; t++) {
  const last = runs[runs.length - 1];
  if (last && last.label === decided[t]) last.end = t + 1;
  else runs.push({ label: decided[t], start: t, end: t + 1 });
}
// Blips shorter than half a second join the segment before them.
const segments = [];
for (const r of runs) {
  const last = segments[segments.length - 1];
  if (last && (last.label === r.label || r.end - r.start < sampleRateHz / 2)) last.end = r.end;
  else segments.push({ ...r });
}
const sec = (t) => (t / sampleRateHz).toFixed(1).padStart(5);
console.log(`  heard:`);
for (const s of segments) {
  const counts = new Map();
  for (let t = s.start; t < s.end; t++) counts.set(truth[t], (counts.get(truth[t]) ?? 0) + 1);
  const actual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  console.log(`    ${sec(s.start)} – ${sec(s.end)} s  ${labels[s.label].padEnd(6)} ${actual === s.label ? "" : `(it was ${labels[actual]})`}`);
}
let right = 0;
for (let t = 0; t < T; t++) if (decided[t] === truth[t]) right++;
console.log(`  ${(100 * right / T).toFixed(1)} % of steps match the recording's labels (the first moments after each change count as misses)`);
console.log(`  ${T} steps in ${ms.toFixed(1)} ms: ${(1000 * ms / T).toFixed(2)} µs per step through the JavaScript API, ${Math.round(T / sampleRateHz / (ms / 1000))}× real time; memory ${rt.memoryBytes === memoryBefore ? "unchanged" : "GREW"} (${rt.memoryBytes} bytes)`);
