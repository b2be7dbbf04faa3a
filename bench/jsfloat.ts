// Plain-JavaScript float steps: the yardstick for "int8 step ≥ 10× a plain-JS float step".
// Written as a competent JS developer would write them without heroics: a class per layer,
// Float32Array weights in PyTorch's row-major layout, buffers allocated once, one straightforward
// loop per matrix-vector product (one accumulator, no unrolling, no SIMD), Math.exp / Math.tanh
// for the nonlinearities. (Not host/build/layers' float64 reference, which is written for clarity and
// carries calibration observers.)
//
// Classes rather than closures on purpose: V8 specialises the first closure of a literal to its
// captured values and not later ones, which made a closure twin's speed depend on the order the
// bench ran the cases in (±40 %). Class methods are compiled the same for every instance.

import type { DenseSpec, GruSpec, LstmSpec, SsmSpec } from "../host/build/index.js";

/** One layer stepped in plain JS: reads x[xOff … xOff + inputLen), returns its output vector. */
export interface JsStep {
  readonly inputLen: number;
  readonly outputLen: number;
  step(x: Float32Array, xOff: number): Float32Array;
  reset(): void;
}

const f32 = (a: ArrayLike<number> | undefined, n: number) => (a ? Float32Array.from(a) : new Float32Array(n));

/** out[r] = b[r] + Σ_c W[r, c] · v[vOff + c] for a row-major [rows, cols] W. */
function affine(W: Float32Array, b: Float32Array, rows: number, cols: number, v: Float32Array, vOff: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    let s = b[r];
    const o = r * cols;
    for (let c = 0; c < cols; c++) s += W[o + c] * v[vOff + c];
    out[r] = s;
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const silu = (x: number) => x / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 20 ? x : Math.log1p(Math.exp(x)));

/** nn.Linear, no activation: a model's head. */
export class DenseJs implements JsStep {
  readonly inputLen: number;
  readonly outputLen: number;
  private readonly w: Float32Array; // [O, I]
  private readonly b: Float32Array; // [O]
  private readonly out: Float32Array; // [O]

  constructor(s: DenseSpec) {
    if ((s.activation ?? "none") !== "none") throw new Error("the JS dense layer has no activation");
    this.inputLen = s.inputLen;
    this.outputLen = s.outputLen;
    this.w = f32(s.weight, 0);
    this.b = f32(s.bias, s.outputLen);
    this.out = new Float32Array(s.outputLen);
  }

  reset(): void {}

  step(x: Float32Array, xOff: number): Float32Array {
    affine(this.w, this.b, this.outputLen, this.inputLen, x, xOff, this.out);
    return this.out;
  }
}

/** nn.GRU, gate order r, z, n, reset after (PyTorch); output h. */
export class GruJs implements JsStep {
  readonly inputLen: number;
  readonly outputLen: number;
  private readonly wIh: Float32Array; // [3H, I]
  private readonly wHh: Float32Array; // [3H, H]
  private readonly bIh: Float32Array; // [3H]
  private readonly bHh: Float32Array; // [3H]
  private readonly gx: Float32Array; // [3H] W_ih x + b_ih
  private readonly gh: Float32Array; // [3H] W_hh h + b_hh
  private readonly h: Float32Array; // [H]

  constructor(s: GruSpec) {
    if (s.resetAfter === false) throw new Error("the JS GRU is the PyTorch (reset after) form");
    const H = s.hiddenLen;
    this.inputLen = s.inputLen;
    this.outputLen = H;
    this.wIh = f32(s.weightIh, 0);
    this.wHh = f32(s.weightHh, 0);
    this.bIh = f32(s.biasIh, 3 * H);
    this.bHh = f32(s.biasHh, 3 * H);
    this.gx = new Float32Array(3 * H);
    this.gh = new Float32Array(3 * H);
    this.h = new Float32Array(H);
  }

  reset(): void { this.h.fill(0); }

