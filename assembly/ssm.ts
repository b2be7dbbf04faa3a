// Selective SSM block: Mamba's single-token `step` (mamba_ssm Mamba.step / selective_state_update)
// with the pre-norm residual around it (mamba_ssm Block):
//   r = x;  u = RMSNorm(x) · w_norm                                   (rmsnorm.ts)
//   [xin, z] = in_proj(u)                         d_model → 2·d_inner, no bias
//   xc = SiLU(causal depthwise conv1d(xin) + conv_bias)               (conv1d.ts, d_conv taps)
//   [dt_r, B, C] = x_proj(xc)                     d_inner → dt_rank + 2·d_state, no bias
//   dt = softplus(dt_proj(dt_r) + dt_bias)        dt_rank → d_inner
//   A = −exp(A_log) [d_inner, d_state]
//   h = exp(dt·A) ⊙ h + (dt·B) ⊗ xc;   y = h·C + D ⊙ xc;   y = y ⊙ SiLU(z)
//   return r + out_proj(y)                        d_inner → d_model, no bias
// Sizes: M = d_model (= inputLen = outputLen), N = d_state, K = d_conv, Di = d_inner, R = dt_rank.
//
// params: p0 M   p1 N   p2 K (1..16)   p3 Di   p4 R   (p5..p7 zero; flags zero)
//
// int8 tensors:
//   0 inW  int8 [2Di, pad16(M)]   in_proj with the norm weight folded into its columns (W·diag(w))
//   1 inQ  (mult, shift) [2Di]    rows < Di: → xin at its calibrated scale; rows ≥ Di: → z in Q(15−fz).fz
//   2 convW int8 [Di·K]           per-channel scale      3 convB i32 [Di] at the channel's acc scale
//   4 convQ (mult, shift) [Di]    conv accumulator → pre-activation in Q(15−fc).fc
//   5 xW   int8 [R+2N, pad16(Di)] 6 xQ (mult, shift) [R+2N]: → dt_r, B, C at calibrated scales
//   7 dtW  int8 [Di, pad16(R)]    8 dtB i32 [Di]: dt_bias in Q4.27 (|bias| < 16)
//   9 dtQ  (mult, shift) [Di]     dt_proj accumulator → Q4.27, as a 64-bit product (the bias, ~−7,
//                                 dwarfs the product; adding it at 2^-27 keeps both exact)
//   10 negA i32 [Di·N]            −A = exp(A_log) in Q(31−aFrac).aFrac
//   11 dQ  (mult, shift) [Di]     D·xc → y units; the multiplier carries D's sign
//   12 outW int8 [M, pad16(Di)]   13 outQ (mult, shift) [M]: → output scale
//   14 consts i32 [16]: 0,1 epsQ (lo, hi: eps·M/s_x² as an i64)   2,3 K_norm = √M/s_n
//        4,5 residual s_x/s_out   6,7 y·SiLU(z) → s_yg   8 fz   9 fc   10 aFrac
//        11 hShift g   12 yShift g'   13..15 zero
//   state: h i32 [Di·N] (padded to 16 bytes), then conv int16 [Di·(K−1)] (padded to 16 bytes);
//     both zero at the start of a sequence (a stream's reset zeros its whole state block).
//   scratch: acc i32 [round4(max(2Di, R+2N, M))], then int16 vectors, each padded to 16:
//     nrm [M], xin [Di], xc [Di], sz [Di], dtr [R], bc [2N] (B then C), yg [Di], out [M]; then (simd
//     build) requantRows16's constants (rqConsts, made at load).
//
// Number formats of the int8 path (all integer; the step has no float instruction). "Calibrated"
// ranges below are 2 × the calibration maximum (host/build/layers/ssm.ts SSM_HEADROOM): without it,
// long streams saturated y·SiLU(z) at 1.5× its calibrated maximum.
//   x, n = x/rms(x), xin, dt_r, B, C, y·SiLU(z), out: int16 at calibrated scales (range → 32767).
//   z and the conv pre-activation: int16 in a power-of-two format Q(15−f).f chosen from the
//     calibrated range (≤ 1 bit below a calibrated scale), so that SiLU (activations.ts siluS16)
//     works in that format directly; SiLU(z) and xc keep the same format.
//   dt: the pre-activation is Q4.11 int16 (dt_pre ∈ [−16, 16): dt from 1e-7 to 16; Mamba inits
//     dt ∈ [1e-3, 0.1]), dt = softplusQ27 → Q4.27 int32: 7.5e-9 absolute, ≤ 1e-4 relative for
//     dt ≥ 1e-4 (the table's error; the Q4.11 input adds ≤ 2.4e-4 relative).
//   decay exp(dt·A): dt·|A| in Q5.26 from a 64-bit product, then expNegTableQ31 → Q0.31 (error
//     ≤ 1.1e-8; activations.ts). A Q0.15 decay (3e-5 resolution) near 1 − 1e-3 would carry a few
//     percent error into h's time constant; Q0.31 keeps it at 1e-5 of (1 − decay) even for
//     dt·|A| = 1e-4. (gemmlowp's exp_on_negative_values would do too but is 4× slower here, ~2·10³
//     calls a step, and its error is ~2.3e-7.)
//   h: int32 at s_h = s_xc·s_B·2^(g − 27), a power-of-two multiple of the (dt·xc·B) product's scale
//     so that dt·B·xc enters h through one 64-bit product and a rounding shift, no multiplier.
//     g is chosen so that the calibrated range of |h| is ≤ 2^24: 7 more bits of headroom before
//     the int32 saturates, and 24 bits of resolution against the largest state (the per-step
//     rounding, ≤ 1 ulp, stays 6e-8 of max |h|; over the longest memory, 1/(dt·|A|) ≈ 1000
//     steps, 6e-5). decay·h is rounded with a shift (0.5 ulp, no srdhm division).
//   y = h·C + D·xc: Σ_n h·C in i64, shifted by g' to int16 at s_y = s_h·s_C·2^g' (again a
//     power-of-two multiple of the product's scale; g' puts the calibrated range in [2^14, 2^15)).
//   Every requantisation that could meet a large accumulator with a left shift clamps it first
//   (requantSat16): the result saturates the same way, without the int32 wrap of x << shift.
//
// f32 tensors: 0 normW [M]   1 inW [2Di, pad4(M)]   2 convW [Di·K]   3 convB [Di]
//   4 xW [R+2N, pad4(Di)]   5 dtW [Di, pad4(R)]   6 dtB [Di]   7 A [Di·N] (= −exp(A_log))   8 D [Di]
//   9 outW [M, pad4(Di)]   10 consts [4]: eps, 0, 0, 0
//   state: h f32 [Di·N], conv f32 [Di·(K−1)] (each padded to 16 bytes).
//   scratch: f32 vectors, each padded to 4: nrm [M], xz [2Di], xc [Di], dbc [R+2N], dtr [R],
//     dt [Di], yg [Di], out [M].

