// The plain-JavaScript whole process that `tinyrnn run` is measured against (bench/cli.ts): what a
// JS developer writes to run a GRU + dense head over a .npy file without tinyrnn. It reads the
// float weights (JSON: { gru: GruSpec, head: DenseSpec }), reads a float32 [T, F] .npy, steps the
// float32 twins of bench/jsfloat.ts over it and writes the [T, O] outputs as one float32 .npy.
// Its .npy reading and writing are as lean as it gets (a view over the file, one write), so the
// comparison is of the steps and start-up, not of a slow parser. Bundled by `npm run bench` to
// build/bench/plain-run.mjs, on its own: it loads nothing of tinyrnn.
//
// Usage: node build/bench/plain-run.mjs <weights.json> <in.npy> -o <out.npy>

import { readFileSync, writeFileSync } from "node:fs";
import { GruJs, DenseJs } from "./jsfloat.js";

function readNpy(path: string): { data: Float32Array; rows: number; cols: number } {
  const b = readFileSync(path);
  if (b.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error(`${path} is not a .npy file`);
  const at = b[6] === 1 ? 10 : 12;
  const end = at + (b[6] === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8));
  const header = b.toString("latin1", at, end);
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header) || !shape) throw new Error(`${path}: not a C-order float32 [T, F] array`);
  const rows = Number(shape[1]), cols = Number(shape[2]);
  // a view when the data is 4-byte aligned in memory, else one copy
  const off = b.byteOffset + end;
  const data = off % 4 === 0 ? new Float32Array(b.buffer, off, rows * cols) : new Float32Array(b.buffer.slice(off, off + 4 * rows * cols));
  return { data, rows, cols };
}

function writeNpy(path: string, data: Float32Array, rows: number, cols: number): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = Buffer.alloc(10 + header.length + data.byteLength);
  out.write("\x93NUMPY\x01\x00", 0, "latin1");
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, "latin1");
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  writeFileSync(path, out);
}

const [weightsPath, inPath, dashO, outPath] = process.argv.slice(2);
if (!outPath || dashO !== "-o") throw new Error("usage: plain-run <weights.json> <in.npy> -o <out.npy>");
const w = JSON.parse(readFileSync(weightsPath, "utf8"));
const gru = new GruJs(w.gru), head = new DenseJs(w.head);
const x = readNpy(inPath);
if (x.cols !== gru.inputLen) throw new Error(`${inPath} has ${x.cols} features per step; the model takes ${gru.inputLen}`);
const O = head.outputLen;
const y = new Float32Array(x.rows * O);
for (let t = 0; t < x.rows; t++) y.set(head.step(gru.step(x.data, t * x.cols), 0), t * O);
writeNpy(outPath, y, x.rows, O);
