// WAV files in, for the command line and tests (the library itself takes PCM arrays, so it has no
// dependency). wavefile parses the RIFF structure; this file is strict about what tinyrnn takes:
// PCM 16/24/32-bit integer or 32-bit float, any channel count (averaged to mono), at one of the
// sample rates the resampler supports.

import { WaveFile } from "wavefile";

export const SUPPORTED_RATES_HZ = [8000, 16000, 22050, 32000, 44100, 48000] as const;

export interface Pcm {
  /** mono samples in [-1, 1] */
  samples: Float32Array;
  sampleRateHz: number;
  /** channels in the file (averaged into `samples`) */
  channels: number;
  /** "16", "24", "32" (integer PCM) or "32f" */
  bitDepth: string;
}

const FULL_SCALE: Record<string, number> = { "16": 32768, "24": 8388608, "32": 2147483648, "32f": 1 };

/** Parse a WAV file; `name` appears in every error message. */
export function readWav(bytes: Uint8Array, name = "the WAV file"): Pcm {
  let wav: WaveFile;
  try {
    wav = new WaveFile(bytes);
  } catch (e) {
    throw new Error(`${name} is not a readable WAV file (${(e as Error).message})`);
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number };
  const bitDepth = (wav as unknown as { bitDepth: string }).bitDepth;
  const scale = FULL_SCALE[bitDepth];
  if (scale === undefined) {
    const what = bitDepth === "8a" ? "A-law" : bitDepth === "8m" ? "μ-law" : bitDepth === "4" ? "IMA ADPCM" : `${bitDepth}-bit`;
    throw new Error(`${name} holds ${what} audio; tinyrnn reads PCM 16, 24 or 32-bit integer or 32-bit float`);
  }
  if (!(SUPPORTED_RATES_HZ as readonly number[]).includes(fmt.sampleRate)) {
    throw new Error(`${name} is sampled at ${fmt.sampleRate} Hz; tinyrnn takes ${SUPPORTED_RATES_HZ.join(", ")} Hz`);
  }
  const channels = fmt.numChannels;
  if (!(channels >= 1)) throw new Error(`${name} declares ${channels} channels`);
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const planes = channels === 1 ? [raw as Float64Array] : (raw as Float64Array[]);
  const n = planes[0].length;
  if (n === 0) throw new Error(`${name} holds no audio samples`);
  const samples = new Float32Array(n);
  const k = 1 / (scale * channels);
  for (const plane of planes) for (let i = 0; i < n; i++) samples[i] += plane[i] * k;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(samples[i])) throw new Error(`${name} has a non-finite sample at ${i}`);
  }
  return { samples, sampleRateHz: fmt.sampleRate, channels, bitDepth };
}

/** A WAV file (for tests and tools): mono or interleaved planes, 16-bit PCM or 32-bit float. */
export function writeWav(planes: Float32Array[], sampleRateHz: number, bitDepth: "16" | "24" | "32" | "32f" = "16"): Uint8Array {
  const wav = new WaveFile();
  const scale = bitDepth === "32f" ? 1 : FULL_SCALE[bitDepth] - 1;
  const data = planes.map((p) => Float64Array.from(p, (v) => (bitDepth === "32f" ? v : Math.round(Math.max(-1, Math.min(1, v)) * scale))));
  wav.fromScratch(planes.length, sampleRateHz, bitDepth, planes.length === 1 ? data[0] : data);
  return wav.toBuffer();
}
