// Dense layer: y = act(W·x + b). The head of most models (softmax or sigmoid) and the glue
// between blocks. PyTorch nn.Linear.
//
// params: p0 activation (ACT_*).
// int8 tensors: 0 W int8 [outputLen, pad16(inputLen)]   1 bias i32 [outputLen] (scale sW·sX)
//               2 requant (multiplier, shift) i32 [outputLen][2]: to the output scale for NONE and
//                 RELU, to Q3.12 for SIGMOID and TANH, to Q15.16 logits for SOFTMAX.
//   output int16: NONE/RELU at the calibrated output scale, SIGMOID/TANH/SOFTMAX in Q0.15.
// f32 tensors:  0 W f32 [outputLen, pad4(inputLen)]   1 bias f32 [outputLen]
// state: none. scratch: int8: acc i32 [outputLen, rounded up to 4] + out int16 [pad16]; f32: out f32 [pad4].

import { expf, log1pf } from "./fmath";
import * as E from "./errors";
import { NUM_F32, NUM_INT8, ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_SOFTMAX, MAX_PARAMS } from "./constants";
import { param, flags, inputLen, outputLen, scratch, tensor, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkRowsI8, checkQuant } from "./layer";
import { matvecI8I16, matvecF32 } from "./matvec";
import { requant, sat16, addSat32 } from "./fixedpoint";
import { activateRows, expNegTableQ31, sigmoidF32, tanhF32 } from "./activations";

export function densePlan(d: usize, numType: u32): i32 {
  const I = inputLen(d), O = outputLen(d);
  if (param(d, 0) > <u32>ACT_SOFTMAX || flags(d) != 0) return -E.ERR_BAD_SHAPE;
  for (let i = 1; i < MAX_PARAMS; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  const int8 = numType == NUM_INT8;
  const ip = <u64>padLen(I, numType);
  setTensorBytes(d, 0, <u64>O * ip * (int8 ? 1 : 4));
  setTensorBytes(d, 1, <u64>O * 4);
  if (int8) setTensorBytes(d, 2, <u64>O * 8);
  setScratchBytes(d, int8 ? <u64>((O + 3) & ~3) * 4 + <u64>padLen(O, numType) * 2 : <u64>padLen(O, numType) * 4);
  setStateBytes(d, 0);
  return 0;
}

export function densePrepare(d: usize, numType: u32): i32 {
  if (numType != NUM_INT8) return 0;
  const O = outputLen(d);
  if (!checkRowsI8(tensor(d, 0), O, padLen(inputLen(d), numType))) return -E.ERR_OVERFLOW_RISK;
  if (!checkQuant(tensor(d, 2), O)) return -E.ERR_BAD_QUANT_PARAMS;
  return 0;
}

/** Returns the output vector (int16, padded) in the layer's scratch. */
export function denseStepInt8(d: usize, x: usize, state: usize): usize {
  const O = outputLen(d);
  const act = param(d, 0);
  const acc = scratch(d);
  const out = acc + (<usize>((O + 3) & ~3) << 2);
  const b = tensor(d, 1), q = tensor(d, 2);
  matvecI8I16(tensor(d, 0), O, padLen(inputLen(d), NUM_INT8), x, acc);
  // requantised: softmax logits (Q15.16, int32); else int16, and ReLU'd
  let maxv: i32 = i32.MIN_VALUE;
  for (let i = 0; i < O; i++) {
    const o = <usize>i << 2;
    let v = requant(addSat32(load<i32>(acc + o), load<i32>(b + o)), load<i32>(q + (o << 1)), load<i32>(q + (o << 1), 4));
    if (act != ACT_SOFTMAX) v = sat16(v);
    if (act == ACT_RELU) v = v < 0 ? 0 : v;
    store<i32>(acc + o, v);
    if (v > maxv) maxv = v;
  }
  if (act == ACT_SOFTMAX) {
    softmaxQ15(acc, out, O, maxv);
    return out;
  }
  if (act == ACT_SIGMOID || act == ACT_TANH) activateRows(acc, O, act == ACT_TANH, 0);
  for (let i = 0; i < O; i++) store<i16>(out + (<usize>i << 1), <i16>load<i32>(acc + (<usize>i << 2)));
  return out;
}

/**
 * Integer softmax: logits in Q15.16 (int32, in place in `logits`) → probabilities in Q0.15.
 * exp of (logit − max) through expNegTableQ31 (Q5.26 → Q0.31, within 1.1e-8); logits more than
 * 32 below the maximum give 0.
 */
function softmaxQ15(logits: usize, out: usize, n: i32, maxv: i32): void {
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) {
    const p = logits + (<usize>i << 2);
    const diff = <i64>load<i32>(p) - <i64>maxv;
    const e = diff <= -(<i64>32 << 16) ? 0 : expNegTableQ31(<i32>diff << 10);
    store<i32>(p, e);
    sum += <i64>e;
  }
  for (let i = 0; i < n; i++) {
    const e = <i64>load<i32>(logits + (<usize>i << 2));
    const v = (e * 65536 + sum) / (sum * 2); // round(e / sum · 2^15)
    store<i16>(out + (<usize>i << 1), <i16>(v > 32767 ? 32767 : <i32>v));
  }
}

export function denseStepF32(d: usize, x: usize, state: usize): usize {
  const O = outputLen(d);
  const act = param(d, 0);
  const out = scratch(d);
  const b = tensor(d, 1);
  matvecF32(tensor(d, 0), O, padLen(inputLen(d), NUM_F32), x, out);
  let maxv: f32 = -Infinity;
  for (let i = 0; i < O; i++) {
    const p = out + (<usize>i << 2);
    let v = load<f32>(p) + load<f32>(b + (<usize>i << 2));
    if (act == ACT_RELU) v = v < 0 ? 0 : v;
    else if (act == ACT_SIGMOID) v = sigmoidF32(v);
    else if (act == ACT_TANH) v = tanhF32(v);
    if (v > maxv) maxv = v;
    store<f32>(p, v);
  }
  if (act == ACT_SOFTMAX) {
    let sum: f32 = 0;
    for (let i = 0; i < O; i++) {
      const p = out + (<usize>i << 2);
      const e = expf(load<f32>(p) - maxv);
      store<f32>(p, e);
      sum += e;
    }
    const inv: f32 = 1.0 / sum;
    for (let i = 0; i < O; i++) {
      const p = out + (<usize>i << 2);
      store<f32>(p, load<f32>(p) * inv);
    }
  }
  return out;
}
