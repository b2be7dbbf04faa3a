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

import type { LayerSpec, GruSpec, LstmSpec, SsmSpec, DenseSpec } from "../host/index.js";
import { rng, uniform } from "../test/host/helpers.js";
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

export function gruCase(I: number, H: number): RecurrentCase {
  return {
    kind: "gru",
    shape: `I=${I} H=${H}`,
    inputLen: I,
    hiddenLen: H,
    macsPerStep: 3 * H * I + 3 * H * H,
    macFormula: "3H·I + 3H·H",
    specs() {
      const r = rng(1000 + H);
      const a = 1 / Math.sqrt(H);
      const s: GruSpec = {
        kind: "gru", inputLen: I, hiddenLen: H, resetAfter: true,
        weightIh: uniform(r, 3 * H * I, a), weightHh: uniform(r, 3 * H * H, a),
        biasIh: uniform(r, 3 * H, a), biasHh: uniform(r, 3 * H, a),
      };
      return [s];
    },
    js: (specs) => new GruJs(specs[0] as GruSpec),
  };
}

export function lstmCase(I: number, H: number): RecurrentCase {
  return {
    kind: "lstm",
    shape: `I=${I} H=${H}`,
    inputLen: I,
    hiddenLen: H,
    macsPerStep: 4 * H * I + 4 * H * H,
    macFormula: "4H·I + 4H·H",
    specs() {
      const r = rng(2000 + H);
      const a = 1 / Math.sqrt(H);
      const s: LstmSpec = {
        kind: "lstm", inputLen: I, hiddenLen: H,
        weightIh: uniform(r, 4 * H * I, a), weightHh: uniform(r, 4 * H * H, a),
        biasIh: uniform(r, 4 * H, a), biasHh: uniform(r, 4 * H, a),
      };
      return [s];
    },
    js: (specs) => new LstmJs(specs[0] as LstmSpec),
  };
}

/** Mamba block (RMSNorm, mixer, residual), d_conv 4, dt_rank ⌈M/16⌉, initialised as mamba_simple does. */
export function ssmCase(M: number, N: number, expand: number): RecurrentCase {
  const Di = expand * M, R = Math.ceil(M / 16), K = 4;
  return {
    kind: "ssm",
    shape: `M=${M} N=${N} Di=${Di}`,
    inputLen: M,
    hiddenLen: M,
    macsPerStep: 2 * Di * M + (R + 2 * N) * Di + Di * R + M * Di,
    macFormula: "2Di·M + (R+2N)·Di + Di·R + M·Di",
    specs() {
      const r = rng(3000 + M);
      // dt bias: softplus⁻¹ of dt log-uniform in [1e-3, 1e-1]; A_log = log(1…N) per row.
      const dtBias = Float32Array.from({ length: Di }, () => {
        const dt = Math.exp(Math.log(1e-3) + r() * (Math.log(1e-1) - Math.log(1e-3)));
        return dt + Math.log(-Math.expm1(-dt));
      });
      const s: SsmSpec = {
        kind: "ssm", inputLen: M, dModel: M, dState: N, dConv: K, expand, dtRank: R,
        normWeight: new Float32Array(M).fill(1),
        inProjWeight: uniform(r, 2 * Di * M, 1 / Math.sqrt(M)),
        convWeight: uniform(r, Di * K, 1 / Math.sqrt(K)), convBias: uniform(r, Di, 1 / Math.sqrt(K)),
        xProjWeight: uniform(r, (R + 2 * N) * Di, 1 / Math.sqrt(Di)),
        dtProjWeight: uniform(r, Di * R, 1 / Math.sqrt(R)), dtProjBias: dtBias,
        aLog: Float32Array.from({ length: Di * N }, (_, i) => Math.log(1 + (i % N))),
        d: new Float32Array(Di).fill(1),
        outProjWeight: uniform(r, M * Di, 1 / Math.sqrt(Di)),
      };
      return [s];
    },
    js: (specs) => new SsmJs(specs[0] as SsmSpec),
  };
}

export const RECURRENT_CASES: RecurrentCase[] = [
  gruCase(40, 64), gruCase(40, 128), gruCase(40, 256),
  lstmCase(40, 64), lstmCase(40, 128), lstmCase(40, 256),
  ssmCase(64, 16, 2), ssmCase(128, 16, 2),
];

/** The matvec peak probe: one dense N×N layer, no activation, so a step is essentially W·x. */
export function denseSpecs(N: number): LayerSpec[] {
  const r = rng(7 + N);
  const a = 1 / Math.sqrt(N);
  const s: DenseSpec = { kind: "dense", inputLen: N, outputLen: N, weight: uniform(r, N * N, a), bias: uniform(r, N, a), activation: "none" };
  return [s];
}

export const PEAK_SIZES = [256, 512, 1024];
