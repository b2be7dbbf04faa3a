// What the bench runs: one model per case, made of the recurrent layer alone (no head: the
// model's output is the layer's output), with PyTorch-style uniform(±1/√hidden) weights, and the
// number of weight-matrix multiply-accumulates (MACs) one step performs.
//
// MACs per step count only products with a weight matrix, at the layer's logical (unpadded)
// shapes — padding the kernels add (rows to a multiple of 16 int8 / 4 f32 columns) is their cost,
// not extra work credited to them. Elementwise work (gates, activations, the SSM's state update,
// its depthwise conv) is not counted, so GMAC/s is "useful matrix work per second".
//   dense  O×I                       : O·I
//   GRU    input I, hidden H          : 3H·I + 3H·H          (W_ih [3H, I], W_hh [3H, H])
//   LSTM   input I, hidden H          : 4H·I + 4H·H          (W_ih [4H, I], W_hh [4H, H])
//   SSM    Mamba block, d_model M, d_inner Di = expand·M, d_state N, dt_rank R = ⌈M/16⌉:
//          in_proj 2Di·M + x_proj (R+2N)·Di + dt_proj Di·R + out_proj M·Di
//          (not counted: RMSNorm and residual, depthwise conv Di·d_conv, the selective state
//          update and readout ≈ 3Di·N multiply-adds and Di·N exps)

import type { LayerSpec, GruSpec, LstmSpec, SsmSpec } from "../host/build/index.js";
import { rng, torchGru, torchLstm, torchLinear, mambaBlock } from "../host/build/random.js";
import { GruJs, LstmJs, SsmJs, type JsStep } from "./jsfloat.js";

export interface RecurrentCase {
  kind: "gru" | "lstm" | "ssm";
  /** e.g. "I=40 H=64" */
  shape: string;
  inputLen: number;
  /** "hidden" size: H, or d_model M for the SSM (the target applies for hidden ≥ 64). */
  hiddenLen: number;
  macsPerStep: number;
  /** How macsPerStep was counted, for the JSON. */
  macFormula: string;
  specs(): LayerSpec[];
  /** The same layer as plain-JS float (bench/jsfloat.ts). */
  js(specs: LayerSpec[]): JsStep;
}

/** GRU (3 gates) or LSTM (4 gates), input I, hidden H, PyTorch's default initialisation. */
function rnnCase(kind: "gru" | "lstm", I: number, H: number): RecurrentCase {
  const g = kind === "gru" ? 3 : 4;
  return {
    kind,
    shape: `I=${I} H=${H}`,
    inputLen: I,
    hiddenLen: H,
    macsPerStep: g * H * I + g * H * H,
    macFormula: `${g}H·I + ${g}H·H`,
    specs: () => [kind === "gru" ? torchGru(rng(1000 + H), I, H) : torchLstm(rng(2000 + H), I, H)],
    js: (specs) => (kind === "gru" ? new GruJs(specs[0] as GruSpec) : new LstmJs(specs[0] as LstmSpec)),
  };
}

/** Mamba block (RMSNorm, mixer, residual), d_conv 4, dt_rank ⌈M/16⌉, initialised as mamba_simple does. */
export function ssmCase(M: number, N: number, expand: number): RecurrentCase {
  const Di = expand * M, R = Math.ceil(M / 16);
  return {
    kind: "ssm",
    shape: `M=${M} N=${N} Di=${Di}`,
    inputLen: M,
    hiddenLen: M,
    macsPerStep: 2 * Di * M + (R + 2 * N) * Di + Di * R + M * Di,
    macFormula: "2Di·M + (R+2N)·Di + Di·R + M·Di",
    specs: () => [mambaBlock(rng(3000 + M), M, N, expand)],
    js: (specs) => new SsmJs(specs[0] as SsmSpec),
  };
}

export const RECURRENT_CASES: RecurrentCase[] = [
  rnnCase("gru", 40, 64), rnnCase("gru", 40, 128), rnnCase("gru", 40, 256),
  rnnCase("lstm", 40, 64), rnnCase("lstm", 40, 128), rnnCase("lstm", 40, 256),
  ssmCase(64, 16, 2), ssmCase(128, 16, 2),
];

/** The matvec peak probe: one dense N×N layer, no activation, so a step is essentially W·x. */
export function denseSpecs(N: number): LayerSpec[] {
  return [torchLinear(rng(7 + N), N, N)];
}

export const PEAK_SIZES = [256, 512, 1024];

/**
 * Stream open + dispose (streamOpen then streamFree) is timed with this many other streams of the
 * same model open, each count in a runtime of its own: what it costs must not grow with them.
 */
export const LIVE_STREAMS = [1, 1000, 16000];
