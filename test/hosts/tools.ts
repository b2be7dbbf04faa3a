// The other JavaScript runtimes the examples run on (Deno, Bun, workerd), as their npm packages ship
// them: installed when missing into build/tools/<name>/ (git-ignored, outside the project's lock)
// with npm, at a pinned version. A tool that cannot be installed fails the test with the reason.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The binary of `name`@`version`, installed first if it is not there yet: `bin` (under the install
 * prefix; default node_modules/.bin/<name>), whose `--version` prints `says` (default: the version).
 */
export function tool(name: "deno" | "bun" | "workerd", version: string, opts: { bin?: string; says?: string } = {}): string {
  const prefix = resolve("build/tools", name);
  const bin = resolve(prefix, opts.bin ?? `node_modules/.bin/${name}`);
  const says = opts.says ?? version;
  const works = () => {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    return r.status === 0 && r.stdout.includes(says);
  };
  if (works()) return bin;
  process.stderr.write(`# installing ${name}@${version} into build/tools/${name} with npm…\n`);
  const t0 = performance.now();
  const npm = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `${name}@${version}`], { encoding: "utf8", timeout: 300_000 });
  if (!works()) {
    const why = npm.error ? npm.error.message : npm.status !== 0 ? npm.stderr.trim().split("\n").slice(-5).join("\n") : `npm installed it but ${bin} --version does not answer ${says} (were its install scripts skipped?)`;
    throw new Error(`could not install ${name}@${version} (npm install --prefix build/tools/${name} ${name}@${version}):\n${why}`);
  }
  process.stderr.write(`# ${name} ${version} installed in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return bin;
}

/**
 * Debian's `packages`, installed with apt-get where one is missing (`dpkg -s` says): `apt-get update`
 * at most once an hour (build/tools/apt-updated), then `apt-get install -y`, waiting for another
 * test's apt-get to let go of the lock. Needs root and Debian's package servers; `hint` says what
 * the test needs them for, in the error when they cannot be had.
 */
export function debian(packages: string[], hint: string): void {
  const missing = packages.filter((p) => spawnSync("dpkg", ["-s", p], { stdio: "ignore" }).status !== 0);
  if (missing.length === 0) return;
  const apt = (args: string[]) => {
    const r = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=900", ...args], { stdio: ["ignore", 2, 2], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, timeout: 1_800_000 });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (${r.error ? r.error.message : `exit status ${r.status}`}): ${hint}`);
  };
  const stamp = resolve("build/tools/apt-updated");
  if (!existsSync(stamp) || Date.now() - statSync(stamp).mtimeMs > 3_600_000) {
    process.stderr.write(`# ${missing.join(", ")} missing: apt-get update…\n`);
    apt(["update", "-q"]);
    mkdirSync(dirname(stamp), { recursive: true });
    writeFileSync(stamp, new Date().toISOString() + "\n");
  }
  process.stderr.write(`# apt-get install -y ${missing.join(" ")}…\n`);
  const t0 = performance.now();
  apt(["install", "-y", "-q", ...missing]);
  process.stderr.write(`# installed in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

/** ../shared/runtimes: the wasm3 and WAMR sources (not on npm or Debian); absent from a fresh clone elsewhere. */
export const SHARED_RUNTIMES = resolve("../shared/runtimes");
const RUNTIMES_OUT = resolve("build/runtimes");

/** Run `fn` holding the lock `name` in build/runtimes/ (another test process waits; a lock older than an hour is stale). */
function locked<T>(name: string, fn: () => T): T {
  const lock = join(RUNTIMES_OUT, `${name}.lock`);
  mkdirSync(RUNTIMES_OUT, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 3_600_000) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** `<name>-*.tar.gz` of ../shared/runtimes extracted into build/runtimes/ (once): its directory. */
export function runtimeSource(name: "wasm3" | "wamr"): string {
  const tarball = readdirSync(SHARED_RUNTIMES).find((f) => f.startsWith(`${name}-`) && f.endsWith(".tar.gz"));
  if (!tarball) throw new Error(`${SHARED_RUNTIMES} has no ${name}-*.tar.gz`);
  const src = join(RUNTIMES_OUT, tarball.replace(/\.tar\.gz$/, ""));
  return locked(name, () => {
    if (!existsSync(join(src, ".extracted"))) {
      process.stderr.write(`# extracting ${tarball} into ${src}\n`);
      rmSync(src, { recursive: true, force: true });
      mkdirSync(src, { recursive: true });
      const tar = spawnSync("tar", ["-xzf", join(SHARED_RUNTIMES, tarball), "-C", src], { encoding: "utf8" });
      if (tar.status !== 0) throw new Error(`tar -xzf ${tarball}: ${tar.stderr}`);
      writeFileSync(join(src, ".extracted"), tarball + "\n");
    }
    return src;
  });
}

/** WAMR's AOT compiler, built once with `examples/mcu/build.sh wamrc` into build/runtimes/wamrc
 * (Debian's llvm-16-dev installed first when missing; 30-45 s on two cores), shared by the tests. */
export function wamrc(): string {
  debian(["llvm-16-dev"], "WAMR's AOT compiler wamrc builds against LLVM 16: apt-get install llvm-16-dev");
  const src = runtimeSource("wamr"), bin = join(RUNTIMES_OUT, "wamrc");
  return locked("wamrc", () => {
    if (existsSync(bin) && spawnSync(bin, ["--version"]).status === 0) return bin;
    const t0 = performance.now();
    process.stderr.write(`# building wamrc (once; its CMake build stays in ${src}/build-wamrc)…\n`);
    const b = spawnSync("sh", ["examples/mcu/build.sh", "wamrc", src, bin], { encoding: "utf8" });
    if (b.status !== 0) throw new Error(`examples/mcu/build.sh wamrc failed:\n${b.stderr}`);
    process.stderr.write(`# wamrc ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return bin;
  });
}

/** Run a command from the repository's root; its stdout and stderr as text. */
export function run(bin: string, args: string[], opts: { input?: Uint8Array; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  return spawnSync(bin, args, { encoding: "utf8", input: opts.input, env: { ...process.env, NO_COLOR: "1", ...opts.env }, maxBuffer: 64 << 20 });
}

/** Events as `tinyrnn detect --json` prints them: one JSON object per line. */
export function jsonLines(events: { label: string; score: number; startMs: number; endMs: number }[]): string {
  return events.map((e) => JSON.stringify({ label: e.label, score: Number(e.score.toFixed(4)), startMs: Math.round(e.startMs), endMs: Math.round(e.endMs) }) + "\n").join("");
}
