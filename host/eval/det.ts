// DET curves: misses against false alarms, one threshold swept over all firing labels (an
// EvalResult's `sweep`), drawn as a small SVG with nothing but strings. x: false accepts per hour on
// a log scale (0 drawn at the left edge, apart); y: false-reject rate, 0–100 %. Each model's own
// thresholds are marked on its curve. `tinyrnn eval --plot` and the model cards use it.

import type { EvalResult } from "./eval.js";

export interface DetSeries {
  /** the legend's words, e.g. the model's file name */
  name: string;
  /** a keywords EvalResult with `sweep` (evaluate(…, { sweep: true })) */
  result: EvalResult;
}

const W = 560, H = 340, L = 56, R = 16, T = 34, B = 46; // size and margins
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const f1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/** The FRR (%) over all keyword intervals, and FA/h, at the result's own thresholds. */
function ownPoint(r: EvalResult): { frr: number; faPerHour: number } {
  let intervals = 0, correct = 0;
  for (const [label, f] of Object.entries(r.perLabel ?? {})) {
    if (r.frr?.[label] === undefined || r.frr[label] === null) continue; // background labels
    intervals += f.intervals ?? 0;
    correct += f.correct;
  }
  return { frr: intervals ? (100 * (intervals - correct)) / intervals : 0, faPerHour: r.falseAcceptsPerHour ?? 0 };
}

/** An SVG of the DET curves of `series` (keyword results with a sweep). Throws when one has no sweep. */
export function detSvg(series: DetSeries[], title = "DET curve"): string {
  if (series.length === 0) throw new Error("a DET curve needs at least one result");
  for (const s of series) if (!s.result.sweep) throw new Error(`${s.name}: no threshold sweep in its result (evaluate a keywords test set with sweep)`);
  const positive = series.flatMap((s) => [...s.result.sweep!.points.map((p) => p.falseAcceptsPerHour), ownPoint(s.result).faPerHour]).filter((x) => x > 0);
  const lo = Math.floor(Math.log10(Math.min(0.1, ...positive))), hi = Math.max(lo + 2, Math.ceil(Math.log10(Math.max(10, ...positive))));
  const zeroX = L, x0 = L + 28, x1 = W - R, y0 = H - B, y1 = T;
  const x = (fa: number) => (fa <= 0 ? zeroX : x0 + ((Math.log10(fa) - lo) / (hi - lo)) * (x1 - x0));
  const y = (frr: number) => y0 - (frr / 100) * (y0 - y1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  // grid and axes
  for (let e = lo; e <= hi; e++) {
    const gx = f1(x(10 ** e));
    out.push(`<line x1="${gx}" y1="${y1}" x2="${gx}" y2="${y0}" stroke="#ddd"/>`, `<text x="${gx}" y="${y0 + 16}" text-anchor="middle">${e >= 0 ? String(10 ** e) : (10 ** e).toFixed(-e)}</text>`);
  }
  out.push(`<text x="${zeroX}" y="${y0 + 16}" text-anchor="middle">0</text>`);
  for (let p = 0; p <= 100; p += 20) {
    const gy = f1(y(p));
    out.push(`<line x1="${L}" y1="${gy}" x2="${x1}" y2="${gy}" stroke="#ddd"/>`, `<text x="${L - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle">${p}</text>`);
  }
  out.push(
    `<line x1="${L}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="black"/>`, `<line x1="${L}" y1="${y1}" x2="${L}" y2="${y0}" stroke="black"/>`,
    `<text x="${(x0 + x1) / 2}" y="${H - 10}" text-anchor="middle">false accepts per hour (log; 0 at the left)</text>`,
    `<text x="14" y="${(y0 + y1) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(y0 + y1) / 2})">false-reject rate %</text>`,
  );
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = [...s.result.sweep!.points].sort((a, b) => a.falseAcceptsPerHour - b.falseAcceptsPerHour || b.frr - a.frr);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.map((p) => `${f1(x(p.falseAcceptsPerHour))},${f1(y(p.frr))}`).join(" ")}"/>`);
    const own = ownPoint(s.result);
    const thresholds = [...new Set(Object.values(s.result.thresholds ?? {}))].join("/");
    out.push(`<circle cx="${f1(x(own.faPerHour))}" cy="${f1(y(own.frr))}" r="4" fill="${c}"><title>${esc(`${s.name}: its threshold ${thresholds}: FRR ${f1(own.frr)} %, ${own.faPerHour.toFixed(2)} FA/h`)}</title></circle>`);
    const ly = y1 + 14 + 16 * i;
    out.push(`<line x1="${x1 - 170}" y1="${ly}" x2="${x1 - 150}" y2="${ly}" stroke="${c}" stroke-width="2"/>`, `<text x="${x1 - 145}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push(`<text x="${x1 - 170}" y="${y1 + 14 + 16 * series.length}" dominant-baseline="middle" fill="#555">● its shipped threshold</text>`, "</svg>");
  return out.join("\n") + "\n";
}
