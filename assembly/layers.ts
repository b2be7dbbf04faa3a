// The layer registry: every kind the module runs, listed once. The reader (model.ts) plans and
// prepares each layer through layerPlan and layerPrepare at load; a stream (stream.ts) steps it
// through layerStepInt8 or layerStepF32. Each is a switch on the kind with direct calls, so
// binaryen can inline the kernels and a step has no call_indirect.
//
// A new kind needs (the host's side, and every other place: docs/adding-a-layer.md):
//   - its KIND_* number in constants.ts (KIND_COUNT one past it);
//   - one kernel file, assembly/<kind>.ts, with its layout comment (params, flags, tensors in file
//     order, state, scratch) and four functions over its layer descriptor d (layer.ts):
//       <kind>Plan(d, numType): i32            check params, flags and shapes; declare the tensors'
//                                              byte sizes in file order (setTensorBytes), then its
//                                              state and scratch bytes; 0 or a negated ERR_*
//       <kind>Prepare(d, numType): i32         the tensors are in place: check their values (int32
//                                              overflow, quantisation parameters); 0 or a negated ERR_*
//       <kind>StepInt8(d, x, state): usize     one step of an int8 model: x int16 [pad16(inputLen)],
//                                              returns its output, int16 [pad16(outputLen)]
//       <kind>StepF32(d, x, state): usize      one step of an f32 model: x and output f32 [pad4(…)]
//     a step reads its state block at `state` (stateBytes, zero at a stream's start) and its
//     scratch, and never allocates;
//   - a case in each of the four switches below.

import * as E from "./errors";
import { KIND_DENSE, KIND_GRU, KIND_LSTM, KIND_SSM, KIND_RMSNORM } from "./constants";
import { kind } from "./layer";
import { densePlan, densePrepare, denseStepInt8, denseStepF32 } from "./dense";
import { gruPlan, gruPrepare, gruStepInt8, gruStepF32 } from "./gru";
import { lstmPlan, lstmPrepare, lstmStepInt8, lstmStepF32 } from "./lstm";
import { ssmPlan, ssmPrepare, ssmStepInt8, ssmStepF32 } from "./ssm";
import { normPlan, normPrepare, normStepInt8, normStepF32 } from "./norm";

/** Plan layer d (its kind from the file, unchecked): 0, or a negated error (ERR_BAD_LAYER_KIND for an unknown kind). */
export function layerPlan(d: usize, numType: u32): i32 {
  switch (kind(d)) {
    case KIND_DENSE: return densePlan(d, numType);
    case KIND_GRU: return gruPlan(d, numType);
    case KIND_LSTM: return lstmPlan(d, numType);
    case KIND_SSM: return ssmPlan(d, numType);
    case KIND_RMSNORM: return normPlan(d, numType);
    default: return -E.ERR_BAD_LAYER_KIND;
  }
}

/** Prepare layer d once its tensors are in place: 0, or a negated error. */
export function layerPrepare(d: usize, numType: u32): i32 {
  switch (kind(d)) {
    case KIND_DENSE: return densePrepare(d, numType);
    case KIND_GRU: return gruPrepare(d, numType);
    case KIND_LSTM: return lstmPrepare(d, numType);
    case KIND_SSM: return ssmPrepare(d, numType);
    case KIND_RMSNORM: return normPrepare(d, numType);
    default: return -E.ERR_BAD_LAYER_KIND;
  }
}

/** One int8 step of layer d (a kind layerPlan accepted): its output vector. */
// @ts-ignore: decorator
@inline export function layerStepInt8(d: usize, x: usize, state: usize): usize {
  switch (kind(d)) {
    case KIND_DENSE: return denseStepInt8(d, x, state);
    case KIND_GRU: return gruStepInt8(d, x, state);
    case KIND_LSTM: return lstmStepInt8(d, x, state);
    case KIND_SSM: return ssmStepInt8(d, x, state);
    case KIND_RMSNORM: return normStepInt8(d, x, state);
    default: return unreachable(); // the reader refused every other kind
  }
}

/** One f32 step of layer d (a kind layerPlan accepted): its output vector. */
// @ts-ignore: decorator
@inline export function layerStepF32(d: usize, x: usize, state: usize): usize {
  switch (kind(d)) {
    case KIND_DENSE: return denseStepF32(d, x, state);
    case KIND_GRU: return gruStepF32(d, x, state);
    case KIND_LSTM: return lstmStepF32(d, x, state);
    case KIND_SSM: return ssmStepF32(d, x, state);
    case KIND_RMSNORM: return normStepF32(d, x, state);
    default: return unreachable(); // the reader refused every other kind
  }
}
