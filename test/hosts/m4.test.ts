// The C host on an emulated Cortex-M4F: examples/mcu/m4.sh builds tinyrnn-c (unchanged) with wasm3,
// and again with WAMR's fast interpreter (both from ../shared/runtimes, extracted once into
// build/m4/, git-ignored), for QEMU's mps2-an386 with arm-none-eabi-gcc, and runs each there, its
// files and stdio over semihosting:
//   selftest  `tinyrnn-c <module> selftest` passes on the M4 (every layer kind, bit for bit)
//   detect    3 s of models/sample/morning.wav (3-6 s, one wake word, cut by `m4.sh clip`) through
//             hey-jarvis with its own detector settings, pushed 10 ms at a time as a device would:
//             the events as `tinyrnn detect --json` prints them on the same clip, byte for byte
//   errors    a missing file: tinyrnn-c's one-line error and status 1, through QEMU; on WAMR, a
//             pool too small for the pipeline's linear memory: "out of WebAssembly memory", no trap
// and again with WAMR's AOT loader, the module compiled for the M4 by wamrc (wamrc() in tools.ts:
// built once into build/runtimes/, Debian's llvm-16-dev installed when missing).
// wasm3 is built in the configuration the README says fits a 256 KB RAM part (-Os, a 4 KiB wasm3
// stack, linear memory capped at 80 KiB); WAMR at -O2 with a 4 KiB stack. The figures
// (instructions per 10 ms hop under -icount shift=0, flash, RAM) are reported as diagnostics,
// never asserted. Where ../shared/runtimes is absent the test says so and is skipped; the Debian
// tools it needs (gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, cmake, make) are
// installed when missing.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { createRuntime, KeywordSpotter } from "../../host/runtime/index.js";
import { decodeWavFrames, readWavHeader } from "../../host/runtime/wav.js";
import { debian, jsonLines, runtimeSource, wamrc, SHARED_RUNTIMES as SHARED } from "./tools.js";

const OUT = resolve("build/m4");
const DIR = join(OUT, "test");
const WASM = "build/tinyrnn.mvp.wasm";
const MODEL = "models/hey-jarvis/hey-jarvis.tinyrnn";
const SKIP = existsSync(SHARED) ? false : `${SHARED} (the wasm3 and WAMR sources) is absent here: the Cortex-M4 build is not built or tested`;
const RUNTIMES = [
  // wasm3 as host/c/README.md says it fits a 256 KB RAM / 1 MB flash part
  { name: "wasm3", env: { OPT: "-Os" }, options: ["--stack-bytes", "4096", "--max-memory", String(80 * 1024)] },
  // WAMR's interpreter is faster at -O2 than at -Os (its handlers are threaded with computed gotos)
  { name: "wamr", env: { OPT: "-O2" }, options: ["--stack-bytes", "4096"] },
] as const;
// WAMR's pool holds linear memory on a device: one too small for the pipeline's second page makes
// memory.grow fail, and the module says so, the model still loaded (its peak is ~331 KB)
const SHORT_POOL = ["--pool-bytes", "300000"];

const sh = (args: string[], env: Record<string, string> = {}, timeout = 600_000) =>
  spawnSync("sh", ["examples/mcu/m4.sh", ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout, maxBuffer: 64 << 20 });

/** The clip, cut by the script, with Node's events for it (once). */
let expected: Promise<{ clip: string; events: string }> | undefined;
function expectations() {
  expected ??= (async () => {
    debian(["gcc-arm-none-eabi", "libnewlib-arm-none-eabi", "qemu-system-arm", "cmake", "make"], "the Cortex-M4 build of the C host (test/hosts/m4.test.ts) needs them");
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const clip = join(DIR, "morning-3-6s.wav");
    const c = sh(["clip", "models/sample/morning.wav", "3", "6", clip]);
    assert.equal(c.status, 0, `m4.sh clip failed: ${c.stderr}`);
    // what Node makes of it, decoded as `tinyrnn detect` decodes it
    const rt = await createRuntime({ wasm: readFileSync(WASM) });
    const m = rt.loadModel(readFileSync(MODEL));
    const wav = readFileSync(clip), f = readWavHeader(wav, wav.length, clip);
    const spotter = new KeywordSpotter(m);
    const events = jsonLines(spotter.push(decodeWavFrames(f, wav.subarray(f.dataOffset, f.dataOffset + f.frames * f.frameBytes)), f.sampleRateHz));
    spotter.dispose();
    m.dispose();
    assert.equal(events.split("\n").length - 1, 1, "Node hears the one wake word in the clip");
    return { clip, events };
  })();
  return expected;
}

