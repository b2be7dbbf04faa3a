// The module's whole ABI: every export is here, and host/runtime/abi.ts declares the same list.
// Handles are pointers into linear memory (always > 0); a negative i32 is an error code
// (errors.ts), with errorDetail() saying which layer or byte offset it concerns.
// Memory grows only in memAlloc (model load, stream open); a step never allocates.

export { memAlloc, memFree, memLimit } from "./alloc";
export { errorDetail } from "./errors";
export { modelLoad, modelFree } from "./model";
export { streamOpen, streamFree, streamReset, streamState, streamStep, streamStepI16 } from "./stream";
export { frontendOpen, frontendFree, frontendReset, frontendPush } from "./frontend";
export { pipelineOpen, pipelineFree, pipelineReset, pipelinePush, pipelineSteps, pipelineStateBytes, pipelineSave, pipelineLoad } from "./pipeline";
import { ModelCtx, isModel } from "./model";
import * as E from "./errors";

import {
  INFO_NUM_TYPE, INFO_INPUT_LEN, INFO_OUTPUT_LEN, INFO_LAYER_COUNT, INFO_STATE_BYTES, INFO_SCRATCH_BYTES,
  INFO_WEIGHT_BYTES, BUILD_SIMD,
} from "./constants";

/** A number about a loaded model (INFO_*), or a negated error code. */
export function modelInfo(m: usize, what: i32): i32 {
  if (!isModel(m)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const c = changetype<ModelCtx>(m);
  switch (what) {
    case INFO_NUM_TYPE: return <i32>c.numType;
    case INFO_INPUT_LEN: return c.inputLen;
    case INFO_OUTPUT_LEN: return c.outputLen;
    case INFO_LAYER_COUNT: return <i32>c.layerCount;
    case INFO_STATE_BYTES: return <i32>c.stateBytes;
    case INFO_SCRATCH_BYTES: return <i32>c.scratchBytes;
    case INFO_WEIGHT_BYTES: return <i32>c.weightBytes;
    default: return E.fail(E.ERR_BAD_HANDLE, what);
  }
}

/** Build flags: BUILD_SIMD set in the simd build. */
export function buildFeatures(): i32 {
  // @ts-ignore: compile-time constant
  return ASC_FEATURE_SIMD ? BUILD_SIMD : 0;
}
