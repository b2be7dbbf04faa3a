// GRU layer, PyTorch nn.GRU gate order (r, z, n), in both formulations (flags bit 0):
//   reset after  (FLAG_RESET_AFTER; PyTorch, Keras reset_after=True, ONNX linear_before_reset=1):
//     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   reset before (ONNX default, Keras reset_after=False):
//     n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
//   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
//
// params: p0 hiddenLen (= outputLen).
// int8 tensors: 0 Wx int8 [3H, pad16(I)]   1 Wh int8 [3H, pad16(H)]   2 bx i32 [3H]   3 bh i32 [3H]
//               4 q (mx, mh, shift) i32 [3H][3]: W·x + bx and W·h + bh (h, r⊙h are Q0.15) to
//                 Q3.12 as (ax·mx + ah·mh) · 2^−shift, one rounding (fixedpoint.ts mulShiftRound)
//   state: h int16 [pad16(H)] in Q0.15 — |h| ≤ 1 always, so it needs no calibration.
//   scratch: accX i32 [3H], accH i32 [3H], rh int16 [pad16(H)]
// f32 tensors:  0 Wx f32 [3H, pad4(I)]   1 Wh f32 [3H, pad4(H)]   2 bx f32 [3H]   3 bh f32 [3H]
//   state: h f32 [pad4(H)]. scratch: gx f32 [3H], gh f32 [3H], rh f32 [pad4(H)]

import * as E from "./errors";
import { NUM_INT8, param, flags, inputLen, scratch, tensor, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkRowsI8, checkSharedShift, outputLen } from "./layer";
import { matvecI8I16, matvecF32 } from "./matvec";
import { sat16, sat16w } from "./fixedpoint";
import { sigmoidQ15, tanhQ15, sigmoidF32, tanhF32 } from "./activations";

export const FLAG_RESET_AFTER: u32 = 1;

export function gruPlan(d: usize, numType: u32): i32 {
  const I = inputLen(d), H = <i32>param(d, 0);
  if (H != outputLen(d) || flags(d) > 1) return -E.ERR_BAD_SHAPE;
  for (let i = 1; i < 8; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  const rows = <u64>(3 * H);
  const ip = <u64>padLen(I, numType), hp = <u64>padLen(H, numType);
  const rows4 = (rows + 3) & ~<u64>3;
  if (numType == NUM_INT8) {
    setTensorBytes(d, 0, rows * ip);
    setTensorBytes(d, 1, rows * hp);
    setTensorBytes(d, 2, rows * 4);
    setTensorBytes(d, 3, rows * 4);
    setTensorBytes(d, 4, rows * 12);
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
  if (!checkRowsI8(tensor(d, 0), 3 * H, padLen(inputLen(d), numType))) return -E.ERR_OVERFLOW_RISK;
  if (!checkRowsI8(tensor(d, 1), 3 * H, padLen(H, numType))) return -E.ERR_OVERFLOW_RISK;
  if (!checkSharedShift(tensor(d, 4), 3 * H, 2)) return -E.ERR_BAD_QUANT_PARAMS;
  return 0;
}

// Row `row` of the accumulators with its bias, widened (no overflow: |acc + b| < 2^32).
// @ts-ignore: decorator
@inline function biased(acc: usize, bias: usize, row: i32): i64 {
  const o = <usize>row << 2;
  return <i64>load<i32>(acc + o) + <i64>load<i32>(bias + o);
}

// Q3.12 of mx·ax + mh·ah for row `row`: the x and h parts of a gate, requantised together.
// @ts-ignore: decorator
@inline function gateQ12(ax: i64, ah: i64, q: usize, row: i32): i64 {
  const p = q + <usize>row * 12;
  const shift = <i64>load<i32>(p, 8);
  return (ax * <i64>load<i32>(p) + ah * <i64>load<i32>(p, 4) + (<i64>1 << (shift - 1))) >> shift;
}

// @ts-ignore: decorator
@inline function clampWide(v: i64): i64 {
  return v < -(<i64>1 << 31) ? -(<i64>1 << 31) : v > (<i64>1 << 31) ? (<i64>1 << 31) : v;
}

/** One int8 GRU step; h (the state, Q0.15) is updated in place and is the layer's output. */
export function gruStepInt8(d: usize, x: usize, h: usize): usize {
  const H = <i32>param(d, 0);
  const hp = padLen(H, NUM_INT8);
  const resetAfter = (flags(d) & FLAG_RESET_AFTER) != 0;
  const wh = tensor(d, 1), bx = tensor(d, 2), bh = tensor(d, 3), q = tensor(d, 4);
  const accX = scratch(d);
  const accH = accX + (<usize>((3 * H + 3) & ~3) << 2);
  const rh = accH + (<usize>((3 * H + 3) & ~3) << 2);
  matvecI8I16(tensor(d, 0), 3 * H, padLen(inputLen(d), NUM_INT8), x, accX);
  // r and z need W_h·h for rows [0, 2H); reset-after also needs row block n on h itself.
  matvecI8I16(wh, resetAfter ? 3 * H : 2 * H, hp, h, accH);
  // r (kept in accH rows [0, H) as Q0.15) and, for reset-before, r ⊙ h.
  for (let j = 0; j < H; j++) {
    const r = sigmoidQ15(sat16w(gateQ12(biased(accX, bx, j), biased(accH, bh, j), q, j)));
    store<i32>(accH + (<usize>j << 2), r);
    if (!resetAfter) store<i16>(rh + (<usize>j << 1), <i16>((r * <i32>load<i16>(h + (<usize>j << 1)) + (1 << 14)) >> 15));
  }
  if (!resetAfter) {
    // W_hn · (r ⊙ h) into rows [2H, 3H) of accH
    matvecI8I16(wh + <usize>(2 * H) * <usize>hp, H, hp, rh, accH + (<usize>(2 * H) << 2));
  }
  for (let j = 0; j < H; j++) {
    const r = <i64>load<i32>(accH + (<usize>j << 2));
    const z = sigmoidQ15(sat16w(gateQ12(biased(accX, bx, H + j), biased(accH, bh, H + j), q, H + j)));
    const n2 = 2 * H + j;
    const nx = gateQ12(biased(accX, bx, n2), 0, q, n2);
    // clamped far outside Q3.12's ±8 so that r·nh cannot overflow
    const nh = clampWide(gateQ12(0, biased(accH, bh, n2), q, n2));
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
  const hp = padLen(H, 0);
  const resetAfter = (flags(d) & FLAG_RESET_AFTER) != 0;
  const wh = tensor(d, 1), bx = tensor(d, 2), bh = tensor(d, 3);
  const gx = scratch(d);
  const gh = gx + (<usize>((3 * H + 3) & ~3) << 2);
  const rh = gh + (<usize>((3 * H + 3) & ~3) << 2);
  matvecF32(tensor(d, 0), 3 * H, padLen(inputLen(d), 0), x, gx);
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
