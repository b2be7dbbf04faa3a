// Audio → the module's own log-mel features, so a model trains on exactly what it will hear.
//   node models/train/features.mjs in.npy out.npy
// in.npy: int16 [N, L] (N clips of L samples at 16 kHz) or [L] (one stream).
// out.npy: int16 [N, T, C] (or [T, C]): the integer frontend's output (real = v · FEATURE_SCALE),
// each clip from a fresh frontend (reset), as a stream starts. Run `npm run build` first.
import { readFileSync, writeFileSync } from "node:fs";
import { createRuntime, Frontend, defaultFrontendConfig, FEATURE_SCALE } from "../../dist/tinyrnn.js";

function readInt16Npy(path) {
  const b = readFileSync(path);
  if (b.toString("latin1", 1, 6) !== "NUMPY") throw new Error(`${path} is not a .npy file`);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = b.toString("latin1", major === 1 ? 10 : 12, start);
  if (!/'descr':\s*'<i2'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error(`${path}: expected C-order int16, got ${header.trim()}`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(",").filter((s) => s.trim()).map(Number);
  const data = new Int16Array(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
  return { data, shape };
}

export function int16Npy(data, shape) {
  let header = `{'descr': '<i2', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
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
writeFileSync(outPath, int16Npy(out, shape.length === 1 ? [T, C] : [n, T, C]));
