// Integer activations on int16. sigmoid and tanh are bit-compatible with TensorFlow Lite Micro's
// int16 Logistic/Tanh and CMSIS-NN's arm_nn_activation_s16: a 256-entry table of sigmoid(i/24)
// in Q0.16 with linear interpolation, tanh(x) = 2·sigmoid(2x) − 1 from the same table.
// The table values are TFLite Micro's / CMSIS-NN's (Apache-2.0): not a plain rounding of σ(k/24)
// but of its minimax-nudged value σ − h²/16·σ'' (h = 1/24, as tables.mjs nudges the SiLU and
// softplus tables), but for the last entry, 65535. The module makes them at the first model load
// (activationTablesInit); test/assembly/tables.test.ts holds them to TFLite's list, entry for entry.
//
// Measured worst-case error against float over every int16 input (test/assembly/activations.spec.ts):
//   sigmoidQ15 (Q3.12 in, Q0.15 out): ≤ 1.02 ulp of Q0.15 (3.1e-5)
//   tanhQ15    (Q3.12 in, Q0.15 out): ≤ 1.48 ulp of Q0.15 (4.5e-5)
// Inputs at or beyond the table end (|x| ≥ 10.6 for sigmoid, 5.3 for tanh) saturate.

import { expf, log1pf } from "./fmath";
import { sat16, sat16x4, vconst, V_Q30, V_LOW16, V_511, V_2P24 } from "./fixedpoint";

const SIGMOID_TABLE: usize = memory.data(514, 16); // u16 [256] (and 2 bytes of slack), made by activationTablesInit

// The table parts, on v = the input · 3 · 2^leftShift (rounded): one copy is inlined into each hot
// fixed-format caller (sigmoidQ15, tanhQ15), the general-shift entry points are plain functions.
// @ts-ignore: decorator
@inline function sigmoidOfV(v: i32): i32 {
  const a = <u32>(v > 0 ? v : -v);
  const uh = a >> 9;
  let result: u32;
  if (uh >= 255) {
    result = 0x7fff << 10;
  } else {
    const ua = <u32>load<u16>(SIGMOID_TABLE + (uh << 1));
    const ub = <u32>load<u16>(SIGMOID_TABLE + ((uh + 1) << 1));
    result = (ua << 9) + (a & 0x1ff) * (ub - ua);
  }
  result = v >= 0 ? result + (1 << 9) : (1 << 25) - result + (1 << 9) - 1;
  return <i32>(<i16>(result >> 10));
}

// @ts-ignore: decorator
@inline function tanhOfV(v: i32): i32 {
  const a = <u32>(v > 0 ? v : -v);
  const uh = a >> 8;
  let result: u32;
  if (uh >= 255) {
    result = 0xffff << 8;
  } else {
    const ua = <u32>load<u16>(SIGMOID_TABLE + (uh << 1));
    const ub = <u32>load<u16>(SIGMOID_TABLE + ((uh + 1) << 1));
    result = (ua << 8) + (a & 0xff) * (ub - ua);
  }
  result = v >= 0 ? result - (1 << 23) + (1 << 7) : (1 << 23) - result + (1 << 7) - 1;
  return <i32>(<i16>(result >> 8));
}

// @ts-ignore: decorator
@inline function scaledInput(x: i32, leftShift: i32): i32 {
  const multiplier = leftShift < 0 ? 3 : 3 << leftShift;
  const absShift = leftShift < 0 ? -leftShift : 0;
  const rounding = absShift > 0 ? 1 << (absShift - 1) : 0;
  return (x * multiplier + rounding) >> absShift;
}

/**
 * CMSIS-NN/TFLite int16 sigmoid of x · 2^leftShift, x read as Q3.12 (leftShift is negative
 * for inputs with more integer bits, e.g. the LSTM's cell state). Output Q0.15 in [0, 32767].
 */
export function sigmoidS16(x: i32, leftShift: i32): i32 {
  return sigmoidOfV(scaledInput(x, leftShift));
}

