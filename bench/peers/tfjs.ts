// TensorFlow.js, its WebAssembly backend (one thread) or, where that backend does not load, its
// plain-JS cpu backend. tf.layers cannot hold these networks: its GRU has only resetAfter = false
// (Keras's other GRU, not PyTorch's), so both layers are written with tf ops as a TF.js user
// writes a custom cell: the weights as tensors (transposed once), one tf.tidy per step, the state
// kept as tensors, the output read with dataSync() each step. Whole sequence: the input projection
// of all T steps in one matMul, then the recurrence, one dataSync at the end.

import { SEQ_T, type CaseModel } from "./models.js";
import { peerRequire, peerVersion, shipped } from "./setup.js";
import type { Peer, PeerRun } from "./peer.js";
import type { GruSpec, LstmSpec } from "../../host/build/index.js";

// The few ops the bench uses (tfjs-core's types, restated so that the bench type-checks without the peers installed).
export interface Tensor { dataSync(): ArrayLike<number>; dispose(): void }
interface Tf {
  version_core: string;
  tensor2d(values: Float32Array, shape: [number, number]): Tensor;
  matMul(a: Tensor, b: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor, b: Tensor): Tensor;
  sigmoid(a: Tensor): Tensor;
  tanh(a: Tensor): Tensor;
  split(a: Tensor, n: number, axis: number): Tensor[];
  slice(a: Tensor, begin: number[], size: number[]): Tensor;
  concat(a: Tensor[], axis: number): Tensor;
  tidy<T>(fn: () => T): T;
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
}

let loaded: Promise<{ tf: Tf; backend: "wasm" | "cpu"; wasmError?: string }> | undefined;

/** tfjs-core with the wasm backend, one thread; the cpu backend if wasm does not initialise. */
export function loadTf(): Promise<{ tf: Tf; backend: "wasm" | "cpu"; wasmError?: string }> {
  loaded ??= (async () => {
    const tf = peerRequire("@tensorflow/tfjs-core") as Tf;
    let wasmError: string | undefined;
    try {
      const wasm = peerRequire("@tensorflow/tfjs-backend-wasm") as { setThreadsCount(n: number): void };
      wasm.setThreadsCount(1);
      if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
      await tf.ready();
      return { tf, backend: "wasm" as const };
    } catch (e) {
      wasmError = (e as Error).message;
    }
    peerRequire("@tensorflow/tfjs-backend-cpu");
    if (!(await tf.setBackend("cpu"))) throw new Error("TF.js: neither the wasm nor the cpu backend initialises");
    return { tf, backend: "cpu" as const, wasmError };
  })();
  return loaded;
}

/** [rows, cols] row-major → its transpose [cols, rows]. */
function transpose(w: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

export function tfjsPeer(backend: "wasm" | "cpu"): Peer {
  return {
    id: `tfjs-${backend}`,
    label: `TF.js ${backend}`,
    version: `@tensorflow/tfjs-core ${peerVersion("@tensorflow/tfjs-core")} + tfjs-backend-${backend} ${peerVersion(`@tensorflow/tfjs-backend-${backend}`)}`,
    numType: "f32",
    supports: (c) => c.kind !== "ssm",
    async open(c: CaseModel): Promise<PeerRun> {
      const { tf } = await loadTf();
      const s = c.spec as GruSpec | LstmSpec;
      const lstm = s.kind === "lstm";
      const I = s.inputLen, H = s.hiddenLen, G = (lstm ? 4 : 3) * H;
      const bias = (b: ArrayLike<number> | undefined) => Float32Array.from(b ?? new Float32Array(G));
      const wIhT = tf.tensor2d(transpose(s.weightIh, G, I), [I, G]);
      const wHhT = tf.tensor2d(transpose(s.weightHh, G, H), [H, G]);
      const bIh = bias(s.biasIh), bHh = bias(s.biasHh);
      // the LSTM adds both biases; the GRU keeps b_hh apart (it sits inside r ⊙ (W_hn h + b_hn))
      const bX = tf.tensor2d(lstm ? bIh.map((v, i) => v + bHh[i]) : bIh, [1, G]);
      const bH = tf.tensor2d(bHh, [1, G]);
      const xs = Array.from({ length: SEQ_T }, (_, t) => tf.tensor2d(c.seq.slice(t * I, (t + 1) * I), [1, I]));
      const xAll = tf.tensor2d(c.seq.slice(), [SEQ_T, I]);
      /** The zero state: [h] for the GRU, [h, c] for the LSTM. */
      const zero = () => Array.from({ length: lstm ? 2 : 1 }, () => tf.tensor2d(new Float32Array(H), [1, H]));

      /** One step from the input projection gx = x W_ih^T + b; returns the next state. */
      const cell = (gx: Tensor, state: Tensor[]): Tensor[] => {
        const h = state[0];
        if (lstm) {
          const [i, f, g, o] = tf.split(tf.add(gx, tf.matMul(h, wHhT)), 4, 1);
          const cNew = tf.add(tf.mul(tf.sigmoid(f), state[1]), tf.mul(tf.sigmoid(i), tf.tanh(g)));
          return [tf.mul(tf.sigmoid(o), tf.tanh(cNew)), cNew];
        }
        const [xr, xz, xn] = tf.split(gx, 3, 1);
        const [hr, hz, hn] = tf.split(tf.add(tf.matMul(h, wHhT), bH), 3, 1);
        const r = tf.sigmoid(tf.add(xr, hr));
        const z = tf.sigmoid(tf.add(xz, hz));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        return [tf.add(n, tf.mul(z, tf.sub(h, n)))];
      };
      let state = zero();
      let t = 0;
      let sink = 0;
      const step = (x: Tensor): ArrayLike<number> => {
        const next = tf.tidy(() => cell(tf.add(tf.matMul(x, wIhT), bX), state));
        for (const v of state) v.dispose();
        state = next;
        return next[0].dataSync();
      };
      const whole = (): ArrayLike<number> => {
        const ys = tf.tidy(() => {
          const gxAll = tf.add(tf.matMul(xAll, wIhT), bX);
          let st = zero();
          const hs: Tensor[] = [];
          for (let k = 0; k < SEQ_T; k++) {
            st = cell(tf.slice(gxAll, [k, 0], [1, G]), st);
            hs.push(st[0]);
          }
          return tf.concat(hs, 0);
        });
        const y = ys.dataSync();
        ys.dispose();
        return y;
      };
      const reset = () => { for (const v of state) v.dispose(); state = zero(); t = 0; };
      return {
        stream(n) {
          for (let i = 0; i < n; i++) {
            sink += step(xs[t])[0];
            if (++t === SEQ_T) t = 0;
          }
        },
        sequence() { sink += whole()[0]; },
        streamOutputs() {
          reset();
          const y = new Float32Array(SEQ_T * H);
          for (let k = 0; k < SEQ_T; k++) y.set(step(xs[k]), k * H);
          reset();
          return y;
        },
        sequenceOutputs: () => Float32Array.from(whole()),
        dispose() {
          if (Number.isNaN(sink)) throw new Error("TF.js produced NaN");
          for (const v of [wIhT, wHhT, bX, bH, xAll, ...xs, ...state]) v.dispose();
        },
      };
    },
    ships: (c) => [
      ...shipped(backend === "wasm"
        ? ["npm:@tensorflow/tfjs-core/dist/tf-core.min.js", "npm:@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js", "npm:@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"]
        : ["npm:@tensorflow/tfjs-core/dist/tf-core.min.js", "npm:@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js"]),
      { file: "float32 weights", bytes: c.f32WeightBytes, gzipBytes: c.f32WeightBytes },
    ],
  };
}