import { expf, log1pf } from "./fmath";
import * as E from "./errors";
import { NUM_F32, NUM_INT8, MAX_DIM, MAX_PARAMS } from "./constants";
import { param, flags, inputLen, outputLen, scratch, tensor, padLen, setTensorBytes,
  setStateBytes, setScratchBytes, checkRowsI8, checkQuant, tensorSlot } from "./layer";
import { matvecI8I16, matvecF32 } from "./matvec";
import { requant, sat16, vconst, V_ZERO, V_Q30 } from "./fixedpoint";
import { expNegTableQ31, expNegTableQ31x4, siluRows16, TAIL, softplusQ27, siluF32, softplusF32 } from "./activations";
import { rmsNormI16, rmsNormF32, RMS_EPS_Q_MAX } from "./rmsnorm";
import { convStepI16, convStepF32 } from "./conv1d";

export const SSM_MAX_CONV: i32 = 16;

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

/** Four i64 lanes (two i64x2) clamped to int32, as i32x4: a lane fits where its high word is its low word's sign. */
// @ts-ignore: decorator
@inline function clampI32x4(a: v128, b: v128): v128 {
  const lo = v128.shuffle<i32>(a, b, 0, 2, 4, 6), hi = v128.shuffle<i32>(a, b, 1, 3, 5, 7);
  return v128.bitselect(lo, v128.xor(i32x4.shr_s(hi, 31), i32x4.splat(i32.MAX_VALUE)), i32x4.eq(hi, i32x4.shr_s(lo, 31)));
}

// int8 tensor indices
const T_IN_W = 0, T_IN_Q = 1, T_CONV_W = 2, T_CONV_B = 3, T_CONV_Q = 4, T_X_W = 5, T_X_Q = 6,
  T_DT_W = 7, T_DT_B = 8, T_DT_Q = 9, T_NEG_A = 10, T_D_Q = 11, T_OUT_W = 12, T_OUT_Q = 13, T_CONSTS = 14;