/** CMSIS-NN/TFLite int16 tanh, same input convention as sigmoidS16. Output Q0.15. */
export function tanhS16(x: i32, leftShift: i32): i32 {
  return tanhOfV(scaledInput(x, leftShift));
}

/** sigmoid of a Q3.12 int16, Q0.15 out (the gate activation of the GRU and LSTM kernels); = sigmoidS16(x, 0). */
// @ts-ignore: decorator
@inline export function sigmoidQ15(x: i32): i32 {
  return sigmoidOfV(x * 3);
}

/** tanh of a Q3.12 int16, Q0.15 out; = tanhS16(x, 0). */
// @ts-ignore: decorator
@inline export function tanhQ15(x: i32): i32 {
  return tanhOfV(x * 3);
}

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

// The simd build's table lookups (wasm has no gather), one per table: four 32-bit loads into one
// vector's lanes, each from the table + one lane of `at` (byte offsets), the table's address in
// the loads' offset immediates (a function parameter cannot go there).
// @ts-ignore: decorator
@inline function gatherSigmoid(at: v128): v128 {
  let t = v128.load32_lane(i32x4.extract_lane(at, 0), at, 0, SIGMOID_TABLE);
  t = v128.load32_lane(i32x4.extract_lane(at, 1), t, 1, SIGMOID_TABLE);
  t = v128.load32_lane(i32x4.extract_lane(at, 2), t, 2, SIGMOID_TABLE);
  return v128.load32_lane(i32x4.extract_lane(at, 3), t, 3, SIGMOID_TABLE);
}

/** 32 bytes where the simd loops take their last 1..3 lanes (single-threaded; nothing lives here). */
export const TAIL: usize = memory.data(32, 16);
/** activateRows' five parameter vectors (single-threaded; set at each call). */
const ACT_PARAMS: usize = memory.data(80, 16);

/**
 * Activations in place over n int32 values at p: p[i] = sigmoidS16(sat16(p[i]), leftShift), or
 * tanhS16 with `tanh` — so sigmoidQ15/tanhQ15 of Q3.12 pre-activations with leftShift 0, Q0.15
 * out. The GRU and LSTM steps activate their gate rows in a few such passes (and the LSTM its
 * cell state, with tanh). sigmoid takes leftShift ≤ 0 only (its table index then stays ≤ 192).
 *
 * The simd build takes four at a time with the scalar arithmetic, bit for bit. tanh is read as
 * sigmoid's table walk at twice the input (its 2^8 input ulps per table step are sigmoid's 2^9 at
 * 2a, and its interpolation result is half of sigmoid's there), so both share one loop whose
 * shifts are constants: with a = min(|v|, lim)·k (k = 1, or 2 for tanh; tanh's lim 255·2^8 gives
 * its saturation, entry 255 = 65535 with weight 0), R = table[a >> 9]·2^9 + (a & 511)·Δ, the sign
 * mask m = v >> 31 and Y = (R − 2^24) ^ m, sigmoid is (Y + 2^24 + 2^9) >> 10 and tanh
 * (2·(Y + m) + 2^9) >> 10 — the scalar's 2^25 − R + 2^9 − 1 and 2^23 − R/2 + 2^7 − 1 for v < 0,
 * rounded alike. Each lane's two table entries come in one unaligned 32-bit load. The loop's
 * parameters are loaded from memory in the loop (ACT_PARAMS): held in registers across it, V8
 * recomputed them every iteration.
 */
