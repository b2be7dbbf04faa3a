// LSTM layer, PyTorch nn.LSTM gate order (i, f, g, o) — CMSIS-NN/TFLite call them input, forget,
// cell and output gate:
//   i = σ(W_ii x + W_hi h + b_i)   f = σ(W_if x + W_hf h + b_f)
//   g = tanh(W_ig x + W_hg h + b_g)   o = σ(W_io x + W_ho h + b_o)      (b = b_ih + b_hh)
//   c' = f ⊙ c + i ⊙ g  (then clipped to ±cellClip when cellClip > 0)   h' = o ⊙ tanh(c')
// h' is the layer's output and the next step's recurrent input. Every matrix and bias has 4H
// rows, gate blocks in the order i, f, g, o.
//
// int8 ("16x8": int16 activations, int8 weights) is TensorFlow Lite Micro's integer LSTM as
// CMSIS-NN implements it (lstm_eval.cc; arm_nn_lstm_step_s16.c and the functions it calls):
//   gate pre-activation, Q3.12:  sat16(G(W_x·x + bx, qx)) + sat16(G(W_h·h, qh)), saturating
//   i, f, o = sigmoidS16(pre, 0), g = tanhS16(pre, 0), all Q0.15
//   c1 = sat16(requant(f·c, qc[0]));  c' = clamp(c1 + sat16(requant(i·g, qc[1])), ±cellClip or int16)
//   h' = clamp(requant(o · tanhS16(c', cellScalePower + 12), qc[2]), outMin, outMax)
// G is TFLite's 64-bit MultiplyByQuantizedMultiplier (the 16x8 FullyConnected: the multiplier
// rounded to 16 bits, one rounding) — or, with LSTM_FLAG_GATE_REQUANT32 (TFLite's int8 "8x8_16" LSTM),
// the 32-bit one (`requant`, double rounding). Elementwise products use `requant` in both.
// Where TFLite and CMSIS-NN differ — CMSIS adds the unsaturated W_h·h term (and the unsaturated
// i·g term) before saturating — this follows TFLite; the two agree whenever those terms fit int16.
// The CMSIS-NN vectors (test/host/lstm.test.ts) pin most of this down bit for bit, but they are
// too coarse to tell the 64-bit from the 32-bit gate rounding or single from double rounding in
// the products: those details follow TFLite's and CMSIS-NN's source.
// Activations have no zero point: TFLite's asymmetric int8 tensors map onto this scheme by
// feeding x − zero point and folding the output zero point into [outMin, outMax] (h' then holds
// h_q − zp, which is exactly what TFLite's recurrent product uses; zero state = h_q at zp).
// The bias covers the x part only, as in TFLite (b_ih + b_hh at the scale of each W_x row).
//
// params: p0 hiddenLen (= outputLen); int8: p1 cellScalePower (cell state real = c · 2^p1),
//   p2 cellClip (int16 units, 0 = none), p3 outMin, p4 outMax (int16 clamp of h');
//   f32: p2 cellClip as f32 bits (0 = none). Unused params are 0.
// flags: bit 0 LSTM_FLAG_GATE_REQUANT32 (int8 only).
// int8 tensors: 0 Wx int8 [4H, pad16(I)]   1 Wh int8 [4H, pad16(H)]   2 bx i64 [4H]
//               3 qx (multiplier, shift) i32 [4H][2]: W·x + bx → Q3.12
//               4 qh (multiplier, shift) i32 [4H][2]: W·h → Q3.12
//               5 qc (multiplier, shift) i32 [3][2]: f·c → c, i·g → c, o·tanh(c) → h
//   state: h int16 [pad16(H)], then c int16 [pad16(H)] (cell state, scale 2^cellScalePower).
//   scratch: accX i32 [4H], accH i32 [4H] (each rounded up to 4 rows), then (simd build) the gates'
//     requantisation constants for four rows at a time (gateConsts, made at load: 16 bytes, then
//     the x part's, then the h part's; descriptor slot 6 points at them, or is 0 where the scalar
//     path takes the gates).
// f32 tensors:  0 Wx f32 [4H, pad4(I)]   1 Wh f32 [4H, pad4(H)]   2 b f32 [4H] (b_ih + b_hh)
//   state: h f32 [pad4(H)], then c f32 [pad4(H)].  scratch: gx f32 [4H], gh f32 [4H]

