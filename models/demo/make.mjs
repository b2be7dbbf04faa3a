// Build activity.tinyrnn (int8) from the PyTorch weights that train.py wrote, calibrated on
// calibration.npy, and check the float path against PyTorch's own outputs on the sample.
// Run from the repo root after `npm run build`:  node models/demo/make.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "npyjs";
import { createRuntime } from "../../dist/tinyrnn.js";
import { buildModel } from "../../dist/build.js";

const here = new URL(".", import.meta.url);
const read = (name) => readFileSync(new URL(name, here));
const npy = (name) => parse(read(name).buffer.slice(0)).data;
const { labels, sampleRateHz, hidden, heldOutAccuracy, weights: w } = JSON.parse(read("weights.json"));

const specs = [
  { kind: "gru", inputLen: 3, hiddenLen: hidden, weightIh: w["gru.weight_ih_l0"], weightHh: w["gru.weight_hh_l0"], biasIh: w["gru.bias_ih_l0"], biasHh: w["gru.bias_hh_l0"] },
  { kind: "dense", inputLen: hidden, outputLen: labels.length, weight: w["fc.weight"], bias: w["fc.bias"], activation: "softmax" },
];
const calib = npy("calibration.npy");
const sequences = [];
for (let t = 0; t < calib.length; t += 400 * 3) sequences.push(calib.subarray(t, t + 400 * 3));

const metadata = {
  name: "activity-demo",
  task: "activity from a 3-axis accelerometer in g, one step per sample",
  labels,
  sampleRateHz,
  source: "models/demo/train.py (PyTorch nn.GRU + nn.Linear, synthetic accelerometer data)",
  torchHeldOutAccuracy: heldOutAccuracy,
};
const int8 = buildModel(specs, { numType: "int8", calibration: sequences, metadata });
const f32 = buildModel(specs, { numType: "f32", metadata });
writeFileSync(new URL("activity.tinyrnn", here), int8);

// Fidelity against PyTorch on the sample (never seen in training or calibration).
const rt = await createRuntime();
const x = npy("sample.npy");
const torch = npy("sample-torch.npy");
const yf = rt.loadModel(f32).openStream().run(x);
const yi = rt.loadModel(int8).openStream().run(x);
let maxErr = 0, agree = 0;
const K = labels.length, T = x.length / 3;
const argmax = (a, t) => { let b = 0; for (let k = 1; k < K; k++) if (a[t * K + k] > a[t * K + b]) b = k; return b; };
for (let i = 0; i < yf.length; i++) maxErr = Math.max(maxErr, Math.abs(yf[i] - torch[i]));
for (let t = 0; t < T; t++) if (argmax(yi, t) === argmax(yf, t)) agree++;
console.log(`activity.tinyrnn: ${int8.length} bytes; f32 vs PyTorch max abs error ${maxErr.toExponential(2)}; int8 and f32 agree on ${(100 * agree / T).toFixed(1)} % of ${T} steps`);
