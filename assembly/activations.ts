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

const SILU_G_TABLE: usize = memory.data<u16>([
  0, 1010, 1986, 2930, 3842, 4723, 5572, 6389, 7175, 7930, 8655, 9349, 10012, 10646, 11251, 11826,
  12373, 12892, 13382, 13846, 14282, 14692, 15077, 15436, 15771, 16081, 16368, 16631, 16873, 17092, 17291, 17469,
  17627, 17765, 17885, 17987, 18071, 18138, 18189, 18224, 18245, 18250, 18242, 18221, 18187, 18140, 18082, 18013,
  17934, 17844, 17745, 17637, 17521, 17396, 17264, 17125, 16980, 16828, 16670, 16507, 16339, 16166, 15989, 15809,
  15624, 15437, 15246, 15054, 14858, 14661, 14462, 14262, 14060, 13857, 13654, 13450, 13246, 13041, 12837, 12632,
  12429, 12225, 12023, 11821, 11620, 11420, 11222, 11025, 10829, 10635, 10442, 10251, 10062, 9875, 9689, 9506,
  9324, 9145, 8967, 8792, 8619, 8449, 8280, 8114, 7950, 7789, 7629, 7472, 7318, 7166, 7016, 6868,
  6723, 6581, 6440, 6302, 6166, 6033, 5902, 5773, 5647, 5523, 5401, 5281, 5163, 5048, 4935, 4824,
  4715, 4608, 4503, 4401, 4300, 4201, 4105, 4010, 3917, 3826, 3737, 3650, 3564, 3481, 3399, 3319,
  3240, 3163, 3088, 3015, 2943, 2872, 2803, 2736, 2670, 2606, 2543, 2481, 2421, 2362, 2304, 2248,
  2193, 2139, 2087, 2035, 1985, 1936, 1888, 1842, 1796, 1751, 1708, 1665, 1624, 1583, 1543, 1505,
  1467, 1430, 1394, 1359, 1325, 1291, 1259, 1227, 1196, 1165, 1136, 1107, 1078, 1051, 1024, 998,
  972, 947, 923, 899, 876, 854, 832, 810, 789, 769, 749, 729, 711, 692, 674, 657,
  639, 623, 607, 591, 575, 560, 546, 531, 517, 504, 491, 478, 465, 453, 441, 429,
  418, 407, 396, 386, 375, 366, 356, 346, 337, 328, 319, 311, 303, 295, 287, 279,
  272, 264, 257, 250, 244, 237, 231, 225, 219, 213, 207, 202, 196, 191, 186, 181,
  176, 171, 166, 162, 158, 153, 149, 145, 141, 137, 134, 130, 127, 123, 120, 116,
  113, 110, 107, 104, 101, 99, 96, 93, 91, 88, 86, 84, 81, 79, 77, 75,
  73, 71, 69, 67, 65, 63, 62, 60, 58, 57, 55, 54, 52, 51, 49, 48,
  47, 45, 44, 43, 42, 41, 39, 38, 37, 36, 35, 34, 33, 32, 31, 31,
  30, 29, 28, 27, 27, 26, 25, 24, 24, 23, 22, 22, 21, 21, 20, 19,
  19, 18, 18, 17, 17, 16, 16, 16, 15, 15, 14, 14, 13, 13, 13, 12,
  12, 12, 11, 11, 11, 10, 10, 10, 10, 9, 9, 9, 9, 8, 8, 8,
  8, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5,
  5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3,
  3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0
]);

