// tinyrnn: small recurrent models, one step at a time, in a WebAssembly module.
//
//   import { createRuntime } from "tinyrnn";
//   const rt = await createRuntime();            // picks the SIMD build when the engine has SIMD
//   const model = rt.loadModel(bytes);           // a .tinyrnn file
//   const stream = model.openStream();
//   const y = stream.step(x);                    // Float32Array in, Float32Array out

import simdWasm from "../../build/tinyrnn.simd.wasm";
import mvpWasm from "../../build/tinyrnn.mvp.wasm";
import { Runtime, type RuntimeOptions, type WasmSourceSync } from "./core.js";

export * from "./core.js";

/** The two builds' bytes, embedded in this bundle. */
export const wasmBuilds = { simd: simdWasm, mvp: mvpWasm } as const;

export interface CreateOptions extends RuntimeOptions {
  /** "auto" (default): SIMD when WebAssembly.validate accepts it; or force one build. */
  build?: "auto" | "simd" | "mvp";
}

/** Instantiate the module, synchronously: the embedded builds unless `wasm` (bytes or a compiled module) is given. */
export function createRuntimeSync(opts: { wasm?: WasmSourceSync; build?: "auto" | "simd" | "mvp" } = {}): Runtime {
  if (opts.wasm) return Runtime.createSync(opts.wasm);
  const build = opts.build ?? "auto";
  return Runtime.createSync(build === "auto" ? wasmBuilds : wasmBuilds[build]);
}

/** Instantiate the module: the embedded builds unless `wasm` is given. */
export function createRuntime(opts: CreateOptions = {}): Promise<Runtime> {
  if (opts.wasm) return Runtime.create(opts.wasm);
  const build = opts.build ?? "auto";
  return Runtime.create(build === "auto" ? wasmBuilds : wasmBuilds[build]);
}
