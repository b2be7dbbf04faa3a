// Ssm layer: not built yet. Planning refuses it, so a model using it is rejected at load.

import * as E from "./errors";

export function ssmPlan(d: usize, numType: u32): i32 {
  return -E.ERR_BAD_LAYER_KIND;
}

export function ssmPrepare(d: usize, numType: u32): i32 {
  return -E.ERR_BAD_LAYER_KIND;
}

export function ssmStepInt8(d: usize, x: usize, state: usize): usize {
  return x;
}

export function ssmStepF32(d: usize, x: usize, state: usize): usize {
  return x;
}
