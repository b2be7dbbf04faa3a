// The tinyrnn command line, run as a user would (node dist/cli.js …).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildModel, createRuntime, readModel, type LayerSpec } from "../../tinyrnn.js";
import { modelChecksum } from "../../../host/build/write.js";
import { readNpyMatrix, writeNpyMatrix } from "../../../host/cli/npy.js";
import { rng, uniform, signal, maxAbsDiff } from "../../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tinyrnn-cli-"));
const r = rng(31);
const specs: LayerSpec[] = [
  { kind: "gru", inputLen: 8, hiddenLen: 16, weightIh: uniform(r, 48 * 8, 0.25), weightHh: uniform(r, 48 * 16, 0.25) },
  { kind: "dense", inputLen: 16, outputLen: 4, weight: uniform(r, 64, 0.25), activation: "softmax" },
];
const modelPath = join(dir, "m.tinyrnn");
const bytes = buildModel(specs, { numType: "int8", calibration: [signal(rng(32), 200, 8)], metadata: { labels: ["a", "b", "c", "d"] } });
writeFileSync(modelPath, bytes);
const x = signal(rng(33), 120, 8);
const inputPath = join(dir, "x.npy");
writeFileSync(inputPath, writeNpyMatrix(x, 120, 8));

function cli(...args: string[]) {
  const p = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
  return { code: p.status, out: p.stdout, err: p.stderr };
}

test("run streams a [T, F] .npy through the model and writes [T, O] equal to Stream.run", async () => {
  const out = join(dir, "y.npy");
  const res = cli("run", modelPath, inputPath, "-o", out);
  assert.equal(res.code, 0, res.err);
  assert.match(res.err, /120 steps/);
  const y = readNpyMatrix(readFileSync(out), "y");
  assert.deepEqual([y.rows, y.cols], [120, 4]);
  const rt = await createRuntime();
  assert.deepEqual([...y.data], [...rt.loadModel(bytes).openStream().run(x)]);
  for (const build of ["simd", "mvp"]) assert.equal(cli("run", modelPath, inputPath, "-o", out, "--build", build).code, 0);
});

test("inspect prints layers, shapes, number types and bytes; --json is machine-readable", () => {
  const res = cli("inspect", modelPath);
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /int8/);
  assert.match(res.out, /gru\s+8 → 16\s+hidden 16, reset after/);
  assert.match(res.out, /dense\s+16 → 4\s+activation softmax/);
  assert.match(res.out, /labels: \["a","b","c","d"\]/);
  const j = JSON.parse(cli("inspect", modelPath, "--json").out);
  assert.equal(j.numType, "int8");
  assert.equal(j.layers.length, 2);
  assert.equal(j.layers[0].params.hiddenLen, 16);
  assert.ok(j.weightBytes > 0 && j.stateBytesPerStream > 0);
});

