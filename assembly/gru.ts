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
//                 (h and r⊙h are Q0.15) to Q3.12 as (ax·mx + ah·mh) · 2^−shift with one rounding:
//                 clamp_i32(((a + b)·m [+ (a' + b')·m'] + 2^(shift−1)) >> shift); r and z
//                 requantise their x and h parts together.
//   state: h int16 [pad16(H)] in Q0.15 — |h| ≤ 1 always, so it needs no calibration.
//   scratch: accX i32 [A], accH i32 [A] (A = 2H + H rounded up to 4, rounded up to 4: the simd
//     loops take row block n in whole fours), rh int16 [pad16(H)]
// f32 tensors:  0 Wx f32 [3H, pad4(I)]   1 Wh f32 [3H, pad4(H)]   2 bx f32 [3H]   3 bh f32 [3H]
//   state: h f32 [pad4(H)]. scratch: gx f32 [3H], gh f32 [3H], rh f32 [pad4(H)]
//
// The simd build works four units at a time with the scalar loops' arithmetic, bit for bit; its
// requantisation and n pre-activation only when shift ≥ 32, where no pre-activation reaches the
// int32 clamp (fixedpoint.ts requantRows). The converter's shifts are ≥ 32 unless a multiplier
// exceeds 1/4 (host/build/quant.ts); the scalar loops take the rest.

import * as E from "./errors";
import { NUM_F32, NUM_INT8, GRU_FLAG_RESET_AFTER, MAX_PARAMS } from "./constants";
import { param, flags, inputLen, scratch, tensor, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkRowsI8, checkMultipliers, outputLen, paramI } from "./layer";
import { matvecI8I16, matvecF32 } from "./matvec";
import { sat16, sat16w, sat16x4, requantRows, vconst, V_Q14 } from "./fixedpoint";
import { activateRows, TAIL, sigmoidF32, tanhF32 } from "./activations";

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

/** Rows of accX and accH: 3H, and room for the simd loops taking row block n in whole fours. */
// @ts-ignore: decorator
@inline function accRows(H: i32): i32 {
  return (2 * H + ((H + 3) & ~3) + 3) & ~3;
}

