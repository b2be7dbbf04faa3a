// WAV input for the CLI: what tinyrnn reads, and clear refusals for the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WaveFile } from "wavefile";
import { readWav, writeWav, readWavHeader, decodeWavFrames, SUPPORTED_RATES_HZ } from "../../../host/runtime/wav.js";

const tone = (n: number, f: number, rate: number, a = 0.5) => Float32Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * f * i) / rate));

test("PCM 16/24/32-bit and float32 read back as [-1, 1] samples at every supported rate", () => {
  for (const rate of SUPPORTED_RATES_HZ) {
    const x = tone(500, 1000, rate);
    for (const [depth, tol] of [["16", 2 ** -15], ["24", 2 ** -23], ["32", 2 ** -31], ["32f", 1e-7]] as const) {
      const pcm = readWav(writeWav([x], rate, depth), "t.wav");
      assert.equal(pcm.sampleRateHz, rate);
      assert.equal(pcm.bitDepth, depth);
      assert.equal(pcm.samples.length, x.length);
      let err = 0;
      for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(pcm.samples[i] - x[i]));
      assert.ok(err <= tol, `${depth}-bit at ${rate} Hz: error ${err}`);
    }
  }
});

test("several channels are averaged to mono", () => {
  const l = tone(200, 440, 16000, 0.8), r = tone(200, 880, 16000, 0.2);
  const pcm = readWav(writeWav([l, r], 16000, "32f"), "st.wav");
  assert.equal(pcm.channels, 2);
  for (let i = 0; i < 200; i++) assert.ok(Math.abs(pcm.samples[i] - (l[i] + r[i]) / 2) < 1e-7);
});

test("anything else is refused with a message naming the file and the problem", () => {
  const mulaw = new WaveFile(); mulaw.fromScratch(1, 8000, "8m", [1, 2, 3]);
  const u8 = new WaveFile(); u8.fromScratch(1, 16000, "8", [128, 130, 126]);
  const cases: [Uint8Array, RegExp][] = [
    [writeWav([tone(100, 440, 11025)], 11025), /x\.wav is sampled at 11025 Hz; tinyrnn takes 8000, 16000, 22050, 32000, 44100, 48000 Hz/],
    [mulaw.toBuffer(), /x\.wav holds μ-law audio; tinyrnn reads PCM 16, 24 or 32-bit integer or 32-bit float/],
    [u8.toBuffer(), /x\.wav holds 8-bit audio/],
    [new TextEncoder().encode("RIFF....WAVEjunk"), /x\.wav is not a readable WAV file/],
    [new Uint8Array(3), /x\.wav is not a readable WAV file/],
    [writeWav([new Float32Array(0)], 16000), /x\.wav holds no audio samples/],
  ];
  for (const [bytes, msg] of cases) assert.throws(() => readWav(bytes, "x.wav"), msg);
});

test("a truncated or over-declared data chunk, MP3 in a WAV wrapper and extensible PCM: refused or read as they are", () => {
  const good = writeWav([tone(1000, 440, 16000)], 16000);
  const v = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const overDeclared = good.slice();
  v(overDeclared).setUint32(40, 1_000_000, true);
  assert.throws(() => readWav(overDeclared, "x.wav"), /x\.wav is truncated: its data chunk declares 1000000 bytes but 2000 follow/);
  assert.throws(() => readWav(good.subarray(0, good.length - 10), "x.wav"), /x\.wav is truncated: its data chunk declares 2000 bytes but 1990 follow/);
  const mp3 = good.slice();
  v(mp3).setUint16(20, 0x55, true);
  assert.throws(() => readWav(mp3, "x.wav"), /x\.wav holds MP3 audio; tinyrnn reads PCM/);
  // WAVE_FORMAT_EXTENSIBLE with a PCM sub-format reads as the PCM it is
  const ext = new Uint8Array(good.length + 24);
  ext.set(good.subarray(0, 36));
  const e = v(ext);
  e.setUint32(16, 40, true);
  e.setUint16(20, 0xfffe, true);
  e.setUint16(36, 22, true); // cbSize
  e.setUint16(38, 16, true); // valid bits
  e.setUint16(44, 1, true); // the sub-format GUID begins with the format code: PCM
  ext.set(good.subarray(36), 60);
  e.setUint32(4, ext.length - 8, true);
  assert.deepEqual(readWav(ext, "ext.wav").samples, readWav(good, "good.wav").samples);
});

test("a long file in pieces: the header, then the data a piece at a time, gives readWav's samples", () => {
  const x = tone(48000, 440, 48000);
  const bytes = writeWav([x, x], 48000, "24");
  const f = readWavHeader(bytes.subarray(0, 256), bytes.length, "long.wav");
  assert.deepEqual([f.sampleRateHz, f.channels, f.bitDepth, f.frameBytes, f.frames], [48000, 2, "24", 6, 48000]);
  const parts: number[] = [];
  for (let at = 0; at < f.frames; at += 1000) {
    const n = Math.min(1000, f.frames - at);
    parts.push(...decodeWavFrames(f, bytes.subarray(f.dataOffset + at * f.frameBytes, f.dataOffset + (at + n) * f.frameBytes), "long.wav", at));
  }
  assert.deepEqual(Float32Array.from(parts), readWav(bytes, "long.wav").samples);
  const mono16 = writeWav([x], 48000, "16");
  const m = readWavHeader(mono16, mono16.length);
  assert.ok(decodeWavFrames(m, mono16.subarray(m.dataOffset)) instanceof Int16Array, "16-bit mono comes back as int16, not converted");
});
