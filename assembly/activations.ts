// Integer activations on int16. sigmoid and tanh are bit-compatible with TensorFlow Lite Micro's
// int16 Logistic/Tanh and CMSIS-NN's arm_nn_activation_s16: a 256-entry table of sigmoid(i/24)
// in Q0.16 with linear interpolation, tanh(x) = 2·sigmoid(2x) − 1 from the same table.
// The table values are TFLite Micro's / CMSIS-NN's (Apache-2.0); they are not a plain rounding of
// the formula, so they are data here, not computed.
//
// Measured worst-case error against float over every int16 input (test/assembly/activations.spec.ts):
//   sigmoidQ15 (Q3.12 in, Q0.15 out): ≤ 1.02 ulp of Q0.15 (3.1e-5)
//   tanhQ15    (Q3.12 in, Q0.15 out): ≤ 1.48 ulp of Q0.15 (4.5e-5)
// Inputs at or beyond the table end (|x| ≥ 10.6 for sigmoid, 5.3 for tanh) saturate.

import { expf, log1pf } from "./fmath";
import { sat16, sat16x4 } from "./fixedpoint";

const SIGMOID_TABLE: usize = memory.data<u16>([
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
  43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
  51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
  57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
  61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
  63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
  64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
  64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
  65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
  65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
  65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
  65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
  65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
  65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
  65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535
]);

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

/**
 * Gate activations in place over n int32 values at p: p[i] = sigmoidQ15(sat16(p[i])), or tanhQ15
 * with `tanh` — Q3.12 pre-activations in, Q0.15 out. The GRU and LSTM steps activate their gate
 * rows in a few such passes.
 * The simd build takes four at a time with the scalar arithmetic, bit for bit: each lane's two
 * neighbouring table entries come in one unaligned 32-bit load (the lower in the low half), and
 * the sign is folded in with a mask m = v >> 31 — for v < 0 sigmoid's 2^25 − result + 2^9 − 1 is
 * ((result − 2^24) ^ m) + 2^24 + 2^9, tanh's 2^23 − result + 2^7 − 1 is ((result − 2^23) ^ m) + 2^7
 * (then shifted arithmetically: its low 16 bits are the scalar's). tanh's saturation (|v| ≥ 255·2^8)
 * is a clamp of |v| to 255·2^8, where the interpolation weight is 0 and entry 255 (65535) gives
 * the scalar's 0xffff << 8; sigmoid's index stays ≤ 192 for int16 inputs.
 */
export function activateRows(p: usize, n: i32, tanh: bool): void {
  let i = 0;
  if (SIMD) {
    // sigmoid: 2^9 input ulps per table step, result >> 10; tanh: 2^8, result >> 8
    const sh = tanh ? 8 : 9;
    const lim = i32x4.splat(tanh ? 255 << 8 : i32.MAX_VALUE), frac = i32x4.splat((1 << sh) - 1);
    const half = i32x4.splat(1 << (sh + 15)), bias = i32x4.splat(tanh ? 1 << 7 : (1 << 24) + (1 << 9));
    const table = i32x4.splat(<i32>SIGMOID_TABLE), outShift = tanh ? 8 : 10;
    for (; i + 4 <= n; i += 4) {
      const q = p + (<usize>i << 2);
      const v = i32x4.mul(sat16x4(v128.load(q)), i32x4.splat(3));
      const a = i32x4.min_s(i32x4.abs(v), lim);
      const at = i32x4.add(i32x4.shl(i32x4.shr_u(a, sh), 1), table);
      let t = v128.load32_lane(i32x4.extract_lane(at, 0), i32x4.splat(0), 0);
      t = v128.load32_lane(i32x4.extract_lane(at, 1), t, 1);
      t = v128.load32_lane(i32x4.extract_lane(at, 2), t, 2);
      t = v128.load32_lane(i32x4.extract_lane(at, 3), t, 3);
      const ua = v128.and(t, i32x4.splat(0xffff));
      const result = i32x4.add(i32x4.shl(ua, sh), i32x4.mul(v128.and(a, frac), i32x4.sub(i32x4.shr_u(t, 16), ua)));
      v128.store(q, i32x4.shr_s(i32x4.add(v128.xor(i32x4.sub(result, half), i32x4.shr_s(v, 31)), bias), outShift));
    }
  }
  for (; i < n; i++) {
    const q = p + (<usize>i << 2);
    const x = sat16(load<i32>(q));
    store<i32>(q, tanh ? tanhQ15(x) : sigmoidQ15(x));
  }
}

/** f32 twins, used by the f32 kernels. */
// @ts-ignore: decorator
@inline export function sigmoidF32(x: f32): f32 {
  return 1.0 / (1.0 + expf(-x));
}

/** tanh = sign(x)·(1 − 2/(e^{2|x|} + 1)), on Mathf.exp alone (Mathf.tanh would pull expm1 into
 * the module). Within 1e-7 of tanh near 0 (cancellation), ~1 ulp elsewhere; ±1 beyond |x| = 9. */
// @ts-ignore: decorator
@inline export function tanhF32(x: f32): f32 {
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
  for (let k = 0; k < 32; k++) store<u32>(EXP_NEG_INT_TABLE + (<usize>k << 2), <u32>roundClamp(Math.exp(-<f64>k) * 2147483648.0, 4294967295.0));
  for (let j = 0; j < 256; j++) store<u32>(EXP_NEG_FRAC_TABLE + (<usize>j << 2), <u32>roundClamp(Math.exp(-<f64>j / 256) * 2147483648.0, 4294967295.0));
  tablesMade = true;
}
