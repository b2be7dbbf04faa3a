// Audio → the module's own log-mel features, so a model trains on exactly what it will hear.
//   node models/train/features.mjs in.npy out.npy
// in.npy: int16 [N, L] (N clips of L samples at 16 kHz) or [L] (one stream).
// out.npy: int16 [N, T, C] (or [T, C]): the integer frontend's output (real = v · FEATURE_SCALE),
// each clip from a fresh frontend (reset), as a stream starts. Run `npm run build` first.
import { readFileSync, writeFileSync } from "node:fs";
import { parse, dump } from "npyjs";
import { createRuntime, defaultFrontendConfig, FEATURE_SCALE } from "../../dist/tinyrnn.js";
import { Frontend } from "../../dist/build.js";

function readInt16Npy(path) {
  const b = readFileSync(path);
  const { data, shape, dtype, fortranOrder } = parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  if (dtype !== "i2" || fortranOrder) throw new Error(`${path}: expected C-order int16, got ${dtype}${fortranOrder ? " (Fortran order)" : ""}`);
  return { data, shape };
}

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) { console.error("usage: node models/train/features.mjs in.npy out.npy"); process.exit(2); }
const { data, shape } = readInt16Npy(inPath);
const [n, len] = shape.length === 1 ? [1, shape[0]] : shape;
const rt = await createRuntime();
const fe = new Frontend(rt, defaultFrontendConfig(16000), "int8");
const C = fe.channels;
let out = null, T = 0;
for (let i = 0; i < n; i++) {
  fe.reset();
  const f = fe.features(data.subarray(i * len, (i + 1) * len));
  if (!out) { T = f.length / C; out = new Int16Array(n * T * C); }
  for (let j = 0; j < T * C; j++) out[i * T * C + j] = Math.round(f[j] / FEATURE_SCALE);
}
writeFileSync(outPath, new Uint8Array(dump(out, shape.length === 1 ? [T, C] : [n, T, C])));