/** Build tinyrnn-c for the M4 on `name` with `env`, run the self-test, the clip and a bad path with `module` and `options`. */
async function onTheM4(t: TestContext, what: string, name: "wasm3" | "wamr", env: Record<string, string>, options: readonly string[], module = WASM, before?: () => void) {
  const { clip, events } = await expectations();
  const t0 = performance.now();
  const fw = join(OUT, `tinyrnn-c-m4-${what.replace(/\W+/g, "-")}.elf`);
  const b = sh(["build", name, runtimeSource(name), fw], env);
  assert.equal(b.status, 0, `m4.sh build ${name} failed:\n${b.stderr}`);
  assert.doesNotMatch(b.stderr, /warning:/, `${what}: tinyrnn-c, the C layer and the board support compile and link without warnings (C99, -Wall -Wextra -Wpedantic)`);
  for (const line of b.stderr.split("\n").filter((l) => l.includes("flash"))) t.diagnostic(`${what}: ${line.replace(/^m4\.sh: \S+: /, "firmware: ")}`);
  before?.();
  const built = performance.now();

  const selftest = sh(["run", fw, module, "selftest"]);
  assert.equal(selftest.status, 0, `${what}: the self-test fails on the M4:\n${selftest.stderr}`);
  assert.equal(selftest.stdout, "selftest: ok\n");

  // the model's own settings (its host section), 10 ms at a time
  const run = sh(["run", fw, module, MODEL, clip, "--json", "--max-push", "160", ...options]);
  assert.equal(run.status, 0, `${what}: tinyrnn-c detect on the M4 failed:\n${run.stderr}`);
  assert.equal(run.stdout, events, `${what}: the M4's events are Node's, byte for byte`);
  for (const line of run.stderr.split("\n").filter((l) => l.startsWith("m4: ") || l.includes("steps"))) t.diagnostic(`${what}: ${line}`);

  if (name === "wamr" && module === WASM) {
    const short = sh(["run", fw, module, MODEL, clip, "--json", "--max-push", "160", ...options, ...SHORT_POOL]);
    assert.equal(short.status, 1, `${what}: a pool too small for the pipeline: status 1`);
    assert.equal(short.stderr.split("\n")[0], "tinyrnn-c: opening the pipeline: out of WebAssembly memory");
  }

  const missing = sh(["run", fw, module, MODEL, join(DIR, "no-such.wav"), "--json", ...options]);
  assert.equal(missing.status, 1, `${what}: a missing file: status 1`);
  assert.match(missing.stderr.split("\n")[0], /^tinyrnn-c: cannot read the audio .*no-such\.wav$/);
  t.diagnostic(`${what}: built in ${((built - t0) / 1000).toFixed(1)} s, run in ${((performance.now() - built) / 1000).toFixed(1)} s`);
}

test("the C host on wasm3 and WAMR on an emulated Cortex-M4 (QEMU mps2-an386) gives Node's events", { skip: SKIP }, async (t) => {
  for (const { name, env, options } of RUNTIMES) await onTheM4(t, name, name, env, options);
});

test("WAMR AOT (wamrc for thumbv7em) on the emulated Cortex-M4 gives Node's events", { skip: SKIP }, async (t) => {
  const t0 = performance.now();
  const compiler = wamrc(); // built once, shared with test/hosts/c.test.ts
  t.diagnostic(`wamrc ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const aot = join(OUT, "tinyrnn.m4.aot");
  await onTheM4(t, "wamr AOT", "wamr", { OPT: "-O2", AOT: "1" }, ["--stack-bytes", "4096"], aot, () => {
    const a = sh(["aot", compiler, WASM, aot]);
    assert.equal(a.status, 0, `m4.sh aot failed:\n${a.stderr}`);
    t.diagnostic(`wamr AOT: ${WASM} compiled for the M4: ${readFileSync(aot).length} bytes`);
  });
});