export function activateRows(p: usize, n: i32, tanh: bool, leftShift: i32): void {
  // scaledInput's v = (x · mult + rounding) >> absShift
  const mult = leftShift < 0 ? 3 : 3 << leftShift, absShift = leftShift < 0 ? -leftShift : 0;
  const rounding = absShift > 0 ? 1 << (absShift - 1) : 0;
  if (SIMD) {
    const P = ACT_PARAMS;
    v128.store(P, i32x4.splat(mult));
    v128.store(P, i32x4.splat(rounding), 16);
    v128.store(P, i32x4.splat(tanh ? 255 << 8 : i32.MAX_VALUE), 32);
    v128.store(P, i32x4.splat(tanh ? 2 : 1), 48);
    v128.store(P, i32x4.splat(tanh ? 1 << 9 : (1 << 24) + (1 << 9)), 64);
    for (let i = 0; i < n; i += 4) {
      // the last 1..3 values go through TAIL, so that no lane past n is written
      const rest = <usize>(n - i) << 2;
      let q = p + (<usize>i << 2);
      if (rest < 16) {
        memory.copy(TAIL, q, rest);
        q = TAIL;
      }
      const v = i32x4.shr_s(i32x4.add(i32x4.mul(sat16x4(v128.load(q)), v128.load(P)), v128.load(P, 16)), absShift);
      const k = v128.load(P, 48), m = i32x4.shr_s(v, 31);
      const a = i32x4.mul(i32x4.min_s(i32x4.abs(v), v128.load(P, 32)), k);
      const t = gatherSigmoid(i32x4.shl(i32x4.shr_u(a, 9), 1));
      const ua = v128.and(t, vconst(V_LOW16));
      const r = i32x4.add(i32x4.shl(ua, 9), i32x4.mul(v128.and(a, vconst(V_511)), i32x4.sub(i32x4.shr_u(t, 16), ua)));
      // tanh adds m: (k << 30) >> 31 is −1 for tanh (k = 2), 0 for sigmoid (k = 1)
      const y = i32x4.add(v128.xor(i32x4.sub(r, vconst(V_2P24)), m), v128.and(m, i32x4.shr_s(i32x4.shl(k, 30), 31)));
      v128.store(q, i32x4.shr_s(i32x4.add(i32x4.mul(y, k), v128.load(P, 64)), 10));
      if (rest < 16) memory.copy(p + (<usize>i << 2), TAIL, rest);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const q = p + (<usize>i << 2);
      const v = (sat16(load<i32>(q)) * mult + rounding) >> absShift;
      store<i32>(q, tanh ? tanhOfV(v) : sigmoidOfV(v));
    }
  }
}

/** f32 twins, used by the f32 kernels (not inlined: a call beside exp's costs nothing, each copy ~30 bytes). */
export function sigmoidF32(x: f32): f32 {
  return 1.0 / (1.0 + expf(-x));
}

/** tanh = sign(x)·(1 − 2/(e^{2|x|} + 1)), on Mathf.exp alone (Mathf.tanh would pull expm1 into
 * the module). Within 1e-7 of tanh near 0 (cancellation), ~1 ulp elsewhere; ±1 beyond |x| = 9. */
export function tanhF32(x: f32): f32 {
  const a = Mathf.abs(x);
  const t: f32 = a > 9 ? 1 : 1 - 2 / (expf(2 * a) + 1);
  return x < 0 ? -t : t;
}


// ---------------------------------------------------------------------------------------------
// SiLU and softplus for the selective SSM (ssm.ts). Both use an odd/even split so one table of a
// function of a = |x| ≥ 0 covers the whole line, sampled at a = k/32, k = 0..512 (a ∈ [0, 16]),
// with linear interpolation; nodes carry the minimax nudge −h²/16·f'' (tools/ssm-tables.mjs
// generates them; the tables are data here, not computed at run time).
//   silu(x) = x − g(x) for x ≥ 0, −g(−x) for x < 0, with g(a) = a/(1 + e^a) ∈ [0, 0.2785].
//   softplus(x) = x + p(x) for x ≥ 0, p(−x) for x < 0, with p(a) = log(1 + e^−a) ∈ (0, ln 2].
// Beyond a = 16 both g and p are taken as 0 (g(16) = 1.8e-6, p(16) = 1.1e-7).
//
// Measured worst-case error against float64 over every int16 input
// (test/assembly/ssm-activations.spec.ts):
//   siluS16 (Q(15−f).f in and out, any f ∈ [5, 15]): ≤ 0.5 ulp (its final rounding) + 4.7e-5;
//     that is ≤ 2.03 ulp for f = 15, ≤ 0.67 ulp for f = 12, ≤ 0.5 ulp for f ≤ 7. The worst case
//     sits in the first table interval, whose left node g(0) = 0 is kept exact.
//   softplusQ27 (Q4.11 in, Q4.27 out): ≤ 6.2e-5 · softplus(x) + 3.9e-9 (0.52 ulp of Q4.27) for
//     x ∈ (−16, 16); at x = −16 exactly the result is 0 (true value 1.1e-7). As a relative error:
//     ≤ 9.8e-5 for every dt ≥ 1e-4 — the precision the SSM's decay exp(dt·A) needs.

