// Matrix-vector products, the inner loop of every layer. Weights are row-major with each row
// padded with zeros to `colsPadded` (a multiple of 16 for int8, of 4 for f32) so the SIMD path
// needs no tail loop; activation vectors are padded the same way and their padding is zero.
// ASC_FEATURE_SIMD picks the path at compile time; the other is removed from the build.
//
// Overflow: an int8×int16 row sum is exact in int32 while Σ|w| · 32768 < 2^31, i.e. Σ|w| ≤ 65535
// per row. The model reader checks that bound on every int8 row at load (model.ts).

import { vconst, V_ZERO } from "./fixedpoint";

// @ts-ignore: decorator
@inline const SIMD: bool = ASC_FEATURE_SIMD;

// @ts-ignore: decorator
@inline function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  // Four accumulators → one vector of their four horizontal sums.
  const s01 = i32x4.add(v128.shuffle<i32>(a0, a1, 0, 4, 1, 5), v128.shuffle<i32>(a0, a1, 2, 6, 3, 7));
  const s23 = i32x4.add(v128.shuffle<i32>(a2, a3, 0, 4, 1, 5), v128.shuffle<i32>(a2, a3, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(s01, s23, 0, 1, 4, 5), v128.shuffle<i32>(s01, s23, 2, 3, 6, 7));
}

// @ts-ignore: decorator
@inline function dot16(acc: v128, w: usize, xl: v128, xh: v128): v128 {
  // 16 columns of one row: v128.load8x8_s loads and sign-extends 8 weights in one instruction
  // (pmovsxbw from memory on x86), cheaper than a 16-byte load and two extends.
  return i32x4.add(acc, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(w), xl), i32x4.dot_i16x8_s(v128.load8x8_s(w, 8), xh)));
}

/**
 * out[r] = Σ_c w[r, c] · x[c] for r < rows, in int32.
 * w: int8 [rows, colsPadded]; x: int16 [colsPadded]; out: int32 [rows].
 * Exact (see the overflow bound above), so the order of the sums is free: both paths agree.
 * SIMD: four rows at a time share each load of x; their four accumulators are reduced together.
 * (Tried, on Zen 4 and Node 20: rows interleaved in blocks of four or eight so one pointer walks
 * them, columns permuted so shifts sign-extend — all within 2 % of this. Only a copy widened to
 * int16 at load ran faster, 20–25 %, by sparing the sign extension's shuffle unit; it doubled the
 * weights' memory — the wake-word pipeline's from 95 to 185 KB — for 8–11 % of a GRU/LSTM step,
 * and was not kept.)
 */
export function matvecI8I16(w: usize, rows: i32, colsPadded: i32, x: usize, out: usize): void {
  const stride = <usize>colsPadded;
  let r = 0;
  if (SIMD) {
    const stride2 = stride << 1, stride3 = stride * 3;
    for (; r + 4 <= rows; r += 4) {
      let p = w + <usize>r * stride;
      const end = p + stride;
      let xp = x;
      let a0 = vconst(V_ZERO), a1 = a0, a2 = a0, a3 = a0;
      while (p < end) {
        const xl = v128.load(xp);
        const xh = v128.load(xp, 16);
        a0 = dot16(a0, p, xl, xh);
        a1 = dot16(a1, p + stride, xl, xh);
        a2 = dot16(a2, p + stride2, xl, xh);
        a3 = dot16(a3, p + stride3, xl, xh);
        p += 16;
        xp += 32;
      }
      v128.store(out + (<usize>r << 2), hsum4(a0, a1, a2, a3));
    }
    for (; r < rows; r++) {
      let p = w + <usize>r * stride;
      const end = p + stride;
      let xp = x;
      let a = vconst(V_ZERO);
      while (p < end) {
        a = dot16(a, p, v128.load(xp), v128.load(xp, 16));
        p += 16;
        xp += 32;
      }
      store<i32>(out + (<usize>r << 2),
        i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1) + i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3));
    }
  } else {
    // Four independent accumulators, four columns per iteration (colsPadded is a multiple of 16).
    for (; r < rows; r++) {
      let p = w + <usize>r * stride;
      const end = p + stride;
      let xp = x;
      let a0: i32 = 0, a1: i32 = 0, a2: i32 = 0, a3: i32 = 0;
      while (p < end) {
        a0 += <i32>load<i8>(p) * <i32>load<i16>(xp);
        a1 += <i32>load<i8>(p, 1) * <i32>load<i16>(xp, 2);
        a2 += <i32>load<i8>(p, 2) * <i32>load<i16>(xp, 4);
        a3 += <i32>load<i8>(p, 3) * <i32>load<i16>(xp, 6);
        p += 4;
        xp += 8;
      }
      store<i32>(out + (<usize>r << 2), (a0 + a1) + (a2 + a3));
    }
  }
}

/**
 * out[r] = Σ_c w[r, c] · x[c] for r < rows, in f32.
 * w: f32 [rows, colsPadded]; x: f32 [colsPadded]; out: f32 [rows].
 * Both paths sum in four lanes (column c goes to lane c % 4) and combine them as
 * (l0 + l2) + (l1 + l3), so the simd and mvp builds give bit-identical f32 results.
 */
export function matvecF32(w: usize, rows: i32, colsPadded: i32, x: usize, out: usize): void {
  const stride = <usize>colsPadded << 2;
  let r = 0;
  if (SIMD) {
    for (; r + 4 <= rows; r += 4) {
      const w0 = w + <usize>r * stride;
      let a0 = vconst(V_ZERO), a1 = a0, a2 = a0, a3 = a0;
      for (let c = 0; c < colsPadded; c += 4) {
        const off = <usize>c << 2;
        const xv = v128.load(x + off);
        const p = w0 + off;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p), xv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p + stride), xv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p + 2 * stride), xv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(p + 3 * stride), xv));
      }
      const s01 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
      const s23 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
      v128.store(out + (<usize>r << 2),
        f32x4.add(v128.shuffle<f32>(s01, s23, 0, 1, 4, 5), v128.shuffle<f32>(s01, s23, 2, 3, 6, 7)));
    }
    for (; r < rows; r++) {
      const wr = w + <usize>r * stride;
      let a = vconst(V_ZERO);
      for (let c = 0; c < colsPadded; c += 4) {
        const off = <usize>c << 2;
        a = f32x4.add(a, f32x4.mul(v128.load(wr + off), v128.load(x + off)));
      }
      store<f32>(out + (<usize>r << 2),
        (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3)));
    }
  } else {
    for (; r < rows; r++) {
      const wr = w + <usize>r * stride;
      let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
      for (let c = 0; c < colsPadded; c += 4) {
        const off = <usize>c << 2;
        a0 += load<f32>(wr + off) * load<f32>(x + off);
        a1 += load<f32>(wr + off, 4) * load<f32>(x + off, 4);
        a2 += load<f32>(wr + off, 8) * load<f32>(x + off, 8);
        a3 += load<f32>(wr + off, 12) * load<f32>(x + off, 12);
      }
      store<f32>(out + (<usize>r << 2), (a0 + a2) + (a1 + a3));
    }
  }
}
