// GRU layer, PyTorch nn.GRU gate order (r, z, n), in both formulations (flags bit 0):
//   reset after  (GRU_FLAG_RESET_AFTER; PyTorch, Keras reset_after=True, ONNX linear_before_reset=1):
//     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   reset before (ONNX default, Keras reset_after=False):
//     n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
//   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
//
// params: p0 hiddenLen (= outputLen); int8: p1 shift (1..62), shared by every row.
// int8 tensors: 0 Wx int8 [3H, pad16(I)]   1 Wh int8 [3H, pad16(H)]   2 bx i32 [3H]   3 bh i32 [3H]
//               4 mx i32 [3H]   5 mh i32 [3H]: multipliers ≤ 2^30 taking W·x + bx and W·h + bh
//                 (h and r⊙h are Q0.15) to Q3.12 as (ax·mx + ah·mh) · 2^−shift with one rounding
//                 (fixedpoint.ts requantRows); r and z requantise their x and h parts together.
//   state: h int16 [pad16(H)] in Q0.15 — |h| ≤ 1 always, so it needs no calibration.
//   scratch: accX i32 [3H], accH i32 [3H], rh int16 [pad16(H)]
// f32 tensors:  0 Wx f32 [3H, pad4(I)]   1 Wh f32 [3H, pad4(H)]   2 bx f32 [3H]   3 bh f32 [3H]
//   state: h f32 [pad4(H)]. scratch: gx f32 [3H], gh f32 [3H], rh f32 [pad4(H)]

import * as E from "./errors";
import { NUM_F32, NUM_INT8, GRU_FLAG_RESET_AFTER, MAX_PARAMS } from "./constants";
import { param, flags, inputLen, scratch, tensor, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkRowsI8, checkMultipliers, outputLen, paramI } from "./layer";
import { matvecI8I16, matvecF32 } from "./matvec";
import { sat16, sat16w, requantRows } from "./fixedpoint";
import { sigmoidQ15, tanhQ15, sigmoidF32, tanhF32 } from "./activations";

