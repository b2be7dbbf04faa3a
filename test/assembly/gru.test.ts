import { test } from "node:test";
import assert from "node:assert/strict";
import type { LayerSpec } from "../tinyrnn.js";
import { BUILDS, rng, signal, f32VsReference, int8VsF32, torchGru, torchLinear } from "../helpers.js";

function gruModel(seed: number, I: number, H: number, O: number, resetAfter: boolean): LayerSpec[] {
  const r = rng(seed);
  return [torchGru(r, I, H, resetAfter), torchLinear(r, H, O)];
}

for (const build of BUILDS) {
  for (const resetAfter of [true, false]) {
    const variant = resetAfter ? "reset after (PyTorch)" : "reset before (ONNX default)";
    test(`${build}: f32 GRU ${variant} matches the float reference over 500 steps (max abs ≤ 1e-5)`, async (t) => {
      const err = await f32VsReference(build, gruModel(1, 40, 64, 12, resetAfter), signal(rng(2), 500, 40));
      t.diagnostic(`max abs error ${err.toExponential(2)}`);
      assert.ok(err <= 1e-5, `max abs error ${err}`);
    });

    for (const H of [64, 128]) {
      test(`${build}: int8 GRU(40→${H}) ${variant} tracks f32, per-step cosine ≥ 0.999 over 1000 steps`, async (t) => {
        const calibration = [signal(rng(10), 600, 40), signal(rng(11), 600, 40)];
        // the test sequence is not one of the calibration sequences
        const cos = await int8VsF32(build, gruModel(3 + H, 40, H, 16, resetAfter), calibration, signal(rng(12), 1000, 40));
        t.diagnostic(`min per-step cosine ${cos.toFixed(6)}`);
        assert.ok(cos >= 0.999, `min per-step cosine ${cos}`);
      });
    }
  }
}
