// RMSNorm layer: y = x / sqrt(mean(x²) + eps) ⊙ w, as a model's own layer (Mamba's final norm_f,
// nn.RMSNorm). The normalisation itself is rmsnorm.ts's, shared with the SSM block.
//
// params: p0 length (= inputLen = outputLen).
// int8 tensors: 0 consts i32 [4]: epsQ (i64: lo, hi; eps·M / s_x²), K = √M / s_n as (mult, shift)
//               1 q (multiplier, shift) i32 [M][2]: n_i → y_i, multiplier w_i · s_n / s_y, signed
//   scratch: n int16 [pad16(M)] at s_n (calibrated), y int16 [pad16(M)] at s_y (calibrated)
// f32 tensors:  0 w f32 [M]   1 consts f32 [4]: eps, 0, 0, 0.   scratch: y f32 [pad4(M)]
// state: none.

import * as E from "./errors";
import { NUM_INT8, MAX_PARAMS } from "./constants";
import { param, flags, inputLen, outputLen, scratch, tensor, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkQuant } from "./layer";
import { requant, sat16 } from "./fixedpoint";
import { rmsNormI16, rmsNormF32, RMS_EPS_Q_MAX } from "./rmsnorm";

export function normPlan(d: usize, numType: u32): i32 {
  const M = inputLen(d);
  if (<i32>param(d, 0) != M || outputLen(d) != M || flags(d) != 0) return -E.ERR_BAD_SHAPE;
  for (let i = 1; i < MAX_PARAMS; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  const mp = <u64>padLen(M, numType);
  if (numType == NUM_INT8) {
    setTensorBytes(d, 0, 16);
    setTensorBytes(d, 1, <u64>M * 8);
    setScratchBytes(d, mp * 4);
  } else {
    setTensorBytes(d, 0, <u64>M * 4);
    setTensorBytes(d, 1, 16);
    setScratchBytes(d, mp * 4);
  }
  setStateBytes(d, 0);
  return 0;
}

export function normPrepare(d: usize, numType: u32): i32 {
  const c = tensor(d, numType == NUM_INT8 ? 0 : 1);
  if (numType != NUM_INT8) {
    return load<f32>(c) >= 0 ? 0 : -E.ERR_BAD_QUANT_PARAMS; // finite: the reader checked every f32 tensor
  }
  const epsQ = load<i64>(c);
  if (epsQ < 0 || epsQ > RMS_EPS_Q_MAX || !checkQuant(c + 8, 1) || !checkQuant(tensor(d, 1), inputLen(d), true)) return -E.ERR_BAD_QUANT_PARAMS;
  return 0;
}

export function normStepInt8(d: usize, x: usize, state: usize): usize {
  const M = inputLen(d);
  const c = tensor(d, 0), q = tensor(d, 1);
  const n = scratch(d);
  const y = n + (<usize>padLen(M, NUM_INT8) << 1);
  rmsNormI16(x, M, load<i64>(c), load<i32>(c, 8), load<i32>(c, 12), n);
  for (let i = 0; i < M; i++) {
    const o = <usize>i << 3;
    store<i16>(y + (<usize>i << 1), <i16>sat16(requant(<i32>load<i16>(n + (<usize>i << 1)), load<i32>(q + o), load<i32>(q + o, 4))));
  }
  return y;
}

export function normStepF32(d: usize, x: usize, state: usize): usize {
  const y = scratch(d);
  rmsNormF32(x, inputLen(d), load<f32>(tensor(d, 1)), tensor(d, 0), y);
  return y;
}
