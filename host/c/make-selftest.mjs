// Writes host/c/tinyrnn_selftest.h: a self-test for bringing the C host up on a new chip, with
// nothing added to the module. It holds a tiny int8 model of every layer kind the shipped models
// use (GRU with reset-after, LSTM, selective SSM, RMSNorm, dense softmax; built with buildModel
// from seeded PyTorch-style specs), a few input rows (smooth ones, then ones past the int16 range
// at the input scale), and the outputs Node's runtime gives for them on the mvp build: int16 from
// stepInt16 and f32 bits from step (the simd build must give the same, or this refuses to write).
// tinyrnn_selftest(rt) loads the model, steps it both ways and compares every output exactly.
//
// The header is committed (a C user needs no Node), so this runs by hand, after
// `npm run build` when the module's arithmetic changes: test/constants.test.ts runs it with
// --check and fails while the header is stale.
// Usage: node host/c/make-selftest.mjs [--check]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, importTs, writeOrCheck } from "../generate.mjs";

const HEADER = join(root, "host/c/tinyrnn_selftest.h");

// the model: I inputs, H hidden, O outputs; the SSM with N states and expand E (small, as every
// tensor is 16-byte aligned and a layer's fixed tables dominate at this size)
const I = 4, H = 4, O = 3, N = 2, E = 1;
const SMOOTH = 6, WIDE = 2; // input rows: smooth feature-like ones, then saturating ones
const SEED = 20240601;

function hostModule() {
  return importTs(`export { createRuntimeSync } from "./host/runtime/index.ts";
    export { buildModel } from "./host/build/index.ts";
    export { rng, randn, signal, uniform, torchGru, torchLstm, mambaBlock, torchLinear } from "./host/build/random.ts";`,
  "make-selftest-entry.ts", { platform: "node", target: "node20", loader: { ".wasm": "binary" } });
}

/** The model, its inputs, and Node's outputs for them on one build of the module. */
function outputsOn(M, wasm, model, rowsF32, rowsI16) {
  const rt = M.createRuntimeSync({ wasm });
  const m = rt.loadModel(model);
  const s = m.openStream();
  const i16 = new Int16Array(rowsI16.length / I * O), f32 = new Float32Array(rowsF32.length / I * O);
  for (let t = 0; t < rowsI16.length / I; t++) i16.set(s.stepInt16(rowsI16.subarray(t * I, (t + 1) * I)), t * O);
  s.reset();
  for (let t = 0; t < rowsF32.length / I; t++) f32.set(s.step(rowsF32.subarray(t * I, (t + 1) * I)), t * O);
  const inputScale = m.info.inputScale;
  s.dispose();
  m.dispose();
  return { i16, f32, inputScale };
}

/** `values` as C initialiser lines, `perLine` a line. */
function rows(values, perLine, fmt) {
  const out = [];
  for (let i = 0; i < values.length; i += perLine) out.push("    " + Array.from(values.slice(i, i + perLine), fmt).join(", ") + ",");
  return out.join("\n");
}
const hex32 = (v) => "0x" + (v >>> 0).toString(16).padStart(8, "0");
const hex8 = (v) => "0x" + v.toString(16).padStart(2, "0");

