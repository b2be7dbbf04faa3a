// The layer kinds on the host, in one list: for each kind (its code is C.KIND_*, its name is
// KIND's in host/runtime/format.ts) the float spec's check, an independent float64 reference,
// the encoder into a .tinyrnn layer record, its output size and its description for `inspect`.
// The module's list is assembly/layers.ts; every place a new kind touches: docs/adding-a-layer.md.

import type { LayerKind, NumType, ParsedLayer } from "../../runtime/format.js";
import { checkDense, denseReference, encodeDense, describeDense, type DenseSpec } from "./dense.js";
import { checkGru, gruReference, encodeGru, describeGru, type GruSpec } from "./gru.js";
import { checkLstm, lstmReference, encodeLstm, lstmOutputLen, describeLstm, type LstmSpec } from "./lstm.js";
import { checkSsm, ssmReference, encodeSsm, ssmOutputLen, describeSsm, type SsmSpec } from "./ssm.js";
import { checkNorm, normReference, encodeNorm, describeNorm, type NormSpec } from "./norm.js";
import type { EncodeContext, Encoded, LayerDescription, ReferenceLayer } from "./types.js";

/** A layer of a model, as float weights in PyTorch's names and layouts. */
export type LayerSpec = DenseSpec | GruSpec | LstmSpec | SsmSpec | NormSpec;

export interface KindOps<S> {
  /** throws on a bad shape or missing weights */
  check(s: S): void;
  reference(s: S): ReferenceLayer;
  encode(s: S, ctx: EncodeContext): Encoded;
  outputLen(s: S): number;
  describe(l: ParsedLayer, numType: NumType): LayerDescription;
}

/** Every kind the file format knows has its operations here (the type says so). */
export const LAYERS: { [K in LayerKind]: KindOps<Extract<LayerSpec, { kind: K }>> } = {
  dense: { check: checkDense, reference: denseReference, encode: encodeDense, outputLen: (s) => s.outputLen, describe: describeDense },
  gru: { check: checkGru, reference: gruReference, encode: encodeGru, outputLen: (s) => s.hiddenLen, describe: describeGru },
  lstm: { check: checkLstm, reference: lstmReference, encode: encodeLstm, outputLen: lstmOutputLen, describe: describeLstm },
  ssm: { check: checkSsm, reference: ssmReference, encode: encodeSsm, outputLen: ssmOutputLen, describe: describeSsm },
  rmsnorm: { check: checkNorm, reference: normReference, encode: encodeNorm, outputLen: (s) => s.inputLen, describe: describeNorm },
};

/** The operations of a spec's kind; throws on an unknown kind. */
export function layerOps<S extends LayerSpec>(s: S): KindOps<S> {
  const o = (LAYERS as Record<string, unknown>)[s.kind] as KindOps<S> | undefined;
  if (!o) throw new Error(`unknown layer kind "${(s as { kind: string }).kind}"`);
  return o;
}

/** A file's layer in words; layers of kinds this version does not know get their raw params. */
export function describeLayer(l: ParsedLayer, numType: NumType): LayerDescription & { kind: string; inputLen: number; outputLen: number; dataBytes: number } {
  const base = { kind: l.kind, inputLen: l.inputLen, outputLen: l.outputLen, dataBytes: l.dataBytes };
  const ops = (LAYERS as Record<string, KindOps<never>>)[l.kind];
  if (ops) return { ...base, ...ops.describe(l, numType) };
  return { ...base, summary: `params ${l.params.join(" ")}`, dtypes: numType === "int8" ? "int8 weights" : "f32", params: Object.fromEntries(l.params.map((p, i) => [`p${i}`, p])) };
}
