// Lstm layer: not built yet. Planning refuses it, so a model using it is rejected at load.

import * as E from "./errors";

export function lstmPlan(d: usize, numType: u32): i32 {
  return -E.ERR_BAD_LAYER_KIND;
}

export function lstmPrepare(d: usize, numType: u32): i32 {
  return -E.ERR_BAD_LAYER_KIND;
}

export function lstmStepInt8(d: usize, x: usize, state: usize): usize {
  return x;
}

export function lstmStepF32(d: usize, x: usize, state: usize): usize {
  return x;
}
