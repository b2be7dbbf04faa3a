// The audio frontend's settings on the host (what a model's metadata carries as
// `metadata.frontend`) and their encoding for the module. The arithmetic is all in the module
// (assembly/frontend.ts), run by the pipeline; host/build/frontend.ts runs it alone, for features;
// host/build/frontend-reference.ts is its float yardstick.
//
//   const fe = new Frontend(runtime, defaultFrontendConfig(48000), "int8");
//   fe.push(int16Chunk, stream inputs pointer, () => { /* a frame of features landed there */ });
//   const feats = fe.features(samples);     // [frames, channels] as real values
//   fe.dispose();

import { ERROR_CODES, TinyrnnError } from "./abi.js";
import * as C from "./constants.js";

/** Real feature = int16 frontend output · FEATURE_SCALE (micro_speech's and microWakeWord's 10/256). */
export const FEATURE_SCALE = C.FEATURE_SCALE;
/** The rate the frontend works at; input at other rates is resampled to it. */
export const FRONTEND_SAMPLE_RATE_HZ = C.FRONTEND_SAMPLE_RATE_HZ;

/**
 * How a model hears: TensorFlow Lite Micro's audio frontend settings. `defaultFrontendConfig()` gives
 * micro_speech's / microWakeWord's. Fractions are stored in the module in fixed point:
 * the noise-reduction ones as ⌊x·2^14⌋ (as TFLM), PCAN strength and offset as round(x·2^16).
 */
export interface FrontendConfig {
  /** Rate of the audio given to push() (8000, 16000, 22050, 32000, 44100 or 48000). */
  sampleRateHz: number;
  /** Analysis window, in ms at 16 kHz (a whole number of samples: ms·16). */
  windowMs: number;
  /** Step between frames, in ms at 16 kHz. */
  hopMs: number;
  /** Only 512. */
  fftSize: number;
  /** Mel channels = features per frame. */
  channels: number;
  lowHz: number;
  highHz: number;
  /** Subtract the running noise estimate. */
  noiseReduction: boolean;
  /** Precision of the noise estimate, bits (TFLM: 10). */
  smoothingBits: number;
  /** Noise estimate smoothing for even / odd channels. */
  evenSmoothing: number;
  oddSmoothing: number;
  /** What noise reduction always leaves of the signal. */
  minSignalRemaining: number;
  /** Per-channel energy normalisation (gain control against the noise estimate). */
  pcan: boolean;
  pcanStrength: number;
  pcanOffset: number;
  /** TFLM's gain LUT precision; the gain is capped at 32767/2^gainBits, as there. */
  pcanGainBits: number;
  /** Natural log of the channel values (else the linear values). */
  log: boolean;
}

/** micro_speech's and microWakeWord's settings: 30 ms window, 10 ms hop, 40 channels 125–7500 Hz, NR, PCAN, log. */
export function defaultFrontendConfig(sampleRateHz = FRONTEND_SAMPLE_RATE_HZ): FrontendConfig {
  return {
    sampleRateHz, windowMs: 30, hopMs: 10, fftSize: 512, channels: 40, lowHz: 125, highHz: 7500,
    noiseReduction: true, smoothingBits: 10, evenSmoothing: 0.025, oddSmoothing: 0.06, minSignalRemaining: 0.05,
    pcan: true, pcanStrength: 0.95, pcanOffset: 80, pcanGainBits: 21, log: true,
  };
}

function bad(field: number, why: string): TinyrnnError {
  return new TinyrnnError(ERROR_CODES.badFrontendConfig, field, `frontend config: ${why}`);
}

/** The module's config struct: C.FE_CONFIG_FIELDS int32 fields, indexed by C.FE_*. Ranges are checked in the module. */
export function encodeFrontendConfig(cfg: FrontendConfig): Int32Array {
  const num = (name: keyof FrontendConfig, field: number): number => {
    const v = cfg[name];
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(field, `${name} must be a finite number, not ${String(v)}`);
    return v;
  };
  const int = (name: keyof FrontendConfig, field: number, scale = 1): number => {
    const v = num(name, field) * scale;
    if (!Number.isInteger(v) || Math.abs(v) > 0x7fffffff) {
      throw bad(field, scale === 1 ? `${name} must be an integer, not ${cfg[name]}` : `${name} ${cfg[name]} is not a whole number of 16 kHz samples`);
    }
    return v;
  };
  const fixed = (name: keyof FrontendConfig, field: number, bits: number, round: (x: number) => number): number => {
    const v = round(num(name, field) * 2 ** bits);
    if (Math.abs(v) > 0x7fffffff) throw bad(field, `${name} ${cfg[name]} is out of range`);
    return v;
  };
  const out = new Int32Array(C.FE_CONFIG_FIELDS);
  out[C.FE_SAMPLE_RATE_HZ] = int("sampleRateHz", C.FE_SAMPLE_RATE_HZ);
  out[C.FE_WINDOW_SAMPLES] = int("windowMs", C.FE_WINDOW_SAMPLES, FRONTEND_SAMPLE_RATE_HZ / 1000);
  out[C.FE_HOP_SAMPLES] = int("hopMs", C.FE_HOP_SAMPLES, FRONTEND_SAMPLE_RATE_HZ / 1000);
  out[C.FE_FFT_SIZE] = int("fftSize", C.FE_FFT_SIZE);
  out[C.FE_CHANNELS] = int("channels", C.FE_CHANNELS);
  out[C.FE_LOW_HZ] = int("lowHz", C.FE_LOW_HZ);
  out[C.FE_HIGH_HZ] = int("highHz", C.FE_HIGH_HZ);
  out[C.FE_FLAGS] = (cfg.noiseReduction ? C.FE_FLAG_NOISE_REDUCTION : 0) | (cfg.pcan ? C.FE_FLAG_PCAN : 0) | (cfg.log ? C.FE_FLAG_LOG : 0);
  out[C.FE_SMOOTHING_BITS] = int("smoothingBits", C.FE_SMOOTHING_BITS);
  out[C.FE_EVEN_SMOOTHING] = fixed("evenSmoothing", C.FE_EVEN_SMOOTHING, 14, Math.floor);
  out[C.FE_ODD_SMOOTHING] = fixed("oddSmoothing", C.FE_ODD_SMOOTHING, 14, Math.floor);
  out[C.FE_MIN_SIGNAL_REMAINING] = fixed("minSignalRemaining", C.FE_MIN_SIGNAL_REMAINING, 14, Math.floor);
  out[C.FE_PCAN_STRENGTH] = fixed("pcanStrength", C.FE_PCAN_STRENGTH, 16, Math.round);
  out[C.FE_PCAN_OFFSET] = fixed("pcanOffset", C.FE_PCAN_OFFSET, 16, Math.round);
  out[C.FE_PCAN_GAIN_BITS] = int("pcanGainBits", C.FE_PCAN_GAIN_BITS);
  return out;
}
