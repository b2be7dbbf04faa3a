// Human-readable descriptions of a model file's layers (for `inspect`), from the layer table alone.

import type { NumType, ParsedLayer } from "../runtime/format.js";
import { ACTIVATIONS } from "../build/layers/dense.js";

export interface LayerDescription {
  kind: string;
  inputLen: number;
  outputLen: number;
  /** the kind's parameters in words */
  summary: string;
  /** number types of weights, activations and state */
  dtypes: string;
  dataBytes: number;
  params: Record<string, number | string | boolean>;
}

export function describeLayer(l: ParsedLayer, numType: NumType): LayerDescription {
  const int8 = numType === "int8";
  const base = { kind: l.kind, inputLen: l.inputLen, outputLen: l.outputLen, dataBytes: l.dataBytes };
  switch (l.kind) {
    case "dense": {
      const activation = ACTIVATIONS[l.params[0]] ?? `unknown(${l.params[0]})`;
      return { ...base, summary: `activation ${activation}`, dtypes: int8 ? "w int8, b int32, out int16" : "f32", params: { activation } };
    }
    case "gru": {
      const resetAfter = (l.flags & 1) !== 0;
      return { ...base, summary: `hidden ${l.params[0]}, reset ${resetAfter ? "after" : "before"}`,
        dtypes: int8 ? "w int8, b int32, h int16 Q0.15" : "f32", params: { hiddenLen: l.params[0], resetAfter } };
    }
    case "lstm": {
      const H = l.params[0];
      if (!int8) {
        const clip = new Float32Array(new Int32Array([l.params[2]]).buffer)[0];
        return { ...base, summary: `hidden ${H}${clip > 0 ? `, cell clip ${clip}` : ""}`, dtypes: "f32", params: { hiddenLen: H, cellClip: clip } };
      }
      const params = { hiddenLen: H, cellScalePower: l.params[1], cellClip: l.params[2], outMin: l.params[3], outMax: l.params[4], gateRequant32: (l.flags & 1) !== 0 };
      return { ...base, summary: `hidden ${H}, cell 2^${l.params[1]}${l.params[2] ? `, clip ${l.params[2]}` : ""}`,
        dtypes: "w int8, b int64, h int16, c int16", params };
    }
    case "ssm": {
      const [dModel, dState, dConv, dInner, dtRank] = l.params;
      return { ...base, summary: `d_state ${dState}, d_conv ${dConv}, d_inner ${dInner}, dt_rank ${dtRank}`,
        dtypes: int8 ? "w int8, act int16, h int32, dt Q4.27" : "f32", params: { dModel, dState, dConv, dInner, dtRank } };
    }
    case "rmsnorm":
      return { ...base, summary: "RMSNorm", dtypes: int8 ? "act int16, weights in the requant" : "f32", params: {} };
    default:
      return { ...base, summary: `params ${l.params.join(" ")}`, dtypes: int8 ? "int8 weights" : "f32", params: Object.fromEntries(l.params.map((p, i) => [`p${i}`, p])) };
  }
}
