// Pure tones and beep trains are not speech: the wake word must not fire on any (issue 20's bar:
// no false accept on a tone). Steady tones 100–7,900 Hz every 100 Hz at three levels (3 s each)
// and trains of four beeps 500–6,000 Hz (0.1, 0.25 and 0.5 s; two levels) with digital silence
// between, through KeywordSpotter at the shipped settings. (The commands models are not held to
// it yet: on these 573 signals commands-gru fires on 4, commands-ssm on 355 — issue 20.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KeywordSpotter } from "../../host/runtime/index.js";
import { runtime } from "../helpers.js";

const RATE = 16000;

function* signals(): Generator<{ what: string; x: Float32Array }> {
  for (let f = 100; f <= 7900; f += 100) for (const amp of [0.05, 0.3, 0.9]) {
    const x = new Float32Array(RATE * 3);
    for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / RATE) * Math.min(1, i / 800, (x.length - i) / 800);
    yield { what: `a ${f} Hz tone at ${amp}`, x };
  }
  for (let f = 500; f <= 6000; f += 100) for (const dur of [0.1, 0.25, 0.5]) for (const amp of [0.1, 0.5]) {
    const x = new Float32Array(RATE * 4), len = Math.round(dur * RATE);
    for (let b = 0; b < 4; b++) {
      const at = Math.round((0.3 + b * 0.9) * RATE);
      for (let i = 0; i < len; i++) x[at + i] = amp * Math.sin((2 * Math.PI * f * i) / RATE) * Math.min(1, i / 80, (len - i) / 80);
    }
    yield { what: `four ${dur} s beeps at ${f} Hz, ${amp}`, x };
  }
}

/** The signals that fire the model, with what fired. */
async function firing(path: string): Promise<{ n: number; fired: string[] }> {
  const rt = await runtime("simd");
  const m = rt.loadModel(readFileSync(path));
  const fired: string[] = [];
  let n = 0;
  for (const { what, x } of signals()) {
    n++;
    const s = new KeywordSpotter(m); // a fresh spotter each: no state carried between signals
    const ev = s.push(x, RATE);
    if (ev.length) fired.push(`${what}: ${ev.map((e) => `${e.label} ${e.score.toFixed(2)}`).join(", ")}`);
    s.dispose();
  }
  m.dispose();
  return { n, fired };
}

test("hey-jarvis fires on no pure tone and no beep train", async (t) => {
  const { n, fired } = await firing("models/hey-jarvis/hey-jarvis.tinyrnn");
  t.diagnostic(`${n} signals, ${fired.length} fire`);
  assert.deepEqual(fired, []);
});
