// ONNX Runtime, native (onnxruntime-node) and its WebAssembly build (onnxruntime-web, run here in
// Node), on the exported ONNX (bench/peers/onnx-export.ts), one thread each. Streaming: one
// session.run per step, X [1, 1, I], the state outputs fed back as the next call's state inputs,
// as people step a recurrent model in ONNX Runtime. Whole sequence: one session.run over X [T, 1, I].

import { readdirSync } from "node:fs";
import { SEQ_T, readBytes, type CaseModel } from "./models.js";
import { ONNX_NAMES } from "./onnx-export.js";
import { peerFile, peerRequire, peerVersion, shipped } from "./setup.js";
import type { Peer, PeerRun } from "./peer.js";

// The few calls the bench makes (onnxruntime-common's types, restated so that the bench type-checks without the peers installed).
export interface OrtTensor { readonly data: unknown; readonly dims: readonly number[] }
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface Ort {
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array | string, options?: Record<string, unknown>): Promise<OrtSession> };
  env: { wasm?: { numThreads?: number }; logLevel?: string };
}

export type OrtFlavour = "node" | "web";

/** One thread, no inter-op pool: the same for openWakeWord's pipeline (bench/peers/wakeword.ts). */
export const ORT_NODE_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", executionProviders: ["cpu"] };

export function loadOrt(flavour: OrtFlavour): { ort: Ort; options: Record<string, unknown> } {
  if (flavour === "node") return { ort: peerRequire("onnxruntime-node") as Ort, options: ORT_NODE_OPTIONS };
  // onnxruntime-web's Node entry runs its WebAssembly build (ort-wasm-simd-threaded.wasm); one thread, so no workers
  const ort = peerRequire("onnxruntime-web") as Ort;
  ort.env.wasm!.numThreads = 1;
  return { ort, options: { executionProviders: ["wasm"] } };
}

/** The files a user ships for ONNX Runtime, without the model. */
export function ortFiles(flavour: OrtFlavour): string[] {
  if (flavour === "web") {
    // what a web app bundles for `onnxruntime-web/wasm`: the bundle (its glue inside) and the .wasm it fetches
    return ["npm:onnxruntime-web/dist/ort.wasm.bundle.min.mjs", "npm:onnxruntime-web/dist/ort-wasm-simd-threaded.wasm"];
  }
  // what Node loads: the binding's JS, onnxruntime-common's CommonJS build, this platform's native libraries
  const list = (dir: string, keep: (f: string) => boolean) => readdirSync(peerFile(dir)).filter(keep).map((f) => `npm:${dir}/${f}`);
  const js = (f: string) => f.endsWith(".js");
  return [
    ...list("onnxruntime-node/dist", js),
    ...list("onnxruntime-common/dist/cjs", js),
    ...list(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}`, () => true),
  ];
}

export function ortPeer(flavour: OrtFlavour): Peer {
  const pkg = flavour === "node" ? "onnxruntime-node" : "onnxruntime-web";
  return {
    id: `ort-${flavour}`,
    label: flavour === "node" ? "ONNX Runtime node" : "ONNX Runtime web (wasm)",
    version: `${pkg} ${peerVersion(pkg)}`,
    numType: "f32",
    supports: (c) => c.files.onnx !== undefined,
    async open(c: CaseModel): Promise<PeerRun> {
      const { ort, options } = loadOrt(flavour);
      const session = await ort.InferenceSession.create(readBytes(c.files.onnx!), options);
      const I = c.inputLen, H = c.outputLen;
      const lstm = c.kind === "lstm";
      const n = ONNX_NAMES;
      const zero = () => new ort.Tensor("float32", new Float32Array(H), [1, 1, H]);
      const xs = Array.from({ length: SEQ_T }, (_, t) => new ort.Tensor("float32", c.seq.slice(t * I, (t + 1) * I), [1, 1, I]));
      const xAll = new ort.Tensor("float32", c.seq.slice(), [SEQ_T, 1, I]);
      let h = zero(), cell = zero();
      let t = 0;
      let sink = 0;
      const feeds = (x: OrtTensor, h0: OrtTensor, c0: OrtTensor): Record<string, OrtTensor> =>
        (lstm ? { [n.x]: x, [n.h0]: h0, [n.c0]: c0 } : { [n.x]: x, [n.h0]: h0 });
      /** One step: the state fed back, the output read. */
      const step = async (x: OrtTensor): Promise<Float32Array> => {
        const r = await session.run(feeds(x, h, cell));
        h = r[n.hn];
        if (lstm) cell = r[n.cn];
        return r[n.y].data as Float32Array;
      };
      const whole = async () => (await session.run(feeds(xAll, zero(), zero())))[n.y].data as Float32Array;
      return {
        async stream(count) {
          for (let i = 0; i < count; i++) {
            sink += (await step(xs[t]))[0];
            if (++t === SEQ_T) t = 0;
          }
        },
        async sequence() { sink += (await whole())[0]; },
        async streamOutputs() {
          h = zero(); cell = zero(); t = 0;
          const y = new Float32Array(SEQ_T * H);
          for (let s = 0; s < SEQ_T; s++) y.set(await step(xs[s]), s * H);
          h = zero(); cell = zero();
          return y;
        },
        async sequenceOutputs() { return Float32Array.from(await whole()); },
        dispose() {
          if (Number.isNaN(sink)) throw new Error(`${pkg} produced NaN`);
          void session.release();
        },
      };
    },
    ships: (c) => shipped([...ortFiles(flavour), c.files.onnx!], flavour === "web"),
  };
}