// f32 tensor indices
const F_NORM_W = 0, F_IN_W = 1, F_CONV_W = 2, F_CONV_B = 3, F_X_W = 4, F_DT_W = 5, F_DT_B = 6,
  F_A = 7, F_D = 8, F_OUT_W = 9, F_CONSTS = 10;
// descriptor slots past the file's tensors (simd build; set at load): requantRows16's constants
// for in_proj's x and z rows, the conv, x_proj's dt_r and B, C rows, out_proj — each 0 where the
// scalar path must take them
const S_RQ_XIN = 15, S_RQ_Z = 16, S_RQ_CONV = 17, S_RQ_DTR = 18, S_RQ_BC = 19, S_RQ_OUT = 20;
// consts (int8), i32 slots
const C_EPS_LO = 0, C_EPS_HI = 1, C_NORM = 2, C_RES = 4, C_YG = 6, C_FZ = 8, C_FC = 9, C_AFRAC = 10,
  C_HSHIFT = 11, C_YSHIFT = 12;
export const SSM_CONSTS: i32 = 16;

// @ts-ignore: decorator
@inline function al16(bytes: u64): u64 { return (bytes + 15) & ~<u64>15; }
// @ts-ignore: decorator
@inline function round4(n: i32): i32 { return (n + 3) & ~3; }

export function ssmPlan(d: usize, numType: u32): i32 {
  const M = param(d, 0), N = param(d, 1), K = param(d, 2), Di = param(d, 3), R = param(d, 4);
  if (<u32>inputLen(d) != M || <u32>outputLen(d) != M || flags(d) != 0) return -E.ERR_BAD_SHAPE;
  if (N == 0 || N > <u32>MAX_DIM || K == 0 || K > <u32>SSM_MAX_CONV || Di == 0 || Di > <u32>MAX_DIM || R == 0 || R > <u32>MAX_DIM)
    return -E.ERR_BAD_SHAPE;
  for (let i = 5; i < MAX_PARAMS; i++) if (param(d, i) != 0) return -E.ERR_BAD_SHAPE;
  const m = <i32>M, n = <i32>N, k = <i32>K, di = <i32>Di, r = <i32>R;
  const xRows = <u64>(r + 2 * n);
  const accRows = <u64>round4(max(max(2 * di, r + 2 * n), m));
  // the tensors in file order (T_* for int8, F_* for f32; the int8 ones add the requantisations)
  const int8 = numType == NUM_INT8, es = <u64>(int8 ? 1 : 4); // weight bytes
  const mp = <u64>padLen(m, numType), dp = <u64>padLen(di, numType), rp = <u64>padLen(r, numType);
  let t = 0;
  if (!int8) setTensorBytes(d, t++, <u64>m * 4); // normW
  setTensorBytes(d, t++, <u64>(2 * di) * mp * es); // inW
  if (int8) setTensorBytes(d, t++, <u64>(2 * di) * 8); // inQ
  setTensorBytes(d, t++, <u64>di * <u64>k * es); // convW
  setTensorBytes(d, t++, <u64>di * 4); // convB
  if (int8) setTensorBytes(d, t++, <u64>di * 8); // convQ
  setTensorBytes(d, t++, xRows * dp * es); // xW
  if (int8) setTensorBytes(d, t++, xRows * 8); // xQ
  setTensorBytes(d, t++, <u64>di * rp * es); // dtW
  setTensorBytes(d, t++, <u64>di * 4); // dtB
  if (int8) setTensorBytes(d, t++, <u64>di * 8); // dtQ
  setTensorBytes(d, t++, <u64>di * <u64>n * 4); // negA | A
  setTensorBytes(d, t++, <u64>di * (int8 ? 8 : 4)); // dQ | D
  setTensorBytes(d, t++, <u64>m * dp * es); // outW
  if (int8) setTensorBytes(d, t++, <u64>m * 8); // outQ
  setTensorBytes(d, t, int8 ? <u64>SSM_CONSTS * 4 : 16); // consts
  setStateBytes(d, al16(<u64>di * <u64>n * 4) + al16(<u64>di * <u64>(k - 1) * (int8 ? 2 : 4)));
  setScratchBytes(d, int8
    ? accRows * 4 + (2 * mp + 4 * dp + rp + <u64>padLen(2 * n, numType)) * 2 +
      (SIMD ? <u64>(3 * round4(di) + round4(r) + round4(2 * n) + round4(m)) * 20 : 0)
    : (2 * mp + <u64>round4(2 * di) + 2 * dp + <u64>round4(r + 2 * n) + rp + <u64>round4(di)) * 4);
  return 0;
}