import * as E from "./errors";
import { NUM_F32, NUM_INT8, LSTM_FLAG_GATE_REQUANT32, MAX_PARAMS } from "./constants";
import { param, paramI, flags, inputLen, scratch, tensor, tensorSlot, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkRowsI8, checkQuant, outputLen } from "./layer";
import { matvecI8I16, matvecF32 } from "./matvec";
import { requant, requant64Sat16, sat16, sat16x4, sat32, vconst, V_Q30, INT16_MIN, INT16_MAX } from "./fixedpoint";
import { activateRows, sigmoidF32, tanhF32 } from "./activations";

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

const T_GATE_CONSTS = 6; // descriptor slot (past the file's tensors) of gateConsts' output, or 0

// Bounds the int8 reader accepts (checked at load).
const CELL_POWER_MIN: i32 = -27; // tanh input left shift p + 12 ≥ -15
const CELL_POWER_MAX: i32 = 2; //  3 · 32768 · 2^(p + 12) must fit an i32
const BIAS_MAX: i64 = <i64>1 << 46; // |W·x + b| < 2^47, TFLite's bound for the 64-bit requantisation

// @ts-ignore: decorator
@inline function rows4(rows: i32): usize {
  return <usize>((rows + 3) & ~3);
}

export function lstmPlan(d: usize, numType: u32): i32 {
  const I = inputLen(d), H = <i32>param(d, 0);
  if (H <= 0 || H != outputLen(d)) return -E.ERR_BAD_SHAPE;
  const int8 = numType == NUM_INT8;
  if (flags(d) > <u32>(int8 ? LSTM_FLAG_GATE_REQUANT32 : 0)) return -E.ERR_BAD_SHAPE;
  for (let i = int8 ? 5 : 3; i < MAX_PARAMS; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  if (!int8 && param(d, 1) != 0) return -E.ERR_BAD_SHAPE;
  const rows = <u64>(4 * H);
  const ip = <u64>padLen(I, numType), hp = <u64>padLen(H, numType);
  const acc = <u64>rows4(4 * H) * 4;
  const es = <u64>(int8 ? 1 : 4); // weight bytes
  setTensorBytes(d, 0, rows * ip * es);
  setTensorBytes(d, 1, rows * hp * es);
  setTensorBytes(d, 2, rows * (int8 ? 8 : 4)); // bias: i64 or f32
  if (int8) {
    setTensorBytes(d, 3, rows * 8);
    setTensorBytes(d, 4, rows * 8);
    setTensorBytes(d, 5, 3 * 8);
  }
  setStateBytes(d, hp * (int8 ? 4 : 8));
  setScratchBytes(d, acc * 2 + (int8 && SIMD ? 16 + rows * 24 : 0));
  return 0;
}

export function lstmPrepare(d: usize, numType: u32): i32 {
  const H = <i32>param(d, 0);
  if (numType != NUM_INT8) {
    const clip = reinterpret<f32>(param(d, 2));
    return clip >= 0 && isFinite(clip) ? 0 : -E.ERR_BAD_QUANT_PARAMS;
  }
  if (!checkRowsI8(tensor(d, 0), 4 * H, padLen(inputLen(d), numType))) return -E.ERR_OVERFLOW_RISK;
  if (!checkRowsI8(tensor(d, 1), 4 * H, padLen(H, numType))) return -E.ERR_OVERFLOW_RISK;
  const qx = tensor(d, 3), qh = tensor(d, 4);
  if (!checkQuant(qx, 4 * H) || !checkQuant(qh, 4 * H) || !checkQuant(tensor(d, 5), 3)) return -E.ERR_BAD_QUANT_PARAMS;
  // The 64-bit requantisation takes shifts up to +7 (TFLite's range).
  const wide = (flags(d) & LSTM_FLAG_GATE_REQUANT32) == 0;
  const bx = tensor(d, 2);
  for (let r = 0; r < 4 * H; r++) {
    const b = load<i64>(bx + (<usize>r << 3));
    if (b > BIAS_MAX || b < -BIAS_MAX ||
        wide && (load<i32>(qx + (<usize>r << 3), 4) > 7 || load<i32>(qh + (<usize>r << 3), 4) > 7)) return -E.ERR_BAD_QUANT_PARAMS;
  }
  const p = paramI(d, 1), clip = paramI(d, 2), outMin = paramI(d, 3), outMax = paramI(d, 4);
  if (p < CELL_POWER_MIN || p > CELL_POWER_MAX) return -E.ERR_BAD_QUANT_PARAMS;
  if (clip < 0 || clip > INT16_MAX) return -E.ERR_BAD_QUANT_PARAMS;
  if (outMin < INT16_MIN || outMax > INT16_MAX || outMin > outMax) return -E.ERR_BAD_QUANT_PARAMS;
  const consts = scratch(d) + (rows4(4 * H) << 3);
  if (SIMD && wide) {
    // consts: Rx, Rh (i32), padding to 16 bytes, then the x part's constants and the h part's
    const rx = gateConsts(qx, bx, 4 * H, consts + 16), rh = gateConsts(qh, 0, 4 * H, consts + 16 + <usize>H * 48);
    store<i32>(consts, rx);
    store<i32>(consts, rh, 4);
    store<u32>(tensorSlot(d, T_GATE_CONSTS), rx >= 0 && rh >= 0 ? <u32>consts : 0);
  }
  return 0;
}

/**
 * At load (simd build): constants that compute requant64Sat16(X, m, shift) four rows at a time
 * although every row has its own shift, with X = acc + b (b: i64 [rows], or 0 for none), |acc| <
 * 2^31. With m16 the rounded Q0.15 multiplier and t = 15 − shift the result is
 * clamp16(⌊(X·m16 + 2^(t−1)) / 2^t⌋) = clamp16(⌊(X·m16 + 2^(t−1))·2^(T−t) / 2^T⌋) for any T ≥ t:
 * with T the rows' largest t and L = max(0, 32 − T), the high word of
 * X·(m16·2^(T−t+L)) + (b·m16 + 2^(t−1))·2^(T−t+L), shifted right by max(0, T − 32), is that — one
 * i64x2 product and uniform shifts, no per-lane shift. out: M = m16·2^(T−t+L) i32 [rows], then
 * K = (b·m16 + 2^(t−1))·2^(T−t+L) i64 [rows]. Returns max(0, T − 32), or −1 (the scalar path
 * takes the layer) unless M fits int32 (T − t + L ≤ 16) and 2^31·M + |K| < 2^63 for every row:
 * so whenever every t ≥ 16, as in converted models.
 */
function gateConsts(q: usize, b: usize, rows: i32, out: usize): i32 {
  let T = 0;
  for (let r = 0; r < rows; r++) T = max(T, 15 - load<i32>(q + (<usize>r << 3), 4));
  const L = max(0, 32 - T);
  for (let r = 0; r < rows; r++) {
    const m = load<i32>(q + (<usize>r << 3)), t = 15 - load<i32>(q + (<usize>r << 3), 4), sh = T - t + L;
    const m16 = m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff;
    const k = (b != 0 ? load<i64>(b + (<usize>r << 3)) * m16 : 0) + (<i64>1 << (t - 1));
    if (sh > 16 || ((k < 0 ? -k : k) >> (62 - sh)) != 0) return -1;
    store<i32>(out + (<usize>r << 2), m16 << sh);
    store<i64>(out + (<usize>rows << 2) + (<usize>r << 3), k << sh);
  }
  return max(0, T - 32);
}

/** Four rows (byte offset o) of requant64Sat16 from gateConsts' constants at c, its shift R. */
// @ts-ignore: decorator
@inline function gatePart4(acc: v128, c: usize, o: usize, rowBytes: usize, R: i32): v128 {
  const m = v128.load(c + o), k = c + rowBytes + (o << 1);
  return sat16x4(i32x4.shr_s(v128.shuffle<i32>(i64x2.add(i64x2.extmul_low_i32x4_s(acc, m), v128.load(k)),
    i64x2.add(i64x2.extmul_high_i32x4_s(acc, m), v128.load(k, 16)), 1, 3, 5, 7), R));
}

/**
 * `requant` (TFLite's double rounding) of four lanes, for shift ≤ 0: srdhm as the high word of
 * (x·m + 2^30)·2 (m ≥ 0, so never srdhm's INT32_MIN case), then rdbpot by −shift.
 */
function requantX4(x: v128, m: i32, shift: i32): v128 {
  const mv = i32x4.splat(m), rnd = vconst(V_Q30);
  const y = v128.shuffle<i32>(i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(x, mv), rnd), 1),
    i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(x, mv), rnd), 1), 1, 3, 5, 7);
  const e = -shift, mask = e >= 31 ? -1 : (1 << e) - 1;
  const threshold = i32x4.sub(i32x4.splat(mask >> 1), i32x4.shr_s(y, 31));
  return i32x4.sub(i32x4.shr_s(y, e), i32x4.gt_s(v128.and(y, i32x4.splat(mask)), threshold));
}

