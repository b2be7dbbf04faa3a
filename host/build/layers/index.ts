// The layer kinds on the host, in one list: for each kind (its code is C.KIND_*, its name is
// KIND's in host/runtime/format.ts) the float spec's check, an independent float64 reference,
// the encoder into a .tinyrnn layer record, its output size and its description for `inspect`.
// The module's list is assembly/layers.ts; every place a new kind touches: docs/adding-a-layer.md.

import { readModel, type LayerKind, type NumType, type ParsedLayer } from "../../runtime/format.js";
import type { TinyrnnError } from "../../runtime/abi.js";
import * as C from "../../runtime/constants.js";
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
  /** its f32 tensors by name, in file order (the kernel's header, assembly/<kind>.ts): what a refusal names */
  f32Tensors: readonly string[];
}

/** Every kind the file format knows has its operations here (the type says so). */
export const LAYERS: { [K in LayerKind]: KindOps<Extract<LayerSpec, { kind: K }>> } = {
  dense: { check: checkDense, reference: denseReference, encode: encodeDense, outputLen: (s) => s.outputLen, describe: describeDense,
    f32Tensors: ["W", "bias"] },
  gru: { check: checkGru, reference: gruReference, encode: encodeGru, outputLen: (s) => s.hiddenLen, describe: describeGru,
    f32Tensors: ["Wx", "Wh", "bx", "bh"] },
  lstm: { check: checkLstm, reference: lstmReference, encode: encodeLstm, outputLen: lstmOutputLen, describe: describeLstm,
    f32Tensors: ["Wx", "Wh", "b"] },
  ssm: { check: checkSsm, reference: ssmReference, encode: encodeSsm, outputLen: ssmOutputLen, describe: describeSsm,
    f32Tensors: ["normW", "inW", "convW", "convB", "xW", "dtW", "dtB", "A", "D", "outW", "consts"] },
  rmsnorm: { check: checkNorm, reference: normReference, encode: encodeNorm, outputLen: (s) => s.inputLen, describe: describeNorm,
    f32Tensors: ["w", "consts"] },
};

/**
 * A TinyrnnError from loading `bytes`, in the words only the file can add: the layer's kind and the
 * tensor's name for a NaN or infinite weight ("(layer 1 lstm, tensor 0 Wx)"), the header field
 * of a refused scale ("(header byte 52: output scale)"). The runtime's own message says indices
 * only (its bundle has no room for the names); the C host says it as this does.
 */
export function namedRefusal(e: TinyrnnError, bytes: Uint8Array): string {
  const d = e.detail;
  if (e.code === "nonFiniteWeight") {
    const layer = d >> C.LAYER_TENSOR_SHIFT, t = d & ((1 << C.LAYER_TENSOR_SHIFT) - 1), plain = ` (layer ${layer}, tensor ${t})`;
    let kind: string | undefined;
    try { kind = readModel(bytes).layers[layer]?.kind; } catch { /* unnamed, then */ }
    const tensor = kind ? (LAYERS as Record<string, KindOps<never>>)[kind]?.f32Tensors[t] : undefined;
    if (tensor && e.message.endsWith(plain)) return `${e.message.slice(0, -plain.length)} (layer ${layer} ${kind}, tensor ${t} ${tensor})`;
  }
  const field = e.code === "badHeader" ? HEADER_FIELDS[d] : undefined, plain = ` (header byte ${d})`;
  if (field && e.message.endsWith(plain)) return `${e.message.slice(0, -plain.length)} (header byte ${d}: ${field})`;
  return e.message;
}
const HEADER_FIELDS: Record<number, string> = { [C.HDR_INPUT_SCALE]: "input scale", [C.HDR_OUTPUT_SCALE]: "output scale" };

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
