// The model file's host section (format 1.1; host/build/host-section.ts): the labels and the default
// pipeline, made from the metadata by the TypeScript host's own code, for hosts without JSON (C).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { KeywordSpotter, SensorStream, FEATURE_SCALE } from "../../tinyrnn.js";
import { readHostSection, withHostSection, hostSection, encodeHostSection } from "../../../host/build/host-section.js";
import { readModel } from "../../../host/runtime/format.js";
import * as C from "../../../host/runtime/constants.js";
import { buildModel } from "../../../host/build/index.js";
import { runtime, rng, torchLinear, asVersion10 } from "../../helpers.js";

const SHIPPED = (readdirSync("models", { recursive: true }) as string[])
  .filter((p) => p.endsWith(".tinyrnn") && !p.startsWith("train"))
  .map((p) => join("models", p))
  .sort();

test("every shipped model's host section is what its metadata makes (node models/host-sections.mjs --check)", () => {
  const r = spawnSync(process.execPath, ["models/host-sections.mjs", "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("the host section holds the labels and the config words KeywordSpotter and SensorStream open with", async () => {
  const rt = await runtime("mvp");
  for (const path of SHIPPED) {
    const file = new Uint8Array(readFileSync(path));
    const h = readHostSection(file)!;
    assert.ok(h, `${path} has a host section`);
    assert.equal(readModel(file).version, "1.1");
    const m = rt.loadModel(file);
    if (m.metadata.frontend) {
      const s = new KeywordSpotter(m);
      assert.equal(h.pipeKind, C.PIPE_AUDIO, path);
      assert.deepEqual(h.labels, s.labels);
      assert.deepEqual([h.hopMs, h.windowMs], [s.frontendSettings.hopMs, s.frontendSettings.windowMs]);
      // the pipeline's state records a CRC of its config words: the section's at 16 kHz are the spotter's
      s.push(new Int16Array(1600), 16000);
      const state = new DataView(s.saveState().buffer);
      const { crc32 } = await import("../../../host/build/write.js");
      const words = new Uint8Array(h.config.length + 4);
      words.set(h.config);
      new DataView(words.buffer).setUint32(h.config.length, m.numType === "int8" ? C.NUM_INT8 : C.NUM_F32, true);
      assert.equal(crc32(words), state.getUint32(C.SH_CONFIG_CRC, true), `${path}: the section's config words are the spotter's`);
      s.dispose();
    } else if (m.metadata.sampleRateHz) {
      const s = new SensorStream(m);
      assert.equal(h.pipeKind, C.PIPE_SENSOR, path);
      assert.deepEqual(h.labels, s.labels);
      assert.equal(h.hopMs, 1000 / s.sampleRateHz);
      s.dispose();
    } else {
      assert.equal(h.pipeKind, 0, path);
    }
    m.dispose();
  }
});

test("a file of format 1.0 still loads, has no host section, and gets one from withHostSection", async () => {
  const rt = await runtime("simd");
  const now = new Uint8Array(readFileSync("models/hey-jarvis/hey-jarvis.tinyrnn"));
  const old = asVersion10(now);
  assert.equal(readHostSection(old), undefined);
  rt.loadModel(old).dispose();
  assert.deepEqual(withHostSection(old), now, "made again, byte for byte");
  assert.deepEqual(withHostSection(now), now, "idempotent");
});

test("metadata a spotter would refuse gives a section without a pipeline, saying why; NUL in a label is refused", () => {
  const spec = [torchLinear(rng(1), 40, 2, "softmax")];
  const file = buildModel(spec, { numType: "int8", inputScale: FEATURE_SCALE, calibration: [new Float32Array(400)], metadata: { frontend: {}, labels: ["a"] } });
  const h = readHostSection(file)!;
  assert.equal(h.pipeKind, 0);
  assert.deepEqual(h.labels, []);
  assert.match(hostSection(readModel(file)).refused!, /the model has 2 outputs but its metadata names 1 labels/);
  assert.throws(() => encodeHostSection({ pipeKind: 0, labels: ["a\0b"], config: new Uint8Array(0), hopMs: 0, windowMs: 0 }), /label 0 \("a\\u0000b"\) holds a NUL character/);
});
