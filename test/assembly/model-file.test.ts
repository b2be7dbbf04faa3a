// Bad model images are refused with a TinyrnnError naming the problem — never a trap — and the
// module keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, TinyrnnError, readModel, type LayerSpec } from "../tinyrnn.js";
import { modelChecksum } from "../../host/build/write.js";
import { BUILDS, runtime, rng, uniform, signal, mixedModel } from "../helpers.js";
import { LAYERS, layerOps, namedRefusal } from "../../host/build/layers/index.js";
import * as C from "../../assembly/constants.js";

function smallSpecs(seed: number): LayerSpec[] {
  const r = rng(seed);
  return [
    { kind: "gru", inputLen: 6, hiddenLen: 8, weightIh: uniform(r, 24 * 6, 0.4), weightHh: uniform(r, 24 * 8, 0.4), biasIh: uniform(r, 24, 0.1), biasHh: uniform(r, 24, 0.1) },
    { kind: "dense", inputLen: 8, outputLen: 3, weight: uniform(r, 24, 0.4), activation: "softmax" },
  ];
}
const calib = [signal(rng(5), 200, 6)];
const good = { int8: buildModel(smallSpecs(1), { numType: "int8", calibration: calib }), f32: buildModel(smallSpecs(1), { numType: "f32" }) };
// every layer kind, so that each kind's plan and prepare meet the corruption too
const mixedSpecs = mixedModel(2, 6, 8, 3);
const mixed = { int8: buildModel(mixedSpecs, { numType: "int8", calibration: calib }), f32: buildModel(mixedSpecs, { numType: "f32" }) };

/** Where each f32 tensor of each layer of `specs`' f32 file starts: the writer's layout (16-aligned, in order). */
function f32TensorOffsets(file: Uint8Array, specs: LayerSpec[]): number[][] {
  return readModel(file).layers.map((l, i) => {
    let off = 0;
    return layerOps(specs[i]).encode(specs[i], { numType: "f32", inputScale: 1, stats: new Map() }).record.tensors.map((t) => {
      off = (off + 15) & ~15;
      const at = l.dataOffset + off;
      off += t.byteLength;
      return at;
    });
  });
}
const F32_MAX = 3.4028234663852886e38;

/** Rewrite the checksum so that the checks behind it are reached. */
function resign(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(16, modelChecksum(bytes), true);
  return bytes;
}