/** One gate pre-activation (row r), Q3.12: the x part with its bias plus the h part, saturating. */
// @ts-ignore: decorator
@inline function gatePre(accX: usize, accH: usize, bx: usize, qx: usize, qh: usize, r: i32, wide: bool): i32 {
  const o = <usize>r << 2;
  const q = <usize>r << 3;
  const ax = <i64>load<i32>(accX + o) + load<i64>(bx + q);
  const ah = load<i32>(accH + o);
  let gx: i32, gh: i32;
  if (wide) {
    gx = requant64Sat16(ax, load<i32>(qx + q), load<i32>(qx + q, 4));
    gh = requant64Sat16(<i64>ah, load<i32>(qh + q), load<i32>(qh + q, 4));
  } else {
    gx = sat16(requant(sat32(ax), load<i32>(qx + q), load<i32>(qx + q, 4)));
    gh = sat16(requant(ah, load<i32>(qh + q), load<i32>(qh + q, 4)));
  }
  return sat16(gx + gh);
}

/** One int8 LSTM step; h and c (the state) are updated in place and h is the layer's output. */
export function lstmStepInt8(d: usize, x: usize, state: usize): usize {
  const H = <i32>param(d, 0);
  const hp = padLen(H, NUM_INT8);
  const wide = (flags(d) & LSTM_FLAG_GATE_REQUANT32) == 0;
  const bx = tensor(d, 2), qx = tensor(d, 3), qh = tensor(d, 4), qc = tensor(d, 5);
  const tanhShift = paramI(d, 1) + 12;
  const clip = paramI(d, 2);
  const cellMin = clip > 0 ? -clip : INT16_MIN, cellMax = clip > 0 ? clip : INT16_MAX;
  const outMin = paramI(d, 3), outMax = paramI(d, 4);
  const fcM = load<i32>(qc), fcS = load<i32>(qc, 4);
  const igM = load<i32>(qc, 8), igS = load<i32>(qc, 12);
  const ohM = load<i32>(qc, 16), ohS = load<i32>(qc, 20);
  const h = state;
  const c = state + (<usize>hp << 1);
  const accX = scratch(d);
  const accH = accX + (rows4(4 * H) << 2);
  // All four gates' products first: h is overwritten below.
  matvecI8I16(tensor(d, 0), 4 * H, padLen(inputLen(d), NUM_INT8), x, accX);
  matvecI8I16(tensor(d, 1), 4 * H, hp, h, accH);
  // Gate pre-activations for all 4H rows, in place in accX (Q3.12), then activated (Q0.15)
  const gc = tensor(d, T_GATE_CONSTS);
  let r = 0;
  if (SIMD && gc != 0) {
    const rowBytes = <usize>H << 4, xc = gc + 16, hc = xc + <usize>H * 48;
    const rx = load<i32>(gc), rh = load<i32>(gc, 4);
    for (; r < 4 * H; r += 4) {
      const o = <usize>r << 2;
      v128.store(accX + o, sat16x4(i32x4.add(gatePart4(v128.load(accX + o), xc, o, rowBytes, rx), gatePart4(v128.load(accH + o), hc, o, rowBytes, rh))));
    }
  }
  for (; r < 4 * H; r++) store<i32>(accX + (<usize>r << 2), gatePre(accX, accH, bx, qx, qh, r, wide));
  const H4 = <usize>H << 2; // bytes of one gate block
  activateRows(accX, 2 * H, false, 0); // i, f
  activateRows(accX + 2 * H4, H, true, 0); // g
  activateRows(accX + 3 * H4, H, false, 0); // o
  // c' = f ⊙ c + i ⊙ g (each product requantised to the cell scale and saturated to int16);
  // c' also to accH, for tanh below
  let j = 0;
  const simdCell = SIMD && fcS <= 0 && igS <= 0 && ohS <= 0;
  if (SIMD && simdCell) {
    for (; j < (H & ~3); j += 4) {
      const o = <usize>j << 2, cp = c + (<usize>j << 1);
      const c1 = sat16x4(requantX4(i32x4.mul(v128.load(accX + o + H4), v128.load16x4_s(cp)), fcM, fcS));
      const cn = i32x4.min_s(i32x4.max_s(i32x4.add(c1, sat16x4(requantX4(i32x4.mul(v128.load(accX + o), v128.load(accX + o + 2 * H4)), igM, igS))),
        i32x4.splat(cellMin)), i32x4.splat(cellMax));
      v128.store64_lane(cp, i16x8.narrow_i32x4_s(cn, cn), 0);
      v128.store(accH + o, cn);
    }
  }
  for (; j < H; j++) {
    const o = <usize>j << 2, cp = c + (<usize>j << 1);
    const c1 = sat16(requant(load<i32>(accX + o + H4) * <i32>load<i16>(cp), fcM, fcS));
    let cn = c1 + sat16(requant(load<i32>(accX + o) * load<i32>(accX + o + 2 * H4), igM, igS));
    cn = cn < cellMin ? cellMin : cn > cellMax ? cellMax : cn;
    store<i16>(cp, <i16>cn);
    store<i32>(accH + o, cn);
  }
  activateRows(accH, H, true, tanhShift);
  // h' = o ⊙ tanh(c')
  j = 0;
  if (SIMD && simdCell) {
    for (; j < (H & ~3); j += 4) {
      const o = <usize>j << 2;
      const hn = i32x4.min_s(i32x4.max_s(requantX4(i32x4.mul(v128.load(accX + o + 3 * H4), v128.load(accH + o)), ohM, ohS),
        i32x4.splat(outMin)), i32x4.splat(outMax));
      v128.store64_lane(h + (<usize>j << 1), i16x8.narrow_i32x4_s(hn, hn), 0);
    }
  }
  for (; j < H; j++) {
    const o = <usize>j << 2;
    let hn = requant(load<i32>(accX + o + 3 * H4) * load<i32>(accH + o), ohM, ohS);
    hn = hn < outMin ? outMin : hn > outMax ? outMax : hn;
    store<i16>(h + (<usize>j << 1), <i16>hn);
  }
  return h;
}