const SOFTPLUS_P_TABLE: usize = memory.data<u32>([
  2976978936, 2910394354, 2844858083, 2780369353, 2716926888, 2654528903, 2593173109, 2532856719,
  2473576450, 2415328533, 2358108715, 2301912276, 2246734026, 2192568327, 2139409093, 2087249809,
  2036083538, 1985902936, 1936700263, 1888467401, 1841195862, 1794876808, 1749501062, 1705059127,
  1661541199, 1618937183, 1577236710, 1536429154, 1496503645, 1457449090, 1419254185, 1381907433,
  1345397162, 1309711539, 1274838584, 1240766191, 1207482139, 1174974108, 1143229696, 1112236431,
  1081981787, 1052453196, 1023638064, 995523782, 968097739, 941347335, 915259990, 889823160,
  865024344, 840851095, 817291030, 794331840, 771961299, 750167270, 728937716, 708260706,
  688124422, 668517165, 649427361, 630843570, 612754485, 595148943, 578015924, 561344559,
  545124133, 529344085, 513994015, 499063682, 484543013, 470422097, 456691191, 443340721,
  430361281, 417743638, 405478725, 393557648, 381971686, 370712283, 359771058, 349139796,
  338810452, 328775147, 319026170, 309555976, 300357179, 291422561, 282745061, 274317776,
  266133963, 258187032, 250470546, 242978218, 235703913, 228641638, 221785548, 215129938,
  208669243, 202398036, 196311023, 190403045, 184669070, 179104198, 173703650, 168462771,
  163377028, 158442003, 153653396, 149007019, 144498795, 140124754, 135881033, 131763873,
  127769615, 123894699, 120135664, 116489139, 112951850, 109520610, 106192320, 102963968,
  99832624, 96795442, 93849653, 90992568, 88221571, 85534122, 82927751, 80400059,
  77948717, 75571458, 73266084, 71030457, 68862502, 66760203, 64721603, 62744801,
  60827949, 58969257, 57166982, 55419436, 53724977, 52082013, 50488998, 48944430,
  47446854, 45994855, 44587061, 43222140, 41898798, 40615783, 39371876, 38165896,
  36996697, 35863166, 34764226, 33698827, 32665955, 31664625, 30693879, 29752790,
  28840459, 27956013, 27098604, 26267412, 25461639, 24680513, 23923284, 23189225,
  22477631, 21787818, 21119122, 20470901, 19842530, 19233404, 18642937, 18070559,
  17515718, 16977879, 16456524, 15951149, 15461266, 14986402, 14526097, 14079908,
  13647402, 13228162, 12821781, 12427866, 12046036, 11675922, 11317165, 10969416,
  10632340, 10305609, 9988908, 9681927, 9384371, 9095950, 8816384, 8545402,
  8282741, 8028145, 7781369, 7542171, 7310321, 7085591, 6867765, 6656629,
  6451980, 6253618, 6061350, 5874989, 5694355, 5519270, 5349566, 5185076,
  5025642, 4871107, 4721321, 4576138, 4435418, 4299023, 4166820, 4038681,
  3914480, 3794097, 3677415, 3564320, 3454701, 3348453, 3245471, 3145655,
  3048907, 2955135, 2864245, 2776150, 2690763, 2608002, 2527786, 2450037,
  2374678, 2301636, 2230841, 2162222, 2095714, 2031251, 1968770, 1908211,
  1849514, 1792622, 1737480, 1684034, 1632232, 1582022, 1533357, 1486189,
  1440472, 1396160, 1353212, 1311584, 1271237, 1232130, 1194227, 1157490,
  1121882, 1087370, 1053919, 1021497, 990073, 959615, 930094, 901481,
  873748, 846868, 820815, 795564, 771089, 747367, 724375, 702090,
  680491, 659556, 639265, 619598, 600537, 582061, 564154, 546798,
  529976, 513671, 497868, 482551, 467706, 453317, 439370, 425853,
  412751, 400053, 387745, 375816, 364254, 353047, 342186, 331658,
  321455, 311565, 301979, 292689, 283684, 274956, 266497, 258298,
  250351, 242649, 235184, 227948, 220935, 214138, 207549, 201164,
  194975, 188976, 183162, 177527, 172065, 166771, 161640, 156667,
  151847, 147176, 142648, 138259, 134005, 129882, 125886, 122013,
  118259, 114621, 111094, 107676, 104364, 101153, 98041, 95024,
  92101, 89267, 86521, 83859, 81279, 78778, 76354, 74005,
  71728, 69521, 67383, 65309, 63300, 61353, 59465, 57635,
  55862, 54143, 52478, 50863, 49298, 47781, 46311, 44887,
  43506, 42167, 40870, 39612, 38394, 37212, 36067, 34958,
  33882, 32840, 31829, 30850, 29901, 28981, 28089, 27225,
  26387, 25576, 24789, 24026, 23287, 22570, 21876, 21203,
  20551, 19918, 19306, 18712, 18136, 17578, 17037, 16513,
  16005, 15512, 15035, 14573, 14124, 13690, 13268, 12860,
  12465, 12081, 11709, 11349, 11000, 10662, 10334, 10016,
  9707, 9409, 9119, 8839, 8567, 8303, 8048, 7800,
  7560, 7328, 7102, 6884, 6672, 6467, 6268, 6075,
  5888, 5707, 5531, 5361, 5196, 5036, 4881, 4731,
  4585, 4444, 4308, 4175, 4047, 3922, 3801, 3685,
  3571, 3461, 3355, 3252, 3152, 3055, 2961, 2870,
  2781, 2696, 2613, 2532, 2454, 2379, 2306, 2235,
  2166, 2099, 2035, 1972, 1912, 1853, 1796, 1740,
  1687, 1635, 1585, 1536, 1489, 1443, 1398, 1355,
  1314, 1273, 1234, 1196, 1159, 1124, 1089, 1056,
  1023, 992, 961, 932, 903, 875, 848, 822,
  797, 772, 749, 726, 703, 682, 661, 640,
  621, 601, 583, 565, 548, 531, 514, 499,
  483
]);

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
  return x / (1.0 + Mathf.exp(-x));
}

