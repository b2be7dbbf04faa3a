// The web example (examples/web) in headless Chromium, as a person would use it: the page served by
// examples/web/serve.mjs on 127.0.0.1, "Microphone" pressed, Chromium's fake microphone playing the
// sample recording (models/sample/morning.wav at 48 kHz) into a 48 kHz AudioContext, the
// "tinyrnn" worklet (dist/worklet.js) hearing it in a real AudioWorkletGlobalScope.
//
// What it needs it installs when missing, saying so on stderr: Debian's chromium (apt-get update,
// then apt-get install -y chromium: root and Debian's package servers) and npm's playwright-core
// into build/tools (outside the project's lock; it drives the browser and downloads none). Without
// them the test fails with the reason: it is never skipped.
//
// The fake microphone runs in real time, so the test lasts one pass of the file (24.8 s) plus
// Chromium's start: about 30 s once installed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { writeWav } from "../../host/runtime/wav.js";
import { sampleAt48k } from "./worklet-scope.js";
import { debian } from "./tools.js";

const PLAYWRIGHT_CORE = "1.65.1";
const TOOLS = "build/tools";
const OUT = "build/browser";
/** The sample's wake words end here (`tinyrnn detect … --json`), and its gated commands (examples/assistant.mjs). */
const WAKE_END_MS = [5440, 12640, 18750];
const COMMANDS = [{ label: "stop", endMs: 14080 }, { label: "go", endMs: 19940 }];
/**
 * Chromium's fake microphone starts reading the file when the capture starts, a moment before the
 * page connects it to the worklet; measured on this machine, the events came 0–10 ms after the
 * file's own times (one 10 ms frame: the frames' grid shifts with where the page joined). ±100 ms
 * is ten frames: room for a slower machine's start, far less than the gap between any two events.
 */
const TOLERANCE_MS = 100;
const FILE_MS = 24790;

/** The little of playwright-core's API used here (it is no dependency of the project: not typed by it). */
interface Playwright { chromium: { launch(o: { executablePath: string; args: string[]; timeout: number }): Promise<Browser> } }
interface Browser { newPage(o: { viewport: { width: number; height: number } }): Promise<Page>; close(): Promise<void> }
interface Page {
  on(event: "pageerror", f: (e: Error) => void): void;
  on(event: "console", f: (m: { type(): string; text(): string }) => void): void;
  goto(url: string): Promise<unknown>;
  waitForFunction<A>(f: (arg: A) => unknown, arg?: A, o?: { timeout?: number; polling?: number }): Promise<unknown>;
  click(selector: string): Promise<void>;
  evaluate<R, A = undefined>(f: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  screenshot(o: { path: string; fullPage?: boolean }): Promise<unknown>;
}
/** What examples/web/app.js keeps in window.demo. */
interface Demo {
  state: string;
  heardMs: number;
  error: string;
  events: { kind: string; label: string; score: number; endMs: number }[];
  info: Record<string, { build: string; sampleRateHz: number }>;
}
declare const demo: Demo; // the page's global, in page functions

const say = (msg: string) => process.stderr.write(`browser test: ${msg}\n`);

function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
}

/** Debian's chromium: there already, or installed with apt-get (see debian() in tools.ts). */
function installChromium(): string {
  const found = chromiumPath();
  if (found) return found;
  debian(["chromium"], "this test needs Debian's chromium: install it with apt-get install chromium, or set CHROMIUM_PATH to a Chromium binary");
  const installed = chromiumPath();
  if (!installed) throw new Error("apt-get installed chromium, but no /usr/bin/chromium is there");
  return installed;
}

