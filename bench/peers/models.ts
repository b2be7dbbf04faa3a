// The networks every peer runs: the layers of `npm run bench` (bench/cases.ts: the layer alone, no
// head, PyTorch's default initialisation from fixed seeds), as tinyrnn files (int8, calibrated as
// `npm run bench` calibrates, and f32) and, for the GRU and LSTM, as ONNX (bench/peers/onnx-export.ts).
// Written to build/peers/models/ so that each child process loads the files a user would.

import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildModel, type GruSpec, type LstmSpec, type LayerSpec } from "../../host/build/index.js";
import { rng, signal } from "../../host/build/random.js";
import { RECURRENT_CASES, type RecurrentCase } from "../cases.js";
import { recurrentToOnnx } from "./onnx-export.js";

/** Steps of the whole-sequence mode: one second of 10 ms frames. */
export const SEQ_T = 100;

export interface CaseModel {
  /** e.g. "gru-40-64" */
  id: string;
  /** e.g. "GRU 40→64" */
  label: string;
  kind: "gru" | "lstm" | "ssm";
  inputLen: number;
  outputLen: number;
  spec: LayerSpec;
  case: RecurrentCase;
  /** files in build/peers/models */
  files: { int8: string; f32: string; onnx?: string };
  /** [SEQ_T, inputLen]: the streamed steps (cycled) and the whole sequence */
  seq: Float32Array;
  /** float32 weights a float runtime holds, bytes */
  f32WeightBytes: number;
}

const MODELS_DIR = "build/peers/models"; // inside PEERS_DIR, relative for the JSON

/** GRU and LSTM 40→64 and 40→128, and the SSM cases of bench/cases.ts. */
export const PEER_CASES = RECURRENT_CASES.filter((c) => c.kind === "ssm" || c.hiddenLen <= 128);

function caseId(c: RecurrentCase): string {
  return c.kind === "ssm" ? `ssm-${c.hiddenLen}` : `${c.kind}-${c.inputLen}-${c.hiddenLen}`;
}

function caseLabel(c: RecurrentCase): string {
  return c.kind === "ssm" ? `SSM d_model ${c.hiddenLen}` : `${c.kind.toUpperCase()} ${c.inputLen}→${c.hiddenLen}`;
}

const weightCount = (s: LayerSpec) =>
  Object.values(s).reduce((n: number, v) => n + (ArrayBuffer.isView(v) || Array.isArray(v) ? (v as ArrayLike<number>).length : 0), 0);

function caseModel(c: RecurrentCase, write: boolean): CaseModel {
  const spec = c.specs()[0];
  const id = caseId(c);
  const files = { int8: join(MODELS_DIR, `${id}.int8.tinyrnn`), f32: join(MODELS_DIR, `${id}.f32.tinyrnn`), onnx: c.kind === "ssm" ? undefined : join(MODELS_DIR, `${id}.onnx`) };
  if (write) {
    // the calibration `npm run bench` uses
    const calib = [signal(rng(31), 300, c.inputLen), signal(rng(32), 300, c.inputLen)];
    writeFileSync(files.int8, buildModel([spec], { numType: "int8", calibration: calib }));
    writeFileSync(files.f32, buildModel([spec], { numType: "f32" }));
    if (files.onnx) writeFileSync(files.onnx, recurrentToOnnx(spec as GruSpec | LstmSpec));
  }
  return {
    id, label: caseLabel(c), kind: c.kind, inputLen: c.inputLen, outputLen: c.js([spec]).outputLen, spec, case: c, files,
    seq: signal(rng(33), SEQ_T, c.inputLen),
    f32WeightBytes: 4 * weightCount(spec),
  };
}

/** Build every case's files (the parent process). */
export function writeCaseModels(): CaseModel[] {
  mkdirSync(MODELS_DIR, { recursive: true });
  return PEER_CASES.map((c) => caseModel(c, true));
}

/** The cases, their files already written (a child process). */
export function readCaseModels(): CaseModel[] {
  return PEER_CASES.map((c) => caseModel(c, false));
}

export const readBytes = (path: string) => new Uint8Array(readFileSync(path));