export function ssmPrepare(d: usize, numType: u32): i32 {
  if (numType != NUM_INT8) {
    // finite: the reader checked every f32 tensor
    return load<f32>(tensor(d, F_CONSTS)) >= 0 ? 0 : -E.ERR_BAD_QUANT_PARAMS;
  }
  const M = <i32>param(d, 0), N = <i32>param(d, 1), Di = <i32>param(d, 3), R = <i32>param(d, 4);
  const mp = padLen(M, numType), dp = padLen(Di, numType), rp = padLen(R, numType);
  if (!checkRowsI8(tensor(d, T_IN_W), 2 * Di, mp) || !checkRowsI8(tensor(d, T_X_W), R + 2 * N, dp) ||
      !checkRowsI8(tensor(d, T_DT_W), Di, rp) || !checkRowsI8(tensor(d, T_OUT_W), M, dp)) return -E.ERR_OVERFLOW_RISK;
  if (!checkQuant(tensor(d, T_IN_Q), 2 * Di) || !checkQuant(tensor(d, T_CONV_Q), Di) ||
      !checkQuant(tensor(d, T_X_Q), R + 2 * N) || !checkQuant(tensor(d, T_DT_Q), Di) ||
      !checkQuant(tensor(d, T_OUT_Q), M) || !checkQuant(tensor(d, T_D_Q), Di, true)) return -E.ERR_BAD_QUANT_PARAMS;
  const c = tensor(d, T_CONSTS);
  if (!checkQuant(c + (<usize>C_NORM << 2), 3)) return -E.ERR_BAD_QUANT_PARAMS;
  const epsQ = load<i64>(c + (<usize>C_EPS_LO << 2));
  if (epsQ < 0 || epsQ > RMS_EPS_Q_MAX) return -E.ERR_BAD_QUANT_PARAMS;
  const fz = load<i32>(c + (<usize>C_FZ << 2)), fc = load<i32>(c + (<usize>C_FC << 2));
  const aFrac = load<i32>(c + (<usize>C_AFRAC << 2));
  const g = load<i32>(c + (<usize>C_HSHIFT << 2)), g2 = load<i32>(c + (<usize>C_YSHIFT << 2));
  if (fz < 5 || fz > 15 || fc < 5 || fc > 15 || aFrac < 0 || aFrac > 30 || g < 0 || g > 62 || g2 < 0 || g2 > 62)
    return -E.ERR_BAD_QUANT_PARAMS;
  for (let i = 13; i < SSM_CONSTS; i++) if (load<i32>(c + (<usize>i << 2)) != 0) return -E.ERR_BAD_QUANT_PARAMS;
  const negA = tensor(d, T_NEG_A);
  for (let i = 0; i < Di * N; i++) if (load<i32>(negA + (<usize>i << 2)) < 0) return -E.ERR_BAD_QUANT_PARAMS;
  let p = scratch(d) + (<usize>round4(max(max(2 * Di, R + 2 * N), M)) << 2) + (<usize>(2 * mp + 4 * dp + rp + padLen(2 * N, numType)) << 1);
  if (SIMD) {
    const inQ = tensor(d, T_IN_Q), xQ = tensor(d, T_X_Q);
    p = rqConsts(d, S_RQ_XIN, inQ, Di, p);
    p = rqConsts(d, S_RQ_Z, inQ + (<usize>Di << 3), Di, p);
    p = rqConsts(d, S_RQ_CONV, tensor(d, T_CONV_Q), Di, p);
    p = rqConsts(d, S_RQ_DTR, xQ, R, p);
    p = rqConsts(d, S_RQ_BC, xQ + (<usize>R << 3), 2 * N, p);
    rqConsts(d, S_RQ_OUT, tensor(d, T_OUT_Q), M, p);
  }
  return 0;
}

/**
 * At load (simd build): requantRows16's constants for `rows` (multiplier, shift) pairs at q, at
 * p, into descriptor slot `slot` (0 if a shift is −31, which the scalar path takes). For each
 * group of four rows, five vectors: lim (the clamp that keeps acc << s from wrapping), 2^s for
 * s > 0, the multiplier, 2^(30 − e) and 2^29 or 0 (e = −s > 0 or not; see requantRows16).
 * Returns the byte after them.
 */
