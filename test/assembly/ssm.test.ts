import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, calibrate, ReferenceModel, TinyrnnError, writeModel, type LayerSpec } from "../tinyrnn.js";
import { encodeSsm, type SsmSpec } from "../../host/build/layers/ssm.js";
import { BUILDS, runtime, rng, uniform, randn, signal, maxAbsDiff, minStepCosine, cosine, mambaBlock } from "../helpers.js";

function ssmModel(seed: number, M: number, N: number, blocks: number, O: number): LayerSpec[] {
  const r = rng(seed);
  const layers: LayerSpec[] = [];
  for (let b = 0; b < blocks; b++) layers.push(mambaBlock(r, M, N));
  layers.push({ kind: "dense", inputLen: M, outputLen: O, weight: uniform(r, O * M, 1 / Math.sqrt(M)), bias: uniform(r, O, 1 / Math.sqrt(M)) });
  return layers;
}

test("ssm reference: zero input gives zero output (silu(z) = 0 shuts the gate); the block is x + mixer(x)", () => {
  const spec = mambaBlock(rng(7), 16, 4);
  const ref = new ReferenceModel([spec]);
  // the state does move (the conv bias feeds x_proj), but z = in_proj(0) = 0 gates the mixer off
  for (let t = 0; t < 20; t++) assert.equal(maxAbsDiff(ref.step(new Float32Array(16)), new Float32Array(16)), 0, `step ${t}`);
  // the residual: with out_proj zeroed the mixer adds nothing and the block passes x through…
  const x = signal(rng(8), 50, 16);
  const through = new ReferenceModel([{ ...spec, outProjWeight: new Float32Array(spec.outProjWeight.length) }]);
  assert.equal(maxAbsDiff(through.run(x), x), 0);
  // …and with it the block adds the mixer's output to x
  assert.ok(maxAbsDiff(new ReferenceModel([spec]).run(x), x) > 0.01);
});

