import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, ReferenceModel, type LayerSpec } from "../../host/index.js";
import { BUILDS, runtime, rng, uniform, signal, maxAbsDiff, minStepCosine } from "./helpers.js";

function gruModel(seed: number, I: number, H: number, O: number, resetAfter: boolean): LayerSpec[] {
  const r = rng(seed);
  const a = 1 / Math.sqrt(H);
  return [
    { kind: "gru", inputLen: I, hiddenLen: H, resetAfter,
      weightIh: uniform(r, 3 * H * I, a), weightHh: uniform(r, 3 * H * H, a),
      biasIh: uniform(r, 3 * H, a), biasHh: uniform(r, 3 * H, a) },
    { kind: "dense", inputLen: H, outputLen: O, weight: uniform(r, O * H, a), bias: uniform(r, O, a), activation: "none" },
  ];
}

for (const build of BUILDS) {
  for (const resetAfter of [true, false]) {
    const variant = resetAfter ? "reset after (PyTorch)" : "reset before (ONNX default)";
    test(`${build}: f32 GRU ${variant} matches the float reference over 500 steps (max abs ≤ 1e-5)`, async () => {
      const specs = gruModel(1, 40, 64, 12, resetAfter);
      const rt = await runtime(build);
      const model = rt.loadModel(buildModel(specs, { numType: "f32" }));
      const x = signal(rng(2), 500, 40);
      const got = model.openStream().run(x);
      const want = new ReferenceModel(specs).run(x);
      const err = maxAbsDiff(got, want);
      assert.ok(err <= 1e-5, `max abs error ${err}`);
      model.dispose();
    });

    for (const H of [64, 128]) {
      test(`${build}: int8 GRU(40→${H}) ${variant} tracks f32, per-step cosine ≥ 0.999 over 1000 steps`, async () => {
        const specs = gruModel(3 + H, 40, H, 16, resetAfter);
        const rt = await runtime(build);
        const calib = [signal(rng(10), 600, 40), signal(rng(11), 600, 40)];
        const f32 = rt.loadModel(buildModel(specs, { numType: "f32" }));
        const i8 = rt.loadModel(buildModel(specs, { numType: "int8", calibration: calib }));
        const x = signal(rng(12), 1000, 40); // not one of the calibration sequences
        const a = f32.openStream().run(x);
        const b = i8.openStream().run(x);
        const cos = minStepCosine(a, b, 16);
        assert.ok(cos >= 0.999, `min per-step cosine ${cos}`);
        f32.dispose();
        i8.dispose();
      });
    }
  }
}
