// WAV files in and out, without dependencies: the RIFF chunks are walked with a DataView and the
// samples read through typed-array views; a long file can be read in pieces (readWavHeader, then
// decodeWavFrames on each piece of its data). tinyrnn takes PCM 16/24/32-bit integer or 32-bit float
// (WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, or WAVE_FORMAT_EXTENSIBLE of either), any channel
// count (averaged to mono), at one of the sample rates the resampler supports. Anything else —
// another codec, a truncated or over-declared data chunk — is refused with a message naming it.

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

const FORMAT_PCM = 1;
const FORMAT_IEEE_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const CODEC_NAMES: Record<number, string> = { 2: "MS ADPCM", 6: "A-law", 7: "μ-law", 0x11: "IMA ADPCM", 0x55: "MP3" };
const FULL_SCALE: Record<string, number> = { "16": 32768, "24": 8388608, "32": 2147483648, "32f": 1 };

const tag = (v: DataView, at: number) => String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));

/** What a WAV file's header says: the format, and where its samples lie. */
export interface WavFormat {
  sampleRateHz: number;
  /** channels in the file (averaged to mono on decoding) */
  channels: number;
  /** "16", "24", "32" (integer PCM) or "32f" */
  bitDepth: string;
  /** bytes of one frame (one sample of every channel) */
  frameBytes: number;
  /** where the data chunk's samples start in the file, and how many whole frames it holds */
  dataOffset: number;
  frames: number;
}

/**
 * Read the header of a WAV file from its first bytes (`head`: at least up to the data chunk's
 * header; a few KB is plenty for any usual file) and the file's whole size: refuses anything but
 * the PCM tinyrnn takes, and a data chunk that declares more bytes than the file holds.
 */
export function readWavHeader(head: Uint8Array, fileBytes: number, name = "the WAV file"): WavFormat {
  const unreadable = (why: string) => new Error(`${name} is not a readable WAV file (${why})`);
  if (head.length < 12) throw unreadable(`${head.length} bytes`);
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (tag(v, 0) !== "RIFF" || tag(v, 8) !== "WAVE") throw unreadable("no RIFF/WAVE header");
  let fmt: { format: number; channels: number; rate: number; blockAlign: number; bits: number } | undefined;
  let data: { at: number; bytes: number } | undefined;
  let at = 12;
  for (; at + 8 <= head.length; ) {
    const id = tag(v, at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (size < 16 || body + size > head.length) throw unreadable("its fmt chunk is truncated");
      let format = v.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE && size >= 40) format = v.getUint16(body + 24, true); // the sub-format GUID's first two bytes
      fmt = { format, channels: v.getUint16(body + 2, true), rate: v.getUint32(body + 4, true), blockAlign: v.getUint16(body + 12, true), bits: v.getUint16(body + 14, true) };
    } else if (id === "data") {
      if (body + size > fileBytes) throw new Error(`${name} is truncated: its data chunk declares ${size} bytes but ${Math.max(0, fileBytes - body)} follow`);
      data = { at: body, bytes: size };
      break;
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw unreadable(at + 8 > fileBytes ? "no fmt chunk" : "no fmt chunk in its first " + head.length + " bytes");
  if (!data) throw unreadable(at + 8 > fileBytes ? "no data chunk" : "no data chunk in its first " + head.length + " bytes");
  const bitDepth = fmt.format === FORMAT_PCM && [16, 24, 32].includes(fmt.bits) ? String(fmt.bits)
    : fmt.format === FORMAT_IEEE_FLOAT && fmt.bits === 32 ? "32f" : undefined;
  if (!bitDepth) {
    const what = CODEC_NAMES[fmt.format] ?? (fmt.format === FORMAT_PCM || fmt.format === FORMAT_IEEE_FLOAT ? `${fmt.bits}-bit` : `format ${fmt.format}`);
    throw new Error(`${name} holds ${what} audio; tinyrnn reads PCM 16, 24 or 32-bit integer or 32-bit float`);
  }
  if (!(SUPPORTED_RATES_HZ as readonly number[]).includes(fmt.rate)) {
    throw new Error(`${name} is sampled at ${fmt.rate} Hz; tinyrnn takes ${SUPPORTED_RATES_HZ.join(", ")} Hz`);
  }
  const channels = fmt.channels;
  if (!(channels >= 1) || fmt.blockAlign !== (channels * fmt.bits) / 8) throw unreadable(`${channels} channels in blocks of ${fmt.blockAlign} bytes`);
  const frames = Math.floor(data.bytes / fmt.blockAlign);
  if (frames === 0) throw new Error(`${name} holds no audio samples`);
  return { sampleRateHz: fmt.rate, channels, bitDepth, frameBytes: fmt.blockAlign, dataOffset: data.at, frames };
}

/**
 * Whole frames of a WAV file's data (`bytes`, a multiple of frameBytes) as mono: a view of the
 * bytes for 16-bit mono (no copy: the spotter takes int16 as it is), else Float32Array in [-1, 1]
 * (into `out` when given). Throws on a non-finite float sample.
 */
export function decodeWavFrames(f: WavFormat, bytes: Uint8Array, name = "the WAV file", firstFrame = 0, out?: Float32Array): Int16Array | Float32Array {
  const n = Math.floor(bytes.length / f.frameBytes);
  const sampleBytes = f.frameBytes / f.channels;
  const total = n * f.channels;
  const Type = f.bitDepth === "16" ? Int16Array : f.bitDepth === "32" ? Int32Array : f.bitDepth === "32f" ? Float32Array : undefined;
  // a typed-array view when aligned (the usual case), else one aligned copy
  const src = Type && (bytes.byteOffset % sampleBytes === 0 ? new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, total) : new Type(bytes.slice(0, total * sampleBytes).buffer));
  if (f.channels === 1 && src instanceof Int16Array) return src;
  const samples = out && out.length >= n ? out.subarray(0, n) : new Float32Array(n);
  const k = 1 / (FULL_SCALE[f.bitDepth] * f.channels);
  if (src) {
    if (f.channels === 1) for (let i = 0; i < n; i++) samples[i] = src[i] * k;
    else for (let i = 0, j = 0; i < n; i++) { let s = 0; for (let c = 0; c < f.channels; c++) s += src[j++]; samples[i] = s * k; }
  } else {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0, at = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < f.channels; c++, at += 3) s += ((v.getUint8(at + 2) << 24) | (v.getUint8(at + 1) << 16) | (v.getUint8(at) << 8)) >> 8;
      samples[i] = s * k;
    }
  }
  if (f.bitDepth === "32f") for (let i = 0; i < n; i++) if (!Number.isFinite(samples[i])) throw new Error(`${name} has a non-finite sample at ${firstFrame + i}`);
  return samples;
}

