// tinyrnn as a user runs it: Stream.step(x, out) per step (the wrapper, which copies the input into
// the module's memory and the output out of it), Stream.run(seq, out) for a whole sequence.

import { createRuntime, type Runtime } from "../../host/runtime/index.js";
import { SEQ_T, readBytes, type CaseModel } from "./models.js";
import { shipped } from "./setup.js";
import type { Peer, PeerRun } from "./peer.js";

const runtimes = new Map<string, Promise<Runtime>>();

export function tinyrnnPeer(build: "simd" | "mvp", numType: "int8" | "f32"): Peer {
  return {
    id: `tinyrnn-${numType}-${build}`,
    label: `tinyrnn ${numType} ${build}`,
    version: "tinyrnn (this checkout)",
    numType,
    supports: () => true,
    async open(c: CaseModel): Promise<PeerRun> {
      if (!runtimes.has(build)) runtimes.set(build, createRuntime({ build }));
      const rt = await runtimes.get(build)!;
      if (rt.build !== build) throw new Error(`tinyrnn ${build}: this engine runs the ${rt.build} build`);
      const model = rt.loadModel(readBytes(numType === "int8" ? c.files.int8 : c.files.f32));
      const stream = model.openStream();
      const I = c.inputLen, O = model.outputLen;
      const xs = Array.from({ length: SEQ_T }, (_, t) => c.seq.subarray(t * I, (t + 1) * I));
      const out = new Float32Array(O);
      const seqOut = new Float32Array(SEQ_T * O);
      let t = 0;
      return {
        stream(n) {
          for (let i = 0; i < n; i++) {
            stream.step(xs[t], out);
            if (++t === SEQ_T) t = 0;
          }
        },
        sequence() {
          stream.reset();
          stream.run(c.seq, seqOut);
        },
        streamOutputs() {
          stream.reset();
          const y = new Float32Array(SEQ_T * O);
          for (let s = 0; s < SEQ_T; s++) stream.step(xs[s], y.subarray(s * O, (s + 1) * O));
          stream.reset();
          t = 0;
          return y;
        },
        sequenceOutputs() {
          stream.reset();
          return stream.run(c.seq).slice();
        },
        dispose() { model.dispose(); },
      };
    },
    ships: (c) => shipped(["dist/core.js", `build/tinyrnn.${build}.wasm`, numType === "int8" ? c.files.int8 : c.files.f32]),
  };
}