function rqConsts(d: usize, slot: i32, q: usize, rows: i32, p: usize): usize {
  // (the lanes past `rows` keep the scratch's zeros: they compute 0, into padding)
  let ok = true;
  for (let r = 0; r < rows; r++) {
    const s = load<i32>(q + (<usize>r << 3), 4), e = s < 0 ? -s : 0;
    ok = ok && e < 31;
    const at = p + <usize>(r >> 2) * 80 + (<usize>(r & 3) << 2);
    store<i32>(at, s > 0 ? i32.MAX_VALUE >> s : i32.MAX_VALUE);
    store<i32>(at, s > 0 ? 1 << s : 1, 16);
    store<i32>(at, load<i32>(q + (<usize>r << 3)), 32);
    store<i32>(at, 1 << (30 - min(e, 30)), 48);
    store<i32>(at, e > 0 ? 1 << 29 : 0, 64);
  }
  store<u32>(tensorSlot(d, slot), ok ? <u32>p : 0);
  return p + <usize>(round4(rows) >> 2) * 80;
}

/**
 * out[r] = requantSat16(acc[r], q, r) (int16) for r < rows. simd, with rqConsts' constants k:
 * four rows at a time, bit for bit — srdhm(x·2^s, m) as the high word of (x·2^s·m + 2^30)·2,
 * then rdbpot(y, e) = ⌊(y − [y < 0] + 2^(e−1)) / 2^e⌋ for e > 0 (and y for e = 0) as the high
 * word of ((y − [y < 0])·2^(30−e) + 2^29)·4; it writes whole fours (out has room, and acc is
 * read up to rows rounded up to 4). k = 0 or mvp: one by one.
 */
function requantRows16(acc: usize, q: usize, k: usize, rows: i32, out: usize): void {
  if (SIMD && k != 0) {
    for (let r = 0; r < rows; r += 4) {
      const c = k + <usize>(r >> 2) * 80;
      const lim = v128.load(c), m = v128.load(c, 32), e = v128.load(c, 64);
      const x = i32x4.mul(i32x4.max_s(i32x4.min_s(v128.load(acc + (<usize>r << 2)), lim), i32x4.neg(lim)), v128.load(c, 16));
      let y = v128.shuffle<i32>(i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), vconst(V_Q30)), 1),
        i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), vconst(V_Q30)), 1), 1, 3, 5, 7);
      y = i32x4.add(y, v128.and(i32x4.shr_s(y, 31), i32x4.ne(e, vconst(V_ZERO))));
      const p = v128.load(c, 48);
      y = v128.shuffle<i32>(i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(y, p), i64x2.extend_low_i32x4_u(e)), 2),
        i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(y, p), i64x2.extend_high_i32x4_u(e)), 2), 1, 3, 5, 7);
      v128.store64_lane(out + (<usize>r << 1), i16x8.narrow_i32x4_s(y, y), 0);
    }
  } else {
    for (let r = 0; r < rows; r++) store<i16>(out + (<usize>r << 1), <i16>requantSat16(load<i32>(acc + (<usize>r << 2)), q, r));
  }
}

/** requantClamped of row `row` (its multiplier and shift at q + 8·row), saturated to int16. */
// Not inlined: it runs once per channel, not per state, and inlining it everywhere cost 1.5 KB.
function requantSat16(acc: i32, q: usize, row: i32): i32 {
  const p = q + (<usize>row << 3);
  return sat16(requantClamped(acc, load<i32>(p), load<i32>(p, 4)));
}

/**
 * requant(acc, m, s) for any int32 accumulator: with a left shift s > 0, |acc| is clamped to
 * 2^(31−s) − 1 first (beyond it the result saturates anyway, as the multiplier is ≥ 0.5), so
 * `acc << s` cannot wrap.
 */
function requantClamped(acc: i32, m: i32, s: i32): i32 {
  const lim = s > 0 ? (i32.MAX_VALUE >> s) : i32.MAX_VALUE;
  return requant(acc > lim ? lim : acc < -lim ? -lim : acc, m, s);
}

/** v / 2^s rounded (half up), for 0 ≤ s ≤ 62. */
// @ts-ignore: decorator
@inline function shrRound64(v: i64, s: i32): i64 {
  return s == 0 ? v : (v + (<i64>1 << <i64>(s - 1))) >> <i64>s;
}

// @ts-ignore: decorator
@inline function sat16x64(v: i64): i32 {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : <i32>v;
}

