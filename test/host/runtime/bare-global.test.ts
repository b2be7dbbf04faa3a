// The runtime makes no host assumptions: it runs in a global scope with nothing but the language's
// own objects and WebAssembly — no URL, TextDecoder, fetch, Response, performance or dynamic
// import, as in Chromium's AudioWorkletGlobalScope — created synchronously from bytes or a
// compiled module, given the model as a Uint8Array or an ArrayBuffer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { spawnSync } from "node:child_process";

test("the runtime bundle loads a model and spots the wake word in a scope without URL, TextDecoder, fetch or performance", () => {
  const bundle = spawnSync("node_modules/.bin/esbuild", ["host/runtime/core.ts", "--bundle", "--format=iife", "--global-name=tinyrnn", "--target=es2022", "--log-level=warning"], { encoding: "utf8" });
  assert.equal(bundle.status, 0, bundle.stderr);
  const scope = vm.createContext({ WebAssembly });
  for (const name of ["URL", "TextDecoder", "TextEncoder", "fetch", "Response", "performance", "process", "Buffer"]) {
    assert.equal(vm.runInContext(`typeof ${name}`, scope), "undefined", `${name} leaked into the bare scope`);
  }
  vm.runInContext(bundle.stdout, scope);
  const wasm = readFileSync("build/tinyrnn.simd.wasm");
  const model = readFileSync("models/hey-jarvis/hey-jarvis.tinyrnn");
  const wav = readFileSync("models/sample/morning.wav");
  scope.input = { wasm: new Uint8Array(wasm), module: new WebAssembly.Module(wasm), model: model.buffer.slice(model.byteOffset, model.byteOffset + model.byteLength), wav: new Uint8Array(wav) };
  const result = vm.runInContext(`(() => {
    const { Runtime, KeywordSpotter, readWav } = tinyrnn;
    const labels = [];
    for (const source of [input.wasm, input.module, { simd: input.wasm, mvp: input.wasm }]) {
      const rt = Runtime.createSync(source);
      const model = rt.loadModel(input.model); // an ArrayBuffer
      const pcm = readWav(input.wav, "morning.wav");
      const spotter = new KeywordSpotter(model);
      const events = [];
      for (let i = 0; i < pcm.samples.length; i += 128) events.push(...spotter.push(pcm.samples.subarray(i, i + 128), pcm.sampleRateHz));
      labels.push(events.map((e) => e.label + "@" + Math.round(e.endMs)).join(" "));
      model.dispose();
    }
    return labels;
  })()`, scope) as string[];
  assert.equal(result.length, 3);
  assert.equal(result[0].split(" ").length, 3, `three wake words in the sample, not: ${result[0]}`);
  assert.ok(result[0].split(" ").every((e) => e.startsWith("hey_jarvis@")), result[0]);
  assert.deepEqual(new Set(result).size, 1, "the same events from bytes, a compiled module and a pair of builds");
});