const SILU_G_TABLE: usize = memory.data(1026, 16); // u16 [513], made by activationTablesInit

const SOFTPLUS_P_TABLE: usize = memory.data(2052, 16); // u32 [513], made by activationTablesInit


/**
 * SiLU x·σ(x) on int16 in Q(15−f).f (f = fracBits ∈ [5, 15]), result in the same format.
 * |silu(x)| ≤ |x|, so the result never overflows its input's format. Error: see above.
 */
export function siluS16(x: i32, fracBits: i32): i32 {
  const a = x < 0 ? -x : x; // ≤ 32768
  const sh = fracBits - 5; // input ulps per table step (1/32)
  const idx = a >> sh;
  let g: i32 = 0;
  if (idx < 512) {
    const t0 = <i32>load<u16>(SILU_G_TABLE + (<usize>idx << 1));
    const t1 = <i32>load<u16>(SILU_G_TABLE + (<usize>(idx + 1) << 1));
    // Q0.(16 + sh) → output ulps 2^-f: a right shift by 16 + sh − f = 11, rounded.
    g = ((t0 << sh) + (t1 - t0) * (a & ((1 << sh) - 1)) + (1 << 10)) >> 11;
  }
  return x >= 0 ? x - g : -g;
}

/** siluS16 in place over n int16 values at p. */
export function siluRows16(p: usize, n: i32, fracBits: i32): void {
  // (a simd version, four at a time with one 32-bit load for both table entries, took 0.3 µs
  // off the 15 µs SSM step at d_model 64 for 96 bytes of module; the bytes went elsewhere)
  for (let i = 0; i < n; i++) {
    const q = p + (<usize>i << 1);
    store<i16>(q, <i16>siluS16(load<i16>(q), fracBits));
  }
}

/**
 * softplus log(1 + e^x) of an int16 in Q4.11 (x ∈ [−16, 16)), result in Q4.27 (int32, > 0 up to
 * 16). The SSM's dt: Q4.27 keeps ~7.5e-9 absolute resolution, so dt ≈ 1e-3 carries 17 bits.
 */
export function softplusQ27(x: i32): i32 {
  const a = x < 0 ? -x : x; // ≤ 32768
  const idx = a >> 6; // 64 input ulps (2^-11) per table step (1/32)
  let p: i32 = 0;
  if (idx < 512) {
    const t0 = <i64>load<u32>(SOFTPLUS_P_TABLE + (<usize>idx << 2));
    const t1 = <i64>load<u32>(SOFTPLUS_P_TABLE + (<usize>(idx + 1) << 2));
    // Q0.38 → Q0.27, rounded
    p = <i32>(((t0 << 6) + (t1 - t0) * <i64>(a & 63) + 1024) >> 11);
  }
  return x > 0 ? (x << 16) + p : p;
}

/** f32 twins, used by the f32 SSM kernel (PyTorch's softplus threshold 20, as Mamba's). */
// @ts-ignore: decorator
@inline export function siluF32(x: f32): f32 {
  return x / (1.0 + expf(-x));
}

// @ts-ignore: decorator
@inline export function softplusF32(x: f32): f32 {
  return x > 20 ? x : log1pf(expf(x));
}

