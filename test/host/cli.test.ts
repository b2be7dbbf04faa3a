// The tinyrnn command line, run as a user would (node dist/cli.js …).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildModel, createRuntime, type LayerSpec } from "../../host/index.js";
import { readNpyMatrix, writeNpyMatrix } from "../../host/npy.js";
import { rng, uniform, signal } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tinyrnn-cli-"));
const r = rng(31);
const specs: LayerSpec[] = [
  { kind: "gru", inputLen: 8, hiddenLen: 16, weightIh: uniform(r, 48 * 8, 0.25), weightHh: uniform(r, 48 * 16, 0.25) },
  { kind: "dense", inputLen: 16, outputLen: 4, weight: uniform(r, 64, 0.25), activation: "softmax" },
];
const modelPath = join(dir, "m.tinyrnn");
const bytes = buildModel(specs, { numType: "int8", calibration: [signal(rng(32), 200, 8)], metadata: { labels: ["a", "b", "c", "d"] } });
writeFileSync(modelPath, bytes);
const x = signal(rng(33), 120, 8);
const inputPath = join(dir, "x.npy");
writeFileSync(inputPath, writeNpyMatrix(x, 120, 8));

function cli(...args: string[]) {
  const p = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
  return { code: p.status, out: p.stdout, err: p.stderr };
}

test("run streams a [T, F] .npy through the model and writes [T, O] equal to Stream.run", async () => {
  const out = join(dir, "y.npy");
  const res = cli("run", modelPath, inputPath, "-o", out);
  assert.equal(res.code, 0, res.err);
  assert.match(res.err, /120 steps/);
  const y = readNpyMatrix(readFileSync(out), "y");
  assert.deepEqual([y.rows, y.cols], [120, 4]);
  const rt = await createRuntime();
  assert.deepEqual([...y.data], [...rt.loadModel(bytes).openStream().run(x)]);
  for (const build of ["simd", "mvp"]) assert.equal(cli("run", modelPath, inputPath, "-o", out, "--build", build).code, 0);
});

test("inspect prints layers, shapes, number types and bytes; --json is machine-readable", () => {
  const res = cli("inspect", modelPath);
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /int8/);
  assert.match(res.out, /gru\s+8 → 16\s+hidden 16, reset after/);
  assert.match(res.out, /dense\s+16 → 4\s+activation softmax/);
  assert.match(res.out, /labels: \["a","b","c","d"\]/);
  const j = JSON.parse(cli("inspect", modelPath, "--json").out);
  assert.equal(j.numType, "int8");
  assert.equal(j.layers.length, 2);
  assert.equal(j.layers[0].params.hiddenLen, 16);
  assert.ok(j.weightBytes > 0 && j.stateBytesPerStream > 0);
});

test("bad arguments and bad files give one clear line and a non-zero exit", () => {
  const oneLine = (s: string) => s.trim().split("\n")[0];
  const usage = [[], ["frobnicate"], ["run", modelPath], ["run", modelPath, inputPath], ["inspect"], ["run", modelPath, inputPath, "-o"], ["inspect", modelPath, "--bogus"]];
  for (const args of usage) {
    const res = cli(...args);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.err}`);
    assert.match(oneLine(res.err), /^tinyrnn: /);
  }
  const corrupt = join(dir, "corrupt.tinyrnn");
  const c = bytes.slice(); c[200] ^= 1; writeFileSync(corrupt, c);
  const f64 = join(dir, "f64.npy");
  writeFileSync(f64, new Uint8Array(Buffer.from(readFileSync(inputPath)).subarray(0, 60)));
  const wide = join(dir, "wide.npy");
  writeFileSync(wide, writeNpyMatrix(new Float32Array(30), 3, 10));
  const cases: [string[], RegExp][] = [
    [["inspect", join(dir, "missing.tinyrnn")], /cannot read model .*missing\.tinyrnn: no such file/],
    [["inspect", dir], /it is a directory/],
    [["inspect", inputPath], /not a tinyrnn model file/],
    [["inspect", corrupt], /corrupt \(checksum mismatch\)/],
    [["run", corrupt, inputPath, "-o", join(dir, "o.npy")], /checksum/],
    [["run", modelPath, f64, "-o", join(dir, "o.npy")], /not a valid \.npy file/],
    [["run", modelPath, wide, "-o", join(dir, "o.npy")], /10 features per step; .* takes 8/],
    [["run", modelPath, inputPath, "-o", join(dir, "no/such/dir/o.npy")], /cannot write/],
  ];
  for (const [args, msg] of cases) {
    const res = cli(...args);
    assert.equal(res.code, 1, `${args.join(" ")}: ${res.err}`);
    assert.equal(res.err.trim().split("\n").length, 1, res.err);
    assert.match(res.err, msg);
  }
});