/** One int8 SSM block step. Returns the block's output (int16, in the layer's scratch). */
export function ssmStepInt8(d: usize, x: usize, state: usize): usize {
  const M = <i32>param(d, 0), N = <i32>param(d, 1), K = <i32>param(d, 2), Di = <i32>param(d, 3), R = <i32>param(d, 4);
  const mp = padLen(M, NUM_INT8), dp = padLen(Di, NUM_INT8), rp = padLen(R, NUM_INT8);
  const c = tensor(d, T_CONSTS);
  const fz = load<i32>(c + (<usize>C_FZ << 2)), fc = load<i32>(c + (<usize>C_FC << 2));
  const aShift = load<i32>(c + (<usize>C_AFRAC << 2)) + 1; // Q4.27 · Q.aFrac → Q5.26
  const g = load<i32>(c + (<usize>C_HSHIFT << 2)), g2 = load<i32>(c + (<usize>C_YSHIFT << 2));
  // scratch
  const acc = scratch(d);
  const nrm = acc + (<usize>round4(max(max(2 * Di, R + 2 * N), M)) << 2);
  const xin = nrm + (<usize>mp << 1);
  const xc = xin + (<usize>dp << 1);
  const sz = xc + (<usize>dp << 1);
  const dtr = sz + (<usize>dp << 1);
  const bc = dtr + (<usize>rp << 1);
  const yg = bc + (<usize>padLen(2 * N, NUM_INT8) << 1);
  const out = yg + (<usize>dp << 1);
  // state
  const h = state;
  const conv = state + <usize>al16(<u64>Di * <u64>N * 4);

  // u = RMSNorm(x) (its weight is folded into in_proj); [xin, z] = in_proj(u)
  rmsNormI16(x, M, load<i64>(c + (<usize>C_EPS_LO << 2)), load<i32>(c, C_NORM << 2), load<i32>(c, (C_NORM + 1) << 2), nrm);
  matvecI8I16(tensor(d, T_IN_W), 2 * Di, mp, nrm, acc);
  const inQ = tensor(d, T_IN_Q);
  requantRows16(acc, inQ, tensor(d, S_RQ_XIN), Di, xin);
  requantRows16(acc + (<usize>Di << 2), inQ + (<usize>Di << 3), tensor(d, S_RQ_Z), Di, sz);
  siluRows16(sz, Di, fz);
  // xc = SiLU(conv1d(xin) + bias)
  convStepI16(xin, Di, K, tensor(d, T_CONV_W), tensor(d, T_CONV_B), conv, acc);
  requantRows16(acc, tensor(d, T_CONV_Q), tensor(d, S_RQ_CONV), Di, xc);
  siluRows16(xc, Di, fc);
  // [dt_r, B, C] = x_proj(xc)
  matvecI8I16(tensor(d, T_X_W), R + 2 * N, dp, xc, acc);
  const xQ = tensor(d, T_X_Q);
  requantRows16(acc, xQ, tensor(d, S_RQ_DTR), R, dtr);
  requantRows16(acc + (<usize>R << 2), xQ + (<usize>R << 3), tensor(d, S_RQ_BC), 2 * N, bc);
  // dt_proj(dt_r), bias and softplus per channel below
  matvecI8I16(tensor(d, T_DT_W), Di, rp, dtr, acc);
  const dtB = tensor(d, T_DT_B), dtQ = tensor(d, T_DT_Q), negA = tensor(d, T_NEG_A), dQ = tensor(d, T_D_Q);
  const ygMult = load<i32>(c, C_YG << 2), ygShift = load<i32>(c, (C_YG + 1) << 2);
  const C = bc + (<usize>N << 1);
  // rounding shifts of the state loop, hoisted: (v + round) >> shift, round = 2^(shift−1) or 0
  const aShift64 = <i64>aShift, aRound = <i64>1 << <i64>(aShift - 1);
  const g64 = <i64>g, gRound = g > 0 ? <i64>1 << <i64>(g - 1) : 0;
  for (let i = 0; i < Di; i++) {
    // dt_pre = dt_proj·dt_r (to Q4.27 as a 64-bit product) + dt_bias (Q4.27) → Q4.11
    const q = dtQ + (<usize>i << 3);
    const pre27 = shrRound64(<i64>load<i32>(acc + (<usize>i << 2)) * <i64>load<i32>(q), 31 - load<i32>(q, 4))
      + <i64>load<i32>(dtB + (<usize>i << 2));
    const dt = <i64>softplusQ27(sat16x64(shrRound64(pre27, 16))); // Q4.27
    const xq = <i32>load<i16>(xc + (<usize>i << 1));
    const dtx = dt * <i64>xq; // |.| < 2^46, scale 2^-27·s_xc
    const hRow = h + (<usize>(i * N) << 2);
    const aRow = negA + (<usize>(i * N) << 2);
    let ysum: i64 = 0;
    let n = 0;
    if (SIMD) {
      // four states at a time, the scalar loop's arithmetic bit for bit (dtx·B as dt·(xq·B))
      const dtv = i32x4.splat(<i32>dt), xqv = i32x4.splat(xq);
      const aRoundV = i64x2.splat(aRound), gBias = i64x2.splat(gRound + (<i64>1 << 62)), gUnbias = i64x2.splat(<i64>1 << (62 - g));
      let y0 = vconst(V_ZERO), y1 = y0;
      for (; n < N; n += 4) {
        const o = <usize>n << 2;
        // the last 1..3 states: h and A through TAIL, and the lanes past N out of y
        const rest = <usize>(N - n) << 2;
        let hp = hRow + o, ap = aRow + o;
        if (rest < 16) {
          memory.copy(TAIL, hp, rest);
          memory.copy(TAIL + 16, ap, rest);
          hp = TAIL;
          ap = TAIL + 16;
        }
        const a = v128.load(ap);
        const lo = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_u(dtv, a), aRoundV), aShift);
        const hi = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_u(dtv, a), aRoundV), aShift);
        const arg = v128.shuffle<i32>(lo, hi, 0, 2, 4, 6);
        // decay 0 where dt·|A| ≥ 32 (arg ≥ 2^31: a high word set, or the low word's top bit)
        const dA = v128.andnot(expNegTableQ31x4(arg),
          v128.or(i32x4.ne(v128.shuffle<i32>(lo, hi, 1, 3, 5, 7), vconst(V_ZERO)), i32x4.lt_s(arg, vconst(V_ZERO))));
        const hv = v128.load(hp);
        // (h·dA + 2^30) >> 31 as the high words of (h·dA + 2^30)·2
        const r31 = vconst(V_Q30);
        const decayed = v128.shuffle<i32>(i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(hv, dA), r31), 1),
          i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(hv, dA), r31), 1), 1, 3, 5, 7);
        const bx = i32x4.mul(xqv, v128.load16x4_s(bc + (<usize>n << 1)));
        // + ((dt·xq·B + gRound) >> g): |dt·xq·B| < 2^61, so with 2^62 added the shift is logical
        // (gBias = gRound + 2^62; 2^(62−g) taken off after)
        let hn = clampI32x4(
          i64x2.add(i64x2.extend_low_i32x4_s(decayed), i64x2.sub(i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(dtv, bx), gBias), g), gUnbias)),
          i64x2.add(i64x2.extend_high_i32x4_s(decayed), i64x2.sub(i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(dtv, bx), gBias), g), gUnbias)));
        v128.store(hp, hn);
        if (rest < 16) {
          memory.copy(hRow + o, TAIL, rest);
          hn = v128.and(hn, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>rest >> 2)));
        }
        const cv = v128.load16x4_s(C + (<usize>n << 1));
        y0 = i64x2.add(y0, i64x2.extmul_low_i32x4_s(hn, cv));
        y1 = i64x2.add(y1, i64x2.extmul_high_i32x4_s(hn, cv));
      }
      y0 = i64x2.add(y0, y1);
      ysum = i64x2.extract_lane(y0, 0) + i64x2.extract_lane(y0, 1);
    } else for (; n < N; n++) {
      const o = <usize>n << 2;
      // decay exp(dt·A), A < 0: dt·|A| in Q5.26; beyond 32 the decay is 0 (e^-32 < 2^-31)
      const arg = (dt * <i64>load<i32>(aRow + o) + aRound) >> aShift64;
      const dA = arg >= (<i64>1 << 31) ? 0 : expNegTableQ31(-<i32>arg);
      // h = exp(dt·A)·h + (dt·B)·xc; the second term's scale is s_h · 2^g. h·dA is rounded with
      // a shift (half up), not srdhm: same 0.5 ulp, without srdhm's i64 division.
      let hn = ((<i64>load<i32>(hRow + o) * <i64>dA + (1 << 30)) >> 31) + ((dtx * <i64>load<i16>(bc + (<usize>n << 1)) + gRound) >> g64);
      hn = hn < <i64>i32.MIN_VALUE ? <i64>i32.MIN_VALUE : hn > <i64>i32.MAX_VALUE ? <i64>i32.MAX_VALUE : hn;
      store<i32>(hRow + o, <i32>hn);
      ysum += hn * <i64>load<i16>(C + (<usize>n << 1));
    }
    // y = h·C + D·xc at s_y (int16), then y·SiLU(z) → s_yg
    const dq = dQ + (<usize>i << 3);
    const dx = requantClamped(xq, load<i32>(dq), load<i32>(dq, 4));
    const y = sat16x64(shrRound64(ysum, g2) + <i64>dx);
    const prod = y * <i32>load<i16>(sz + (<usize>i << 1)); // |.| ≤ 2^30
    store<i16>(yg + (<usize>i << 1), <i16>sat16(requantClamped(prod, ygMult, ygShift)));
  }
  // out = x + out_proj(y)
  matvecI8I16(tensor(d, T_OUT_W), M, dp, yg, acc);
  requantRows16(acc, tensor(d, T_OUT_Q), tensor(d, S_RQ_OUT), M, nrm); // nrm is free again
  const resMult = load<i32>(c, C_RES << 2), resShift = load<i32>(c, (C_RES + 1) << 2);
  for (let j = 0; j < M; j++) {
    const r = sat16(requantClamped(<i32>load<i16>(x + (<usize>j << 1)), resMult, resShift));
    store<i16>(out + (<usize>j << 1), <i16>sat16(r + <i32>load<i16>(nrm + (<usize>j << 1))));
  }
  return out;
}

