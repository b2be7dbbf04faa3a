// Plain-JavaScript float steps: the yardstick for "int8 step ≥ 10× a plain-JS float step".
// Written as a competent JS developer would write them without heroics: a class per layer,
// Float32Array weights in PyTorch's row-major layout, buffers allocated once, one straightforward
// loop per matrix-vector product (one accumulator, no unrolling, no SIMD), Math.exp / Math.tanh
// for the nonlinearities. (Not host/layers' float64 reference, which is written for clarity and
// carries calibration observers.)
//
// Classes rather than closures on purpose: V8 specialises the first closure of a literal to its
// captured values and not later ones, which made a closure twin's speed depend on the order the
// bench ran the cases in (±40 %). Class methods are compiled the same for every instance.

import type { GruSpec, LstmSpec } from "../host/index.js";

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

/** The Mamba (v1) mixer fields the bench uses: d_model D, d_inner E = expand·D, d_state N, dt_rank R, d_conv K. */
export interface SsmWeights {
  inputLen: number; // D
  innerLen: number; // E
  stateLen: number; // N
  dtRank: number; // R
  convLen: number; // K
  /** in_proj.weight [2E, D] (x rows, then z rows) */ inProj: ArrayLike<number>;
  /** conv1d.weight [E, 1, K] */ convWeight: ArrayLike<number>;
  /** conv1d.bias [E] */ convBias?: ArrayLike<number>;
  /** x_proj.weight [R + 2N, E] (dt, B, C rows) */ xProj: ArrayLike<number>;
  /** dt_proj.weight [E, R] */ dtProjWeight: ArrayLike<number>;
  /** dt_proj.bias [E] */ dtProjBias: ArrayLike<number>;
  /** A_log [E, N] */ aLog: ArrayLike<number>;
  /** D [E] */ d: ArrayLike<number>;
  /** out_proj.weight [D, E] */ outProj: ArrayLike<number>;
}

/** One Mamba mixer step (mamba_simple.Mamba.step); in/x/out projections without bias. */
export class SsmJs implements JsStep {
  readonly inputLen: number; // D
  readonly outputLen: number; // D
  private readonly E: number;
  private readonly N: number;
  private readonly R: number;
  private readonly K: number;
  private readonly inProj: Float32Array; // [2E, D]
  private readonly convW: Float32Array; // [E, K]
  private readonly convB: Float32Array; // [E]
  private readonly xProj: Float32Array; // [R + 2N, E]
  private readonly dtW: Float32Array; // [E, R]
  private readonly dtB: Float32Array; // [E]
  private readonly A: Float32Array; // [E, N] = −exp(A_log)
  private readonly Dskip: Float32Array; // [E]
  private readonly outProj: Float32Array; // [D, E]
  private readonly zeros: Float32Array; // [max(2E, R + 2N, D)] the absent biases
  private readonly xz: Float32Array; // [2E]
  private readonly xc: Float32Array; // [E] after conv and SiLU
  private readonly dbc: Float32Array; // [R + 2N]
  private readonly dt: Float32Array; // [E]
  private readonly y: Float32Array; // [E]
  private readonly out: Float32Array; // [D]
  private readonly conv: Float32Array; // [E, K] last K inputs of the conv (state)
  private readonly h: Float32Array; // [E, N] SSM state

  constructor(s: SsmWeights) {
    const D = s.inputLen, E = s.innerLen, N = s.stateLen, R = s.dtRank, K = s.convLen;
    this.inputLen = D;
    this.outputLen = D;
    this.E = E; this.N = N; this.R = R; this.K = K;
    this.inProj = f32(s.inProj, 0);
    this.convW = f32(s.convWeight, 0);
    this.convB = f32(s.convBias, E);
    this.xProj = f32(s.xProj, 0);
    this.dtW = f32(s.dtProjWeight, 0);
    this.dtB = f32(s.dtProjBias, E);
    this.A = Float32Array.from(s.aLog, (v) => -Math.exp(v));
    this.Dskip = f32(s.d, E);
    this.outProj = f32(s.outProj, 0);
    this.zeros = new Float32Array(Math.max(2 * E, R + 2 * N, D));
    this.xz = new Float32Array(2 * E);
    this.xc = new Float32Array(E);
    this.dbc = new Float32Array(R + 2 * N);
    this.dt = new Float32Array(E);
    this.y = new Float32Array(E);
    this.out = new Float32Array(D);
    this.conv = new Float32Array(E * K);
    this.h = new Float32Array(E * N);
  }

  reset(): void { this.conv.fill(0); this.h.fill(0); }

  step(x: Float32Array, xOff: number): Float32Array {
    const D = this.inputLen, E = this.E, N = this.N, R = this.R, K = this.K;
    const xz = this.xz, xc = this.xc, dbc = this.dbc, dt = this.dt, y = this.y, conv = this.conv, h = this.h;
    const convW = this.convW, convB = this.convB, A = this.A, Dskip = this.Dskip;
    affine(this.inProj, this.zeros, 2 * E, D, x, xOff, xz);
    for (let e = 0; e < E; e++) {
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
    affine(this.xProj, this.zeros, R + 2 * N, E, xc, 0, dbc);
    affine(this.dtW, this.dtB, E, R, dbc, 0, dt);
    for (let e = 0; e < E; e++) {
      const delta = softplus(dt[e]);
      const xe = xc[e], o = e * N;
      let acc = 0;
      for (let n = 0; n < N; n++) {
        const hn = h[o + n] * Math.exp(delta * A[o + n]) + delta * dbc[R + n] * xe;
        h[o + n] = hn;
        acc += hn * dbc[R + N + n];
      }
      y[e] = (acc + Dskip[e] * xe) * silu(xz[E + e]);
    }
    affine(this.outProj, this.zeros, D, E, y, 0, this.out);
    return this.out;
  }
}
