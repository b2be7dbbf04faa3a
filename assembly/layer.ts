// The in-memory descriptor of one layer, filled by the model reader at load (model.ts) and read
// by the kernels in the step. Kernels know nothing else of the model.
//
// The descriptor holds two arrays, so its fields are named byte offsets (LD_*), read through the
// accessors below; u32 unless said:

import { NUM_INT8, MAX_PARAMS } from "./constants";

export const MAX_TENSORS: i32 = 32;
export const LD_PARAMS: usize = 0; // [MAX_PARAMS] p0..p7, copied from the file's layer record (meaning by kind)
export const LD_KIND: usize = 32; // KIND_*
export const LD_FLAGS: usize = 36; // the record's flags (meaning by kind)
export const LD_INPUT_LEN: usize = 40; // elements
export const LD_OUTPUT_LEN: usize = 44; // elements
export const LD_STATE_OFFSET: usize = 48; // bytes into a stream's state block, 16-aligned
export const LD_STATE_BYTES: usize = 52; // the layer's state in that block (set by its plan)
export const LD_SCRATCH: usize = 56; // pointer to its scratch (per model, 16-aligned); while planning, an offset
export const LD_SCRATCH_BYTES: usize = 60; // (set by its plan)
export const LD_TENSOR_COUNT: usize = 64; // i32, tensors the plan declared, ≤ MAX_TENSORS
export const LD_RECORD: usize = 68; // pointer to the file's layer record; 72..96 unused
export const LD_TENSORS: usize = 96; // [MAX_TENSORS] pointers into the image (16-aligned); while planning, byte counts
export const LAYER_DESC_BYTES: usize = LD_TENSORS + (<usize>MAX_TENSORS << 2); // 224

// @ts-ignore: decorator
@inline export function param(d: usize, i: i32): u32 { return load<u32>(d + LD_PARAMS + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function paramI(d: usize, i: i32): i32 { return load<i32>(d + LD_PARAMS + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function kind(d: usize): u32 { return load<u32>(d, LD_KIND); }
// @ts-ignore: decorator
@inline export function flags(d: usize): u32 { return load<u32>(d, LD_FLAGS); }
// @ts-ignore: decorator
@inline export function inputLen(d: usize): i32 { return load<i32>(d, LD_INPUT_LEN); }
// @ts-ignore: decorator
@inline export function outputLen(d: usize): i32 { return load<i32>(d, LD_OUTPUT_LEN); }
// @ts-ignore: decorator
@inline export function stateOffset(d: usize): usize { return <usize>load<u32>(d, LD_STATE_OFFSET); }
// @ts-ignore: decorator
@inline export function stateBytes(d: usize): u32 { return load<u32>(d, LD_STATE_BYTES); }
// @ts-ignore: decorator
@inline export function scratch(d: usize): usize { return <usize>load<u32>(d, LD_SCRATCH); }
// @ts-ignore: decorator
@inline export function scratchBytes(d: usize): u32 { return load<u32>(d, LD_SCRATCH_BYTES); }
// @ts-ignore: decorator
@inline export function tensorCount(d: usize): i32 { return load<i32>(d, LD_TENSOR_COUNT); }
/** Tensor slot i: its pointer (after load) or, while planning, its byte count. */
// @ts-ignore: decorator
@inline export function tensorSlot(d: usize, i: i32): usize { return d + LD_TENSORS + (<usize>i << 2); }
// @ts-ignore: decorator
@inline export function tensor(d: usize, i: i32): usize { return <usize>load<u32>(tensorSlot(d, i)); }

/** Planning: a kind's plan function declares its tensors' byte sizes in order, then its state and scratch. */
export function setTensorBytes(d: usize, i: i32, bytes: u64): void {
  // During planning the tensor slots hold byte counts; the reader turns them into pointers.
  store<u32>(tensorSlot(d, i), bytes > 0xffffffff ? 0xffffffff : <u32>bytes);
  if (i + 1 > tensorCount(d)) store<i32>(d, i + 1, LD_TENSOR_COUNT);
}
export function setStateBytes(d: usize, bytes: u64): void {
  store<u32>(d, bytes > 0x7fffffff ? 0xffffffff : <u32>bytes, LD_STATE_BYTES);
}
export function setScratchBytes(d: usize, bytes: u64): void {
  store<u32>(d, bytes > 0x7fffffff ? 0xffffffff : <u32>bytes, LD_SCRATCH_BYTES);
}

/** Elements an activation vector of n values occupies: a whole number of 16-byte SIMD vectors. */
// @ts-ignore: decorator
@inline export function padLen(n: i32, numType: u32): i32 {
  return numType == NUM_INT8 ? (n + 15) & ~15 : (n + 3) & ~3;
}


/** Check (multiplier, shift) pairs: multiplier ≥ 0 (or, signed, any but INT32_MIN), shift in [-31, 30]. */
export function checkQuant(q: usize, count: i32, signed: bool = false): bool {
  for (let i = 0; i < count; i++) {
    const mult = load<i32>(q + (<usize>i << 3));
    const shift = load<i32>(q + (<usize>i << 3), 4);
    // signed: the multiplier carries a weight's sign; any but INT32_MIN (whose negation overflows)
    if ((signed ? mult == i32.MIN_VALUE : mult < 0) || shift < -31 || shift > 30) return false;
  }
  return true;
}

/**
 * Check that an int8 [rows, colsPadded] matrix cannot overflow its int32 accumulator against
 * int16 activations: Σ|w|·32768 (+ |bias| when a bias i32 [rows] is given, for kernels that add it
 * in int32, e.g. the GRU) < 2^31 for every row. Without a bias: Σ|w| ≤ 65535.
 */
export function checkRowsI8(w: usize, rows: i32, colsPadded: i32, bias: usize = 0): bool {
  for (let r = 0; r < rows; r++) {
    let s: i64 = 0;
    const row = w + <usize>r * <usize>colsPadded;
    for (let c = 0; c < colsPadded; c++) {
      const v = <i64>load<i8>(row + <usize>c);
      s += v < 0 ? -v : v;
    }
    const b: i64 = bias != 0 ? <i64>load<i32>(bias + (<usize>r << 2)) : 0;
    if (s * 32768 + (b < 0 ? -b : b) > <i64>i32.MAX_VALUE) return false;
  }
  return true;
}

/** Check n multipliers for the GRU's requantisation (gru.ts): each in [0, 2^30]. */
export function checkMultipliers(m: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const v = load<i32>(m + (<usize>i << 2));
    if (v < 0 || v > (1 << 30)) return false;
  }
  return true;
}
