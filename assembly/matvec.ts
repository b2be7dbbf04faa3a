// Matrix-vector products, the inner loop of every layer. Weights are row-major with each row
// padded with zeros to `colsPadded` (a multiple of 16 for int8, of 4 for f32) so the SIMD path
// needs no tail loop; activation vectors are padded the same way and their padding is zero.
// ASC_FEATURE_SIMD picks the path at compile time; the other is removed from the build.
//
// Overflow: an int8×int16 row sum is exact in int32 while Σ|w| · 32768 < 2^31, i.e. Σ|w| ≤ 65535
// per row. The model reader checks that bound on every int8 row at load (model.ts).

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
@inline function dotRowI8(w: usize, x: usize, colsPadded: i32): v128 {
  let acc = i32x4.splat(0);
  for (let c = 0; c < colsPadded; c += 16) {
    const wv = v128.load(w + <usize>c);
    const xp = x + (<usize>c << 1);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), v128.load(xp)));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), v128.load(xp, 16)));
  }
  return acc;
}

/**
 * out[r] = Σ_c w[r, c] · x[c] for r < rows, in int32.
 * w: int8 [rows, colsPadded]; x: int16 [colsPadded]; out: int32 [rows].
 */
export function matvecI8I16(w: usize, rows: i32, colsPadded: i32, x: usize, out: usize): void {
  const stride = <usize>colsPadded;
  let r = 0;
  if (SIMD) {
    for (; r + 4 <= rows; r += 4) {
      const w0 = w + <usize>r * stride;
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
      for (let c = 0; c < colsPadded; c += 16) {
        const xp = x + (<usize>c << 1);
        const xl = v128.load(xp);
        const xh = v128.load(xp, 16);
        const p = w0 + <usize>c;
        let wv = v128.load(p);
        a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), xl), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), xh)));
        wv = v128.load(p + stride);
        a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), xl), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), xh)));
        wv = v128.load(p + 2 * stride);
        a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), xl), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), xh)));
        wv = v128.load(p + 3 * stride);
        a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), xl), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), xh)));
      }
      v128.store(out + (<usize>r << 2), hsum4(a0, a1, a2, a3));
    }
    for (; r < rows; r++) {
      const a = dotRowI8(w + <usize>r * stride, x, colsPadded);
      store<i32>(out + (<usize>r << 2),
        i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1) + i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3));
    }
  } else {
    for (; r < rows; r++) {
      const wr = w + <usize>r * stride;
      let a0: i32 = 0, a1: i32 = 0;
      for (let c = 0; c < colsPadded; c += 2) {
        const xp = x + (<usize>c << 1);
        a0 += <i32>load<i8>(wr + <usize>c) * <i32>load<i16>(xp);
        a1 += <i32>load<i8>(wr + <usize>c, 1) * <i32>load<i16>(xp, 2);
      }
      store<i32>(out + (<usize>r << 2), a0 + a1);
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
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
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
      let a = f32x4.splat(0);
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