test("bad arguments and bad files give one clear line and a non-zero exit", () => {
  const oneLine = (s: string) => s.trim().split("\n")[0];
  const usage = [[], ["frobnicate"], ["run", modelPath], ["run", modelPath, inputPath], ["inspect"], ["run", modelPath, inputPath, "-o"], ["inspect", modelPath, "--bogus"]];
  for (const args of usage) {
    const res = cli(...args);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.err}`);
    assert.match(oneLine(res.err), /^tinyrnn: /);
  }
  const corrupt = join(dir, "corrupt.tinyrnn");
  const c = bytes.slice(); c[200] ^= 1; writeFileSync(corrupt, c);
  const f64 = join(dir, "f64.npy");
  writeFileSync(f64, new Uint8Array(Buffer.from(readFileSync(inputPath)).subarray(0, 60)));
  const wide = join(dir, "wide.npy");
  writeFileSync(wide, writeNpyMatrix(new Float32Array(30), 3, 10));
  const cases: [string[], RegExp][] = [
    [["inspect", join(dir, "missing.tinyrnn")], /cannot read model .*missing\.tinyrnn: no such file/],
    [["inspect", dir], /it is a directory/],
    [["inspect", inputPath], /not a tinyrnn model file/],
    [["inspect", corrupt], /corrupt \(checksum mismatch\)/],
    [["run", corrupt, inputPath, "-o", join(dir, "o.npy")], /checksum/],
    [["run", modelPath, f64, "-o", join(dir, "o.npy")], /not a valid \.npy file/],
    [["run", modelPath, wide, "-o", join(dir, "o.npy")], /10 features per step; .* takes 8/],
    [["run", modelPath, inputPath, "-o", join(dir, "no/such/dir/o.npy")], /cannot write/],
  ];
  for (const [args, msg] of cases) {
    const res = cli(...args);
    assert.equal(res.code, 1, `${args.join(" ")}: ${res.err}`);
    assert.equal(res.err.trim().split("\n").length, 1, res.err);
    assert.match(res.err, msg);
  }
});

test("detect prints one line per event, or one JSON object per line, and a summary", async () => {
  const { Frontend, defaultFrontendConfig } = await import("../../tinyrnn.js");
  const { beepModel, beepTrack } = await import("../../kws-fixture.js");
  const { writeWav } = await import("../../../host/runtime/wav.js");
  const rt = await createRuntime();
  const fe = new Frontend(rt, defaultFrontendConfig(16000), "f32");
  const calib = [fe.features(beepTrack(16000, 5, [1.0, 3.5]))];
  const kws = join(dir, "beep.tinyrnn");
  writeFileSync(kws, beepModel("int8", calib));
  const wav = join(dir, "beeps.wav");
  const x = beepTrack(44100, 6, [1.0, 4.0]);
  writeFileSync(wav, writeWav([x, x], 44100, "16")); // stereo, averaged back to mono
  const human = cli("detect", kws, wav);
  assert.equal(human.code, 0, human.err);
  const lines = human.out.trimEnd().split("\n");
  assert.equal(lines.length, 3, human.out);
  assert.match(lines[0], /^\s+[01]\.\d\d s –\s+1\.\d\d s  beep  \d\.\d{3}$/);
  assert.match(lines[1], /^\s+[34]\.\d\d s –\s+4\.\d\d s  beep  \d\.\d{3}$/);
  assert.match(lines[2], /^2 events in 6\.00 s of audio \(44100 Hz\), [\d.]+ s wall, \d+× real time \((simd|mvp) build\)$/);
  const json = cli("detect", kws, wav, "--json");
  assert.equal(json.code, 0, json.err);
  const events = json.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(events.length, 2);
  for (const e of events) assert.deepEqual(Object.keys(e), ["label", "score", "startMs", "endMs"]);
  assert.ok(events[0].endMs > 1000 && events[0].endMs < 1300 && events[1].endMs > 4000 && events[1].endMs < 4300, json.out);
  assert.match(json.err, /^tinyrnn: 2 events in 6\.00 s of audio/);
  // a threshold above every score silences it; a bad one is a usage error
  const silent = cli("detect", kws, wav, "--json", "--threshold", "1");
  assert.equal(silent.code, 0, silent.err);
  assert.equal(silent.out, "");
  assert.equal(cli("detect", kws, wav, "--threshold", "2").code, 2);
  // a model that is not a keyword spotter, and audio tinyrnn does not read, are one clear line each
  const notKws = cli("detect", modelPath, wav);
  assert.equal(notKws.code, 1);
  assert.match(notKws.err, /no frontend settings/);
  const odd = join(dir, "odd.wav");
  writeFileSync(odd, writeWav([x.subarray(0, 1000)], 11025, "16"));
  const bad = cli("detect", kws, odd);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /odd\.wav is sampled at 11025 Hz/);
});

test("convert brings a PyTorch safetensors model to int8 with a report, and to f32 matching PyTorch", async () => {
  const fx = "test/fixtures/torch/";
  const int8 = join(dir, "gru1.tinyrnn");
  const reportPath = join(dir, "gru1.report.json");
  const res = cli("convert", fx + "gru1.safetensors", "-o", int8, "--calibrate", fx + "calib40.npy", "--report", reportPath, "--labels", "a,b,c,d,e,f,g,h,i,j,k,l");
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /wrote .*gru1\.tinyrnn \(safetensors, 2 layers: gru → dense\)/);
  assert.match(res.out, /calibration: 1 sequence, 300 steps, min\/max ranges/);
  assert.match(res.out, /0  gru\s+\d+\.\d dB/);
  assert.match(res.out, /output: cosine (0\.99\d+|1\.000000) overall/);
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  assert.ok(report.outputCosine > 0.999 && report.layers.length === 2, JSON.stringify(report));
  const info = JSON.parse(cli("inspect", int8, "--json").out);
  assert.equal(info.numType, "int8");
  assert.equal(info.metadata.labels.length, 12);
  assert.equal(info.metadata.provenance.source, "gru1.safetensors");
  assert.match(cli("inspect", int8).out, /provenance: .*gru1\.safetensors.*tinyrnn convert/);
  // --metadata merges a JSON object into the file's metadata (detector defaults, name, …)
  const metaPath = join(dir, "meta.json");
  writeFileSync(metaPath, JSON.stringify({ name: "gru1", detector: { threshold: 0.7, smoothingMs: 100 } }));
  assert.equal(cli("convert", fx + "gru1.safetensors", "-o", int8, "--calibrate", fx + "calib40.npy", "--metadata", metaPath).code, 0);
  const meta = JSON.parse(cli("inspect", int8, "--json").out).metadata;
  assert.deepEqual([meta.name, meta.detector], ["gru1", { threshold: 0.7, smoothingMs: 100 }]);
  // f32: through `tinyrnn run`, within 1e-5 of PyTorch's own outputs
  const f32 = join(dir, "gru1.f32.tinyrnn"), y = join(dir, "gru1.y.npy");
  assert.equal(cli("convert", fx + "gru1.safetensors", "-o", f32, "--dtype", "f32").code, 0);
  assert.equal(cli("run", f32, fx + "input40.npy", "-o", y).code, 0);
  const err = maxAbsDiff(readNpyMatrix(readFileSync(y), "y").data, readNpyMatrix(readFileSync(fx + "gru1.out.npy"), "out").data);
  assert.ok(err <= 1e-5, `f32 vs PyTorch ${err}`);
  // percentile clipping is accepted and recorded
  const p = cli("convert", fx + "gru1.safetensors", "-o", join(dir, "p.tinyrnn"), "--calibrate", fx + "calib40.npy", "--clip", "percentile:99.9");
  assert.match(p.out, /99\.9th percentile ranges/);
});

test("convert brings an ONNX export to int8, and to f32 matching PyTorch", () => {
  const fx = "test/fixtures/onnx/";
  const out = join(dir, "lstm.onnx.tinyrnn");
  const res = cli("convert", fx + "lstm.onnx", "-o", out, "--calibrate", fx + "calib.npy");
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /wrote .*\(onnx, 2 layers: lstm → dense\)/);
  assert.match(res.out, /output: cosine (0\.99\d+|1\.000000) overall/);
  const f32 = join(dir, "gru1.onnx.f32.tinyrnn"), y = join(dir, "gru1.onnx.y.npy");
  assert.equal(cli("convert", fx + "gru1.onnx", "-o", f32, "--dtype", "f32").code, 0);
  assert.equal(cli("run", f32, fx + "input.npy", "-o", y).code, 0);
  const err = maxAbsDiff(readNpyMatrix(readFileSync(y), "y").data, readNpyMatrix(readFileSync(fx + "gru1.out.npy"), "out").data);
  assert.ok(err <= 1e-5, `f32 vs PyTorch ${err}`);
});

test("convert calibrates an audio model on a folder of WAV files through the frontend", async () => {
  const { writeWav } = await import("../../../host/runtime/wav.js");
  const { beepTrack } = await import("../../kws-fixture.js");
  const { FEATURE_SCALE } = await import("../../tinyrnn.js");
  const wavs = join(dir, "wavs");
  (await import("node:fs")).mkdirSync(wavs, { recursive: true });
  writeFileSync(join(wavs, "a.wav"), writeWav([beepTrack(16000, 2, [0.5])], 16000));
  writeFileSync(join(wavs, "b.wav"), writeWav([beepTrack(48000, 2, [1.0])], 48000, "32f"));
  const out = join(dir, "gru1.audio.tinyrnn");
  const res = cli("convert", "test/fixtures/torch/gru1.safetensors", "-o", out, "--calibrate", wavs);
  assert.equal(res.code, 0, res.err);
  const info = JSON.parse(cli("inspect", out, "--json").out);
  assert.equal(info.metadata.frontend.channels, 40);
  assert.equal(info.metadata.provenance.calibration.sequences, 2);
  assert.ok(Math.abs(info.inputScale / FEATURE_SCALE - 1) < 1e-6);
});

test("convert --metadata merges a JSON object into the model's metadata; SOURCE_DATE_EPOCH fixes the provenance date", () => {
  const fx = "test/fixtures/torch/";
  const meta = join(dir, "meta.json");
  const normalise = { mean: Array.from({ length: 40 }, (_, i) => i), std: Array.from({ length: 40 }, () => 2) };
  writeFileSync(meta, JSON.stringify({ sampleRateHz: 10, normalise, detector: { smoothingMs: 1000, background: ["a"] }, labels: ["x"] }));
  const env = { ...process.env, SOURCE_DATE_EPOCH: "1700000000" };
  const run = (out: string, ...more: string[]) => {
    const p = spawnSync(process.execPath, ["dist/cli.js", "convert", fx + "gru1.safetensors", "-o", out, "--dtype", "f32", "--metadata", meta, ...more], { encoding: "utf8", env });
    assert.equal(p.status, 0, p.stderr);
    return JSON.parse(cli("inspect", out, "--json").out).metadata;
  };
  const a = join(dir, "meta-a.tinyrnn"), b = join(dir, "meta-b.tinyrnn");
  const m = run(a, "--labels", "a,b,c,d,e,f,g,h,i,j,k,l");
  assert.equal(m.sampleRateHz, 10);
  assert.deepEqual(m.normalise, normalise);
  assert.deepEqual(m.detector, { smoothingMs: 1000, background: ["a"] });
  assert.equal(m.labels.length, 12, "--labels wins over the file's labels");
  assert.equal(m.provenance.date, "2023-11-14");
  run(b, "--labels", "a,b,c,d,e,f,g,h,i,j,k,l");
  assert.deepEqual(readFileSync(a), readFileSync(b), "the same inputs and date give the same bytes");
  for (const [text, msg] of [["[1, 2]", /is not a JSON object/], ["{ nope", /is not valid JSON/], ['{ "provenance": {} }', /written by convert itself/]] as const) {
    writeFileSync(meta, text);
    const res = cli("convert", fx + "gru1.safetensors", "-o", join(dir, "x.tinyrnn"), "--dtype", "f32", "--metadata", meta);
    assert.equal(res.code, 1);
    assert.match(res.err, msg);
  }
});

test("convert refuses what it cannot do with one clear line", () => {
  const fx = "test/fixtures/torch/";
  const layerNormArch = join(dir, "layernorm.arch.json");
  writeFileSync(layerNormArch, JSON.stringify({ layers: [{ type: "layernorm", prefix: "ln" }] }));
  const cases: [string[], number, RegExp][] = [
    [["convert", fx + "gru1.safetensors", "-o", join(dir, "x.tinyrnn")], 2, /needs --calibrate/],
    [["convert", fx + "gru1.safetensors", "-o", join(dir, "x.tinyrnn"), "--calibrate", fx + "calib32.npy"], 1, /32 features per step; .* takes 40/],
    [["convert", fx + "gru1.safetensors", "-o", join(dir, "x.tinyrnn"), "--dtype", "f32", "--arch", layerNormArch], 1, /LayerNorm is not supported/],
    [["convert", fx + "input40.npy", "-o", join(dir, "x.tinyrnn"), "--dtype", "f32"], 1, /neither an ONNX model \(\.onnx\) nor a safetensors file/],
    [["convert", "test/fixtures/onnx/conv2d.onnx", "-o", join(dir, "x.tinyrnn"), "--dtype", "f32"], 1, /\(Conv\): op type Conv is not supported/],
    [["convert", fx + "gru1.safetensors", "-o", join(dir, "x.tinyrnn"), "--dtype", "int4"], 2, /--dtype must be int8 or f32/],
    [["convert", fx + "gru1.safetensors", "-o", join(dir, "x.tinyrnn"), "--clip", "median"], 2, /--clip must be minmax or percentile/],
  ];
  for (const [args, code, msg] of cases) {
    const res = cli(...args);
    assert.equal(res.code, code, `${args.join(" ")}: ${res.err}`);
    assert.match(res.err.trim().split("\n")[0], msg);
  }
});

test("run and inspect refuse a file whose numbers would make outputs NaN or infinite, naming the layer and tensor or the scale", () => {
  const resign = (b: Uint8Array) => (new DataView(b.buffer).setUint32(16, modelChecksum(b), true), b);
  const f32 = buildModel(specs, { numType: "f32" });
  const nan = f32.slice();
  new DataView(nan.buffer).setFloat32(readModel(f32).layers[1].dataOffset + 4 * 16, NaN, true); // the dense layer's W, row 1
  const scale = bytes.slice();
  new DataView(scale.buffer).setFloat32(52, 1.1e34, true); // int16 · it overflows f32: the outputs were ±Infinity
  for (const [file, said] of [[resign(nan), "a weight, bias or constant is NaN or infinite (layer 1 dense, tensor 0 W)"],
    [resign(scale), "the model file header is inconsistent (header byte 52: output scale)"]] as const) {
    const path = join(dir, "refused.tinyrnn");
    writeFileSync(path, file);
    for (const args of [["run", path, inputPath, "-o", join(dir, "refused.npy")], ["inspect", path]]) {
      const res = cli(...args);
      assert.equal(res.code, 1, res.err);
      assert.equal(res.err, `tinyrnn: loading the model: ${said}\n`);
    }
    assert.ok(!existsSync(join(dir, "refused.npy")));
  }
});

test("convert refuses a source with a NaN or infinite weight: one line naming the layer and tensor, no file", () => {
  const fx = "test/fixtures/torch/";
  const src = new Uint8Array(readFileSync(fx + "gru1.safetensors"));
  const header = JSON.parse(new TextDecoder().decode(src.subarray(8, 8 + Number(new DataView(src.buffer).getBigUint64(0, true)))));
  const data = 8 + Number(new DataView(src.buffer).getBigUint64(0, true));
  const at = (name: string, i: number) => data + header[name].data_offsets[0] + 4 * i;
  const outDir = mkdtempSync(join(dir, "nan-"));
  for (const [tensor, i, value, said] of [["fc.bias", 3, NaN, /^tinyrnn: layer 1 \(linear "fc"\).*: tensor "fc\.bias" has a non-finite value \(NaN\) at flat index 3$/],
    ["rnn.weight_hh_l0", 5, -Infinity, /^tinyrnn: layer 0 \(gru "rnn"\).*: tensor "rnn\.weight_hh_l0" has a non-finite value \(-Infinity\) at flat index 5$/]] as const) {
    const bad = src.slice();
    new DataView(bad.buffer).setFloat32(at(tensor, i), value, true);
    writeFileSync(join(outDir, "bad.safetensors"), bad);
    writeFileSync(join(outDir, "bad.arch.json"), readFileSync(fx + "gru1.arch.json"));
    for (const dtype of [["--dtype", "f32"], ["--calibrate", fx + "calib40.npy"]]) {
      const res = cli("convert", join(outDir, "bad.safetensors"), "-o", join(outDir, "bad.tinyrnn"), ...dtype);
      assert.equal(res.code, 1, res.err);
      assert.equal(res.err.split("\n").length, 2, res.err);
      assert.match(res.err.trim(), said);
      assert.deepEqual(readdirSync(outDir).sort(), ["bad.arch.json", "bad.safetensors"]);
    }
  }
});

test("convert writes all or nothing: an unwritable -o or --report leaves no file and says why in one line", () => {
  const fx = "test/fixtures/torch/";
  const outDir = mkdtempSync(join(dir, "atomic-"));
  const model = join(outDir, "m.tinyrnn"), reportDir = join(outDir, "reports");
  mkdirSync(reportDir);
  const convert = (...more: string[]) => cli("convert", fx + "gru1.safetensors", "--dtype", "f32", ...more);
  const cases: [string[], string][] = [
    [["-o", model, "--report", reportDir], `cannot write ${reportDir}: it is a directory`],
    [["-o", reportDir], `cannot write ${reportDir}: it is a directory`],
    [["-o", join(outDir, "missing", "m.tinyrnn")], `cannot write ${join(outDir, "missing", "m.tinyrnn")}: its directory does not exist`],
    [["-o", model, "--report", join(outDir, "missing", "r.json")], `cannot write ${join(outDir, "missing", "r.json")}: its directory does not exist`],
  ];
  // a place the checks before the work pass and the write itself fails (even as root): the model,
  // already written under its temporary name, is removed again
  const sys = "/sys/tinyrnn-report.json";
  if (existsSync("/sys") && !existsSync(sys)) cases.push([["-o", model, "--report", sys], `cannot write ${sys}: permission denied`]);
  for (const [args, said] of cases) {
    const res = convert(...args);
    assert.equal(res.code, 1, `${args.join(" ")}: ${res.err}`);
    assert.equal(res.err, `tinyrnn: ${said}\n`);
    assert.deepEqual(readdirSync(outDir), ["reports"], `${args.join(" ")} left files behind`);
    assert.deepEqual(readdirSync(reportDir), []);
  }
  assert.equal(convert("-o", model, "--report", model).code, 2, "the same file twice is a usage error");
  // and when every output can be written, both are there, no temporaries beside them
  const ok = convert("-o", model, "--report", join(reportDir, "r.json"));
  assert.equal(ok.code, 0, ok.err);
  assert.deepEqual([readdirSync(outDir).sort(), readdirSync(reportDir)], [["m.tinyrnn", "reports"], ["r.json"]]);
});

test("a reader that stops early (tinyrnn detect … | head) ends the CLI quietly, exit status 0", () => {
  const cmd = `"${process.execPath}" dist/cli.js detect models/hey-jarvis/hey-jarvis.tinyrnn models/sample/morning.wav | head -c 1 > /dev/null; echo "\${PIPESTATUS[0]}"`;
  const p = spawnSync("bash", ["-c", cmd], { encoding: "utf8" });
  assert.equal(p.stdout.trim(), "0", p.stderr);
  assert.doesNotMatch(p.stderr, /EPIPE|Error/);
});

test("eval --plot draws the DET curve of a keyword test set, and refuses a steps set", () => {
  const svg = join(dir, "det.svg");
  const res = cli("eval", "models/hey-jarvis/hey-jarvis.tinyrnn", "models/hey-jarvis/test", "--plot", svg);
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /FRR at ≤ 0\.5 FA\/h/, "--plot sweeps");
  const text = readFileSync(svg, "utf8");
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(text, /<polyline fill="none"[^>]* points="(\d+\.\d,\d+\.\d ){10,}/, "a curve of the sweep's points");
  assert.match(text, /<title>hey-jarvis\.tinyrnn: its threshold 0\.72: FRR 17\.5 %, 10\.20 FA\/h<\/title>/, "its own threshold marked");
  const steps = cli("eval", "models/sensor/vibration.tinyrnn", "models/sensor/test", "--plot", join(dir, "no.svg"));
  assert.equal(steps.code, 1);
  assert.match(steps.err, /--plot draws a DET curve, for keyword test sets; models\/sensor\/test is a steps test set/);
  assert.ok(!existsSync(join(dir, "no.svg")));
});
