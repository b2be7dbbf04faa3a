// examples/worker in workerd (npm's `workerd`, pinned), with its own config.capnp on 127.0.0.1: the
// wake word through /streams/<id> in chunks gives `tinyrnn detect --json`'s events, also when
// workerd is killed half way and started again on the same storage (each Durable Object's state
// comes back from disk); the vibration model through /sensors/<id> gives Node's SensorStream's
// events; 1,000 ids leave the module's memory as it was after 100. Latencies, the state's size and
// the worker's bundle are diagnostics, never asserted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { endianness, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createRuntime, KeywordSpotter, SensorStream, readWav, type DetectionEvent } from "../../host/runtime/index.js";
import { readNpyMatrix } from "../../host/cli/npy.js";
import { jsonLines, run, tool } from "./tools.js";

const WORKERD = "1.20261123.1"; // its --version: "workerd 2026-11-23"
const CONFIG = "examples/worker/config.capnp";
const wake = "models/hey-jarvis/hey-jarvis.tinyrnn", vibration = "models/sensor/vibration.tinyrnn", wav = "models/sample/morning.wav";

// morning.wav is 16 kHz mono 16-bit: its samples back to int16, exactly
const pcm = Int16Array.from(readWav(readFileSync(wav), wav).samples, (x) => Math.round(x * 32768));
const machines = readdirSync("models/sensor/test").filter((f) => /^machine\d+\.npy$/.test(f)).sort()
  .map((f) => readNpyMatrix(readFileSync(`models/sensor/test/${f}`), f).data);
const rows = new Float32Array(machines.reduce((n, m) => n + m.length, 0));
machines.reduce((at, m) => (rows.set(m, at), at + m.length), 0);

const storage = mkdtempSync(join(tmpdir(), "tinyrnn-workerd-"));
let bin = "";
let server: { child: ChildProcess; url: string; output: () => string } | undefined;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** workerd serving the example on a free port of 127.0.0.1, its objects stored in `storage`. */
async function start(): Promise<void> {
  const port = await freePort();
  const child = spawn(bin, ["serve", CONFIG, "--socket-addr", `http=127.0.0.1:${port}`, "--directory-path", `do-storage=${storage}`], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  server = { child, url: `http://127.0.0.1:${port}`, output: () => out };
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) { // 20 s at most
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`workerd exited (${child.exitCode ?? child.signalCode}):\n${out}`);
    const up = await fetch(server.url).then((r) => r.ok, () => false);
    if (up) return void process.stderr.write(`# workerd up on 127.0.0.1:${port} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`workerd did not answer on 127.0.0.1:${port} within 20 s:\n${out}`);
}

/** Stop workerd: `signal` at once (SIGKILL: as a crash), SIGKILL after 5 s if it is still there. */
async function stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  const s = server;
  server = undefined;
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
  const gone = new Promise((r) => s.child.once("exit", r));
  s.child.kill(signal);
  const timer = setTimeout(() => s.child.kill("SIGKILL"), 5000);
  await gone;
  clearTimeout(timer);
}

async function post(path: string, values: Int16Array | Float32Array): Promise<DetectionEvent[]> {
  const body = new Uint8Array(values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
  const r = await fetch(server!.url + path, { method: "POST", body });
  const text = await r.text();
  assert.equal(r.status, 200, `POST ${path}: ${text}${server!.output()}`);
  return JSON.parse(text);
}

async function memoryBytes(): Promise<number> {
  return ((await (await fetch(server!.url)).json()) as { memoryBytes: number }).memoryBytes;
}

function vmRssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
}

/** Send `data` in chunks of `size` values to `path`, chunks [from, to); the events, concatenated. */
async function send(path: string, data: Int16Array | Float32Array, size: number, from = 0, to = Math.ceil(data.length / size)): Promise<DetectionEvent[]> {
  const events: DetectionEvent[] = [];
  for (let k = from; k < to; k++) events.push(...(await post(path, data.subarray(k * size, (k + 1) * size))));
  return events;
}

before(async () => {
  assert.equal(endianness(), "LE", "the test sends typed arrays' bytes as they lie: little-endian");
  const platform = `${process.platform}-${process.arch === "x64" ? "64" : process.arch}`;
  bin = tool("workerd", WORKERD, { bin: `node_modules/@cloudflare/workerd-${platform}/bin/workerd`, says: "workerd 2026-11-23" });
  await start();
});

after(async () => {
  await stop();
  rmSync(storage, { recursive: true, force: true });
});
// the test runner ends a file's process when its tests are done; never leave workerd behind
process.once("exit", () => server?.child.kill("SIGKILL"));

// the same runtime in Node, the reference
const rt = await createRuntime();
const wakeModel = rt.loadModel(readFileSync(wake)), vibrationModel = rt.loadModel(readFileSync(vibration));
const nodeWake = () => new KeywordSpotter(wakeModel).push(pcm, 16000);

test(`workerd ${WORKERD}: /streams/<id> in chunks of 1 s and of 4,001 samples gives tinyrnn detect --json's events`, async () => {
  const cli = run(process.execPath, ["dist/cli.js", "detect", "--json", wake, wav]);
  assert.equal(cli.status, 0, cli.stderr);
  const expected = nodeWake();
  assert.equal(expected.length, 3); // the recording does what it is for
  for (const [id, size] of [["one-second", 16000], ["odd", 4001]] as const) {
    const events = await send(`/streams/${id}`, pcm, size);
    assert.deepEqual(events, expected, `chunks of ${size}: Node's events, unrounded`);
    assert.equal(jsonLines(events), cli.stdout, `chunks of ${size}`);
  }
  assert.deepEqual(await post("/streams", pcm), expected, "one request without an id (no object, nothing kept)");
  const bad = await fetch(`${server!.url}/streams/odd-bytes`, { method: "POST", body: new Uint8Array(3) });
  assert.equal(bad.status, 400, "PCM16 of an odd number of bytes");
});

