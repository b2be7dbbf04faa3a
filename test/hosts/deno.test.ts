// examples/deno/sensor.ts, run by Deno as a user runs it, prints the same events, byte for byte, as
// the same runtime does in Node on the same input: raw accelerometer samples (through
// features.mjs) and the model's own feature rows, from a file and from stdin, on both builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, SensorStream } from "../../host/runtime/index.js";
import { readNpyMatrix, writeNpyMatrix } from "../../host/cli/npy.js";
import { VibrationFeatures } from "../../models/sensor/features.mjs";
import { jsonLines, run, tool } from "./tools.js";

const DENO = "2.9.6";
const model = "models/sensor/vibration.tinyrnn";
const dir = mkdtempSync(join(tmpdir(), "tinyrnn-deno-"));
const npy = (path: string) => readNpyMatrix(readFileSync(path), path);

/** Node's events for a float32 [n, 3] (raw samples) or [n, 51] (feature rows) matrix. */
async function nodeEvents(data: Float32Array, cols: number): Promise<string> {
  const sensor = new SensorStream((await createRuntime()).loadModel(readFileSync(model)));
  return jsonLines(sensor.push(cols === 3 ? new VibrationFeatures().push(data) : data));
}

// The shipped sample (2 s of a normal machine: no event); the ten test machines' feature rows one
// after the other (31 events); and the sample ten times over with a 1× line (0.2 g at 30 Hz, an
// imbalance) added for the last 10 s (1 event).
function inputs(): { name: string; path: string; data: Float32Array; cols: number }[] {
  const raw = npy("models/sensor/sample-raw.npy");
  const machines = readdirSync("models/sensor/test").filter((f) => /^machine\d+\.npy$/.test(f)).sort().map((f) => npy(`models/sensor/test/${f}`));
  const rows = new Float32Array(machines.reduce((n, m) => n + m.data.length, 0));
  machines.reduce((at, m) => (rows.set(m.data, at), at + m.data.length), 0);
  const imbalance = new Float32Array(raw.data.length * 10);
  for (let k = 0; k < 10; k++) imbalance.set(raw.data, k * raw.data.length);
  const n = imbalance.length / 3;
  for (let i = n / 2; i < n; i++) {
    const phase = (2 * Math.PI * 30 * i) / 5120;
    imbalance[3 * i] += 0.2 * Math.cos(phase);
    imbalance[3 * i + 1] += 0.2 * Math.sin(phase);
  }
  const write = (name: string, data: Float32Array, cols: number) => {
    const path = join(dir, name);
    writeFileSync(path, writeNpyMatrix(data, data.length / cols, cols));
    return { name, path, data, cols };
  };
  return [
    { name: "sample-raw.npy", path: "models/sensor/sample-raw.npy", data: raw.data, cols: 3 },
    write("machines.npy", rows, 51),
    write("imbalance.npy", imbalance, 3),
  ];
}

test(`Deno ${DENO}: examples/deno/sensor.ts prints Node's events, from a file and from stdin, on both builds`, async () => {
  const deno = tool("deno", DENO);
  // its compile cache stays in the repository; no look for a newer Deno
  const env = { DENO_DIR: "build/tools/deno/cache", DENO_NO_UPDATE_CHECK: "1" };
  const counts: number[] = [];
  for (const input of inputs()) {
    const expected = await nodeEvents(input.data, input.cols);
    counts.push(expected.split("\n").length - 1);
    const runs = [
      { how: "a file, simd", args: [input.path], stdin: undefined, build: "simd" },
      { how: "stdin, mvp", args: ["--build=mvp", "-"], stdin: readFileSync(input.path), build: "mvp" },
    ];
    for (const r of runs) {
      const p = run(deno, ["run", "--allow-read", "examples/deno/sensor.ts", model, ...r.args], { input: r.stdin, env });
      assert.equal(p.status, 0, `${input.name} from ${r.how}: ${p.stderr}`);
      assert.equal(p.stdout, expected, `${input.name} from ${r.how}`);
      assert.match(p.stderr, new RegExp(`^${counts.at(-1)} events in [\\d.]+ s \\(${r.build} build\\)\\n$`), `${input.name} from ${r.how}`);
    }
  }
  assert.deepEqual(counts, [0, 31, 1]); // the inputs do what they are for
});
