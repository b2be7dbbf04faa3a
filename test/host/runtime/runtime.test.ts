// The runtime (host/runtime/runtime.ts) instantiates the module from every form a host has it in:
// bytes, a Response, a compiled WebAssembly.Module, a URL, or a pair of builds to choose from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Runtime } from "../../../host/runtime/core.js";

const wasm = (b: string) => readFileSync(`build/tinyrnn.${b}.wasm`);

test("the runtime loads from bytes, a Response, or a compiled WebAssembly.Module, and picks SIMD when it validates", async () => {
  const simd = wasm("simd"), mvp = wasm("mvp");
  assert.equal((await Runtime.create(simd)).build, "simd");
  assert.equal((await Runtime.create(new Response(mvp))).build, "mvp");
  assert.equal((await Runtime.create(new WebAssembly.Module(mvp))).build, "mvp");
  assert.equal((await Runtime.create({ simd, mvp })).build, WebAssembly.validate(simd) ? "simd" : "mvp");
  await assert.rejects(Runtime.create(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), /not a tinyrnn module|export/);
  await assert.rejects(Runtime.create(new Response("nope", { status: 404 })), /HTTP 404/);
});

test("the runtime loads from a URL (served on loopback)", async () => {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    const b = req.url === "/tinyrnn.mvp.wasm" ? "mvp" : req.url === "/tinyrnn.simd.wasm" ? "simd" : "";
    if (!b) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": "application/wasm" }).end(wasm(b));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as { port: number };
    const base = `http://127.0.0.1:${port}/`;
    assert.equal((await Runtime.create(new URL("tinyrnn.mvp.wasm", base))).build, "mvp");
    assert.equal((await Runtime.create({ simd: new URL("tinyrnn.simd.wasm", base), mvp: new URL("tinyrnn.mvp.wasm", base) })).build, "simd");
    await assert.rejects(Runtime.create(new URL("missing.wasm", base)), /HTTP 404/);
  } finally {
    server.close();
  }
});