  step(x: Float32Array, xOff: number): Float32Array {
    const H = this.outputLen, gx = this.gx, gh = this.gh, h = this.h;
    affine(this.wIh, this.bIh, 3 * H, this.inputLen, x, xOff, gx);
    affine(this.wHh, this.bHh, 3 * H, H, h, 0, gh);
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gx[j] + gh[j]);
      const z = sigmoid(gx[H + j] + gh[H + j]);
      const n = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
      h[j] = (1 - z) * n + z * h[j];
    }
    return h;
  }
}

/** nn.LSTM, gate order i, f, g, o; output h. */
export class LstmJs implements JsStep {
  readonly inputLen: number;
  readonly outputLen: number;
  private readonly wIh: Float32Array; // [4H, I]
  private readonly wHh: Float32Array; // [4H, H]
  private readonly bIh: Float32Array; // [4H]
  private readonly bHh: Float32Array; // [4H]
  private readonly gx: Float32Array; // [4H]
  private readonly gh: Float32Array; // [4H]
  private readonly h: Float32Array; // [H]
  private readonly c: Float32Array; // [H]

  constructor(s: LstmSpec) {
    if (s.cellClip) throw new Error("the JS LSTM has no cell clipping");
    const H = s.hiddenLen;
    this.inputLen = s.inputLen;
    this.outputLen = H;
    this.wIh = f32(s.weightIh, 0);
    this.wHh = f32(s.weightHh, 0);
    this.bIh = f32(s.biasIh, 4 * H);
    this.bHh = f32(s.biasHh, 4 * H);
    this.gx = new Float32Array(4 * H);
    this.gh = new Float32Array(4 * H);
    this.h = new Float32Array(H);
    this.c = new Float32Array(H);
  }

  reset(): void { this.h.fill(0); this.c.fill(0); }

  step(x: Float32Array, xOff: number): Float32Array {
    const H = this.outputLen, gx = this.gx, gh = this.gh, h = this.h, c = this.c;
    affine(this.wIh, this.bIh, 4 * H, this.inputLen, x, xOff, gx);
    affine(this.wHh, this.bHh, 4 * H, H, h, 0, gh);
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gx[j] + gh[j]);
      const f = sigmoid(gx[H + j] + gh[H + j]);
      const g = Math.tanh(gx[2 * H + j] + gh[2 * H + j]);
      const o = sigmoid(gx[3 * H + j] + gh[3 * H + j]);
      c[j] = f * c[j] + i * g;
      h[j] = o * Math.tanh(c[j]);
    }
    return h;
  }
}

/**
 * One step of a Mamba block: out = x + mixer(RMSNorm(x)), the mixer being mamba_simple's
 * Mamba.step (conv state roll, SiLU, x_proj, softplus dt, selective state update, SiLU gate).
 * The in/x/out projections have no bias.
 */
export class SsmJs implements JsStep {
  readonly inputLen: number; // M
  readonly outputLen: number; // M
  private readonly Di: number;
  private readonly N: number;
  private readonly R: number;
  private readonly K: number;
  private readonly eps: number;
  private readonly normW: Float32Array; // [M]
  private readonly inProj: Float32Array; // [2Di, M]
  private readonly convW: Float32Array; // [Di, K]
  private readonly convB: Float32Array; // [Di]
  private readonly xProj: Float32Array; // [R + 2N, Di]
  private readonly dtW: Float32Array; // [Di, R]
  private readonly dtB: Float32Array; // [Di]
  private readonly A: Float32Array; // [Di, N] = −exp(A_log)
  private readonly Dskip: Float32Array; // [Di]
  private readonly outProj: Float32Array; // [M, Di]
  private readonly zeros: Float32Array; // [max(2Di, R + 2N, M)] the absent biases
  private readonly u: Float32Array; // [M] normalised input
  private readonly xz: Float32Array; // [2Di]
  private readonly xc: Float32Array; // [Di] after conv and SiLU
  private readonly dbc: Float32Array; // [R + 2N]
  private readonly dt: Float32Array; // [Di]
  private readonly y: Float32Array; // [Di]
  private readonly out: Float32Array; // [M]
  private readonly conv: Float32Array; // [Di, K] last K inputs of the conv (state)
  private readonly h: Float32Array; // [Di, N] SSM state