/** One f32 SSM block step. Returns the block's output (f32, in the layer's scratch). */
export function ssmStepF32(d: usize, x: usize, state: usize): usize {
  const M = <i32>param(d, 0), N = <i32>param(d, 1), K = <i32>param(d, 2), Di = <i32>param(d, 3), R = <i32>param(d, 4);
  const mp = padLen(M, NUM_F32), dp = padLen(Di, NUM_F32), rp = padLen(R, NUM_F32);
  // scratch
  const nrm = scratch(d);
  const xz = nrm + (<usize>mp << 2);
  const xc = xz + (<usize>round4(2 * Di) << 2);
  const dbc = xc + (<usize>dp << 2);
  const dtr = dbc + (<usize>round4(R + 2 * N) << 2);
  const dtv = dtr + (<usize>rp << 2);
  const yg = dtv + (<usize>round4(Di) << 2);
  const out = yg + (<usize>dp << 2);
  // state
  const h = state;
  const conv = state + <usize>al16(<u64>Di * <u64>N * 4);

  rmsNormF32(x, M, load<f32>(tensor(d, F_CONSTS)), tensor(d, F_NORM_W), nrm);
  matvecF32(tensor(d, F_IN_W), 2 * Di, mp, nrm, xz); // [x, z]
  convStepF32(xz, Di, K, tensor(d, F_CONV_W), tensor(d, F_CONV_B), conv, xc);
  for (let i = 0; i < Di; i++) {
    const o = <usize>i << 2;
    store<f32>(xc + o, siluF32(load<f32>(xc + o)));
  }
  matvecF32(tensor(d, F_X_W), R + 2 * N, dp, xc, dbc); // [dt_r, B, C]
  for (let j = 0; j < R; j++) store<f32>(dtr + (<usize>j << 2), load<f32>(dbc + (<usize>j << 2)));
  matvecF32(tensor(d, F_DT_W), Di, rp, dtr, dtv);
  const dtB = tensor(d, F_DT_B), A = tensor(d, F_A), D = tensor(d, F_D);
  const B = dbc + (<usize>R << 2), C = B + (<usize>N << 2);
  for (let i = 0; i < Di; i++) {
    const o = <usize>i << 2;
    const dt = softplusF32(load<f32>(dtv + o) + load<f32>(dtB + o));
    const xi = load<f32>(xc + o);
    const hRow = h + (<usize>(i * N) << 2);
    const aRow = A + (<usize>(i * N) << 2);
    let y: f32 = 0;
    for (let n = 0; n < N; n++) {
      const on = <usize>n << 2;
      const hn = load<f32>(hRow + on) * expf(dt * load<f32>(aRow + on)) + xi * (dt * load<f32>(B + on));
      store<f32>(hRow + on, hn);
      y += hn * load<f32>(C + on);
    }
    y += load<f32>(D + o) * xi;
    store<f32>(yg + o, y * siluF32(load<f32>(xz + (<usize>(Di + i) << 2))));
  }
  matvecF32(tensor(d, F_OUT_W), M, dp, yg, out);
  for (let j = 0; j < M; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(out + o) + load<f32>(x + o));
  }
  return out;
}
