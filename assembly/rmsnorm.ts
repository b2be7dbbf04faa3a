// RMSNorm over one activation vector (mamba_ssm's rms_norm_ref, LLaMA's RMSNorm):
//   y = x / sqrt(mean(x²) + eps) · w
//
// int8 path: int16 in, int16 out, integer only. The norm weight w is not applied here: the SSM
// encoder folds it into the columns of the following matrix (in_proj · diag(w)), so this kernel
// produces n = x / rms(x) at a calibrated scale s_n. With x = x_q · s_x:
//   mean(x²) + eps = s_x² / len · (Σ x_q² + epsQ),   epsQ = round(eps · len / s_x²)
//   n_q = x_q · K / sqrt(S),  S = Σ x_q² + epsQ (exact, u64),  K = sqrt(len) / s_n
// s_x cancels out: only epsQ depends on it. 1/sqrt(S) comes from an exact integer square root of
// S normalised to [2^60, 2^62) (31 significant bits) and one 64-bit division; K is a
// (multiplier, shift) pair. Error: ≤ 0.5 ulp of the output (its rounding) + |n| · 2^-28 relative
// (test/assembly/ssm-activations.spec.ts checks ≤ 0.51 ulp on random vectors).

/** floor(sqrt(v)) for any u64 (digit-by-digit, exact, 32 iterations at most). */
export function isqrtU64(v: u64): u64 {
  let op = v;
  let res: u64 = 0;
  let one: u64 = <u64>1 << 62;
  while (one > op) one >>= 2;
  while (one != 0) {
    if (op >= res + one) {
      op -= res + one;
      res = (res >> 1) + one;
    } else {
      res >>= 1;
    }
    one >>= 2;
  }
  return res;
}

/** Largest epsQ the kernel accepts (keeps S below 2^62 with Σ x_q² ≤ 8192 · 2^30 = 2^43). */
export const RMS_EPS_Q_MAX: i64 = <i64>1 << 60;

/**
 * n[i] = x[i] · K / sqrt(Σ x² + epsQ) for i < len, int16 → int16 (saturating).
 * x, out: int16 [len] (may not alias); epsQ ∈ [0, RMS_EPS_Q_MAX]; K = mult · 2^(shift − 31).
 * An all-zero x with epsQ = 0 gives zeros.
 */
export function rmsNormI16(x: usize, len: i32, epsQ: i64, mult: i32, shift: i32, out: usize): void {
  let s: u64 = <u64>epsQ;
  for (let i = 0; i < len; i++) {
    const v = <i64>load<i16>(x + (<usize>i << 1));
    s += <u64>(v * v);
  }
  if (s == 0) {
    for (let i = 0; i < len; i++) store<i16>(out + (<usize>i << 1), 0);
    return;
  }
  // S · 2^L ∈ [2^60, 2^62) with L even, so sqrt(S) = r · 2^(−L/2), r ∈ [2^30, 2^31).
  const lz = <i32>clz<u64>(s);
  const L = (lz - 2) & ~1;
  const r = isqrtU64(s << <u64>L);
  const inv = (<u64>1 << 62) / r; // (2^31, 2^32]: 2^62 / r
  // c = inv · mult / 2^31, rounded: n = x · c · 2^(shift + L/2 − 62)
  const c = <i64>((inv * <u64>mult + (<u64>1 << 30)) >> 31);
  const right = 62 - shift - (L >> 1);
  for (let i = 0; i < len; i++) {
    const p = <i64>load<i16>(x + (<usize>i << 1)) * c; // |p| < 2^48
    let v: i64;
    if (right <= 0) {
      // only for extreme K; any |p| ≥ 2^20 saturates, so clamp before shifting left
      const pc = p > (1 << 20) ? (1 << 20) : p < -(1 << 20) ? -(1 << 20) : p;
      v = pc << <i64>(-right > 40 ? 40 : -right);
    } else if (right >= 63) {
      v = 0;
    } else {
      v = (p + (<i64>1 << <i64>(right - 1))) >> <i64>right;
    }
    store<i16>(out + (<usize>i << 1), <i16>(v < -32768 ? -32768 : v > 32767 ? 32767 : <i32>v));
  }
}

/** f32: out[i] = x[i] / sqrt(mean(x²) + eps) · w[i]; w = 0 (null) leaves the weight out. */
export function rmsNormF32(x: usize, len: i32, eps: f32, w: usize, out: usize): void {
  let s: f32 = 0;
  for (let i = 0; i < len; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    s += v * v;
  }
  const rstd: f32 = 1.0 / Mathf.sqrt(s / <f32>len + eps);
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o) * rstd;
    store<f32>(out + o, w != 0 ? v * load<f32>(w + o) : v);
  }
}
