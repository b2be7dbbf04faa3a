// The peers' packages: installed by the bench itself into build/peers (git-ignored), from the
// pinned bench/peers/package.json and its lock, with ONNXRUNTIME_NODE_INSTALL=skip (the binaries
// onnxruntime-node needs for linux/darwin/win32 ship inside its npm package; the skip stops its
// install script from fetching CUDA ones) and no install scripts at all. Reinstalled only when the
// lock changes. tinyrnn's own package.json gains no dependency.
//
// The peers are loaded with require() from build/peers (their CommonJS builds), so the bench
// type-checks and bundles without them: the adapters declare the few calls they make.

import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

export const PEERS_DIR = resolve("build/peers");
const MANIFEST = "bench/peers/package.json";
const LOCK = "bench/peers/package-lock.json";
const STAMP = join(PEERS_DIR, "installed-lock.json");

/** Install the pinned peers into build/peers unless the same lock is installed already. */
export function installPeers(log: (s: string) => void): void {
  const lock = readFileSync(LOCK, "utf8");
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === lock) return;
  mkdirSync(PEERS_DIR, { recursive: true });
  copyFileSync(MANIFEST, join(PEERS_DIR, "package.json"));
  copyFileSync(LOCK, join(PEERS_DIR, "package-lock.json"));
  const deps = Object.entries(JSON.parse(readFileSync(MANIFEST, "utf8")).dependencies as Record<string, string>);
  log(`installing the peers into build/peers (npm ci, once; ~800 MB, mostly onnxruntime-node's binaries for every platform): ${deps.map(([n, v]) => `${n}@${v}`).join(", ")} …`);
  const t0 = performance.now();
  // the npm running `npm run bench:peers` (npm_execpath): a bare "npm" inside an npm script may find
  // an old one in node_modules/.bin first
  const cli = process.env.npm_execpath;
  const [cmd, pre] = cli && /npm-cli\.js$/.test(cli) ? [process.execPath, [cli]] : [process.platform === "win32" ? "npm.cmd" : "npm", []];
  const r = spawnSync(cmd, [...pre, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: PEERS_DIR, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" },
  });
  if (r.status !== 0) throw new Error(`npm ci in build/peers failed (exit ${r.status ?? r.signal}); see above`);
  writeFileSync(STAMP, lock);
  log(`installed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** require() from build/peers. */
export const peerRequire = createRequire(join(PEERS_DIR, "package.json"));

/** A peer package's installed version. */
export function peerVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(PEERS_DIR, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** A file inside build/peers/node_modules. */
export const peerFile = (path: string) => join(PEERS_DIR, "node_modules", path);

export interface ShippedFile {
  /** where it is: a path in the repository, `npm:<package>/<path>`, or what it is */
  file: string;
  bytes: number;
  /** gzip -9, for files that go over the wire; null for native libraries */
  gzipBytes: number | null;
}

const gzipCache = new Map<string, number>();

/** Sizes of files a user ships; `npm:` names resolve into build/peers/node_modules. */
export function shipped(files: string[], gzip = true): ShippedFile[] {
  return files.map((file) => {
    const path = file.startsWith("npm:") ? peerFile(file.slice(4)) : file;
    if (gzip && !gzipCache.has(path)) gzipCache.set(path, gzipSync(readFileSync(path), { level: 9 }).length);
    return { file, bytes: statSync(path).size, gzipBytes: gzip ? gzipCache.get(path)! : null };
  });
}