for (const build of BUILDS) {
  /** Load must either succeed (then steps run) or throw a TinyrnnError; anything else fails the test. */
  async function loadOrRefuse(bytes: Uint8Array): Promise<"ok" | string> {
    const rt = await runtime(build);
    try {
      const m = rt.loadModel(bytes);
      const s = m.openStream();
      for (let t = 0; t < 3; t++) s.step(new Float32Array(m.inputLen).fill(0.5));
      m.dispose();
      return "ok";
    } catch (e) {
      if (e instanceof TinyrnnError) return e.code;
      throw e;
    }
  }

  async function stillWorks(): Promise<void> {
    const rt = await runtime(build);
    const m = rt.loadModel(good.int8);
    const out = m.openStream().step(new Float32Array(6).fill(0.1));
    assert.equal(out.length, 3);
    m.dispose();
  }

  test(`${build}: a good model loads and reports its sizes`, async () => {
    const rt = await runtime(build);
    for (const bytes of [good.int8, good.f32]) {
      const m = rt.loadModel(bytes);
      assert.equal(m.inputLen, 6);
      assert.equal(m.outputLen, 3);
      assert.ok(m.weightBytes > 0 && m.stateBytes > 0 && m.scratchBytes > 0);
      m.dispose();
    }
  });

  test(`${build}: truncated images are refused at every length`, async () => {
    const codes = new Set<string>();
    for (let n = 0; n < good.int8.length; n += n < 128 ? 1 : 7) {
      const r = await loadOrRefuse(good.int8.slice(0, n));
      assert.notEqual(r, "ok", `a ${n}-byte prefix loaded`);
      codes.add(r);
    }
    assert.ok(codes.has("truncated"), [...codes].join());
    await stillWorks();
  });

  test(`${build}: every single flipped byte is refused (checksum)`, async () => {
    for (const bytes of [good.int8, good.f32, mixed.int8, mixed.f32]) {
      for (let i = 0; i < bytes.length; i++) {
        const bad = bytes.slice();
        bad[i] ^= 0x5a;
        const r = await loadOrRefuse(bad);
        assert.notEqual(r, "ok", `flipping byte ${i} went unnoticed`);
      }
    }
    await stillWorks();
  });

  test(`${build}: wrong magic, wrong version, unknown number type are named`, async () => {
    const magic = good.int8.slice(); magic[0] = 0x58;
    assert.equal(await loadOrRefuse(magic), "badMagic");
    const version = good.int8.slice(); version[4] = 2; resign(version);
    assert.equal(await loadOrRefuse(version), "badVersion");
    const num = good.int8.slice(); num[20] = 7; resign(num);
    assert.equal(await loadOrRefuse(num), "badNumType");
  });

  test(`${build}: absurd sizes in a correctly signed header or layer table are refused`, async () => {
    const cases: [string, number, number][] = [
      ["layer count", 32, 0xffffffff], ["layer count 0", 32, 0], ["input size", 24, 0x7fffffff],
      ["input size 0", 24, 0], ["output size", 28, 1 << 30], ["layer table offset", 36, 0xfffffff0],
      ["metadata offset", 40, 0xffffff00], ["metadata bytes", 44, 0x7fffffff], ["file bytes", 12, 0xffffffff],
      ["layer 0 kind", 64, 99], ["layer 0 input", 64 + 8, 1 << 28], ["layer 0 hidden", 64 + 16, 0xffffffff],
      ["layer 0 hidden huge", 64 + 16, 1 << 20], ["layer 0 data offset", 64 + 48, 0xfffffff0],
      ["layer 0 data bytes", 64 + 52, 0xffffffff], ["layer 1 output", 128 + 12, 0xffffffff],
      ["layer 1 activation", 128 + 16, 77], ["input scale", 48, 0x7fc00000 /* NaN */],
    ];
    for (const [what, offset, value] of cases) {
      const bad = good.int8.slice();
      new DataView(bad.buffer).setUint32(offset, value, true);
      const r = await loadOrRefuse(offset === 16 ? bad : resign(bad));
      assert.notEqual(r, "ok", `${what} = ${value} was accepted`);
    }
    await stillWorks();
  });

  for (const [name, base] of [["GRU int8", good.int8], ["GRU+LSTM+SSM int8", mixed.int8], ["GRU+LSTM+SSM f32", mixed.f32]] as const)
  test(`${build}: random field mutations of a ${name} file with a valid checksum never trap (2000 cases)`, async () => {
    const r = rng(99);
    const { layers } = readModel(base);
    const end = 64 + 64 * layers.length;
    let accepted = 0;
    for (let k = 0; k < 2000; k++) {
      const bad = base.slice();
      const v = new DataView(bad.buffer);
      const n = 1 + Math.floor(r() * 3);
      for (let j = 0; j < n; j++) {
        const off = 4 * Math.floor(r() * ((r() < 0.8 ? end : bad.length) / 4));
        const choice = r();
        const value = choice < 0.3 ? Math.floor(r() * 0x100000000) : choice < 0.6 ? Math.floor(r() * 300) : (v.getUint32(off, true) ^ (1 << Math.floor(r() * 32))) >>> 0;
        if (off + 4 <= bad.length) v.setUint32(off, value, true);
      }
      if ((await loadOrRefuse(resign(bad))) === "ok") accepted++;
    }
    // Mutations of weights or of unused bytes may load; what matters is that nothing trapped.
    assert.ok(accepted < 2000);
    await stillWorks();
  });

  test(`${build}: an f32 NaN or infinity in any tensor of any kind is refused, naming the layer and the tensor`, async () => {
    const rt = await runtime(build);
    const offsets = f32TensorOffsets(mixed.f32, mixedSpecs);
    assert.deepEqual(new Set(mixedSpecs.map((s) => s.kind)), new Set(Object.keys(LAYERS)), "the mixed model has every kind");
    const bads = [NaN, Infinity, -Infinity];
    offsets.forEach((tensors, layer) => {
      const kind = mixedSpecs[layer].kind;
      const names = LAYERS[kind].f32Tensors;
      assert.equal(tensors.length, names.length, `${kind}: LAYERS.${kind}.f32Tensors names every tensor the encoder writes`);
      tensors.forEach((at, t) => {
        const bad = mixed.f32.slice();
        const value = bads[(layer + t) % 3];
        new DataView(bad.buffer).setFloat32(at, value, true);
        const said = "loading the model: a weight, bias or constant is NaN or infinite";
        assert.throws(() => rt.loadModel(resign(bad)), (e: unknown) => e instanceof TinyrnnError && e.code === "nonFiniteWeight" &&
          e.detail === ((layer << C.LAYER_TENSOR_SHIFT) | t) && e.message === `${said} (layer ${layer}, tensor ${t})` &&
          namedRefusal(e, bad) === `${said} (layer ${layer} ${kind}, tensor ${t} ${names[t]})`,
          `${value} in layer ${layer} (${kind}) tensor ${t}`);
      });
    });
    // the last value of the last tensor too: the whole tensor is read, not its start
    const last = mixed.f32.slice(), L = offsets.length - 1, T = offsets[L].length - 1;
    new DataView(last.buffer).setFloat32(readModel(mixed.f32).layers[L].dataOffset + readModel(mixed.f32).layers[L].dataBytes - 4, NaN, true);
    assert.throws(() => rt.loadModel(resign(last)), (e: unknown) => e instanceof TinyrnnError && e.detail === ((L << C.LAYER_TENSOR_SHIFT) | T));
    await stillWorks();
  });

  test(`${build}: header scales whose step products overflow are refused: int16 · output scale, 1 / input scale`, async () => {
    const rt = await runtime(build);
    const withScale = (at: number, v: number) => { const b = good.int8.slice(); new DataView(b.buffer).setFloat32(at, v, true); return resign(b); };
    const limit = Math.fround(F32_MAX / 32768); // ≈ 1.04e34: 32768 · it is the largest f32
    for (const v of [Math.fround(limit * (1 + 2 ** -23)), 1.1e34, 1e35, F32_MAX, Infinity, NaN, 0, -1]) {
      const bad = withScale(C.HDR_OUTPUT_SCALE, v);
      assert.throws(() => rt.loadModel(bad), (e: unknown) => e instanceof TinyrnnError && e.code === "badHeader" && e.detail === 52 &&
        namedRefusal(e, bad) === "loading the model: the model file header is inconsistent (header byte 52: output scale)", `output scale ${v}`);
    }
    for (const v of [1e-40, 2 ** -127, 0, -0.5, Infinity, NaN]) {
      const bad = withScale(C.HDR_INPUT_SCALE, v);
      assert.throws(() => rt.loadModel(bad), (e: unknown) => e instanceof TinyrnnError && e.code === "badHeader" && e.detail === 48 &&
        namedRefusal(e, bad) === "loading the model: the model file header is inconsistent (header byte 48: input scale)", `input scale ${v}`);
    }
    // at the limits a step's numbers stay finite
    const m = rt.loadModel(withScale(C.HDR_OUTPUT_SCALE, limit));
    const y = m.openStream().run(new Float32Array(6 * 20).fill(1e30));
    assert.ok(y.every(Number.isFinite) && Math.max(...y) > 1e37, `outputs ${Math.max(...y)}`);
    m.dispose();
    const n = rt.loadModel(withScale(C.HDR_INPUT_SCALE, 2 ** -126));
    assert.ok(n.openStream().run(new Float32Array(6 * 20).fill(0)).every(Number.isFinite));
    n.dispose();
  });

  test(`${build}: non-bytes and empty input are refused clearly`, async () => {
    const rt = await runtime(build);
    assert.throws(() => rt.loadModel(new Uint8Array(0)), (e: unknown) => e instanceof TinyrnnError && e.code === "truncated");
    assert.throws(() => rt.loadModel("model.tinyrnn" as unknown as Uint8Array), TypeError);
  });
}