export function gruPlan(d: usize, numType: u32): i32 {
  const I = inputLen(d), H = <i32>param(d, 0);
  if (H != outputLen(d) || flags(d) > <u32>GRU_FLAG_RESET_AFTER) return -E.ERR_BAD_SHAPE;
  for (let i = numType == NUM_INT8 ? 2 : 1; i < MAX_PARAMS; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  const int8 = numType == NUM_INT8, es = <u64>(int8 ? 1 : 4); // weight bytes
  const rows = <u64>(3 * H);
  const ip = <u64>padLen(I, numType), hp = <u64>padLen(H, numType);
  setTensorBytes(d, 0, rows * ip * es);
  setTensorBytes(d, 1, rows * hp * es);
  // biases (and int8: multipliers), 4 bytes a row
  for (let t = 2, count = int8 ? 6 : 4; t < count; t++) setTensorBytes(d, t, rows * 4);
  setStateBytes(d, hp * (int8 ? 2 : 4));
  setScratchBytes(d, int8
    ? <u64>accRows(H) * 8 + hp * 2
    : ((rows + 3) & ~<u64>3) * 8 + hp * 4);
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

/** (a·b + 2^14) >> 15 in int32 lanes (the product must fit int32: a Q0.15 gate times int16). */
// @ts-ignore: decorator
@inline function mulQ15x4(a: v128, b: v128): v128 {
  return i32x4.shr_s(i32x4.add(i32x4.mul(a, b), vconst(V_Q14)), 15);
}

/** One int8 GRU step; h (the state, Q0.15) is updated in place and is the layer's output. */
export function gruStepInt8(d: usize, x: usize, h: usize): usize {
  const H = <i32>param(d, 0);
  const shift = paramI(d, 1);
  const hp = padLen(H, NUM_INT8);
  const resetAfter = (flags(d) & GRU_FLAG_RESET_AFTER) != 0;
  const bx = tensor(d, 2), bh = tensor(d, 3), mx = tensor(d, 4), mh = tensor(d, 5);
  const accX = scratch(d);
  const accH = accX + (<usize>accRows(H) << 2);
  const rh = accH + (<usize>accRows(H) << 2);
  const n4 = <usize>(2 * H) << 2; // byte offset of row block n
  matvecI8I16(tensor(d, 0), 3 * H, padLen(inputLen(d), NUM_INT8), x, accX);
  matvecI8I16(tensor(d, 1), 2 * H, hp, h, accH);
  const whn = tensor(d, 1) + <usize>(2 * H) * <usize>hp; // W_hn: rows [2H, 3H) of Wh
  if (resetAfter) matvecI8I16(whn, H, hp, h, accH + n4);
  // r and z (x and h parts together), Q3.12 → Q0.15 in place; n's x part, Q3.12
  requantRows(accX, bx, mx, accH, bh, mh, 2 * H, shift, accX);
  activateRows(accX, 2 * H, false, 0);
  requantRows(accX + n4, bx + n4, mx + n4, 0, 0, 0, H, shift, accX + n4);
  if (!resetAfter) {
    // W_hn · (r ⊙ h) into rows [2H, 3H)
    for (let j = 0; j < H; j++) {
      store<i16>(rh + (<usize>j << 1), <i16>((load<i32>(accX + (<usize>j << 2)) * <i32>load<i16>(h + (<usize>j << 1)) + (1 << 14)) >> 15));
    }
    matvecI8I16(whn, H, hp, rh, accH + n4);
  }
  requantRows(accH + n4, bh + n4, mh + n4, 0, 0, 0, H, shift, accH + n4);
  // n's pre-activation nx + r ⊙ nh (reset after) or nx + nh (reset before, where nh already holds
  // W_hn · (r ⊙ h)), saturated to int16 in place in row block n, then tanh
  let j = 0;
  if (SIMD && shift >= 32) {
    for (; j < H; j += 4) { // whole fours: row block n has room past 3H
      const o = <usize>j << 2;
      let t = v128.load(accH + o + n4);
      if (resetAfter) {
        // (r·nh + 2^14) >> 15 exactly in int32: with nh = hi·2^15 + lo (0 ≤ lo < 2^15) it is
        // r·hi + ((r·lo + 2^14) >> 15), both terms in int32 as r ≤ 32767
        const r = v128.load(accX + o);
        t = i32x4.add(i32x4.mul(r, i32x4.shr_s(t, 15)), mulQ15x4(r, v128.and(t, i32x4.splat(0x7fff))));
      }
      // |nx|, |t| ≤ 2^30 (a product < 2^61 shifted by ≥ 32): their int32 sum cannot wrap
      v128.store(accX + o + n4, sat16x4(i32x4.add(v128.load(accX + o + n4), t)));
    }
  }
  for (; j < H; j++) {
    const o = <usize>j << 2;
    const nh = <i64>load<i32>(accH + o + n4);
    const t = resetAfter ? (<i64>load<i32>(accX + o) * nh + (1 << 14)) >> 15 : nh;
    store<i32>(accX + o + n4, sat16w(<i64>load<i32>(accX + o + n4) + t));
  }
  activateRows(accX + n4, H, true, 0);
  // h' = n + z ⊙ (h − n)
  const z4 = <usize>H << 2;
  if (SIMD) {
    for (j = 0; j < H; j += 4) {
      const o = <usize>j << 2, hj = h + (<usize>j << 1);
      const n = v128.load(accX + o + n4);
      const v = i32x4.add(n, mulQ15x4(v128.load(accX + o + z4), i32x4.sub(v128.load16x4_s(hj), n)));
      // the last 1..3 units through TAIL: h's padding stays zero
      const rest = <usize>(H - j) << 1;
      v128.store64_lane(rest < 8 ? TAIL : hj, i16x8.narrow_i32x4_s(v, v), 0);
      if (rest < 8) memory.copy(hj, TAIL, rest);
    }
  } else {
    for (j = 0; j < H; j++) {
      const o = <usize>j << 2, hj = h + (<usize>j << 1);
      const n = load<i32>(accX + o + n4);
      store<i16>(hj, <i16>sat16(n + ((load<i32>(accX + o + z4) * (<i32>load<i16>(hj) - n) + (1 << 14)) >> 15)));
    }
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
