// WAV input for the CLI: what tinyrnn reads, and clear refusals for the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WaveFile } from "wavefile";
import { readWav, writeWav, SUPPORTED_RATES_HZ } from "../../../host/runtime/wav.js";

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
