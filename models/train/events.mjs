// Events, not steps: run a sensor model over its test set with the detector defaults from its
// metadata (what SensorStream does out of the box) and count, per stretch of constant label,
// whether the right event fired and how late, and how many events fired that were wrong.
// For the model cards' "recommended threshold and smoothing". Classifiers only.
//
// Usage (after npm run build):  node models/train/events.mjs <model.tinyrnn> <test-dir> [--json]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "npyjs";
import { createRuntime, SensorStream } from "../../dist/tinyrnn.js";

const npy = (path) => {
  const b = readFileSync(path);
  return parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

export async function events(modelPath, dir) {
  const rt = await createRuntime();
  const model = rt.loadModel(readFileSync(modelPath));
  const set = JSON.parse(readFileSync(join(dir, "testset.json"), "utf8"));
  const out = { detector: model.metadata.detector, segments: 0, faultSegments: 0, detected: 0, latenciesMs: [], wrongEvents: 0, events: 0 };
  for (const s of set.streams) {
    const x = npy(join(dir, s.features)), y = Array.from(npy(join(dir, s.labels)).data, Number);
    const sensor = new SensorStream(model);
    const evs = sensor.push(Float32Array.from(x.data));
    const labels = sensor.labels, fires = labels.map((l) => !(model.metadata.detector?.background ?? []).includes(l));
    const hop = 1000 / sensor.sampleRateHz;
    sensor.dispose();
    // stretches of one scored label; a stretch runs from its first scored step back to the change
    const stretches = [];
    let prev = null;
    for (let t = 0; t < y.length; t++) {
      if (y[t] < 0) continue;
      if (!prev || prev.label !== y[t]) {
        let start = t;
        while (start > 0 && y[start - 1] < 0) start--;
        prev = { label: y[t], startMs: start * hop, endMs: (t + 1) * hop };
        stretches.push(prev);
      } else prev.endMs = (t + 1) * hop;
    }
    out.events += evs.length;
    for (const st of stretches) {
      out.segments++;
      if (!fires[st.label]) continue;
      out.faultSegments++;
      const hit = evs.find((e) => e.label === labels[st.label] && e.endMs > st.startMs && e.endMs <= st.endMs);
      if (hit) { out.detected++; out.latenciesMs.push(Math.round(hit.endMs - st.startMs)); }
    }
    for (const e of evs) {
      const st = stretches.find((q) => e.endMs > q.startMs && e.endMs <= q.endMs);
      if (!st || labels[st.label] !== e.label) out.wrongEvents++;
    }
  }
  model.dispose();
  const l = [...out.latenciesMs].sort((a, b) => a - b);
  out.medianLatencyMs = l.length ? l[Math.floor(l.length / 2)] : null;
  out.maxLatencyMs = l.length ? l[l.length - 1] : null;
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [modelPath, dir, flag] = process.argv.slice(2);
  const r = await events(modelPath, dir);
  if (flag === "--json") console.log(JSON.stringify(r));
  else console.log(`${modelPath}: ${r.detected} of ${r.faultSegments} fault segments detected (median latency ${r.medianLatencyMs} ms, max ${r.maxLatencyMs} ms); ${r.wrongEvents} wrong events of ${r.events}`);
}
