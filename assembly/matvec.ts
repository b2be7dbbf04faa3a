// Matrix-vector products, the inner loop of every layer. Weights are row-major with each row
// padded with zeros to `colsPadded` (a multiple of 16 for int8, of 4 for f32) so the SIMD path
// needs no tail loop; activation vectors are padded the same way and their padding is zero.
// ASC_FEATURE_SIMD picks the path at compile time; the other is removed from the build.
//
// Overflow: an int8×int16 row sum is exact in int32 while Σ|w| · 32768 < 2^31, i.e. Σ|w| ≤ 65535
// per row. The model reader checks that bound on every int8 row at load (model.ts).

import { tensor, tensorSlot } from "./layer";
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

/**
 * Scratch bytes the copy of an int8 [rows, colsPadded] matrix that matvecI8I16 reads takes (packI8):
 * simd rows4 · colsPadded · 2 (rows4 = rows rounded up to 4); mvp 0, as it reads the file's rows.
 */
export function matI8Bytes(rows: i32, colsPadded: i32): u64 {
  return SIMD ? <u64>((rows + 3) & ~3) * <u64>colsPadded * 2 : 0;
}

/**
 * At load: the matrix matvecI8I16 reads, from the file's int8 [rows, colsPadded] at w. The simd
 * build widens it to int16 and interleaves rows in blocks of 4 at dst (matI8Bytes, zero-filled):
 * block g holds rows 4g..4g+3, and within it each 8-column chunk k holds the four rows' 8 values
 * in turn (element (r, c) at int16 index g·4·colsPadded + (c >> 3)·32 + (r & 3)·8 + (c & 7)), so the
 * step walks one pointer, each load of x serves four rows, and no load needs a sign extension
 * (the widening took a shuffle unit beside every multiply: int16 weights measured 20–25 % faster,
 * at twice the memory). Returns the pointer to give matvecI8I16: dst (simd) or w (mvp).
 */
export function packI8(w: usize, rows: i32, colsPadded: i32, dst: usize): usize {
  if (!SIMD) return w;
  for (let r = 0; r < rows; r++) {
    const block = dst + (<usize>(r >> 2) * <usize>colsPadded << 3) + (<usize>(r & 3) << 4);
    for (let c = 0; c < colsPadded; c++) {
      store<i16>(block + (<usize>(c >> 3) << 6) + (<usize>(c & 7) << 1), load<i8>(w + <usize>r * <usize>colsPadded + <usize>c));
    }
  }
  return dst;
}

/**
 * At load: pack layer d's int8 [rows, colsPadded] tensor t at dst (packI8) and point the tensor's
 * slot at what matvecI8I16 reads. Returns the byte after the packed copy (dst itself in mvp).
 */
export function packTensorI8(d: usize, t: i32, rows: i32, colsPadded: i32, dst: usize): usize {
  store<u32>(tensorSlot(d, t), <u32>packI8(tensor(d, t), rows, colsPadded, dst));
  return dst + <usize>matI8Bytes(rows, colsPadded);
}

/**
 * out[r] = Σ_c w[r, c] · x[c] for r < rows, in int32.
 * w: the matrix as packI8 returned it; x: int16 [colsPadded]; out: int32 [rows], and in the simd
 * build also the padding rows up to a multiple of 4 (their sums are 0): size out for rows4.
 * Exact (see the overflow bound above), so the order of the sums is free: both paths agree.
 * SIMD: four rows at a time share each load of x; their four accumulators are reduced together.
 */
export function matvecI8I16(w: usize, rows: i32, colsPadded: i32, x: usize, out: usize): void {
  if (SIMD) {
    const blockBytes = <usize>colsPadded << 3; // 4 rows of int16
    const end = w + <usize>((rows + 3) >> 2) * blockBytes;
    for (let p = w, o = out; p < end; o += 16) {
      const blockEnd = p + blockBytes;
      let xp = x;
      let a0 = vconst(V_ZERO), a1 = a0, a2 = a0, a3 = a0;
      do {
        const xl = v128.load(xp);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load(p), xl));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load(p, 16), xl));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(v128.load(p, 32), xl));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(v128.load(p, 48), xl));
        const xh = v128.load(xp, 16);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load(p, 64), xh));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load(p, 80), xh));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(v128.load(p, 96), xh));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(v128.load(p, 112), xh));
        p += 128;
        xp += 32;
      } while (p < blockEnd);
      v128.store(o, hsum4(a0, a1, a2, a3));
    }
  } else {
    // Four independent accumulators, four columns per iteration (colsPadded is a multiple of 16).
    for (let r = 0; r < rows; r++) {
      let p = w + <usize>r * <usize>colsPadded;
      const end = p + <usize>colsPadded;
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
