// Streams: independence, reset, save/restore, bad input, constant memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, TinyrnnError, type LayerSpec } from "../tinyrnn.js";
import { BUILDS, runtime, rng, uniform, signal, mixedModel } from "../helpers.js";
import * as C from "../../assembly/constants.js";

/** A reset-before GRU and every other kind: state in each layer kind must save, restore and reset. */
function specs(seed: number, I = 10, H = 24, O = 5): LayerSpec[] {
  const r = rng(seed + 1000);
  const a = 1 / Math.sqrt(H);
  return [
    { kind: "gru", inputLen: I, hiddenLen: H, resetAfter: false, weightIh: uniform(r, 3 * H * I, a), weightHh: uniform(r, 3 * H * H, a) },
    ...mixedModel(seed, H, H, O),
  ];
}
const x = signal(rng(7), 300, 10);
const models = {
  int8: buildModel(specs(1), { numType: "int8", calibration: [signal(rng(8), 300, 10)] }),
  f32: buildModel(specs(1), { numType: "f32" }),
};

for (const build of BUILDS) {
  for (const numType of ["int8", "f32"] as const) {
    const name = `${build} ${numType}`;

    test(`${name}: save → restore into a new stream → continue equals an uninterrupted run`, async () => {
      const rt = await runtime(build);
      const m = rt.loadModel(models[numType]);
      const whole = m.openStream().run(x);
      const a = m.openStream();
      const first = a.run(x.subarray(0, 137 * 10));
      const saved = a.saveState();
      a.step(new Float32Array(10).fill(3)); // move a on: the saved bytes must not alias it
      const b = m.openStream();
      b.loadState(saved);
      const rest = b.run(x.subarray(137 * 10));
      assert.deepEqual([...first, ...rest], [...whole]);
      m.dispose();
    });

    test(`${name}: interleaved streams are independent, reset equals a fresh stream`, async () => {
      const rt = await runtime(build);
      const m = rt.loadModel(models[numType]);
      const alone = m.openStream().run(x);
      const s1 = m.openStream(), s2 = m.openStream();
      const o1 = new Float32Array(alone.length), o2 = new Float32Array(alone.length);
      const y = signal(rng(9), 300, 10);
      for (let t = 0; t < 300; t++) {
        s1.step(x.subarray(t * 10, t * 10 + 10), o1.subarray(t * 5, t * 5 + 5));
        s2.step(y.subarray(t * 10, t * 10 + 10), o2.subarray(t * 5, t * 5 + 5));
      }
      assert.deepEqual([...o1], [...alone]);
      s2.reset();
      assert.deepEqual([...s2.run(x)], [...alone]);
      m.dispose();
    });

    test(`${name}: NaN or infinite input is refused and leaves the state untouched`, async () => {
      const rt = await runtime(build);
      const m = rt.loadModel(models[numType]);
      const clean = m.openStream().run(x.subarray(0, 200 * 10));
      const s = m.openStream();
      s.run(x.subarray(0, 100 * 10));
      for (const bad of [NaN, Infinity, -Infinity]) {
        const v = new Float32Array(10).fill(0.2);
        v[7] = bad;
        assert.throws(() => s.step(v), (e: unknown) => e instanceof TinyrnnError && e.code === "nonFiniteInput" && /input element 7/.test(e.message));
      }
      assert.deepEqual([...s.run(x.subarray(100 * 10, 200 * 10))], [...clean.subarray(100 * 5)]);
      m.dispose();
    });
  }

  test(`${build}: an f32 state holding NaN or infinity is refused, and the stream goes on unchanged`, async () => {
    const rt = await runtime(build);
    const m = rt.loadModel(models.f32);
    const clean = m.openStream().run(x.subarray(0, 200 * 10));
    const s = m.openStream();
    s.run(x.subarray(0, 100 * 10));
    const good = s.saveState();
    const values = (good.length - C.STREAM_STATE_HEADER_BYTES) / 4;
    for (const [k, bad] of [[values - 1, NaN], [Math.floor(values / 2), Infinity], [40, -Infinity], [3, NaN]] as const) {
      const state = good.slice();
      new DataView(state.buffer).setFloat32(C.STREAM_STATE_HEADER_BYTES + 4 * k, bad, true);
      assert.throws(() => s.loadState(state), (e: unknown) => e instanceof TinyrnnError && e.code === "badState" &&
        e.message === `loadState: the state holds NaN or infinity (value ${k}): invalid saved state`, `${bad} at ${k}`);
    }
    assert.deepEqual(s.saveState(), good);
    assert.deepEqual([...s.run(x.subarray(100 * 10, 200 * 10))], [...clean.subarray(100 * 5)]);
    m.dispose();
  });

  test(`${build}: wrong sizes, foreign states and disposed handles give clear errors`, async () => {
    const rt = await runtime(build);
    const m = rt.loadModel(models.int8);
    const f = rt.loadModel(models.f32);
    const s = m.openStream();
    assert.throws(() => s.step(new Float32Array(9)), /input has 9 values; the model takes 10/);
    assert.throws(() => f.openStream().loadState(s.saveState()), (e: unknown) => e instanceof TinyrnnError && e.code === "badState" && /different model/.test(e.message));
    assert.throws(() => s.loadState(s.saveState().subarray(0, 20)), (e: unknown) => e instanceof TinyrnnError && e.code === "badState");
    assert.throws(() => s.loadState(new Uint8Array(64)), (e: unknown) => e instanceof TinyrnnError && e.code === "badState");
    assert.throws(() => f.openStream().stepInt16(new Int16Array(10)), (e: unknown) => e instanceof TinyrnnError && e.code === "wrongNumType");
    s.dispose();
    assert.throws(() => s.step(new Float32Array(10)), (e: unknown) => e instanceof TinyrnnError && e.code === "badHandle");
    m.dispose();
    assert.throws(() => m.openStream(), (e: unknown) => e instanceof TinyrnnError && e.code === "badHandle");
    // raw ABI: stale and made-up handles are refused, not trusted
    assert.ok(rt.exports.streamStep(s.handle, 0, 0) < 0);
    assert.ok(rt.exports.streamStep(12345, 0, 0) < 0);
    assert.ok(rt.exports.modelInfo(0x7ffffff0, 0) < 0);
    f.dispose();
  });

  test(`${build}: with 16,000 streams open, streams open, run and dispose; disposing all gives the heap back`, async () => {
    const rt = await runtime(build, true);
    const ex = rt.exports;
    const start = ex.memLimit(0);
    const m = rt.loadModel(models.int8);
    const loaded = ex.memLimit(0);
    const xs = x.subarray(0, 40 * 10);
    const alone = m.openStream();
    const want = alone.run(xs);
    alone.dispose();
    const streams = Array.from({ length: 16000 }, () => m.openStream());
    for (let i = 0; i < 50; i++) {
      const s = m.openStream();
      if (i % 10 === 0) assert.deepEqual([...s.run(xs)], [...want]);
      s.dispose();
    }
    // close every third, open as many again, each once run through the sequence
    const r = rng(16000);
    for (let i = 0; i < streams.length; i += 3) streams[i].dispose();
    for (let i = 0; i < streams.length; i += 3) streams[i] = m.openStream();
    for (const k of [0, 1, 7999, 15999, Math.floor(r() * 16000)]) {
      streams[k].reset();
      assert.deepEqual([...streams[k].run(xs)], [...want], `stream ${k}`);
    }
    for (const s of streams.sort(() => r() - 0.5)) s.dispose();
    assert.equal(ex.memLimit(0), loaded, "every stream disposed: the heap ends where it did after the load");
    m.dispose();
    assert.equal(ex.memLimit(0), start, "the model disposed too: the heap ends where it started");
  });

  test(`${build}: 10^6 steps leave memory.buffer.byteLength unchanged`, async () => {
    const rt = await runtime(build, true);
    const m = rt.loadModel(buildModel(specs(2, 4, 16, 2), { numType: "int8", calibration: [signal(rng(3), 200, 4)] }));
    const s = m.openStream();
    const before = rt.memoryBytes;
    const ex = rt.exports;
    const input = m.io.in, output = m.io.out;
    const f32 = rt.f32;
    const xs = signal(rng(4), 1000, 4);
    for (let t = 0; t < 1_000_000; t++) {
      f32.set(xs.subarray((t % 1000) * 4, (t % 1000) * 4 + 4), input >> 2);
      if (ex.streamStep(s.handle, input, output) !== 0) throw new Error(`step ${t} failed`);
    }
    assert.equal(rt.memoryBytes, before);
    assert.ok(Number.isFinite(rt.f32[output >> 2]));
  });
}

