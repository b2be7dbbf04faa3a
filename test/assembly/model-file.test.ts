// Bad model images are refused with a TinyrnnError naming the problem — never a trap — and the
// module keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, TinyrnnError, readModel, type LayerSpec } from "../tinyrnn.js";
import { modelChecksum } from "../../host/build/write.js";
import { BUILDS, runtime, rng, uniform, signal, mixedModel } from "../helpers.js";

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
const mixed = { int8: buildModel(mixedModel(2, 6, 8, 3), { numType: "int8", calibration: calib }), f32: buildModel(mixedModel(2, 6, 8, 3), { numType: "f32" }) };

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

  test(`${build}: non-bytes and empty input are refused clearly`, async () => {
    const rt = await runtime(build);
    assert.throws(() => rt.loadModel(new Uint8Array(0)), (e: unknown) => e instanceof TinyrnnError && e.code === "truncated");
    assert.throws(() => rt.loadModel("model.tinyrnn" as unknown as Uint8Array), TypeError);
  });
}
