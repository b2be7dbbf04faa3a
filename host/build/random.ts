// Deterministic random layer specs and signals for tests, benchmarks and examples: a seeded
// generator, PyTorch-initialised nn.GRU / nn.LSTM / nn.Linear and Mamba blocks, and smooth
// feature-like input sequences. The same seed gives the same numbers on every machine. Not
// exported from host/build/index.ts: a yardstick, not API.

import type { LayerSpec } from "./builder.js";
import type { DenseSpec, Activation } from "./layers/dense.js";
import type { GruSpec } from "./layers/gru.js";
import type { LstmSpec } from "./layers/lstm.js";
import type { SsmSpec } from "./layers/ssm.js";

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller). */
export function randn(r: () => number, n: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12), v = r();
    out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** Uniform in [-a, a], as PyTorch initialises RNN weights (a = 1/sqrt(hidden)). */
export function uniform(r: () => number, n: number, a: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * r() - 1) * a;
  return out;
}

/** A smooth, correlated input sequence [T, F] (random walk + sines), like features of a signal. */
export function signal(r: () => number, T: number, F: number, amp = 1): Float32Array {
  const out = new Float32Array(T * F);
  const phase = Array.from({ length: F }, () => r() * 6.28);
  const freq = Array.from({ length: F }, () => 0.01 + r() * 0.2);
  const walk = new Float64Array(F);
  for (let t = 0; t < T; t++) {
    for (let f = 0; f < F; f++) {
      walk[f] = 0.95 * walk[f] + 0.3 * (r() - 0.5);
      out[t * F + f] = amp * (0.6 * Math.sin(phase[f] + freq[f] * t) + walk[f]);
    }
  }
  return out;
}

/**
 * A Mamba block with mamba_ssm's initialisation: nn.Linear / nn.Conv1d default uniform(±1/√fan_in),
 * dt_proj.weight uniform(±dt_rank^-½), dt_bias = softplus⁻¹(dt) with dt log-uniform in
 * [0.001, 0.1], A_log = log(1..d_state) per channel, D = 1; the norm weight near 1.
 */
export function mambaBlock(r: () => number, M: number, N: number, expand = 2): SsmSpec {
  const Di = expand * M, K = 4, R = Math.ceil(M / 16);
  const dt = Array.from({ length: Di }, () => Math.exp(Math.log(0.001) + r() * (Math.log(0.1) - Math.log(0.001))));
  const aLog = new Float32Array(Di * N);
  for (let i = 0; i < Di; i++) for (let n = 0; n < N; n++) aLog[i * N + n] = Math.log(n + 1);
  return {
    kind: "ssm", inputLen: M, dModel: M, dState: N, dConv: K, expand,
    normWeight: Float32Array.from(randn(r, M, 0.1), (v) => 1 + v),
    inProjWeight: uniform(r, 2 * Di * M, 1 / Math.sqrt(M)),
    convWeight: uniform(r, Di * K, 1 / Math.sqrt(K)),
    convBias: uniform(r, Di, 1 / Math.sqrt(K)),
    xProjWeight: uniform(r, (R + 2 * N) * Di, 1 / Math.sqrt(Di)),
    dtProjWeight: uniform(r, Di * R, 1 / Math.sqrt(R)),
    dtProjBias: Float32Array.from(dt, (v) => v + Math.log(-Math.expm1(-v))),
    aLog,
    d: new Float32Array(Di).fill(1),
    outProjWeight: uniform(r, M * Di, 1 / Math.sqrt(Di)),
  };
}

/** nn.GRU(I, H) with PyTorch's default initialisation, U(±1/√H). */
export function torchGru(r: () => number, I: number, H: number, resetAfter = true): GruSpec {
  const a = 1 / Math.sqrt(H);
  return { kind: "gru", inputLen: I, hiddenLen: H, resetAfter,
    weightIh: uniform(r, 3 * H * I, a), weightHh: uniform(r, 3 * H * H, a), biasIh: uniform(r, 3 * H, a), biasHh: uniform(r, 3 * H, a) };
}

/** nn.LSTM(I, H) with PyTorch's default initialisation, U(±1/√H). */
export function torchLstm(r: () => number, I: number, H: number, cellClip?: number): LstmSpec {
  const a = 1 / Math.sqrt(H);
  return { kind: "lstm", inputLen: I, hiddenLen: H, cellClip,
    weightIh: uniform(r, 4 * H * I, a), weightHh: uniform(r, 4 * H * H, a), biasIh: uniform(r, 4 * H, a), biasHh: uniform(r, 4 * H, a) };
}

/** nn.Linear(I, O) with PyTorch's default initialisation, U(±1/√I). */
export function torchLinear(r: () => number, I: number, O: number, activation: Activation = "none"): DenseSpec {
  const a = 1 / Math.sqrt(I);
  return { kind: "dense", inputLen: I, outputLen: O, weight: uniform(r, O * I, a), bias: uniform(r, O, a), activation };
}

/** Every kind in one stack: GRU(I→H) → LSTM(H→H) → SSM(d_model H) → RMSNorm → dense(H→O, softmax). */
export function mixedModel(seed: number, I: number, H: number, O: number): LayerSpec[] {
  const r = rng(seed);
  return [torchGru(r, I, H), torchLstm(r, H, H), mambaBlock(r, H, 4),
    { kind: "rmsnorm", inputLen: H, weight: Float32Array.from(randn(r, H, 0.2), (v) => 1 + v) }, torchLinear(r, H, O, "softmax")];
}
