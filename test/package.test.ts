// What the package ships, held to its budgets (the design's targets): the module's two builds, the
// runtime entry a browser or a Worker loads, and the npm tarball: its size, what must be in it and
// what must not. Each test reports its measured figures as a diagnostic (TINYRNN_VERBOSE=1 prints them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const MODULE_MAX_BYTES = 32768; // 32 KiB per build: all kernels, the frontend and the detector
// The runtime without the module, as an app's bundler builds it for its job (minified, then gzip -9):
// the runtime and a KeywordSpotter, or the runtime and a SensorStream — the design's 8 KB gzip. The
// whole of "./core" (both, the WAV reader, the detector's settings, every error) has its own budget.
const JOB_MAX_MIN_BYTES = 24_000;
const JOB_MAX_GZIP_BYTES = 8_000;
const CORE_MAX_MIN_BYTES = 28_000;
const CORE_MAX_GZIP_BYTES = 10_000;
const PACK_MAX_BYTES = 600_000; // the npm tarball

const kb = (n: number) => n.toLocaleString("en");

for (const b of ["simd", "mvp"]) {
  test(`the ${b} module build is at most 32 KiB`, (t) => {
    const bytes = statSync(`build/tinyrnn.${b}.wasm`).size;
    t.diagnostic(`build/tinyrnn.${b}.wasm: ${kb(bytes)} B of ${kb(MODULE_MAX_BYTES)}`);
    assert.ok(bytes <= MODULE_MAX_BYTES, `build/tinyrnn.${b}.wasm is ${kb(bytes)} B, over ${kb(MODULE_MAX_BYTES)} B`);
  });
}

async function minifiedBytes(contents: string): Promise<[number, number]> {
  const r = await build({
    stdin: { contents, resolveDir: ".", loader: "ts" }, bundle: true, format: "esm", target: "es2022", minify: true,
    write: false, logLevel: "silent",
  });
  const js = r.outputFiles[0].contents;
  return [js.length, gzipSync(js, { level: 9 }).length];
}

test("the runtime without the module, for one job, is at most 24 KB minified and 8 KB gzip; all of ./core 28 KB and 10 KB", async (t) => {
  // host/runtime/core.ts is ./core's entry (ENTRIES in host/bundle.mjs); bundled as a user's bundler would
  const cases: [string, string, number, number][] = [
    ["keyword spotting (Runtime, KeywordSpotter)", "export { Runtime, KeywordSpotter } from './host/runtime/core.ts';", JOB_MAX_MIN_BYTES, JOB_MAX_GZIP_BYTES],
    ["sensor scoring (Runtime, SensorStream)", "export { Runtime, SensorStream } from './host/runtime/core.ts';", JOB_MAX_MIN_BYTES, JOB_MAX_GZIP_BYTES],
    ["all of ./core", "export * from './host/runtime/core.ts';", CORE_MAX_MIN_BYTES, CORE_MAX_GZIP_BYTES],
  ];
  for (const [what, entry, maxMin, maxGz] of cases) {
    const [min, gz] = await minifiedBytes(entry);
    const figures = `${what}: ${kb(min)} B minified (budget ${kb(maxMin)}), ${kb(gz)} B gzip -9 (budget ${kb(maxGz)})`;
    t.diagnostic(figures);
    assert.ok(min <= maxMin, figures);
    assert.ok(gz <= maxGz, figures);
  }
});

test("the runtime and eval bundles use no Node built-ins (the CLI and the build tools may)", () => {
  for (const f of ["dist/tinyrnn.js", "dist/core.js", "dist/eval.js"]) {
    const src = readFileSync(f, "utf8");
    assert.doesNotMatch(src, /from\s+["']node:|require\(["'](node:)?(fs|path|os|child_process)["']\)|\bprocess\.|\bBuffer\./, f);
  }
  assert.ok(readFileSync("dist/types/host/runtime/index.d.ts", "utf8").includes("createRuntime"));
});

// Shipped models with no README card of their own, and why.
const NO_README: Record<string, string> = {
  "models/demo/activity.tinyrnn": "the activity demo: the top-level README describes it",
};

test("npm pack: at most 600 KB; the bundles, both builds and every model with its card; no recipe, test set, audio or .npy", (t) => {
  const p = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { encoding: "utf8" });
  assert.equal(p.status, 0, p.stderr);
  const [pack] = JSON.parse(p.stdout) as { size: number; unpackedSize: number; files: { path: string; size: number }[] }[];
  const files = pack.files.map((f) => f.path).sort();
  t.diagnostic(`npm pack: ${kb(pack.size)} B packed (budget ${kb(PACK_MAX_BYTES)}), ${kb(pack.unpackedSize)} B unpacked, ${files.length} files`);
  const unwanted: [RegExp, string][] = [
    [/^models\/train\//, "a training recipe"],
    [/^models\/[^/]+\/(.+\/)?test\//, "a test set"],
    [/^models\/commands\/near-misses\//, "a test set"],
    [/\.wav$/i, "audio"],
    [/\.npy(\.gz)?$/i, "a .npy array"],
  ];
  const shipped = files.flatMap((f) => unwanted.filter(([re]) => re.test(f)).map(([, what]) => `${f} (${what})`));
  assert.deepEqual(shipped, [], "the tarball holds files it must not");
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const declared = [
    ...Object.values(pkg.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e))),
    ...Object.values(pkg.bin),
  ].map((f) => f.replace(/^\.\//, ""));
  const models = (readdirSync("models", { recursive: true }) as string[])
    .filter((f) => f.endsWith(".tinyrnn") && !f.startsWith("train"))
    .map((f) => join("models", f));
  assert.ok(models.length > 0, "no models/**/*.tinyrnn");
  const cards = models.filter((m) => !(m in NO_README)).map((m) => join(dirname(m), "README.md"));
  for (const m of cards) assert.ok(existsSync(m), `${m}: a shipped model's folder needs its README card`);
  const required = ["dist/tinyrnn.js", "dist/core.js", "dist/build.js", "dist/eval.js", "dist/cli.js",
    "build/tinyrnn.simd.wasm", "build/tinyrnn.mvp.wasm", ...declared, ...models, ...cards];
  assert.deepEqual([...new Set(required)].filter((f) => !files.includes(f)).sort(), [], "the tarball lacks files it must hold");
  assert.ok(pack.size <= PACK_MAX_BYTES, `the tarball is ${kb(pack.size)} B, over ${kb(PACK_MAX_BYTES)} B`);
});