// ---------------------------------------------------------------------------------------------
// exp on negative arguments, for the SSM decay exp(dt·A) (one per state element and step:
// thousands per step) and the softmax: a ≤ 0 in Q5.26, result Q0.31. Two table reads and three
// 64-bit products, no division: gemmlowp's exp_on_negative_values (a chain of seven fixed-point
// products) measured 4× slower here, and 20× less precise (2.3e-7). (It also serves the dense layer's softmax.) With m = −a = k + j/256 + x (k integer, j < 256, x < 1/256):
//   e^−m = e^−k · e^−(j/256) · (1 − x + x²/2)
// from two tables (assembly/tables.mjs) and a quadratic whose truncation error, x³/6, is
// < 1.0e-8 — three 64-bit products per call (a quartic over a 64-entry table took seven, and the
// decay is computed d_inner · d_state times a step). Measured error against float64
// (test/assembly/ssm-activations.spec.ts, every input below 2^22 and every 509th one above):
// ≤ 1.1e-8 absolute. For m < 1/256 the tables drop out (both factors are exactly 1) and only the
// quadratic remains, so the decay's distance from 1, which is what an SSM state integrates,
// keeps ≥ 5 significant digits down to m = 1e-4.

const EXP_NEG_INT_TABLE: usize = memory.data(128, 16); // u32 [32], made by activationTablesInit

const EXP_NEG_FRAC_TABLE: usize = memory.data(1024, 16); // u32 [256], made by activationTablesInit

// @ts-ignore: decorator
@inline function gatherExpInt(at: v128): v128 {
  let t = v128.load32_lane(i32x4.extract_lane(at, 0), at, 0, EXP_NEG_INT_TABLE);
  t = v128.load32_lane(i32x4.extract_lane(at, 1), t, 1, EXP_NEG_INT_TABLE);
  t = v128.load32_lane(i32x4.extract_lane(at, 2), t, 2, EXP_NEG_INT_TABLE);
  return v128.load32_lane(i32x4.extract_lane(at, 3), t, 3, EXP_NEG_INT_TABLE);
}
// @ts-ignore: decorator
@inline function gatherExpFrac(at: v128): v128 {
  let t = v128.load32_lane(i32x4.extract_lane(at, 0), at, 0, EXP_NEG_FRAC_TABLE);
  t = v128.load32_lane(i32x4.extract_lane(at, 1), t, 1, EXP_NEG_FRAC_TABLE);
  t = v128.load32_lane(i32x4.extract_lane(at, 2), t, 2, EXP_NEG_FRAC_TABLE);
  return v128.load32_lane(i32x4.extract_lane(at, 3), t, 3, EXP_NEG_FRAC_TABLE);
}

/** exp(a) for a ≤ 0: `a` in Q5.26 (a ∈ [−32, 0]), result in Q0.31; a = 0 gives INT32_MAX. */
export function expNegTableQ31(a: i32): i32 {
  if (a >= 0) return i32.MAX_VALUE;
  const m = <u32>(-a); // ≤ 2^31
  const k = m >>> 26;
  if (k >= 32) return 0; // e^-32 < 2^-31
  const j = (m >>> 18) & 255;
  const x = <i64>(m & 0x3ffff) << 5; // Q0.31, < 2^23 (x < 1/256)
  const x2 = (x * x + (1 << 30)) >> 31;
  // 1 − x + x²/2 in Q0.31; the cubic term, < 1.0e-8, is the truncation error
  const p = (<i64>1 << 31) - x + ((x2 + 1) >> 1);
  let r = (<i64>load<u32>(EXP_NEG_INT_TABLE + (<usize>k << 2)) * <i64>load<u32>(EXP_NEG_FRAC_TABLE + (<usize>j << 2)) + (1 << 30)) >> 31;
  r = (r * p + (1 << 30)) >> 31;
  return r > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>r;
}

/**
 * expNegTableQ31(−m) of four lanes m ∈ [0, 2^31) (simd build), bit for bit: m >>> 26 < 32 always,
 * every product is of non-negative values (unsigned i64x2 products), and r ≤ 2^31 before the clamp.
 */