export async function makeSelftest() {
  const M = await hostModule();
  const g = M.rng(SEED);
  const specs = [M.torchGru(g, I, H), M.torchLstm(g, H, H), M.mambaBlock(g, H, N, E),
    { kind: "rmsnorm", inputLen: H, weight: Float32Array.from(M.randn(g, H, 0.2), (v) => 1 + v) }, M.torchLinear(g, H, O, "softmax")];
  const model = M.buildModel(specs, { numType: "int8", calibration: [M.signal(M.rng(SEED + 1), 200, I)] });
  const mvp = readFileSync(join(root, "build/tinyrnn.mvp.wasm")), simd = readFileSync(join(root, "build/tinyrnn.simd.wasm"));
  // f32 rows: smooth, then past the int16 range at the input scale; int16 rows: the same, quantised
  const scale = outputsOn(M, mvp, model, new Float32Array(I), new Int16Array(I)).inputScale;
  const x = new Float32Array((SMOOTH + WIDE) * I);
  x.set(M.signal(M.rng(SEED + 2), SMOOTH, I));
  x.set(M.uniform(M.rng(SEED + 3), WIDE * I, 4 * 32767 * scale), SMOOTH * I);
  const q = Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v / scale))));
  const want = outputsOn(M, mvp, model, x, q), other = outputsOn(M, simd, model, x, q);
  if (!Buffer.from(want.i16.buffer).equals(Buffer.from(other.i16.buffer)) || !Buffer.from(want.f32.buffer).equals(Buffer.from(other.f32.buffer))) {
    throw new Error("the simd build's outputs differ from the mvp build's: no self-test can be written");
  }
  const T = SMOOTH + WIDE;
  const bits = (f) => new Uint32Array(f.buffer, f.byteOffset, f.length);
  return `/*
 * tinyrnn_selftest.h: does this engine (a WebAssembly runtime on a chip, its compiler, its C
 * library) compute what Node computes? For bring-up on a new chip: call it first.
 *
 *   tinyrnn *rt = tinyrnn_open(wasm, wasm_bytes, NULL, why, sizeof why);
 *   if (tinyrnn_selftest(rt) < 0) { fprintf(stderr, "%s\\n", tinyrnn_last_error(rt)); return 1; }
 *
 * A tiny int8 model of every layer kind the shipped models use (GRU, LSTM, selective SSM,
 * RMSNorm, dense softmax; ${model.length} bytes), ${T} input rows (${SMOOTH} smooth, ${WIDE} past the int16 range),
 * and the outputs Node's runtime gives for them (the mvp and simd builds alike): int16 from the
 * integer-only step, f32 bits from the float step. tinyrnn_selftest() loads the model into rt,
 * steps a stream both ways, compares every output exactly and frees everything: 0 when every bit
 * is Node's; else a negated error, with tinyrnn_last_error() naming the first output that
 * differs (TINYRNN_SELFTEST_FAILED) or what failed before (a trap, out of memory).
 * Its arrays: ${model.length + 6 * T * (I + O)} bytes of flash, plus the function's code; nothing is added to the module.
 *
 * Made by host/c/make-selftest.mjs from build/tinyrnn.mvp.wasm: do not edit.
 */
#ifndef TINYRNN_SELFTEST_H
#define TINYRNN_SELFTEST_H

#include <stdio.h>
#include <string.h>

#include "tinyrnn.h"

#define TINYRNN_SELFTEST_STEPS ${T}
#define TINYRNN_SELFTEST_INPUT_LEN ${I}
#define TINYRNN_SELFTEST_OUTPUT_LEN ${O}

/* The model (.tinyrnn, int8): GRU ${I}->${H} (reset after), LSTM ${H}->${H}, SSM (d_model ${H}, d_state ${N}, expand ${E}), RMSNorm, dense ${H}->${O} softmax */
static const uint8_t tinyrnn_selftest_model[${model.length}] = {
${rows(model, 16, hex8)}
};

/* int16 input rows at the model's input scale, [STEPS, INPUT_LEN] */
static const int16_t tinyrnn_selftest_in_i16[${q.length}] = {
${rows(q, I * 2, String)}
};
/* what stepInt16 gives for them, [STEPS, OUTPUT_LEN] */
static const int16_t tinyrnn_selftest_out_i16[${want.i16.length}] = {
${rows(want.i16, O * 4, String)}
};
/* f32 input rows, as bits, [STEPS, INPUT_LEN] */
static const uint32_t tinyrnn_selftest_in_f32[${x.length}] = {
${rows(bits(x), I * 2, hex32)}
};
/* what step gives for them (after a reset), as bits, [STEPS, OUTPUT_LEN] */
static const uint32_t tinyrnn_selftest_out_f32[${want.f32.length}] = {
${rows(bits(want.f32), O * 2, hex32)}
};

/* 0 when this engine gives Node's outputs, bit for bit; else a negated error with
 * tinyrnn_last_error(rt) saying where. Leaves nothing loaded in rt. */
static inline int tinyrnn_selftest(tinyrnn *rt) {
    enum { T = TINYRNN_SELFTEST_STEPS, F = TINYRNN_SELFTEST_INPUT_LEN, K = TINYRNN_SELFTEST_OUTPUT_LEN };
    tinyrnn_model model;
    tinyrnn_stream stream;
    int16_t y16[K];
    float x[F], y[K];
    uint32_t got;
    char said[200];
    int e, t, k;
    said[0] = '\\0';
    if ((e = tinyrnn_load_model(rt, tinyrnn_selftest_model, (uint32_t)sizeof tinyrnn_selftest_model, &model)) < 0) return e;
    if (model.input_len != F || model.output_len != K) {
        snprintf(said, sizeof said, "self-test: the model has %d inputs and %d outputs, not %d and %d", (int)model.input_len, (int)model.output_len, F, K);
        tinyrnn_model_free(&model);
        return tinyrnn_set_error(rt, TINYRNN_SELFTEST_FAILED, said);
    }
    if ((e = tinyrnn_stream_open(&model, &stream)) < 0) { tinyrnn_model_free(&model); return e; }
    for (t = 0; t < T && !said[0]; t++) { /* the integer-only step */
        if ((e = tinyrnn_stream_step_i16(&stream, tinyrnn_selftest_in_i16 + t * F, y16)) < 0) goto done;
        for (k = 0; k < K; k++) {
            if (y16[k] == tinyrnn_selftest_out_i16[t * K + k]) continue;
            snprintf(said, sizeof said, "self-test: int16 step %d, output %d is %d, not %d (Node's): this engine computes differently",
                     t, k, (int)y16[k], (int)tinyrnn_selftest_out_i16[t * K + k]);
            break;
        }
    }
    if (!said[0] && (e = tinyrnn_stream_reset(&stream)) < 0) goto done;
    for (t = 0; t < T && !said[0]; t++) { /* the float step, from zero state again */
        memcpy(x, tinyrnn_selftest_in_f32 + t * F, sizeof x);
        if ((e = tinyrnn_stream_step(&stream, x, y)) < 0) goto done;
        for (k = 0; k < K; k++) {
            float want;
            memcpy(&got, &y[k], 4);
            if (got == tinyrnn_selftest_out_f32[t * K + k]) continue;
            memcpy(&want, &tinyrnn_selftest_out_f32[t * K + k], 4);
            snprintf(said, sizeof said, "self-test: f32 step %d, output %d is %.9g (0x%08lx), not %.9g (0x%08lx, Node's): this engine computes differently",
                     t, k, (double)y[k], (unsigned long)got, (double)want, (unsigned long)tinyrnn_selftest_out_f32[t * K + k]);
            break;
        }
    }
    e = 0;
done:
    tinyrnn_stream_free(&stream);
    tinyrnn_model_free(&model);
    return said[0] ? tinyrnn_set_error(rt, TINYRNN_SELFTEST_FAILED, said) : e;
}

#endif /* TINYRNN_SELFTEST_H */
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeOrCheck(HEADER, () => makeSelftest(), "node host/c/make-selftest.mjs (after npm run build)");
}
