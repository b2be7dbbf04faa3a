// Plain JavaScript float32: `npm run bench`'s twins (bench/jsfloat.ts), a class per layer stepped
// one input at a time; a whole sequence is the same steps in a loop.

import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { transformSync } from "esbuild";
import { SEQ_T, type CaseModel } from "./models.js";
import type { Peer, PeerRun } from "./peer.js";

let code: { bytes: number; gzipBytes: number } | undefined;

export function jsPeer(): Peer {
  return {
    id: "js",
    label: "plain JS f32",
    version: `plain JavaScript (bench/jsfloat.ts) on Node ${process.version}`,
    numType: "f32",
    supports: () => true,
    async open(c: CaseModel): Promise<PeerRun> {
      const js = c.case.js([c.spec]);
      const I = c.inputLen, O = js.outputLen;
      const seqOut = new Float32Array(SEQ_T * O);
      let t = 0;
      let sink = 0;
      const whole = (y: Float32Array) => {
        js.reset();
        for (let s = 0; s < SEQ_T; s++) y.set(js.step(c.seq, s * I), s * O);
        return y;
      };
      return {
        stream(n) {
          for (let i = 0; i < n; i++) {
            sink += js.step(c.seq, t * I)[0];
            if (++t === SEQ_T) t = 0;
          }
        },
        sequence() { whole(seqOut); },
        streamOutputs() {
          const y = whole(new Float32Array(SEQ_T * O));
          js.reset();
          t = 0;
          return y;
        },
        sequenceOutputs: () => whole(new Float32Array(SEQ_T * O)),
        dispose() {
          if (Number.isNaN(sink)) throw new Error("the JS float step produced NaN");
        },
      };
    },
    ships(c) {
      if (!code) {
        const min = Buffer.from(transformSync(readFileSync("bench/jsfloat.ts", "utf8"), { loader: "ts", minify: true, format: "esm" }).code);
        code = { bytes: min.length, gzipBytes: gzipSync(min, { level: 9 }).length };
      }
      // random float32 weights hardly compress: their gzip size is taken as their size
      return [{ file: "bench/jsfloat.ts, minified by esbuild", ...code }, { file: "float32 weights", bytes: c.f32WeightBytes, gzipBytes: c.f32WeightBytes }];
    },
  };
}