/** Parse a whole WAV file in memory; `name` appears in every error message. */
export function readWav(bytes: Uint8Array, name = "the WAV file"): Pcm {
  const f = readWavHeader(bytes, bytes.length, name);
  const data = bytes.subarray(f.dataOffset, f.dataOffset + f.frames * f.frameBytes);
  const d = decodeWavFrames(f, data, name);
  const samples = d instanceof Int16Array ? Float32Array.from(d, (x) => x / 32768) : d;
  return { samples, sampleRateHz: f.sampleRateHz, channels: f.channels, bitDepth: f.bitDepth };
}

/** A WAV file (for tests and tools): one plane per channel, 16/24/32-bit PCM or 32-bit float. */
export function writeWav(planes: Float32Array[], sampleRateHz: number, bitDepth: "16" | "24" | "32" | "32f" = "16"): Uint8Array {
  const channels = planes.length;
  const n = planes[0]?.length ?? 0;
  const sampleBytes = bitDepth === "16" ? 2 : bitDepth === "24" ? 3 : 4;
  const dataBytes = n * channels * sampleBytes;
  const out = new Uint8Array(44 + dataBytes + (dataBytes & 1));
  const v = new DataView(out.buffer);
  const put = (at: number, s: string) => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  put(0, "RIFF"); v.setUint32(4, out.length - 8, true); put(8, "WAVE");
  put(12, "fmt "); v.setUint32(16, 16, true);
  v.setUint16(20, bitDepth === "32f" ? FORMAT_IEEE_FLOAT : FORMAT_PCM, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRateHz, true);
  v.setUint32(28, sampleRateHz * channels * sampleBytes, true);
  v.setUint16(32, channels * sampleBytes, true);
  v.setUint16(34, sampleBytes * 8, true);
  put(36, "data"); v.setUint32(40, dataBytes, true);
  const full = FULL_SCALE[bitDepth] - (bitDepth === "32f" ? 0 : 1);
  for (let i = 0, at = 44; i < n; i++) {
    for (let c = 0; c < channels; c++, at += sampleBytes) {
      const x = planes[c][i];
      if (bitDepth === "32f") { v.setFloat32(at, x, true); continue; }
      const q = Math.round(Math.max(-1, Math.min(1, x)) * full);
      if (bitDepth === "16") v.setInt16(at, q, true);
      else if (bitDepth === "32") v.setInt32(at, q, true);
      else { out[at] = q & 0xff; out[at + 1] = (q >> 8) & 0xff; out[at + 2] = (q >> 16) & 0xff; }
    }
  }
  return out;
}
