// The web example: the microphone, the sample or a WAV file → two "tinyrnn" AudioWorklet nodes, one
// with the wake-word model and one with the commands model, both hearing everything → a list of
// events and a live plot of their scores. A command counts only in the 3 s after "hey jarvis", as
// examples/assistant.mjs does in Node. No framework, no build step: this file runs as it is.

const here = (path) => new URL(path, import.meta.url);
const WORKLET = here("../../dist/worklet.js");
const MODELS = { wake: here("../../models/hey-jarvis/hey-jarvis.tinyrnn"), commands: here("../../models/commands/commands-gru.tinyrnn") };
const SAMPLE = here("../../models/sample/morning.wav");
const AWAKE_MS = 3000;
const PLOT_MS = 30000;
const COLORS = { wake: "#1f6feb", commands: "#d9480f", grid: "#e3e7ec", text: "#66707c" };

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
if (params.has("rate")) $("rate").value = params.get("rate");

/** What the page has heard, for the console and for tests: window.demo. */
const demo = { state: "idle", events: [], heardMs: 0, info: {}, error: "", start, stop };
window.demo = demo;

const fetchBytes = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url.pathname}: HTTP ${r.status}`);
  return r.arrayBuffer();
};
const models = Promise.all([fetchBytes(MODELS.wake), fetchBytes(MODELS.commands)]);
models.then(() => { if (demo.state === "idle") status("Ready: press Microphone, play the sample, or give a WAV file."); }, (e) => fail(e));

/** The running session: the context, its two nodes, the source, the wake window. */
let session = null;

async function start(kind, file) {
  await stop();
  demo.events = [];
  demo.heardMs = 0;
  demo.error = "";
  demo.info = {};
  plot.clear();
  renderEvents();
  const sampleRate = Number($("rate").value);
  const s = { ctx: new AudioContext({ sampleRate, latencyHint: "interactive" }), nodes: {}, waiting: {}, awakeUntil: -1, source: null, stream: null };
  session = s;
  setState("starting");
  try {
    const [wakeBytes, commandBytes] = await models;
    await s.ctx.audioWorklet.addModule(WORKLET);
    for (const [name, bytes] of [["wake", wakeBytes], ["commands", commandBytes]]) {
      const node = new AudioWorkletNode(s.ctx, "tinyrnn", { numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { model: bytes, scores: true } });
      s.waiting[name] = new Promise((resolve, reject) => { s[name + "Ready"] = { resolve, reject }; });
      node.port.onmessage = ({ data }) => onMessage(s, name, data);
      node.onprocessorerror = () => fail(new Error(`the ${name} processor failed (see the console)`));
      s.nodes[name] = node;
    }
    await Promise.all(Object.values(s.waiting));
    if (kind === "mic") {
      s.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 } });
      s.source = s.ctx.createMediaStreamSource(s.stream);
    } else {
      const bytes = kind === "sample" ? await fetchBytes(SAMPLE) : await file.arrayBuffer();
      const buffer = await s.ctx.decodeAudioData(bytes);
      s.source = new AudioBufferSourceNode(s.ctx, { buffer });
      s.source.connect(s.ctx.destination); // to hear it
      s.source.onended = () => setTimeout(() => session === s && stop("done"), 300);
      s.source.start();
    }
    // both nodes in the same render quantum: their times agree
    s.source.connect(s.nodes.wake);
    s.source.connect(s.nodes.commands);
    await s.ctx.resume();
    if (session !== s) return;
    setState(kind === "mic" ? "listening" : "playing");
    const info = demo.info;
    status(`${kind === "mic" ? "Listening" : "Playing " + (kind === "sample" ? "the sample" : file.name)}: ${info.wake.build} build, ${info.wake.sampleRateHz} Hz, ` +
      `state ${info.wake.stateBytes.toLocaleString()} + ${info.commands.stateBytes.toLocaleString()} bytes.`);
  } catch (e) {
    fail(e);
    await stop("failed");
  }
}

function onMessage(s, name, m) {
  if (session !== s) return;
  if (m.type === "ready") {
    const fires = m.labels.map((l) => !m.background.includes(l));
    demo.info[name] = { ...m, fires, threshold: Math.min(...m.thresholds.filter((_, i) => fires[i])) };
    s[name + "Ready"].resolve();
  } else if (m.type === "error") {
    const e = new Error(`${name} model: ${m.message} (${m.code})`);
    s[name + "Ready"].reject(e);
    fail(e);
  } else if (m.type === "event") {
    if (name === "wake") {
      s.awakeUntil = m.endMs + AWAKE_MS;
      addEvent("wake", m);
    } else if (m.endMs <= s.awakeUntil) {
      s.awakeUntil = -1;
      addEvent("command", m);
    }
  } else if (m.type === "scores") {
    const { fires, labels } = demo.info[name];
    let best = 0, label = "";
    for (let i = 0; i < m.scores.length; i++) if (fires[i] && m.scores[i] >= best) { best = m.scores[i]; label = labels[i]; }
    plot.add(name, m.endMs, best, label);
    if (name === "wake") demo.heardMs = m.endMs;
  }
}

async function stop(state = "stopped") {
  const s = session;
  if (!s) return;
  session = null;
  try { s.source?.disconnect(); } catch {}
  if (s.source instanceof AudioBufferSourceNode) { s.source.onended = null; try { s.source.stop(); } catch {} }
  s.stream?.getTracks().forEach((t) => t.stop());
  for (const node of Object.values(s.nodes)) node.port.postMessage({ type: "close" });
  await s.ctx.close().catch(() => {});
  setState(state);
  if (!demo.error) status(`${state === "done" ? "Done" : "Stopped"}: ${demo.events.length} event${demo.events.length === 1 ? "" : "s"} in ${(demo.heardMs / 1000).toFixed(1)} s.`);
}

function addEvent(kind, m) {
  demo.events.push({ kind, label: m.label, score: m.score, startMs: m.startMs, endMs: m.endMs });
  plot.mark(kind, m.endMs, m.label);
  renderEvents();
}

function renderEvents() {
  const list = $("events");
  list.replaceChildren(...(demo.events.length ? demo.events.map((e) => {
    const li = document.createElement("li");
    li.className = e.kind;
    const cell = (cls, text) => Object.assign(document.createElement("span"), { className: cls, textContent: text });
    li.append(cell("time", `${(e.endMs / 1000).toFixed(2)} s`), cell("what", e.kind === "wake" ? "hey jarvis" : `→ ${e.label}`), cell("score", e.score.toFixed(2)));
    return li;
  }) : [Object.assign(document.createElement("li"), { className: "empty", textContent: "Nothing heard yet." })]));
}

function setState(state) {
  demo.state = state;
  const busy = state === "starting" || state === "listening" || state === "playing";
  for (const id of ["mic", "sample", "file", "rate"]) $(id).disabled = busy;
  $("stop").disabled = !busy;
}

function status(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

function fail(e) {
  console.error(e);
  demo.error = e instanceof Error ? e.message : String(e);
  status(demo.error, true);
}

/** Scores over the last PLOT_MS (or the first PLOT_MS), thresholds dashed, events marked. */
const plot = {
  series: { wake: [], commands: [] },
  marks: [],
  dirty: true,
  clear() { this.series = { wake: [], commands: [] }; this.marks = []; this.dirty = true; },
  add(name, t, v, label) { this.series[name].push({ t, v, label }); this.dirty = true; },
  mark(kind, t, label) { this.marks.push({ kind, t, label }); this.dirty = true; },
  draw() {
    requestAnimationFrame(() => this.draw());
    const canvas = $("plot");
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(canvas.clientWidth * dpr), h = Math.round(canvas.clientHeight * dpr);
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; this.dirty = true; }
    if (!this.dirty) return;
    this.dirty = false;
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const W = canvas.clientWidth, H = canvas.clientHeight, left = 34, right = 10, top = 32, bottom = 22;
    const end = Math.max(PLOT_MS, demo.heardMs), begin = end - PLOT_MS;
    const x = (t) => left + ((t - begin) / PLOT_MS) * (W - left - right);
    const y = (v) => top + (1 - v) * (H - top - bottom);
    g.clearRect(0, 0, W, H);
    g.font = "11px system-ui, sans-serif";
    g.lineWidth = 1;
    g.strokeStyle = COLORS.grid;
    g.fillStyle = COLORS.text;
    for (const v of [0, 0.5, 1]) { g.beginPath(); g.moveTo(left, y(v)); g.lineTo(W - right, y(v)); g.stroke(); g.fillText(v.toFixed(1), 6, y(v) + 4); }
    for (let t = Math.ceil(begin / 5000) * 5000; t <= end; t += 5000) {
      g.beginPath(); g.moveTo(x(t), top); g.lineTo(x(t), H - bottom); g.stroke();
      g.fillText(`${t / 1000} s`, x(t) - 8, H - 6);
    }
    for (const name of ["wake", "commands"]) {
      const info = demo.info[name];
      if (info) {
        g.setLineDash([4, 4]); g.strokeStyle = COLORS[name]; g.globalAlpha = 0.6;
        g.beginPath(); g.moveTo(left, y(info.threshold)); g.lineTo(W - right, y(info.threshold)); g.stroke();
        g.setLineDash([]); g.globalAlpha = 1;
      }
      const pts = this.series[name];
      while (pts.length && pts[0].t < begin - 1000) pts.shift();
      g.strokeStyle = COLORS[name]; g.lineWidth = name === "wake" ? 2 : 1.5;
      g.beginPath();
      pts.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.v)) : g.moveTo(x(p.t), y(p.v))));
      g.stroke();
    }
    g.lineWidth = 1;
    for (const m of this.marks) {
      if (m.t < begin) continue;
      const color = m.kind === "wake" ? COLORS.wake : COLORS.commands;
      g.strokeStyle = color; g.fillStyle = color; g.globalAlpha = 0.35;
      g.beginPath(); g.moveTo(x(m.t), top); g.lineTo(x(m.t), H - bottom); g.stroke();
      g.globalAlpha = 1;
      // wake words on the first row, commands on the second: a command follows its wake word closely
      const text = m.kind === "wake" ? "hey jarvis" : m.label, width = g.measureText(text).width;
      g.fillText(text, Math.max(left, Math.min(x(m.t) - width / 2, W - right - width)), m.kind === "wake" ? 12 : 26);
    }
  },
};
plot.draw();

$("mic").onclick = () => start("mic");
$("sample").onclick = () => start("sample");
$("stop").onclick = () => stop();
$("file").onchange = (e) => { const f = e.target.files[0]; e.target.value = ""; if (f) start("file", f); };
addEventListener("dragover", (e) => { e.preventDefault(); document.body.classList.add("dragging"); });
addEventListener("dragleave", () => document.body.classList.remove("dragging"));
addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  const f = e.dataTransfer?.files[0];
  if (f) start("file", f);
});
