// A wake word gating voice commands: both models hear every chunk (each has its own spotter and
// stream in one runtime), but a command counts only in the 3 seconds after "hey jarvis" — so
// "on" inside a sentence does nothing, and "hey jarvis … stop" does.
//
//   npm run build && node examples/assistant.mjs [recording.wav]     (16-bit PCM WAV, any rate tinyrnn takes)
import { readFileSync } from "node:fs";
import { createRuntime, KeywordSpotter } from "../dist/tinyrnn.js";

const here = (p) => new URL(p, import.meta.url);
const wavPath = process.argv[2] ?? here("../models/sample/morning.wav");

/** A plain 16-bit PCM WAV (mono or channel 0): what this example needs, no more. */
function readPcm16(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 12, rate = 0, channels = 1;
  while (p + 8 <= v.byteLength) {
    const id = String.fromCharCode(...bytes.subarray(p, p + 4)), size = v.getUint32(p + 4, true);
    if (id === "fmt ") {
      if (v.getUint16(p + 8, true) !== 1 || v.getUint16(p + 22, true) !== 16) throw new Error("this example reads 16-bit PCM WAV only (tinyrnn detect reads the rest)");
      channels = v.getUint16(p + 10, true);
      rate = v.getUint32(p + 12, true);
    } else if (id === "data") {
      const n = Math.floor(size / 2 / channels), pcm = new Int16Array(n);
      for (let i = 0; i < n; i++) pcm[i] = v.getInt16(p + 8 + i * 2 * channels, true);
      return { pcm, rate };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error("no data chunk");
}

const rt = await createRuntime();
const load = (name) => rt.loadModel(readFileSync(here(`../models/${name}`)));
const wake = new KeywordSpotter(load("hey-jarvis/hey-jarvis.tinyrnn"));
const commands = new KeywordSpotter(load("commands/commands-gru.tinyrnn"));
const { pcm, rate } = readPcm16(readFileSync(wavPath));
const WINDOW_MS = 3000;
let awakeUntil = -1;
const chunk = Math.round(rate / 50); // 20 ms chunks, as a microphone delivers them
for (let i = 0; i < pcm.length; i += chunk) {
  const piece = pcm.subarray(i, i + chunk);
  for (const e of wake.push(piece, rate)) {
    console.log(`${(e.endMs / 1000).toFixed(2)} s  hey jarvis (${e.score.toFixed(2)}) — listening for a command`);
    awakeUntil = e.endMs + WINDOW_MS;
  }
  for (const e of commands.push(piece, rate)) {
    if (e.endMs <= awakeUntil) {
      console.log(`${(e.endMs / 1000).toFixed(2)} s  → ${e.label} (${e.score.toFixed(2)})`);
      awakeUntil = -1;
    }
  }
}
