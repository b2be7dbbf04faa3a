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
//   scratch: accX i32 [4H], accH i32 [4H] (each rounded up to 4 rows), then Wx and Wh as
//     matvecI8I16 reads them (matvec.ts packI8, made at load)
// f32 tensors:  0 Wx f32 [4H, pad4(I)]   1 Wh f32 [4H, pad4(H)]   2 b f32 [4H] (b_ih + b_hh)
//   state: h f32 [pad4(H)], then c f32 [pad4(H)].  scratch: gx f32 [4H], gh f32 [4H]

import * as E from "./errors";
import { NUM_F32, NUM_INT8, LSTM_FLAG_GATE_REQUANT32, MAX_PARAMS } from "./constants";
import { param, paramI, flags, inputLen, scratch, tensor, padLen, setTensorBytes, setStateBytes,
  setScratchBytes, checkRowsI8, checkQuant, outputLen } from "./layer";
import { matvecI8I16, matvecF32, matI8Bytes, packTensorI8 } from "./matvec";
import { requant, requant64Sat16, sat16, sat32, INT16_MIN, INT16_MAX } from "./fixedpoint";
import { sigmoidQ15, tanhQ15, tanhS16, sigmoidF32, tanhF32 } from "./activations";

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
  if (int8) {
    setTensorBytes(d, 0, rows * ip);
    setTensorBytes(d, 1, rows * hp);
    setTensorBytes(d, 2, rows * 8);
    setTensorBytes(d, 3, rows * 8);
    setTensorBytes(d, 4, rows * 8);
    setTensorBytes(d, 5, 3 * 8);
    setStateBytes(d, hp * 4);
    setScratchBytes(d, acc * 2 + matI8Bytes(4 * H, <i32>ip) + matI8Bytes(4 * H, <i32>hp));
  } else {
    setTensorBytes(d, 0, rows * ip * 4);
    setTensorBytes(d, 1, rows * hp * 4);
    setTensorBytes(d, 2, rows * 4);
    setStateBytes(d, hp * 8);
    setScratchBytes(d, acc * 2);
  }
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
  if ((flags(d) & LSTM_FLAG_GATE_REQUANT32) == 0) {
    // The 64-bit requantisation takes shifts up to +7 (TFLite's range).
    for (let r = 0; r < 4 * H; r++) {
      if (load<i32>(qx + (<usize>r << 3), 4) > 7 || load<i32>(qh + (<usize>r << 3), 4) > 7) return -E.ERR_BAD_QUANT_PARAMS;
    }
  }
  const bx = tensor(d, 2);
  for (let r = 0; r < 4 * H; r++) {
    const b = load<i64>(bx + (<usize>r << 3));
    if (b > BIAS_MAX || b < -BIAS_MAX) return -E.ERR_BAD_QUANT_PARAMS;
  }
  const p = paramI(d, 1), clip = paramI(d, 2), outMin = paramI(d, 3), outMax = paramI(d, 4);
  if (p < CELL_POWER_MIN || p > CELL_POWER_MAX) return -E.ERR_BAD_QUANT_PARAMS;
  if (clip < 0 || clip > INT16_MAX) return -E.ERR_BAD_QUANT_PARAMS;
  if (outMin < INT16_MIN || outMax > INT16_MAX || outMin > outMax) return -E.ERR_BAD_QUANT_PARAMS;
  const packed = packTensorI8(d, 0, 4 * H, padLen(inputLen(d), numType), scratch(d) + (rows4(4 * H) << 3));
  packTensorI8(d, 1, 4 * H, padLen(H, numType), packed);
  return 0;
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
  // Gate activations for all 4H rows, in place in accX (Q0.15): one pass each keeps a single
  // copy of the requantisation and activation code in the module, and the loops tight.
  const g0 = <i32>(2 * H), g1 = <i32>(3 * H);
  for (let r = 0; r < 4 * H; r++) {
    const pre = gatePre(accX, accH, bx, qx, qh, r, wide);
    store<i32>(accX + (<usize>r << 2), r >= g0 && r < g1 ? tanhQ15(pre) : sigmoidQ15(pre));
  }
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 2;
    const ig = load<i32>(accX + o);
    const fg = load<i32>(accX + o + (<usize>H << 2));
    const gg = load<i32>(accX + o + (<usize>(2 * H) << 2));
    const og = load<i32>(accX + o + (<usize>(3 * H) << 2));
    const cp = c + (<usize>j << 1);
    // c' = f ⊙ c + i ⊙ g (each product requantised to the cell scale and saturated to int16)
    const c1 = sat16(requant(fg * <i32>load<i16>(cp), fcM, fcS));
    let cn = c1 + sat16(requant(ig * gg, igM, igS));
    cn = cn < cellMin ? cellMin : cn > cellMax ? cellMax : cn;
    store<i16>(cp, <i16>cn);
    // h' = o ⊙ tanh(c')
    let hn = requant(og * tanhS16(cn, tanhShift), ohM, ohS);
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