test("workerd killed half way and started again: each object's state comes back from disk storage", async () => {
  const size = 16000, half = Math.ceil(pcm.length / size / 2);
  const a = await send("/streams/restart-a", pcm, size, 0, half);
  const b = await send("/streams/restart-b", pcm, 4001, 0, 2 * half); // the same time, in other chunks
  await stop("SIGKILL"); // no shutdown: what the responses promised must already be on disk
  await start();
  a.push(...(await send("/streams/restart-a", pcm, size, half)));
  b.push(...(await send("/streams/restart-b", pcm, 4001, 2 * half)));
  const expected = nodeWake();
  assert.deepEqual(a, expected, "1 s chunks across the restart");
  assert.deepEqual(b, expected, "4,001-sample chunks across the restart");
});

test("/sensors/<id>: the vibration model's feature rows in chunks of 37 give Node's SensorStream's events", async () => {
  const sensor = new SensorStream(vibrationModel);
  const F = sensor.model.inputLen;
  const expected = sensor.push(rows);
  assert.equal(expected.length, 31);
  assert.deepEqual(await send("/sensors/machines", rows, 37 * F), expected);
});

test("1,000 ids, a 0.1 s chunk each: the module's memory as after 100; workerd's RSS within its cost per live object", async (t) => {
  const chunk = pcm.subarray(16000, 17600);
  const ids = async (from: number, to: number) => {
    let next = from;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < to) await post(`/streams/id-${next++}`, chunk);
    }));
  };
  const pid = server!.child.pid!;
  await ids(0, 100);
  const rss100 = vmRssKiB(pid), mem100 = await memoryBytes();
  const t0 = performance.now();
  await ids(100, 1000);
  const ms = performance.now() - t0;
  const rss1000 = vmRssKiB(pid), mem1000 = await memoryBytes();
  t.diagnostic(`after 100 ids: RSS ${(rss100 / 1024).toFixed(1)} MiB, module memory ${mem100} bytes; after 1,000: RSS ${(rss1000 / 1024).toFixed(1)} MiB (+${((rss1000 - rss100) / 900).toFixed(0)} KiB per id), module memory ${mem1000} bytes; 900 ids in ${(ms / 1000).toFixed(1)} s`);
  // Every pipeline is freed when its request ends: one left open takes ~31 KiB of the module's
  // memory (its buffers and state; ≥ 16 KiB for its input buffer alone), 900 of them ~27 MiB.
  assert.equal(mem1000, mem100, "the module's linear memory");
  // workerd keeps every object it served until it has been idle 10 s: ~240 KiB each for an object
  // that does nothing at all, ~270 KiB with a small storage write (measured on workerd 2026-11-23).
  // 400 KiB per id is that with room; it is workerd's, not tinyrnn's (which the check above holds).
  assert.ok(rss1000 - rss100 <= 900 * 400, `RSS grew ${rss1000 - rss100} KiB for 900 ids`);
});

test("figures: latency per request, state bytes per stream, the worker's bundle", async (t) => {
  const median = async (n: number, f: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await f();
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[n >> 1].toFixed(2);
  };
  for (const [what, n] of [["0.1 s", 1600], ["1 s", 16000]] as const) {
    const chunk = pcm.subarray(16000, 16000 + n);
    await post("/streams/latency", chunk);
    t.diagnostic(`${what} of audio, median of 50 requests: ${await median(50, () => post("/streams", chunk))} ms without an object or storage, ${await median(50, () => post("/streams/latency", chunk))} ms through its object with the state read and written`);
  }
  const spotter = new KeywordSpotter(wakeModel);
  spotter.push(pcm.subarray(0, 1600), 16000);
  const sensor = new SensorStream(vibrationModel);
  t.diagnostic(`state per stream: ${spotter.saveState().length} bytes (wake word, 16 kHz), ${sensor.saveState().length} bytes (vibration)`);
  // what wrangler uploads: worker.js with tinyrnn/core bundled (its default: not minified), the
  // .wasm and the two models as modules beside it
  const { build } = await import("esbuild");
  for (const minify of [false, true]) {
    const b = await build({ entryPoints: ["examples/worker/worker.js"], bundle: true, format: "esm", minify, write: false, logLevel: "silent",
      alias: { "tinyrnn/core": "./dist/core.js" }, external: ["cloudflare:workers", "tinyrnn/wasm/simd", "*.tinyrnn"] });
    const js = b.outputFiles[0].contents;
    t.diagnostic(`worker bundle${minify ? ", minified" : ""}: ${js.length} bytes JS (${gzipSync(js).length} gzip)`);
  }
  const sizes = ["build/tinyrnn.simd.wasm", wake, vibration].map((f) => readFileSync(f));
  t.diagnostic(`beside it: tinyrnn.simd.wasm ${sizes[0].length} bytes (${gzipSync(sizes[0]).length} gzip), hey-jarvis.tinyrnn ${sizes[1].length}, vibration.tinyrnn ${sizes[2].length}`);
});
