import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { buildModel, writeModel, type LayerSpec, type LayerRecord } from "../tinyrnn.js";
import { encodeLstmInt8Raw } from "../../host/build/layers/lstm.js";
import { BUILDS, runtime, rng, uniform, signal, f32VsReference, int8VsF32, torchLstm, torchLinear } from "../helpers.js";

// CMSIS-NN's LSTM unit-test data (expected outputs from the TFLite Micro interpreter), committed
// with its provenance and licence: test/fixtures/cmsis-nn-lstm/README.md.
const VECTORS = "test/fixtures/cmsis-nn-lstm";

interface Tensor { dtype: string; data: number[] }
interface Case {
  config: Record<string, number | boolean>;
  tensors: Record<string, Tensor>;
}

const GATES = ["input", "forget", "cell", "output"] as const; // = PyTorch i, f, g, o

/** The case as one tinyrnn layer; int8 "8x8_16" cases run on int16 activations without zero points. */
function caseModel(c: Case): Uint8Array {
  const k = c.config as Record<string, number>;
  const t = (name: string) => c.tensors[name].data;
  const cat = (suffix: string) => GATES.flatMap((g) => t(`${g}_gate_${suffix}`));
  const pair = (name: string) => [k[`${name}_multiplier`], k[`${name}_shift`]] as const;
  const s16 = c.tensors.input_tensor.dtype === "int16_t";
  const zpOut = s16 ? 0 : k.output_zero_point;
  const record = encodeLstmInt8Raw({
    inputLen: k.input_size,
    hiddenLen: k.hidden_size,
    weightIh: cat("input_weights"),
    weightHh: cat("hidden_weights"),
    bias: cat("bias"),
    quantIh: GATES.flatMap((g) => pair(`${g}_gate_input`)),
    quantHh: GATES.flatMap((g) => pair(`${g}_gate_hidden`)),
    forgetToCell: pair("forget_to_cell"),
    inputToCell: pair("input_to_cell"),
    output: pair("output"),
    cellScalePower: k.cell_scale_power,
    cellClip: k.cell_clip,
    // int8 output h_q = clamp(requant + zp, -128, 127) is held as h_q − zp, what the recurrent
    // product of TFLite uses; the zero point moves into the clamp.
    outMin: s16 ? -32768 : -128 - zpOut,
    outMax: s16 ? 32767 : 127 - zpOut,
    gateRequant: s16 ? "int64" : "int32",
  });
  return writeModel({
    numType: "int8", inputLen: k.input_size, outputLen: k.hidden_size, inputScale: 1, outputScale: 1,
    layers: [record], metadata: {},
  });
}

const caseFiles = readdirSync(VECTORS).filter((f) => f.endsWith(".json")).sort();

test("the CMSIS-NN LSTM vectors are present: 4 int16 (16x8) and 3 int8 (8x8_16) cases", () => {
  assert.ok(caseFiles.filter((f) => f.endsWith("_s16.json")).length >= 4, `no vectors in ${VECTORS}`);
  assert.deepEqual(caseFiles, ["lstm_1", "lstm_1_s16", "lstm_2_s16", "lstm_one_time_step", "lstm_one_time_step_s16",
    "lstm_stateful_batch_major_multibatch", "lstm_stateful_batch_major_multibatch_s16"].map((c) => `${c}.json`));
});

for (const build of BUILDS) {
  for (const file of caseFiles) {
    const name = file.replace(/\.json$/, "");
    test(`${build}: int8 LSTM matches CMSIS-NN/TFLite Micro bit for bit: ${name}`, async () => {
      const c = JSON.parse(readFileSync(path.join(VECTORS, file), "utf8")) as Case;
      const k = c.config as Record<string, number>;
      const B = k.batch_size, T = k.time_steps, I = k.input_size, H = k.hidden_size;
      const s16 = c.tensors.input_tensor.dtype === "int16_t";
      const inOffset = s16 ? 0 : k.input_zero_point; // stored negated: x − zp = x + input_zero_point
      const zpOut = s16 ? 0 : k.output_zero_point;
      const input = c.tensors.input_tensor.data, want = c.tensors.output.data;
      assert.equal(want.length, B * T * H);
      const rt = await runtime(build);
      const model = rt.loadModel(caseModel(c));
      let mismatches = 0, first = "";
      for (let b = 0; b < B; b++) {
        const stream = model.openStream(); // each batch is an independent sequence from zero state
        for (let s = 0; s < T; s++) {
          const xi = c.config.time_major ? (s * B + b) * I : (b * T + s) * I;
          const yi = c.config.time_major ? (s * B + b) * H : (b * T + s) * H;
          const x = Array.from(input.slice(xi, xi + I), (v) => v + inOffset);
          const y = stream.stepInt16(x);
          for (let j = 0; j < H; j++) {
            const got = y[j] + zpOut;
            if (got !== want[yi + j]) {
              if (mismatches++ === 0) first = `batch ${b} step ${s} unit ${j}: got ${got}, want ${want[yi + j]}`;
            }
          }
        }
        stream.dispose();
      }
      model.dispose();
      assert.equal(mismatches, 0, `${mismatches} of ${B * T * H} outputs differ; first: ${first}`);
    });
  }
}

function lstmModel(seed: number, I: number, H: number, O: number, cellClip?: number): LayerSpec[] {
  const r = rng(seed);
  return [torchLstm(r, I, H, cellClip), torchLinear(r, H, O)];
}