for (const build of BUILDS) {
  test(`${build}: f32 SSM (d_model 64, d_state 16, expand 2) ×2 + dense matches the float64 reference over 500 steps (max abs ≤ 1e-5)`, async (t) => {
    const specs = ssmModel(1, 64, 16, 2, 12);
    const rt = await runtime(build);
    const model = rt.loadModel(buildModel(specs, { numType: "f32" }));
    const x = signal(rng(2), 500, 64);
    const stream = model.openStream();
    const got = stream.run(x);
    const want = new ReferenceModel(specs).run(x);
    const err = maxAbsDiff(got, want);
    t.diagnostic(`${build} f32 SSM max abs error vs float64 reference: ${err.toExponential(3)}`);
    assert.ok(err <= 1e-5, `max abs error ${err}`);
    // reset gives back the start of a sequence
    stream.reset();
    assert.equal(maxAbsDiff(stream.run(x.subarray(0, 64 * 20)), want.subarray(0, 12 * 20)) <= 1e-5, true);
    model.dispose();
  });

  test(`${build}: int8 SSM (d_model 64, d_state 16, expand 2) ×2 + dense tracks f32, per-step cosine ≥ 0.995 over 1000 steps`, async (t) => {
    const specs = ssmModel(5, 64, 16, 2, 16);
    const rt = await runtime(build);
    const calib = [signal(rng(10), 600, 64), signal(rng(11), 600, 64)];
    const f32 = rt.loadModel(buildModel(specs, { numType: "f32" }));
    const i8 = rt.loadModel(buildModel(specs, { numType: "int8", calibration: calib }));
    const x = signal(rng(12), 1000, 64); // not one of the calibration sequences
    const a = f32.openStream().run(x);
    const b = i8.openStream().run(x);
    const cos = minStepCosine(a, b, 16);
    t.diagnostic(`${build} int8 vs f32, 2 SSM blocks + dense head: min per-step cosine ${cos.toFixed(6)}`);
    assert.ok(cos >= 0.995, `min per-step cosine ${cos}`);
    f32.dispose();
    i8.dispose();
  });

  test(`${build}: int8 SSM mixer alone (block output minus its input) tracks f32, per-step cosine ≥ 0.99`, async (t) => {
    // The residual dominates a block's output; this looks at what the mixer adds, where the
    // quantisation error lives. The int8 input is quantised first so both see the same x.
    const M = 64;
    const specs: LayerSpec[] = [mambaBlock(rng(21), M, 16)];
    const rt = await runtime(build);
    const calib = [signal(rng(22), 600, M), signal(rng(23), 600, M)];
    const i8 = rt.loadModel(buildModel(specs, { numType: "int8", calibration: calib }));
    const f32 = rt.loadModel(buildModel(specs, { numType: "f32" }));
    const x = signal(rng(24), 1000, M);
    const sIn = i8.info.inputScale;
    const xq = Float32Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v / sIn))) * sIn);
    const a = f32.openStream().run(xq);
    const b = i8.openStream().run(xq);
    let minCos = 1;
    for (let k = 0; k < 1000; k++) {
      const da = new Float64Array(M), db = new Float64Array(M);
      for (let j = 0; j < M; j++) {
        da[j] = a[k * M + j] - xq[k * M + j];
        db[j] = b[k * M + j] - xq[k * M + j];
      }
      minCos = Math.min(minCos, cosine(da, db));
    }
    t.diagnostic(`${build} int8 vs f32, mixer output alone: min per-step cosine ${minCos.toFixed(6)}`);
    assert.ok(minCos >= 0.99, `min per-step cosine ${minCos}`);
    f32.dispose();
    i8.dispose();
  });

  test(`${build}: SSM state lives in the stream: interleaved streams, save/restore, no memory growth`, async () => {
    const M = 32;
    const specs: LayerSpec[] = [mambaBlock(rng(41), M, 8), mambaBlock(rng(42), M, 8)];
    const rt = await runtime(build);
    for (const numType of ["f32", "int8"] as const) {
      const model = rt.loadModel(buildModel(specs, { numType, calibration: [signal(rng(43), 300, M)] }));
      const xa = signal(rng(44), 400, M), xb = signal(rng(45), 400, M);
      const alone = model.openStream().run(xa);
      // two streams stepped alternately share the model's scratch but not its state
      const sa = model.openStream(), sb = model.openStream();
      const memBefore = rt.memoryBytes;
      const ya = new Float32Array(400 * M);
      for (let t = 0; t < 400; t++) {
        sa.step(xa.subarray(t * M, (t + 1) * M), ya.subarray(t * M, (t + 1) * M));
        sb.step(xb.subarray(t * M, (t + 1) * M));
      }
      assert.equal(maxAbsDiff(ya, alone), 0, `${numType}: interleaved stream differs`);
      assert.equal(rt.memoryBytes, memBefore, `${numType}: memory grew during steps`);
      // save half-way, restore into a fresh stream, continue identically
      const s1 = model.openStream();
      s1.run(xa.subarray(0, 200 * M));
      const saved = s1.saveState();
      const s2 = model.openStream();
      s2.loadState(saved);
      assert.equal(maxAbsDiff(s2.run(xa.subarray(200 * M)), alone.subarray(200 * M)), 0, `${numType}: restored stream differs`);
      model.dispose();
    }
  });

  test(`${build}: int8 SSM refuses an out-of-range format constant at load`, async () => {
    const M = 32;
    const spec = mambaBlock(rng(31), M, 8);
    const rt = await runtime(build);
    const cal = calibrate([spec], [signal(rng(32), 200, M)]);
    const inputScale = cal.input / 32767;
    const image = (fz: number) => {
      const e = encodeSsm(spec, { numType: "int8", inputScale, stats: cal.layers[0] });
      (e.record.tensors[14] as Int32Array)[8] = fz; // consts slot 8: z's fraction bits, valid 5..15
      return writeModel({ numType: "int8", inputLen: M, outputLen: M, inputScale, outputScale: e.outputScale,
        layers: [e.record], metadata: {} });
    };
    assert.doesNotThrow(() => rt.loadModel(image(12)).dispose());
    for (const fz of [4, 16]) {
      assert.throws(() => rt.loadModel(image(fz)), (e: unknown) => e instanceof TinyrnnError && e.code === "badQuantParams");
    }
  });
}

test("SSM outputs are bit-identical on the simd and mvp builds (int8 and f32), d_state 6 exercising the tail", async () => {
  const M = 32;
  // d_state 8: whole groups of four states; 6: a group and a tail of two (the simd state loop)
  const specs: LayerSpec[] = [mambaBlock(rng(51), M, 8), mambaBlock(rng(52), M, 6)];
  const x = signal(rng(53), 300, M);
  for (const numType of ["f32", "int8"] as const) {
    const bytes = buildModel(specs, { numType, calibration: [signal(rng(54), 300, M)] });
    const [a, b] = await Promise.all(BUILDS.map(async (build) => {
      const model = (await runtime(build)).loadModel(bytes);
      const y = model.openStream().run(x);
      model.dispose();
      return y;
    }));
    assert.equal(maxAbsDiff(a, b), 0, numType);
  }
});