export function gruPlan(d: usize, numType: u32): i32 {
  const I = inputLen(d), H = <i32>param(d, 0);
  if (H != outputLen(d) || flags(d) > <u32>GRU_FLAG_RESET_AFTER) return -E.ERR_BAD_SHAPE;
  for (let i = numType == NUM_INT8 ? 2 : 1; i < MAX_PARAMS; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  const rows = <u64>(3 * H);
  const ip = <u64>padLen(I, numType), hp = <u64>padLen(H, numType);
  const rows4 = (rows + 3) & ~<u64>3;
  if (numType == NUM_INT8) {
    setTensorBytes(d, 0, rows * ip);
    setTensorBytes(d, 1, rows * hp);
    setTensorBytes(d, 2, rows * 4);
    setTensorBytes(d, 3, rows * 4);
    setTensorBytes(d, 4, rows * 4);
    setTensorBytes(d, 5, rows * 4);
    setStateBytes(d, hp * 2);
    setScratchBytes(d, rows4 * 8 + hp * 2);
  } else {
    setTensorBytes(d, 0, rows * ip * 4);
    setTensorBytes(d, 1, rows * hp * 4);
    setTensorBytes(d, 2, rows * 4);
    setTensorBytes(d, 3, rows * 4);
    setStateBytes(d, hp * 4);
    setScratchBytes(d, rows4 * 8 + hp * 4);
  }
  return 0;
}

export function gruPrepare(d: usize, numType: u32): i32 {
  if (numType != NUM_INT8) return 0;
  const H = <i32>param(d, 0);
  if (!checkRowsI8(tensor(d, 0), 3 * H, padLen(inputLen(d), numType), tensor(d, 2))) return -E.ERR_OVERFLOW_RISK;
  if (!checkRowsI8(tensor(d, 1), 3 * H, padLen(H, numType), tensor(d, 3))) return -E.ERR_OVERFLOW_RISK;
  const shift = paramI(d, 1);
  if (shift < 1 || shift > 62 || !checkMultipliers(tensor(d, 4), 3 * H) || !checkMultipliers(tensor(d, 5), 3 * H)) return -E.ERR_BAD_QUANT_PARAMS;
  return 0;
}

/** One int8 GRU step; h (the state, Q0.15) is updated in place and is the layer's output. */
export function gruStepInt8(d: usize, x: usize, h: usize): usize {
  const H = <i32>param(d, 0);
  const shift = paramI(d, 1);
  const hp = padLen(H, NUM_INT8);
  const resetAfter = (flags(d) & GRU_FLAG_RESET_AFTER) != 0;
  const wh = tensor(d, 1), bx = tensor(d, 2), bh = tensor(d, 3), mx = tensor(d, 4), mh = tensor(d, 5);
  const accX = scratch(d);
  const accH = accX + (<usize>((3 * H + 3) & ~3) << 2);
  const rh = accH + (<usize>((3 * H + 3) & ~3) << 2);
  const n4 = <usize>(2 * H) << 2; // byte offset of row block n
  matvecI8I16(tensor(d, 0), 3 * H, padLen(inputLen(d), NUM_INT8), x, accX);
  // r and z need W_h·h for rows [0, 2H); reset-after also needs row block n on h itself.
  matvecI8I16(wh, resetAfter ? 3 * H : 2 * H, hp, h, accH);
  // Gate pre-activations, Q3.12 in int32, in place: r and z (x and h parts together), n's x part,
  // and for reset-after n's h part.
  requantRows(accX, bx, mx, accH, bh, mh, 2 * H, shift, accX);
  requantRows(accX + n4, bx + n4, mx + n4, 0, 0, 0, H, shift, accX + n4);
  if (resetAfter) requantRows(accH + n4, bh + n4, mh + n4, 0, 0, 0, H, shift, accH + n4);
  if (!resetAfter) {
    // r first (Q0.15, kept in accH rows [0, H)), then W_hn · (r ⊙ h) + b_hn into rows [2H, 3H)
    for (let j = 0; j < H; j++) {
      const r = sigmoidQ15(sat16(load<i32>(accX + (<usize>j << 2))));
      store<i32>(accH + (<usize>j << 2), r);
      store<i16>(rh + (<usize>j << 1), <i16>((r * <i32>load<i16>(h + (<usize>j << 1)) + (1 << 14)) >> 15));
    }
    matvecI8I16(wh + <usize>(2 * H) * <usize>hp, H, hp, rh, accH + n4);
    requantRows(accH + n4, bh + n4, mh + n4, 0, 0, 0, H, shift, accH + n4);
  }
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 2;
    const r = <i64>(resetAfter ? sigmoidQ15(sat16(load<i32>(accX + o))) : load<i32>(accH + o));
    const z = sigmoidQ15(sat16(load<i32>(accX + o + (<usize>H << 2))));
    const nx = <i64>load<i32>(accX + o + n4);
    const nh = <i64>load<i32>(accH + o + n4);
    // reset-after: r ⊙ (W_hn h + b_hn); reset-before: the product is already inside nh
    const n = tanhQ15(sat16w(nx + (resetAfter ? (r * nh + (1 << 14)) >> 15 : nh)));
    const hj = <i32>load<i16>(h + (<usize>j << 1));
    store<i16>(h + (<usize>j << 1), <i16>sat16(n + ((z * (hj - n) + (1 << 14)) >> 15)));
  }
  return h;
}

/** One f32 GRU step; h is updated in place and is the layer's output. */
export function gruStepF32(d: usize, x: usize, h: usize): usize {
  const H = <i32>param(d, 0);
  const hp = padLen(H, NUM_F32);
  const resetAfter = (flags(d) & GRU_FLAG_RESET_AFTER) != 0;
  const wh = tensor(d, 1), bx = tensor(d, 2), bh = tensor(d, 3);
  const gx = scratch(d);
  const gh = gx + (<usize>((3 * H + 3) & ~3) << 2);
  const rh = gh + (<usize>((3 * H + 3) & ~3) << 2);
  matvecF32(tensor(d, 0), 3 * H, padLen(inputLen(d), NUM_F32), x, gx);
  matvecF32(wh, resetAfter ? 3 * H : 2 * H, hp, h, gh);
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 2;
    const r = sigmoidF32(load<f32>(gx + o) + load<f32>(bx + o) + load<f32>(gh + o) + load<f32>(bh + o));
    store<f32>(gh + o, r);
    if (!resetAfter) store<f32>(rh + o, r * load<f32>(h + o));
  }
  if (!resetAfter) matvecF32(wh + <usize>(2 * H) * <usize>(hp << 2), H, hp, rh, gh + (<usize>(2 * H) << 2));
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 2;
    const oz = <usize>(H + j) << 2, on = <usize>(2 * H + j) << 2;
    const r = load<f32>(gh + o);
    const z = sigmoidF32(load<f32>(gx + oz) + load<f32>(bx + oz) + load<f32>(gh + oz) + load<f32>(bh + oz));
    const nh = load<f32>(gh + on) + load<f32>(bh + on);
    const n = tanhF32(load<f32>(gx + on) + load<f32>(bx + on) + (resetAfter ? r * nh : nh));
    const hj = load<f32>(h + o);
    store<f32>(h + o, n + z * (hj - n));
  }
  return h;
}
