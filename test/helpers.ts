// Shared test helpers: both builds of the module, seeded random data, comparisons.

import { createRuntime, buildModel, ReferenceModel, type Runtime, type LayerSpec } from "./tinyrnn.js";
import { modelChecksum } from "../host/build/write.js";
import * as C from "../host/runtime/constants.js";

// Seeded random data and PyTorch-initialised layer specs, shared with bench/.
export { rng, randn, uniform, signal, mambaBlock, torchGru, torchLstm, torchLinear, mixedModel } from "../host/build/random.js";

export const BUILDS = ["simd", "mvp"] as const;
export type Build = (typeof BUILDS)[number];

const cache = new Map<Build, Promise<Runtime>>();
/** A fresh runtime of one build (memoised per build unless `fresh`). */
export function runtime(build: Build, fresh = false): Promise<Runtime> {
  if (fresh) return createRuntime({ build });
  if (!cache.has(build)) cache.set(build, createRuntime({ build }));
  return cache.get(build)!;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Cosine similarity of two vectors (1 when both are zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  if (aa === 0 && bb === 0) return 1;
  return ab / Math.sqrt(aa * bb);
}

/** Minimum over steps of the per-step cosine of [T, O] outputs. */
export function minStepCosine(a: Float32Array, b: Float32Array, O: number): number {
  let m = 1;
  for (let t = 0; t < a.length / O; t++) m = Math.min(m, cosine(a.subarray(t * O, (t + 1) * O), b.subarray(t * O, (t + 1) * O)));
  return m;
}

/** Max abs error of the f32 kernels against the float reference, over the sequence x [T, inputLen]. */
export async function f32VsReference(build: Build, specs: LayerSpec[], x: Float32Array): Promise<number> {
  const model = (await runtime(build)).loadModel(buildModel(specs, { numType: "f32" }));
  const err = maxAbsDiff(model.openStream().run(x), new ReferenceModel(specs).run(x));
  model.dispose();
  return err;
}

/** Minimum per-step output cosine of the int8 model (calibrated on `calibration`) against f32, over x. */
export async function int8VsF32(build: Build, specs: LayerSpec[], calibration: Float32Array[], x: Float32Array): Promise<number> {
  const rt = await runtime(build);
  const f32 = rt.loadModel(buildModel(specs, { numType: "f32" }));
  const i8 = rt.loadModel(buildModel(specs, { numType: "int8", calibration }));
  const cos = minStepCosine(f32.openStream().run(x), i8.openStream().run(x), f32.outputLen);
  f32.dispose();
  i8.dispose();
  return cos;
}

/** A model file as format 1.0 would have it: without its host section (host/build/host-section.ts). */
export function asVersion10(file: Uint8Array): Uint8Array {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const meta = v.getUint32(C.HDR_METADATA_OFFSET, true) + v.getUint32(C.HDR_METADATA_BYTES, true);
  const old = file.slice(0, meta);
  const w = new DataView(old.buffer);
  w.setUint16(C.HDR_VERSION_MINOR, 0, true);
  w.setUint32(C.HDR_FILE_BYTES, meta, true);
  w.setUint32(C.HDR_HOST_SECTION, 0, true);
  w.setUint32(C.HDR_CHECKSUM, modelChecksum(old), true);
  return old;
}