for (const build of BUILDS) {
  test(`${build}: f32 LSTM matches the float reference over 500 steps (max abs ≤ 1e-5)`, async (t) => {
    const err = await f32VsReference(build, lstmModel(1, 40, 64, 12), signal(rng(2), 500, 40));
    t.diagnostic(`max abs error ${err.toExponential(2)}`);
    assert.ok(err <= 1e-5, `max abs error ${err}`);
  });

  test(`${build}: f32 LSTM with a cell clip matches the float reference`, async () => {
    const err = await f32VsReference(build, lstmModel(5, 40, 32, 8, 0.5), signal(rng(6), 300, 40, 3));
    assert.ok(err <= 1e-5, `max abs error ${err}`);
  });

  for (const H of [64, 128]) {
    test(`${build}: int8 LSTM(40→${H}) tracks f32, per-step cosine ≥ 0.999 over 1000 steps`, async (t) => {
      const calibration = [signal(rng(10), 600, 40), signal(rng(11), 600, 40)];
      // the test sequence is not one of the calibration sequences
      const cos = await int8VsF32(build, lstmModel(3 + H, 40, H, 16), calibration, signal(rng(12), 1000, 40));
      t.diagnostic(`min per-step cosine ${cos.toFixed(6)}`);
      assert.ok(cos >= 0.999, `min per-step cosine ${cos}`);
    });
  }

  test(`${build}: int8 LSTM with a cell clip tracks f32 (hidden state, cosine ≥ 0.999)`, async (t) => {
    // The LSTM alone: its output scale is fixed (Q0.15), so nothing saturates when the test
    // sequence drives the layer further than calibration did.
    const cos = await int8VsF32(build, lstmModel(7, 40, 64, 16, 0.75).slice(0, 1), [signal(rng(13), 600, 40, 2)], signal(rng(14), 600, 40, 2));
    t.diagnostic(`min per-step cosine ${cos.toFixed(6)}`);
    assert.ok(cos >= 0.999, `min per-step cosine ${cos}`);
  });

  test(`${build}: an int8 LSTM record with out-of-range constants is refused at load`, async () => {
    const rt = await runtime(build);
    const H = 4, I = 3;
    const good = {
      inputLen: I, hiddenLen: H,
      weightIh: new Array(4 * H * I).fill(1), weightHh: new Array(4 * H * H).fill(1),
      bias: new Array(4 * H).fill(0),
      quantIh: [1 << 30, -10, 1 << 30, -10, 1 << 30, -10, 1 << 30, -10],
      quantHh: [1 << 30, -10, 1 << 30, -10, 1 << 30, -10, 1 << 30, -10],
      forgetToCell: [1 << 30, -14] as const, inputToCell: [1 << 30, -20] as const, output: [1 << 30, -14] as const,
      cellScalePower: -9, cellClip: 0,
    };
    const record = (over: object) => encodeLstmInt8Raw({ ...good, ...over });
    const image = (rec: LayerRecord) => writeModel({
      numType: "int8", inputLen: I, outputLen: H, inputScale: 1, outputScale: 1, layers: [rec], metadata: {},
    });
    rt.loadModel(image(record({}))).dispose();
    // The raw encoder refuses these itself; patch a good record to see the module refuse them too.
    type Patch = { params?: number[]; tensor?: [number, ArrayBufferView] };
    const patch = (rec: LayerRecord, over: Patch) => {
      const out = { ...rec, params: over.params ?? rec.params, tensors: [...rec.tensors] };
      if (over.tensor) out.tensors[over.tensor[0]] = over.tensor[1];
      return out;
    };
    const base = record({});
    const shift8 = Int32Array.from(base.tensors[3] as Int32Array);
    shift8[1] = 8;
    const bigBias = BigInt64Array.from(base.tensors[2] as BigInt64Array);
    bigBias[0] = 2n ** 50n;
    const refused: [string, Patch][] = [
      ["cellScalePower 3", { params: [H, 3, 0, -32768, 32767] }],
      ["cellClip 40000", { params: [H, -9, 40000, -32768, 32767] }],
      ["outMin > outMax", { params: [H, -9, 0, 5, 4] }],
      ["gate shift 8", { tensor: [3, shift8] }],
      ["bias 2^50", { tensor: [2, bigBias] }],
    ];
    for (const [what, over] of refused) {
      assert.throws(() => rt.loadModel(image(patch(base, over))), { code: "badQuantParams" }, what);
    }
    for (const bad of [{ cellScalePower: 3 }, { cellClip: 40000 }, { quantIh: [1 << 30, 8, 1 << 30, -10, 1 << 30, -10, 1 << 30, -10] }]) {
      assert.throws(() => record(bad), Error, JSON.stringify(bad));
    }
  });

  test(`${build}: int8 LSTM state resets, and saves and restores exactly`, async () => {
    const specs = lstmModel(9, 40, 64, 16);
    const rt = await runtime(build);
    const model = rt.loadModel(buildModel(specs, { numType: "int8", calibration: [signal(rng(15), 300, 40)] }));
    const x = signal(rng(16), 200, 40);
    const s = model.openStream();
    const first = s.run(x);
    s.reset();
    assert.deepEqual(s.run(x), first);
    s.reset();
    s.run(x.subarray(0, 100 * 40));
    const saved = s.saveState();
    const rest = s.run(x.subarray(100 * 40));
    const s2 = model.openStream();
    s2.loadState(saved);
    assert.deepEqual(s2.run(x.subarray(100 * 40)), rest);
    assert.deepEqual(rest, first.subarray(100 * 16));
    model.dispose();
  });
}