// @ts-ignore: decorator
@inline export function expNegTableQ31x4(m: v128): v128 {
  const ti = gatherExpInt(i32x4.shl(i32x4.shr_u(m, 26), 2));
  const tf = gatherExpFrac(i32x4.shl(v128.and(i32x4.shr_u(m, 18), i32x4.splat(255)), 2));
  const r30 = vconst(V_Q30);
  const x = i32x4.shl(v128.and(m, i32x4.splat(0x3ffff)), 5);
  const x2 = v128.shuffle<i32>(i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_u(x, x), r30), 31),
    i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_u(x, x), r30), 31), 0, 2, 4, 6);
  // 1 − x + x²/2 in Q0.31, ≤ 2^31 (a u32)
  const p = i32x4.add(i32x4.sub(i32x4.splat(i32.MIN_VALUE), x), i32x4.shr_u(i32x4.add(x2, i32x4.splat(1)), 1));
  const r0 = v128.shuffle<i32>(i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_u(ti, tf), r30), 31),
    i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_u(ti, tf), r30), 31), 0, 2, 4, 6);
  const r = v128.shuffle<i32>(i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_u(r0, p), r30), 31),
    i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_u(r0, p), r30), 31), 0, 2, 4, 6);
  return i32x4.min_u(r, i32x4.splat(i32.MAX_VALUE));
}

// ---------------------------------------------------------------------------------------------
// The tables of siluS16, softplusQ27 and expNegTableQ31, made once, at the first model load, in
// f64 exactly as assembly/tables.mjs makes them (test/assembly/tables.test.ts compares every entry):
// made, not stored, they cost the module about 3 KB less. See tables.mjs for the nudge h²/16·f''.

let tablesMade = false;

/** σ(a) in f64. */
function sigmoidF64(a: f64): f64 { return 1 / (1 + Math.exp(-a)); }

/** round(v) clamped to [0, max], as tables.mjs's Math.min(max, Math.max(0, Math.round(v))). */
function roundClamp(v: f64, top: f64): f64 { return min<f64>(top, max<f64>(0, Math.floor(v + 0.5))); }

/** Make the tables (a no-op after the first call). */
export function activationTablesInit(): void {
  if (tablesMade) return;
  const h = 1.0 / 32, nudge = (h * h) / 16;
  for (let k = 0; k <= 512; k++) {
    const a = <f64>k * h, s = sigmoidF64(a);
    const g = a / (1 + Math.exp(a)), g2 = -s * (1 - s) * (2 + a * (1 - 2 * s));
    store<u16>(SILU_G_TABLE + (<usize>k << 1), <u16>roundClamp((k == 0 ? g : g - nudge * g2) * 65536, 65535));
    const p = Math.log1p(Math.exp(-a)), p2 = s * (1 - s);
    store<u32>(SOFTPLUS_P_TABLE + (<usize>k << 2), <u32>roundClamp((p - nudge * p2) * 4294967296.0, 4294967295.0));
  }
  for (let k = 0; k < 255; k++) {
    const s = sigmoidF64(<f64>k / 24);
    store<u16>(SIGMOID_TABLE + (<usize>k << 1), <u16>roundClamp((s - s * (1 - s) * (1 - 2 * s) / 9216) * 65536, 65535)); // h²/16 = 1/9216
  }
  store<u16>(SIGMOID_TABLE + 510, 65535);
  for (let k = 0; k < 32; k++) store<u32>(EXP_NEG_INT_TABLE + (<usize>k << 2), <u32>roundClamp(Math.exp(-<f64>k) * 2147483648.0, 4294967295.0));
  for (let j = 0; j < 256; j++) store<u32>(EXP_NEG_FRAC_TABLE + (<usize>j << 2), <u32>roundClamp(Math.exp(-<f64>j / 256) * 2147483648.0, 4294967295.0));
  tablesMade = true;
}
