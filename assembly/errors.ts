// Error codes returned (negated) by the ABI. host/abi.ts turns each into a message; keep the two
// lists in the same order. `errorDetail()` gives the layer index or byte offset involved.

export const OK: i32 = 0;
export const ERR_TRUNCATED: i32 = 1; // image shorter than its header says
export const ERR_BAD_MAGIC: i32 = 2;
export const ERR_BAD_VERSION: i32 = 3;
export const ERR_BAD_HEADER: i32 = 4; // header fields inconsistent (offsets, sizes)
export const ERR_BAD_CHECKSUM: i32 = 5;
export const ERR_BAD_LAYER_KIND: i32 = 6;
export const ERR_BAD_SHAPE: i32 = 7; // a size is zero, too large, or does not chain
export const ERR_BAD_TENSOR_BOUNDS: i32 = 8; // layer data outside the file or the wrong length
export const ERR_BAD_QUANT_PARAMS: i32 = 9; // a requantisation shift or multiplier out of range
export const ERR_OVERFLOW_RISK: i32 = 10; // an int8 row could overflow its int32 accumulator
export const ERR_OUT_OF_MEMORY: i32 = 11;
export const ERR_BAD_HANDLE: i32 = 12;
export const ERR_NON_FINITE_INPUT: i32 = 13;
export const ERR_WRONG_NUM_TYPE: i32 = 14; // e.g. an int16 step on an f32 model
export const ERR_BAD_NUM_TYPE: i32 = 15;
export const ERR_BAD_STATE: i32 = 16;
export const ERR_BAD_SAMPLE_RATE: i32 = 17; // no resampler from this rate to 16 kHz (8, 16, 22.05, 32, 44.1, 48 kHz)
export const ERR_BAD_FRONTEND_CONFIG: i32 = 18; // detail: the config field index (frontend.ts)
export const ERR_BAD_ARGUMENT: i32 = 19; // detail: which argument (0-based) of the call
// 20 is the host's own (badMetadata in host/abi.ts): the module never returns it.

let detail: i32 = 0;

/** Record what an error concerns (a layer index, a byte offset) and return the negated code. */
export function fail(code: i32, what: i32): i32 {
  detail = what;
  return -code;
}

export function errorDetail(): i32 {
  return detail;
}
