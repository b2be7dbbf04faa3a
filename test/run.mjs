// Bundle the TypeScript tests with esbuild and run them with node's test runner, so that one
// summary (its "ℹ tests / ℹ pass / ℹ fail" lines) covers everything, the as-pect units included
// (test/assembly/as-pect.test.ts runs them). Usage: node test/run.mjs [path filter]
//
// Output: test/reporter.mjs prints each failing test in full (name, error, stack, its diagnostics,
// the output of its file), every skipped or todo test, and node's closing summary as the spec
// reporter prints it; a passing run prints little more than that summary. The figures the tests
// measure (errors against the references, cosines, card figures, budget sizes) are diagnostics of
// passing tests: TINYRNN_VERBOSE=1 node test/run.mjs [filter] uses node's spec reporter instead and
// prints every test with its diagnostics; FRONTEND_REPORT=1 adds the frontend's error table.
import { build } from "esbuild";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const filter = process.argv[2] ?? "";
const entries = readdirSync("test", { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".test.ts") && f.includes(filter))
  .map((f) => join("test", f));
if (entries.length === 0) {
  console.error(`no test files match "${filter}"`);
  process.exit(1);
}
rmSync("build/test", { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: "build/test",
  outbase: "test",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  loader: { ".wasm": "binary" },
  external: ["esbuild"], // test/package.test.ts measures a bundle; esbuild's API cannot be bundled
  sourcemap: "inline",
  logLevel: "warning",
});
const files = entries.map((f) => join("build", f.replace(/\.ts$/, ".mjs")));
const reporter = process.env.TINYRNN_VERBOSE ? "spec" : "./test/reporter.mjs";
const r = spawnSync(process.execPath, ["--enable-source-maps", "--test", `--test-reporter=${reporter}`, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
