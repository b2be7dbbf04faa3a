// STUB of the streaming resampler (the real one lands from the `resampler` branch and replaces
// this file whole). It keeps the interface the frontend calls and supports 16 kHz input only, as a
// copy-through; every other rate is refused with ERR_BAD_SAMPLE_RATE.
//
// State (RS_BYTES): 0 numType (NUM_F32: f32 samples, NUM_INT8: int16 samples)

import * as E from "./errors";
import { NUM_F32, NUM_INT8 } from "./layer";

const RS_BYTES: i32 = 16;

/** Bytes of state for a resampler from inRateHz to 16 kHz, or a negative error (unsupported rate). */
export function resamplerBytes(inRateHz: i32, numType: u32): i32 {
  if (numType != NUM_F32 && numType != NUM_INT8) return E.fail(E.ERR_BAD_NUM_TYPE, <i32>numType);
  if (inRateHz != 16000) return E.fail(E.ERR_BAD_SAMPLE_RATE, inRateHz);
  return RS_BYTES;
}

/** Set up the state at `mem` (zeroed, 16-aligned, resamplerBytes long): 0 or a negative error. */
export function resamplerInit(mem: usize, inRateHz: i32, numType: u32): i32 {
  const bytes = resamplerBytes(inRateHz, numType);
  if (bytes < 0) return bytes;
  store<u32>(mem, numType);
  return 0;
}

/** Forget all history (silence before the next sample). */
export function resamplerReset(mem: usize): void {}

/** The most 16 kHz samples `count` input samples can produce: ceil(count·16000/inRate) + 2. */
export function resamplerMaxOut(mem: usize, count: i32): i32 {
  return count + 2;
}

/** Consume all `count` input samples, write the 16 kHz samples to `out`, return how many. */
export function resample(mem: usize, input: usize, count: i32, out: usize): i32 {
  const bytes = <usize>count << (load<u32>(mem) == NUM_INT8 ? 1 : 2);
  for (let i: usize = 0; i < bytes; i += 2) store<u16>(out + i, load<u16>(input + i));
  return count;
}
