// The wake word in Bun: a WAV file through a keyword-spotting model; one JSON event per line, as
// `tinyrnn detect --json` prints them.
//
//   npm run build
//   bun examples/bun/wake.ts models/hey-jarvis/hey-jarvis.tinyrnn models/sample/morning.wav
//   … --build=mvp    (the build without SIMD; default: SIMD when the engine has it)
//
// "tinyrnn" alone has both builds inside (createRuntime()); this takes the runtime without them
// and the raw .wasm, which Bun imports as a file's path: Bun.file(path) is the runtime's input.

// In an app: "tinyrnn/core", "tinyrnn/wasm/simd" and "tinyrnn/wasm/mvp".
import { Runtime, KeywordSpotter, readWav } from "../../dist/core.js";
import simd from "../../build/tinyrnn.simd.wasm" with { type: "file" };
import mvp from "../../build/tinyrnn.mvp.wasm" with { type: "file" };

const build = Bun.argv.find((a) => a.startsWith("--build="))?.slice(8);
const [modelPath, wavPath] = Bun.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!wavPath) {
  console.error("usage: wake.ts [--build=simd|mvp] <model.tinyrnn> <file.wav>");
  process.exit(2);
}

const builds = { simd: Bun.file(simd), mvp: Bun.file(mvp) };
const rt = await Runtime.create(build === "simd" || build === "mvp" ? builds[build] : builds);
const spotter = new KeywordSpotter(rt.loadModel(await Bun.file(modelPath).arrayBuffer()));
const { samples, sampleRateHz } = readWav(await Bun.file(wavPath).bytes(), wavPath);

const events = spotter.push(samples, sampleRateHz);
for (const e of events) {
  console.log(JSON.stringify({ label: e.label, score: Number(e.score.toFixed(4)), startMs: Math.round(e.startMs), endMs: Math.round(e.endMs) }));
}
console.error(`${events.length} events in ${(samples.length / sampleRateHz).toFixed(2)} s of audio (${rt.build} build)`);