/** npm's playwright-core in build/tools (ignored by git, outside node_modules and the lock). */
function installPlaywright(): Playwright {
  const pkg = resolve(TOOLS, "node_modules/playwright-core/package.json");
  const have = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version : undefined;
  if (have !== PLAYWRIGHT_CORE) {
    say(`npm install --no-save --prefix ${TOOLS} playwright-core@${PLAYWRIGHT_CORE}${have ? ` (have ${have})` : ""}`);
    mkdirSync(TOOLS, { recursive: true });
    const r = spawnSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", TOOLS, `playwright-core@${PLAYWRIGHT_CORE}`],
      { stdio: ["ignore", 2, 2], env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" }, timeout: 300_000 });
    if (r.status !== 0) throw new Error(`could not install playwright-core@${PLAYWRIGHT_CORE} from the npm registry (${r.error?.message ?? `exit status ${r.status}`})`);
  }
  // resolved at run time from build/tools: not bundled into the test
  return createRequire(resolve(TOOLS, "package.json"))("playwright-core") as Playwright;
}

/** examples/web/serve.mjs on a free port; resolves with the page's URL. */
function serve(): Promise<{ url: string; server: ChildProcess }> {
  const server = spawn(process.execPath, ["examples/web/serve.mjs", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((res, rej) => {
    let out = "";
    server.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(out);
      if (m) res({ url: m[0], server });
    });
    server.on("exit", (code) => rej(new Error(`examples/web/serve.mjs exited (${code}) before it printed its URL: ${out}`)));
  });
}

let browser: Browser | undefined;
let server: ChildProcess | undefined;
let url = "";
let wav = "";

before(async () => {
  const started = Date.now();
  const executablePath = installChromium();
  const { chromium } = installPlaywright();
  say(`chromium and playwright-core ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(existsSync("dist/worklet.js"), "dist/worklet.js is missing: npm run build");
  mkdirSync(OUT, { recursive: true });
  wav = resolve(OUT, "morning-48k.wav");
  writeFileSync(wav, writeWav([sampleAt48k()], 48000, "16"));
  ({ url, server } = await serve());
  browser = await chromium.launch({
    executablePath,
    timeout: 60_000,
    args: [
      "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
      `--use-file-for-fake-audio-capture=${wav}%noloop`, // one pass, then silence
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}, { timeout: 1_200_000 });

after(async () => {
  await browser?.close();
  server?.kill();
});

/** A page of the example, with its errors collected. */
async function openPage(query = ""): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 860, height: 700 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  await page.goto(url + query);
  await page.waitForFunction(() => document.getElementById("status")!.textContent!.startsWith("Ready"), undefined, { timeout: 15_000 });
  return { page, problems };
}

interface OfflineCase { rateHz: number; build?: string; module?: string }
interface OfflineResult { ready?: { build: string; sampleRateHz: number }; events: { label: string; endMs: number; score: number }[]; errors: { code: string; message: string }[]; renderMs: number; baselineMs: number }

/** The sample through an OfflineAudioContext at rateHz (decodeAudioData resamples it) into the worklet; runs in the page. */
async function offline({ rateHz, build, module }: OfflineCase): Promise<OfflineResult> {
  const bytes = async (path: string) => (await fetch(path)).arrayBuffer();
  const render = async (withNode: boolean) => {
    const ctx = new OfflineAudioContext(1, Math.round(24.8 * rateHz), rateHz);
    const source = new AudioBufferSourceNode(ctx, { buffer: await ctx.decodeAudioData(await bytes("../../models/sample/morning.wav")) });
    const messages: { type: string }[] = [];
    if (withNode) {
      await ctx.audioWorklet.addModule("../../dist/worklet.js");
      const options: Record<string, unknown> = { model: await bytes("../../models/hey-jarvis/hey-jarvis.tinyrnn") };
      if (build) options.build = build;
      if (module) options.wasm = await WebAssembly.compile(await bytes(module));
      const node = new AudioWorkletNode(ctx, "tinyrnn", { numberOfOutputs: 0, processorOptions: options });
      await new Promise<void>((res) => { node.port.onmessage = ({ data }) => { messages.push(data); res(); }; });
      source.connect(node);
    } else source.connect(ctx.destination);
    source.start();
    const t0 = performance.now();
    await ctx.startRendering();
    const renderMs = performance.now() - t0;
    // the port's messages trail the rendering: wait for a quiet 300 ms
    for (let n = -1; n !== messages.length; ) { n = messages.length; await new Promise((r) => setTimeout(r, 300)); }
    return { renderMs, messages };
  };
  const baseline = await render(false);
  const { renderMs, messages } = await render(true);
  const of = <T>(type: string) => messages.filter((m) => m.type === type) as T[];
  return { ready: of<OfflineResult["ready"]>("ready")[0], events: of("event"), errors: of("error"), renderMs, baselineMs: baseline.renderMs };
}

test("in Chromium, faster than real time (OfflineAudioContext): both builds, a module from the page, the CLI's events", async (t) => {
  const { page, problems } = await openPage();
  const brief = (r: OfflineResult) => r.events.map((e) => `${e.label}@${e.endMs}`);
  const cli = ["hey_jarvis@5440", "hey_jarvis@12640", "hey_jarvis@18750"];
  for (const [c, build] of [[{ rateHz: 16000 }, "simd"], [{ rateHz: 16000, build: "mvp" }, "mvp"], [{ rateHz: 16000, module: "../../build/tinyrnn.mvp.wasm" }, "mvp"]] as const) {
    const r = await page.evaluate(offline, c);
    assert.deepEqual(r.errors, [], JSON.stringify(c));
    assert.equal(r.ready?.build, build, JSON.stringify(c));
    assert.deepEqual(brief(r), cli, `16 kHz, not resampled: exactly the CLI's events (${JSON.stringify(c)})`);
  }
  for (const rateHz of [44100, 48000]) {
    const r = await page.evaluate(offline, { rateHz });
    const quanta = Math.round(24.8 * rateHz) / 128;
    t.diagnostic(`${rateHz} Hz: ${brief(r).join(" ")}; rendered 24.8 s in ${r.renderMs.toFixed(0)} ms (${r.baselineMs.toFixed(0)} ms without tinyrnn): ` +
      `${(((r.renderMs - r.baselineMs) / quanta) * 1000).toFixed(1)} µs per 128-frame quantum`);
    assert.deepEqual(r.events.map((e) => e.label), ["hey_jarvis", "hey_jarvis", "hey_jarvis"], `${rateHz} Hz`);
    r.events.forEach((e, i) => assert.ok(Math.abs(e.endMs - WAKE_END_MS[i]) <= 20, `${rateHz} Hz: ${e.endMs} for ${WAKE_END_MS[i]}: the browser's resampling moves a frame at most`));
  }
  const odd = await page.evaluate(offline, { rateHz: 96000 });
  assert.deepEqual(odd.errors.map((e) => e.code), ["badSampleRate"]);
  assert.match(odd.errors[0].message, /96000 Hz/);
  assert.deepEqual(problems, []);
});

test("the web example in Chromium: the fake microphone's three wake words, and only those", async (t) => {
  const started = Date.now();
  const { page, problems } = await openPage("?rate=48000");
  await page.click("#mic");
  await page.waitForFunction(() => demo.state === "listening" || demo.error, undefined, { timeout: 15_000 });
  const listening = Date.now();
  // real time: one pass of the file, and half a second of silence after it
  await page.waitForFunction((ms) => demo.heardMs >= ms || demo.error, FILE_MS + 500, { timeout: 60_000, polling: 250 });
  await page.click("#stop");
  await page.waitForFunction(() => demo.state === "stopped");
  const { events, info, error } = await page.evaluate(() => ({ events: demo.events, info: demo.info, error: demo.error }));
  await page.screenshot({ path: resolve(OUT, "web-demo.png") });
  t.diagnostic(`listened ${((Date.now() - listening) / 1000).toFixed(1)} s, page to screenshot ${((Date.now() - started) / 1000).toFixed(1)} s; ${info.wake?.build} build at ${info.wake?.sampleRateHz} Hz`);
  t.diagnostic(`events: ${events.map((e) => `${e.label}@${e.endMs} (${e.score.toFixed(2)})`).join(", ")}`);
  assert.equal(error, "", "the page reported an error");
  assert.deepEqual(problems, []);
  assert.equal(info.wake.sampleRateHz, 48000);

  const wake = events.filter((e) => e.kind === "wake");
  assert.deepEqual(wake.map((e) => e.label), ["hey_jarvis", "hey_jarvis", "hey_jarvis"], "exactly the sample's three wake words");
  const offsets = wake.map((e, i) => e.endMs - WAKE_END_MS[i]);
  t.diagnostic(`wake words' offsets from the file's times: ${offsets.map((o) => `${o >= 0 ? "+" : ""}${o} ms`).join(", ")} (tolerance ±${TOLERANCE_MS} ms)`);
  for (const o of offsets) assert.ok(Math.abs(o) <= TOLERANCE_MS, `wake word ${o} ms off the file's time`);
  // commands show only after a wake word; any that shows is one the sample says there
  for (const c of events.filter((e) => e.kind === "command")) {
    assert.ok(COMMANDS.some((w) => w.label === c.label && Math.abs(c.endMs - w.endMs) <= TOLERANCE_MS), `an unexpected command: ${c.label}@${c.endMs}`);
  }
});
