// The simd and mvp builds compute the same numbers, bit for bit: int8 because integer sums are
// exact in any order, f32 because both matvec paths sum lanes in the same documented order
// (assembly/matvec.ts). Shapes include row counts that are not a multiple of 4 (the SIMD path's
// tail rows) and widths that need padding.

import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, type LayerSpec } from "../../host/index.js";
import { runtime, rng, uniform, signal } from "./helpers.js";

function models(): [string, LayerSpec[]][] {
  const r = rng(77);
  const gru = (I: number, H: number, resetAfter: boolean): LayerSpec => ({
    kind: "gru", inputLen: I, hiddenLen: H, resetAfter,
    weightIh: uniform(r, 3 * H * I, 1 / Math.sqrt(H)), weightHh: uniform(r, 3 * H * H, 1 / Math.sqrt(H)),
    biasIh: uniform(r, 3 * H, 0.2), biasHh: uniform(r, 3 * H, 0.2),
  });
  const dense = (I: number, O: number, activation: "none" | "tanh" | "softmax"): LayerSpec => ({
    kind: "dense", inputLen: I, outputLen: O, weight: uniform(r, O * I, 1 / Math.sqrt(I)), bias: uniform(r, O, 0.1), activation,
  });
  return [
    ["GRU(40→64) reset after", [gru(40, 64, true)]],
    ["GRU(33→13) reset before + dense(13→7, softmax)", [gru(33, 13, false), dense(13, 7, "softmax")]],
    ["dense(200→301, tanh)", [dense(200, 301, "tanh")]],
  ];
}

for (const [name, specs] of models()) {
  for (const numType of ["int8", "f32"] as const) {
    test(`${numType} ${name}: simd and mvp builds agree bit for bit over 200 steps`, async () => {
      const I = specs[0].inputLen;
      const bytes = buildModel(specs, numType === "int8" ? { numType, calibration: [signal(rng(1), 200, I)] } : { numType });
      const x = signal(rng(2), 200, I, 2); // twice the calibrated amplitude: saturation paths too
      const [simd, mvp] = await Promise.all([runtime("simd"), runtime("mvp")]);
      const a = simd.loadModel(bytes), b = mvp.loadModel(bytes);
      const ya = a.openStream().run(x), yb = b.openStream().run(x);
      const first = ya.findIndex((v, i) => !Object.is(v, yb[i]));
      assert.equal(first, -1, `first difference at value ${first}: simd ${ya[first]} vs mvp ${yb[first]}`);
      a.dispose();
      b.dispose();
    });
  }
}
