// examples/bun/wake.ts, run by Bun as a user runs it (the raw .wasm builds imported as Bun does:
// a file's path), prints the same events, byte for byte, as `tinyrnn detect --json` in Node on
// the shipped recording: the wake word and the command models, on both builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, tool } from "./tools.js";

const BUN = "1.4.5";
const wav = "models/sample/morning.wav";
const models = ["models/hey-jarvis/hey-jarvis.tinyrnn", "models/commands/commands-gru.tinyrnn"];

test(`Bun ${BUN}: examples/bun/wake.ts prints the events of tinyrnn detect --json, on both builds`, () => {
  const bun = tool("bun", BUN);
  const counts: number[] = [];
  for (const model of models) {
    const node = run(process.execPath, ["dist/cli.js", "detect", "--json", model, wav]);
    assert.equal(node.status, 0, node.stderr);
    counts.push(node.stdout.split("\n").length - 1);
    for (const [args, build] of [[[], "simd"], [["--build=simd"], "simd"], [["--build=mvp"], "mvp"]] as const) {
      const p = run(bun, ["examples/bun/wake.ts", ...args, model, wav], { env: { DO_NOT_TRACK: "1" } }); // no crash reports sent
      assert.equal(p.status, 0, `${model} ${args}: ${p.stderr}`);
      assert.equal(p.stdout, node.stdout, `${model} ${args}`);
      assert.match(p.stderr, new RegExp(`^${counts.at(-1)} events in 24\\.79 s of audio \\(${build} build\\)\\n$`), `${model} ${args}`);
    }
  }
  assert.ok(counts[0] === 3 && counts[1] > 0, `events per model: ${counts}`);
});