  constructor(s: SsmSpec) {
    const M = s.dModel, N = s.dState, K = s.dConv ?? 4, R = s.dtRank ?? Math.ceil(M / 16);
    const Di = s.dInner ?? Math.round((s.expand ?? 2) * M);
    this.inputLen = M;
    this.outputLen = M;
    this.Di = Di; this.N = N; this.R = R; this.K = K;
    this.eps = s.normEps ?? 1e-5;
    this.normW = f32(s.normWeight, 0);
    this.inProj = f32(s.inProjWeight, 0);
    this.convW = f32(s.convWeight, 0);
    this.convB = f32(s.convBias, Di);
    this.xProj = f32(s.xProjWeight, 0);
    this.dtW = f32(s.dtProjWeight, 0);
    this.dtB = f32(s.dtProjBias, Di);
    this.A = Float32Array.from(s.aLog, (v) => -Math.exp(v));
    this.Dskip = f32(s.d, Di);
    this.outProj = f32(s.outProjWeight, 0);
    this.zeros = new Float32Array(Math.max(2 * Di, R + 2 * N, M));
    this.u = new Float32Array(M);
    this.xz = new Float32Array(2 * Di);
    this.xc = new Float32Array(Di);
    this.dbc = new Float32Array(R + 2 * N);
    this.dt = new Float32Array(Di);
    this.y = new Float32Array(Di);
    this.out = new Float32Array(M);
    this.conv = new Float32Array(Di * K);
    this.h = new Float32Array(Di * N);
  }

  reset(): void { this.conv.fill(0); this.h.fill(0); }

  step(x: Float32Array, xOff: number): Float32Array {
    const M = this.inputLen, Di = this.Di, N = this.N, R = this.R, K = this.K;
    const u = this.u, xz = this.xz, xc = this.xc, dbc = this.dbc, dt = this.dt, y = this.y, out = this.out;
    const conv = this.conv, h = this.h, convW = this.convW, convB = this.convB, A = this.A, Dskip = this.Dskip;
    // RMSNorm
    let ms = 0;
    for (let i = 0; i < M; i++) ms += x[xOff + i] * x[xOff + i];
    const rstd = 1 / Math.sqrt(ms / M + this.eps);
    for (let i = 0; i < M; i++) u[i] = x[xOff + i] * rstd * this.normW[i];
    affine(this.inProj, this.zeros, 2 * Di, M, u, 0, xz);
    for (let e = 0; e < Di; e++) {
      // causal depthwise conv over the last K inputs, then SiLU
      const o = e * K;
      let acc = convB[e];
      for (let k = 0; k < K - 1; k++) {
        conv[o + k] = conv[o + k + 1];
        acc += conv[o + k] * convW[o + k];
      }
      conv[o + K - 1] = xz[e];
      acc += xz[e] * convW[o + K - 1];
      xc[e] = silu(acc);
    }
    affine(this.xProj, this.zeros, R + 2 * N, Di, xc, 0, dbc);
    affine(this.dtW, this.dtB, Di, R, dbc, 0, dt);
    for (let e = 0; e < Di; e++) {
      const delta = softplus(dt[e]);
      const xe = xc[e], o = e * N;
      let acc = 0;
      for (let n = 0; n < N; n++) {
        const hn = h[o + n] * Math.exp(delta * A[o + n]) + xe * (delta * dbc[R + n]);
        h[o + n] = hn;
        acc += hn * dbc[R + N + n];
      }
      y[e] = (acc + Dskip[e] * xe) * silu(xz[Di + e]);
    }
    affine(this.outProj, this.zeros, M, Di, y, 0, out);
    for (let i = 0; i < M; i++) out[i] += x[xOff + i];
    return out;
  }
}