// @ts-ignore: decorator
@inline export function softplusF32(x: f32): f32 {
  return x > 20 ? x : Mathf.log1p(Mathf.exp(x));
}

// ---------------------------------------------------------------------------------------------
// exp on negative arguments without division, for the SSM decay exp(dt·A) (one per state element
// and step: thousands per step, where expNegQ31's chain of srdhm — each an i64 division — costs
// more than all the block's matrix products). Same contract as expNegQ31: a ≤ 0 in Q5.26, result
// Q0.31. With m = −a = k + j/64 + x (k integer, j < 64, x < 1/64):
//   e^−m = e^−k · e^−(j/64) · (1 − x + x²/2 − x³/6 + x⁴/24)
// from two tables (tools/ssm-tables.mjs) and a quartic whose truncation error is < 1e-11.
// Measured error against float64 (test/assembly/ssm-activations.spec.ts, every input below 2^22
// and every 509th one above): ≤ 1.11e-9 absolute (2.4 ulp of Q0.31). For m < 1/64 the tables
// drop out (both factors are exactly 1) and only the quartic's roundings remain, so the decay's
// distance from 1, which is what an SSM state integrates, keeps ≥ 5 significant digits down to
// m = 1e-4. (expNegQ31's 4th-order Taylor on quarter intervals measures ≤ 2.3e-7 here, a
// relative error: (1/8)^5/120.)

const EXP_NEG_INT_TABLE: usize = memory.data<u32>([
  2147483648, 790015084, 290630308, 106916915,
  39332535, 14469631, 5323080, 1958252,
  720401, 265021, 97496, 35867,
  13195, 4854, 1786, 657,
  242, 89, 33, 12,
  4, 2, 1, 0,
  0, 0, 0, 0,
  0, 0, 0, 0
]);

const EXP_NEG_FRAC_TABLE: usize = memory.data<u32>([
  2147483648, 2114190000, 2081412522, 2049143212, 2017374191, 1986097703, 1955306112, 1924991901,
  1895147668, 1865766126, 1836840104, 1808362538, 1780326475, 1752725071, 1725551588, 1698799390,
  1672461947, 1646532828, 1621005702, 1595874338, 1571132600, 1546774447, 1522793931, 1499185200,
  1475942488, 1453060120, 1430532511, 1408354160, 1386519653, 1365023658, 1343860928, 1323026295,
  1302514674, 1282321055, 1262440510, 1242868184, 1223599299, 1204629150, 1185953106, 1167566608,
  1149465165, 1131644360, 1114099840, 1096827323, 1079822591, 1063081494, 1046599943, 1030373915,
  1014399448, 998672642, 983189658, 967946715, 952940092, 938166125, 923621208, 909301788,
  895204371, 881325513, 867661828, 854209978, 840966680, 827928700, 815092855, 802456012
]);

/** exp(a) for a ≤ 0: `a` in Q5.26 (a ∈ [−32, 0]), result in Q0.31; a = 0 gives INT32_MAX. */
export function expNegTableQ31(a: i32): i32 {
  if (a >= 0) return i32.MAX_VALUE;
  const m = <u32>(-a); // ≤ 2^31
  const k = m >>> 26;
  if (k >= 32) return 0; // e^-32 < 2^-31
  const j = (m >>> 20) & 63;
  const x = <i64>(m & 0xfffff) << 5; // Q0.31, < 2^25
  const x2 = (x * x) >> 31;
  const x3 = (x2 * x) >> 31;
  const x4 = (x2 * x2) >> 31;
  // 1 − x + x²/2 − x³/6 + x⁴/24 in Q0.31 (1/6 and 1/24 as Q0.31 multipliers)
  const p = (<i64>1 << 31) - x + (x2 >> 1) - ((x3 * 357913941 + (1 << 30)) >> 31) + ((x4 * 89478485 + (1 << 30)) >> 31);
  let r = (<i64>load<u32>(EXP_NEG_INT_TABLE + (<usize>k << 2)) * <i64>load<u32>(EXP_NEG_FRAC_TABLE + (<usize>j << 2)) + (1 << 30)) >> 31;
  r = (r * p + (1 << 30)) >> 31;
  return r > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>r;
}
