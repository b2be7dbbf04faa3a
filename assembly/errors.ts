// Errors: the ABI returns a negated code (constants.ts ERR_*, whose messages are the host's, in
// host/runtime/abi.ts); `errorDetail()` gives the layer index or byte offset involved.

export const OK: i32 = 0;
export {
  ERR_TRUNCATED, ERR_BAD_MAGIC, ERR_BAD_VERSION, ERR_BAD_HEADER, ERR_BAD_CHECKSUM, ERR_BAD_LAYER_KIND,
  ERR_BAD_SHAPE, ERR_BAD_TENSOR_BOUNDS, ERR_BAD_QUANT_PARAMS, ERR_OVERFLOW_RISK, ERR_OUT_OF_MEMORY,
  ERR_BAD_HANDLE, ERR_NON_FINITE_INPUT, ERR_WRONG_NUM_TYPE, ERR_BAD_NUM_TYPE, ERR_BAD_STATE,
  ERR_BAD_SAMPLE_RATE, ERR_BAD_FRONTEND_CONFIG, ERR_BAD_ARGUMENT, ERR_NON_FINITE_WEIGHT,
} from "./constants";

let detail: i32 = 0;

/** Record what an error concerns (a layer index, a byte offset) and return the negated code. */
export function fail(code: i32, what: i32): i32 {
  detail = what;
  return -code;
}

export function errorDetail(): i32 {
  return detail;
}
