// Integer activations on int16. sigmoid and tanh are bit-compatible with TensorFlow Lite Micro's
// int16 Logistic/Tanh and CMSIS-NN's arm_nn_activation_s16: a 256-entry table of sigmoid(i/24)
// in Q0.16 with linear interpolation, tanh(x) = 2·sigmoid(2x) − 1 from the same table.
// The table values are TFLite Micro's / CMSIS-NN's (Apache-2.0); they are not a plain rounding of
// the formula, so they are data here, not computed.
//
// Measured worst-case error against float over every int16 input (test/assembly/activations.spec.ts):
//   sigmoidQ15 (Q3.12 in, Q0.15 out): ≤ 1.02 ulp of Q0.15 (3.1e-5)
//   tanhQ15    (Q3.12 in, Q0.15 out): ≤ 1.48 ulp of Q0.15 (4.5e-5)
//   expNegQ31  (Q5.26 in, Q0.31 out): ≤ 2.3e-7 absolute (the Taylor remainder; largest near 0)
// Inputs at or beyond the table end (|x| ≥ 10.6 for sigmoid, 5.3 for tanh) saturate.

import { srdhm, rdbpot } from "./fixedpoint";

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

/**
 * CMSIS-NN/TFLite int16 sigmoid of x · 2^leftShift, x read as Q3.12 (leftShift is negative
 * for inputs with more integer bits, e.g. the LSTM's cell state). Output Q0.15 in [0, 32767].
 */
// @ts-ignore: decorator
@inline export function sigmoidS16(x: i32, leftShift: i32): i32 {
  const multiplier = leftShift < 0 ? 3 : 3 << leftShift;
  const absShift = leftShift < 0 ? -leftShift : 0;
  const rounding = absShift > 0 ? 1 << (absShift - 1) : 0;
  const v = (x * multiplier + rounding) >> absShift;
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

/** CMSIS-NN/TFLite int16 tanh, same input convention as sigmoidS16. Output Q0.15. */
// @ts-ignore: decorator
@inline export function tanhS16(x: i32, leftShift: i32): i32 {
  const multiplier = leftShift < 0 ? 3 : 3 << leftShift;
  const absShift = leftShift < 0 ? -leftShift : 0;
  const rounding = absShift > 0 ? 1 << (absShift - 1) : 0;
  const v = (x * multiplier + rounding) >> absShift;
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

/** sigmoid of a Q3.12 int16, Q0.15 out (the gate activation of the GRU and LSTM kernels). */
// @ts-ignore: decorator
@inline export function sigmoidQ15(x: i32): i32 {
  return sigmoidS16(x, 0);
}

/** tanh of a Q3.12 int16, Q0.15 out. */
// @ts-ignore: decorator
@inline export function tanhQ15(x: i32): i32 {
  return tanhS16(x, 0);
}

/** f32 twins, used by the f32 kernels. */
// @ts-ignore: decorator
@inline export function sigmoidF32(x: f32): f32 {
  return 1.0 / (1.0 + Mathf.exp(-x));
}

// @ts-ignore: decorator
@inline export function tanhF32(x: f32): f32 {
  return Mathf.tanh(x);
}

/**
 * exp on [-1/4, 0) in Q0.31, gemmlowp's Taylor expansion around -1/8 (4th order).
 */
function expOnQuarterInterval(a: i32): i32 {
  const constantTerm: i32 = 1895147668; // exp(-1/8) in Q0.31
  const oneThird: i32 = 715827883; // 1/3 in Q0.31
  const x = a + (1 << 28); // a + 1/8
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = rdbpot(x4, 2);
  const poly = rdbpot(srdhm(x4Over4 + x3, oneThird) + x2, 1);
  return constantTerm + srdhm(constantTerm, x + poly);
}

/**
 * exp(a) for a ≤ 0: `a` in Q5.26 (so a ∈ [-32, 0]), result in Q0.31. Bit-compatible with
 * gemmlowp's exp_on_negative_values<int32, 5> (TFLite softmax). Its error against float is
 * ≤ 2.3e-7 absolute over the whole range (test/assembly/activations.spec.ts), 150× finer than a
 * Q0.15 result: the SSM decay exp(dt·A) sits close to 1 and is applied at every step.
 */
export function expNegQ31(a: i32): i32 {
  if (a == 0) return i32.MAX_VALUE;
  if (a > 0) return i32.MAX_VALUE; // not defined for positive inputs; callers never pass them
  const quarter: i32 = 1 << 24; // 1/4 in Q5.26
  const aModQuarterMinusQuarter = (a & (quarter - 1)) - quarter;
  // Rescale from Q5.26 to Q0.31: a value in [-1/4, 0) fits, shift left by 5.
  let result = expOnQuarterInterval(aModQuarterMinusQuarter << 5);
  const remainder = aModQuarterMinusQuarter - a;
  if (remainder & (1 << 24)) result = srdhm(result, 1672461947); // exp(-1/4)
  if (remainder & (1 << 25)) result = srdhm(result, 1302514674); // exp(-1/2)
  if (remainder & (1 << 26)) result = srdhm(result, 790015084); // exp(-1)
  if (remainder & (1 << 27)) result = srdhm(result, 290630308); // exp(-2)
  if (remainder & (1 << 28)) result = srdhm(result, 39332535); // exp(-4)
  if (remainder & (1 << 29)) result = srdhm(result, 720401); // exp(-8)
  if (remainder & (1 << 30)) result = srdhm(result, 242); // exp(-16)
  return result;
}
