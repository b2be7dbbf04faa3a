// The module's two builds: valid for their targets, import nothing, and compute the same numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { buildModel, createRuntime, writeModel, type LayerSpec } from "../tinyrnn.js";
import { readModel } from "../../host/runtime/format.js";
import { encodeLstmInt8Raw } from "../../host/build/layers/lstm.js";
import { modelChecksum } from "../../host/build/write.js";
import * as C from "../../host/runtime/constants.js";
import { rng, uniform, signal, mambaBlock } from "../helpers.js";

const wasm = (b: string) => readFileSync(`build/tinyrnn.${b}.wasm`);

test("mvp build passes wasm-validate with SIMD and bulk-memory disabled", () => {
  const r = spawnSync("node_modules/.bin/wasm-validate", ["--disable-simd", "--disable-bulk-memory", "build/tinyrnn.mvp.wasm"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("simd build is valid WebAssembly and really needs SIMD", () => {
  assert.equal(spawnSync("node_modules/.bin/wasm-validate", ["build/tinyrnn.simd.wasm"]).status, 0);
  assert.notEqual(spawnSync("node_modules/.bin/wasm-validate", ["--disable-simd", "build/tinyrnn.simd.wasm"]).status, 0);
});

for (const b of ["simd", "mvp"]) {
  test(`${b} build imports nothing and exports one memory`, () => {
    const m = new WebAssembly.Module(wasm(b));
    assert.deepEqual(WebAssembly.Module.imports(m), []);
    assert.deepEqual(WebAssembly.Module.exports(m).filter((e) => e.kind === "memory").map((e) => e.name), ["memory"]);
  });
}

test("simd and mvp builds give bit-identical int8 and f32 outputs", async () => {
  const r = rng(21);
  const specs: LayerSpec[] = [
    { kind: "gru", inputLen: 40, hiddenLen: 64, weightIh: uniform(r, 192 * 40, 0.125), weightHh: uniform(r, 192 * 64, 0.125), biasIh: uniform(r, 192, 0.1), biasHh: uniform(r, 192, 0.1) },
    { kind: "dense", inputLen: 64, outputLen: 12, weight: uniform(r, 12 * 64, 0.125), activation: "softmax" },
  ];
  const x = signal(rng(22), 400, 40);
  const simd = await createRuntime({ build: "simd" }), mvp = await createRuntime({ build: "mvp" });
  assert.equal(simd.build, "simd");
  assert.equal(mvp.build, "mvp");
  for (const bytes of [buildModel(specs, { numType: "int8", calibration: [signal(rng(23), 300, 40)] }), buildModel(specs, { numType: "f32" })]) {
    const a = simd.loadModel(bytes).openStream().run(x);
    const b = mvp.loadModel(bytes).openStream().run(x);
    assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
  }
});

test("simd and mvp builds agree bit for bit where the SIMD matvec takes its tail rows (row counts not a multiple of 4)", async () => {
  const r = rng(77);
  const gru = (I: number, H: number, resetAfter: boolean): LayerSpec => ({
    kind: "gru", inputLen: I, hiddenLen: H, resetAfter,
    weightIh: uniform(r, 3 * H * I, 1 / Math.sqrt(H)), weightHh: uniform(r, 3 * H * H, 1 / Math.sqrt(H)),
    biasIh: uniform(r, 3 * H, 0.2), biasHh: uniform(r, 3 * H, 0.2),
  });
  const dense = (I: number, O: number, activation: "tanh" | "softmax"): LayerSpec => ({
    kind: "dense", inputLen: I, outputLen: O, weight: uniform(r, O * I, 1 / Math.sqrt(I)), bias: uniform(r, O, 0.1), activation,
  });
  const simd = await createRuntime({ build: "simd" }), mvp = await createRuntime({ build: "mvp" });
  // GRU 3H = 39 rows (reset before: also the 13-row W_hn block); dense 7 and 301 rows
  for (const specs of [[gru(33, 13, false), dense(13, 7, "softmax")], [dense(200, 301, "tanh")]]) {
    const I = specs[0].inputLen;
    const x = signal(rng(2), 200, I, 2); // twice the calibrated amplitude: saturation paths too
    for (const bytes of [buildModel(specs, { numType: "int8", calibration: [signal(rng(1), 200, I)] }), buildModel(specs, { numType: "f32" })]) {
      const a = simd.loadModel(bytes).openStream().run(x);
      const b = mvp.loadModel(bytes).openStream().run(x);
      assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
    }
  }
});

// The simd build's int8 kernels take four units (rows, states) at a time with rewritten integer
// arithmetic wherever the quantisation parameters allow it, and the scalar loops elsewhere; the mvp
// build has only the scalar loops. These models push the parameters to their ends — accumulators
// near the int32 bound, every shift either path may take, saturation, the fast paths' limits —
// and the two builds must still agree bit for bit.

/** Tensor offsets in a layer's data, each 16-aligned (host/build/write.ts), from their byte sizes. */
function tensorOffsets(start: number, sizes: number[]): number[] {
  const at: number[] = [];
  let off = start;
  for (const s of sizes) { at.push(off); off = (off + s + 15) & ~15; }
  return at;
}
const pad16 = (n: number) => (n + 15) & ~15;

function patched(bytes: Uint8Array, edit: (dv: DataView, dataOffset: number, params: number[]) => void): Uint8Array {
  const m = readModel(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  edit(dv, m.layers[0].dataOffset, m.layers[0].params);
  dv.setUint32(C.HDR_CHECKSUM, modelChecksum(bytes), true);
  return bytes;
}

async function sameOnBothBuilds(label: string, bytes: Uint8Array, x: Float32Array): Promise<void> {
  const simd = await createRuntime({ build: "simd" }), mvp = await createRuntime({ build: "mvp" });
  const a = simd.loadModel(bytes).openStream().run(x), b = mvp.loadModel(bytes).openStream().run(x);
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer), label);
}

test("simd and mvp agree bit for bit on GRUs at the ends of their quantisation (±127 weights, 2^30 multipliers, shifts 20..40)", async () => {
  const r = rng(901);
  for (const resetAfter of [true, false]) {
    for (const [I, H] of [[40, 64], [33, 13], [8, 3]]) {
      for (const shift of [20, 31, 32, 33, 40]) {
        const spec: LayerSpec = { kind: "gru", inputLen: I, hiddenLen: H, resetAfter,
          weightIh: uniform(r, 3 * H * I, 0.2), weightHh: uniform(r, 3 * H * H, 0.2), biasIh: uniform(r, 3 * H, 0.1), biasHh: uniform(r, 3 * H, 0.1) };
        const bytes = patched(buildModel([spec], { numType: "int8", calibration: [signal(rng(1), 100, I)] }), (dv, data) => {
          const [wx, wh, bx, bh, mx, mh] = tensorOffsets(data, [3 * H * pad16(I), 3 * H * pad16(H), 12 * H, 12 * H, 12 * H, 12 * H]);
          for (let row = 0; row < 3 * H; row++) {
            for (let c = 0; c < I; c++) dv.setInt8(wx + row * pad16(I) + c, r() < 0.5 ? 127 : -127);
            for (let c = 0; c < H; c++) dv.setInt8(wh + row * pad16(H) + c, r() < 0.5 ? 127 : -127);
            dv.setInt32(bx + 4 * row, Math.round((r() - 0.5) * 2 ** 29), true);
            dv.setInt32(bh + 4 * row, Math.round((r() - 0.5) * 2 ** 29), true);
            dv.setInt32(mx + 4 * row, Math.round(2 ** 30 * (0.5 + 0.5 * r())), true);
            dv.setInt32(mh + 4 * row, Math.round(2 ** 30 * (0.5 + 0.5 * r())), true);
          }
          dv.setInt32(C.FILE_HEADER_BYTES + C.REC_PARAMS + 4, shift, true);
        });
        await sameOnBothBuilds(`GRU ${I}→${H} resetAfter ${resetAfter} shift ${shift}`, bytes, signal(rng(2), 60, I, 50));
      }
    }
  }
});

test("simd and mvp agree bit for bit on TFLite-style int8 LSTMs across gate shifts, biases and cell requantisations", async () => {
  const r = rng(902);
  const ri = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  // [t range of the x part, of the h part]: the simd gates' fast path needs every t ≥ 16 and the
  // rows' spread ≤ 16 past 32; the others take the scalar path
  const tRanges: [number, number][][] = [[[20, 26], [24, 30]], [[16, 16], [40, 46]], [[8, 12], [18, 20]], [[17, 20], [25, 26]], [[30, 46], [20, 36]]];
  for (const [I, H] of [[40, 64], [7, 5], [3, 1]]) {
    for (const [tx, th] of tRanges) {
      for (const bias of [1e3, 2 ** 45]) {
        for (const qcShift of [[-14, -18, -14], [-1, 0, -31], [2, -14, 3]]) {
          for (const gateRequant of ["int64", "int32"] as const) {
            const q = (t: [number, number]) => Array.from({ length: 4 * H }, () => [ri(2 ** 30, 2 ** 31 - 1), 15 - ri(t[0], t[1])]).flat();
            const rec = encodeLstmInt8Raw({
              inputLen: I, hiddenLen: H,
              weightIh: Array.from({ length: 4 * H * I }, () => ri(-127, 127)), weightHh: Array.from({ length: 4 * H * H }, () => ri(-127, 127)),
              bias: Array.from({ length: 4 * H }, () => BigInt(Math.round((r() - 0.5) * 2 * bias))),
              quantIh: q(tx), quantHh: q(th),
              forgetToCell: [ri(2 ** 30, 2 ** 31 - 1), qcShift[0]], inputToCell: [ri(2 ** 30, 2 ** 31 - 1), qcShift[1]], output: [ri(2 ** 30, 2 ** 31 - 1), qcShift[2]],
              cellScalePower: ri(-14, 2), cellClip: r() < 0.5 ? 0 : ri(100, 30000), gateRequant,
            });
            const bytes = writeModel({ numType: "int8", inputLen: I, outputLen: H, inputScale: 1, outputScale: 1, layers: [rec], metadata: {} });
            const x = Float32Array.from({ length: 60 * I }, () => Math.round((r() - 0.5) * 2 * (r() < 0.5 ? 300 : 32767)));
            await sameOnBothBuilds(`LSTM ${I}→${H} tx ${tx} th ${th} bias ${bias} qc ${qcShift} ${gateRequant}`, bytes, x);
          }
        }
      }
    }
  }
});

test("simd and mvp agree bit for bit on SSM blocks whose requantisations take every shift (−31..8)", async () => {
  const r = rng(903);
  for (const [M, N, expand] of [[64, 16, 2], [20, 5, 3], [12, 3, 1]]) {
    for (let round = 0; round < 4; round++) {
      const spec = mambaBlock(rng(M + round), M, N, expand);
      const Di = expand * M, R = Math.ceil(M / 16), K = 4;
      const bytes = patched(buildModel([spec], { numType: "int8", calibration: [signal(rng(3), 100, M)] }), (dv, data) => {
        const xRows = R + 2 * N;
        const at = tensorOffsets(data, [2 * Di * pad16(M), 2 * Di * 8, Di * K, Di * 4, Di * 8, xRows * pad16(Di), xRows * 8,
          Di * pad16(R), Di * 4, Di * 8, Di * N * 4, Di * 8, M * pad16(Di), M * 8]);
        // (multiplier, shift) pairs of in_proj, the conv, x_proj and out_proj: tensors 1, 4, 6, 13
        for (const [t, rows] of [[1, 2 * Di], [4, Di], [6, xRows], [13, M]]) {
          for (let row = 0; row < rows; row++) {
            const shift = round === 0 ? -31 + Math.floor(r() * 40) : Math.floor(dv.getInt32(at[t] + 8 * row + 4, true) + (r() - 0.5) * 8);
            dv.setInt32(at[t] + 8 * row, Math.round(2 ** 30 * (1 + r()) - 1), true);
            dv.setInt32(at[t] + 8 * row + 4, Math.max(-31, Math.min(8, shift)), true);
          }
        }
      });
      await sameOnBothBuilds(`SSM M=${M} N=${N} Di=${Di} round ${round}`, bytes, signal(rng(4), 40, M, 3));
    }
  }
});