/** One f32 LSTM step; h and c are updated in place and h is the layer's output. */
export function lstmStepF32(d: usize, x: usize, state: usize): usize {
  const H = <i32>param(d, 0);
  const hp = padLen(H, NUM_F32);
  const b = tensor(d, 2);
  const clip = reinterpret<f32>(param(d, 2));
  const h = state;
  const c = state + (<usize>hp << 2);
  const gx = scratch(d);
  const gh = gx + (rows4(4 * H) << 2);
  matvecF32(tensor(d, 0), 4 * H, padLen(inputLen(d), NUM_F32), x, gx);
  matvecF32(tensor(d, 1), 4 * H, hp, h, gh);
  for (let j = 0; j < H; j++) {
    const oi = <usize>j << 2, ofg = <usize>(H + j) << 2, ogg = <usize>(2 * H + j) << 2, oog = <usize>(3 * H + j) << 2;
    const ig = sigmoidF32(load<f32>(gx + oi) + load<f32>(gh + oi) + load<f32>(b + oi));
    const fg = sigmoidF32(load<f32>(gx + ofg) + load<f32>(gh + ofg) + load<f32>(b + ofg));
    const gg = tanhF32(load<f32>(gx + ogg) + load<f32>(gh + ogg) + load<f32>(b + ogg));
    const outg = sigmoidF32(load<f32>(gx + oog) + load<f32>(gh + oog) + load<f32>(b + oog));
    let cn = fg * load<f32>(c + oi) + ig * gg;
    if (clip > 0) cn = cn < -clip ? -clip : cn > clip ? clip : cn;
    store<f32>(c + oi, cn);
    store<f32>(h + oi, outg * tanhF32(cn));
  }
  return h;
}
