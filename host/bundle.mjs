// Builds everything `npm start`, `npm test` and the package need, in order:
//   1. the module, both builds (asconfig.json's targets simd and mvp) → build/tinyrnn.{simd,mvp}.wasm
//   2. the bundles → dist/: one per package entry, and the CLI
//   3. the entries' type declarations → dist/types/
// Usage: node host/bundle.mjs [wasm|js|types]...   (no argument: all three)
import asc from "assemblyscript/asc";
import binaryen from "binaryen"; // pinned in package.json to the version assemblyscript itself depends on
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const version = JSON.parse(readFileSync("package.json", "utf8")).version;

/** Package entry → its bundle. The runtime entries have no Node built-ins (test/build.test.ts). */
export const ENTRIES = {
  ".": { in: "host/runtime/index.ts", out: "dist/tinyrnn.js" },
  "./core": { in: "host/runtime/core.ts", out: "dist/core.js" },
  "./build": { in: "host/build/index.ts", out: "dist/build.js" },
  "./eval": { in: "host/eval/index.ts", out: "dist/eval.js" },
  "./worklet": { in: "host/runtime/worklet.ts", out: "dist/worklet.js" },
};

async function wasm() {
  for (const target of ["simd", "mvp"]) {
    let stderr = "";
    const r = await asc.main(["--target", target], { stdout: process.stdout, stderr: { write: (s) => { stderr += s; return true; } } });
    // binaryen's note that --converge stopped at a fixpoint it did not prove optimal: not a problem
    const rest = stderr.split("\n").filter((l) => l && l !== "Last converge was suboptimal.");
    if (rest.length) console.error(rest.join("\n"));
    if (r.error) throw new Error(`asc --target ${target} failed: ${r.error.message}`);
    shrink(`build/tinyrnn.${target}.wasm`, target === "simd");
  }
}

/**
 * One more binaryen pipeline at -Os over asc's -O3 output (asc's own shrink levels do not get
 * there): measured 430 bytes less in the simd build, step times unchanged. The features are the
 * build's own, so that the pass adds no instruction the target lacks.
 */
function shrink(file, simd) {
  const F = binaryen.Features;
  const m = binaryen.readBinary(readFileSync(file));
  try {
    m.setFeatures(F.MVP | F.MutableGlobals | F.NontrappingFPToInt | F.SignExt | (simd ? F.SIMD128 | F.BulkMemory : 0));
    // wasm-opt -Os: its levels, and the inlining and memory options asc changed put back to binaryen's defaults
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(1);
    binaryen.setAlwaysInlineMaxSize(2);
    binaryen.setFlexibleInlineMaxSize(20);
    binaryen.setOneCallerInlineMaxSize(-1);
    binaryen.setAllowInliningFunctionsWithLoops(false);
    binaryen.setLowMemoryUnused(false);
    binaryen.setZeroFilledMemory(false);
    binaryen.setFastMath(false);
    m.optimize();
    if (!m.validate()) throw new Error(`${file}: invalid after the -Os pass`);
    writeFileSync(file, m.emitBinary());
  } finally {
    m.dispose();
  }
}

/**
 * The runtime's code lives once, in dist/core.js: "." (dist/tinyrnn.js) adds the embedded module to
 * it and "./eval" imports it, so an import of host/runtime/core from those entries is left to run
 * time. "./worklet" stays one self-contained file (minified): what audioWorklet.addModule() loads,
 * also as a classic script.
 */
const sharedEntries = (entries) => ({
  name: "shared-entries",
  setup(b) {
    b.onResolve({ filter: /(core|index)\.js$/ }, (args) => {
      const file = resolve(args.resolveDir, args.path);
      for (const [src, out] of Object.entries(entries)) if (file === resolve(src)) return { path: out, external: true };
      return undefined;
    });
  },
});
const shareRuntime = sharedEntries({ "host/runtime/core.js": "./core.js", "host/runtime/index.js": "./tinyrnn.js" });
// the CLI imports the runtime, the build tools and the evaluation from their bundles beside it
const shareAll = sharedEntries({ "host/runtime/core.js": "./core.js", "host/build/index.js": "./build.js", "host/eval/index.js": "./eval.js" });

async function js() {
  const common = { bundle: true, format: "esm", target: "es2022", loader: { ".wasm": "binary" }, logLevel: "warning" };
  // the runtime entries stay readable; the developer tools (converter, CLI), larger, are minified
  for (const [name, e] of Object.entries(ENTRIES)) {
    const shared = name === "." || name === "./eval";
    await build({ ...common, entryPoints: [e.in], outfile: e.out, minify: name === "./build" || name === "./worklet", plugins: shared ? [shareRuntime] : [] });
  }
  await build({
    ...common, entryPoints: ["host/cli/cli.ts"], outfile: "dist/cli.js", platform: "node", minify: true, plugins: [shareAll],
    banner: { js: "#!/usr/bin/env node" }, define: { TINYRNN_VERSION: JSON.stringify(version) },
  });
}

function types() {
  const r = spawnSync("node_modules/.bin/tsc", ["--ignoreConfig",
    ...Object.values(ENTRIES).map((e) => e.in), "host/runtime/wasm.d.ts",
    "--declaration", "--emitDeclarationOnly", "--outDir", "dist/types", "--rootDir", ".", "--target", "ES2022",
    "--module", "ESNext", "--moduleResolution", "bundler", "--lib", "ES2022,DOM", "--strict", "--skipLibCheck", "--types", "node"],
  { stdio: "inherit" });
  if (r.status !== 0) throw new Error("tsc could not write the type declarations");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const steps = process.argv.slice(2);
  const all = steps.length === 0;
  try {
    if (all || steps.includes("wasm")) await wasm();
    if (all || steps.includes("js")) await js();
    if (all || steps.includes("types")) types();
  } catch (e) {
    // exit here: binaryen's uncaught-exception handler would print its whole source
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
