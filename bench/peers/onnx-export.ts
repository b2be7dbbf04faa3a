// The bench's GRU and LSTM layers as ONNX, for ONNX Runtime: one GRU or LSTM node, opset 14, the
// graph people export to step a recurrent model in ONNX Runtime — X [T, 1, I] (seq, batch,
// features; T dynamic, so the same file runs one step per call or a whole sequence in one), the
// state in (h0, and c0 for the LSTM) and out (Y_h, Y_c) beside the per-step output Y [T, 1, 1, H].
//
// Weights go in as PyTorch keeps them (gate rows r, z, n for the GRU; i, f, g, o for the LSTM)
// and are reordered into ONNX's gate order (z, r, h; i, o, f, c), biases [W_b, R_b]; the GRU is
// PyTorch's, linear_before_reset = 1. Written with protobufjs and the converter's ONNX
// descriptor; test/bench/onnx-export.test.ts reads the files back through the ONNX importer.

import { Root, type Type } from "protobufjs/light";
import type { GruSpec, LstmSpec } from "../../host/build/index.js";
import { onnxDescriptor } from "../../host/build/convert/onnx-descriptor.js";

const FLOAT = 1; // TensorProto.DataType
const ATTR_INT = 2; // AttributeProto.AttributeType

/** ONNX gate blocks as indices of PyTorch's gate blocks. */
const GATE_ORDER = { gru: [1, 0, 2], lstm: [0, 3, 1, 2] } as const;

let modelType: Type | undefined;

/** Rows of `w` ([g·H, cols], PyTorch gate order) regrouped into ONNX's gate order. */
function reorder(w: ArrayLike<number> | undefined, order: readonly number[], H: number, cols: number): Float32Array {
  const out = new Float32Array(order.length * H * cols);
  if (!w) return out;
  order.forEach((src, dst) => {
    for (let k = 0; k < H * cols; k++) out[dst * H * cols + k] = w[src * H * cols + k];
  });
  return out;
}

const initializer = (name: string, dims: number[], data: Float32Array) => ({
  name, dims, data_type: FLOAT, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) } } },
});

/** Tensor names of the exported graph. */
export const ONNX_NAMES = { x: "X", h0: "h0", c0: "c0", y: "Y", hn: "Y_h", cn: "Y_c" } as const;

/** One GRU or LSTM layer (PyTorch weights) as an ONNX model's bytes. */
export function recurrentToOnnx(spec: GruSpec | LstmSpec): Uint8Array {
  if (spec.kind === "gru" && spec.resetAfter === false) throw new Error("the export writes PyTorch's GRU (linear_before_reset = 1)");
  const lstm = spec.kind === "lstm";
  if (lstm && spec.cellClip) throw new Error("the export writes no cell clip");
  const I = spec.inputLen, H = spec.hiddenLen;
  const order = GATE_ORDER[spec.kind];
  const g = order.length;
  const B = new Float32Array(2 * g * H);
  B.set(reorder(spec.biasIh, order, H, 1), 0);
  B.set(reorder(spec.biasHh, order, H, 1), g * H);
  const n = ONNX_NAMES;
  const op = lstm ? "LSTM" : "GRU";
  const graph = {
    name: `${spec.kind}_${I}_${H}`,
    node: [{
      op_type: op, name: op.toLowerCase(),
      input: lstm ? [n.x, "W", "R", "B", "", n.h0, n.c0] : [n.x, "W", "R", "B", "", n.h0],
      output: lstm ? [n.y, n.hn, n.cn] : [n.y, n.hn],
      attribute: [
        { name: "hidden_size", type: ATTR_INT, i: H },
        ...(lstm ? [] : [{ name: "linear_before_reset", type: ATTR_INT, i: 1 }]),
      ],
    }],
    initializer: [
      initializer("W", [1, g * H, I], reorder(spec.weightIh, order, H, I)),
      initializer("R", [1, g * H, H], reorder(spec.weightHh, order, H, H)),
      initializer("B", [1, 2 * g * H], B),
    ],
    input: [valueInfo(n.x, ["T", 1, I]), valueInfo(n.h0, [1, 1, H]), ...(lstm ? [valueInfo(n.c0, [1, 1, H])] : [])],
    output: [valueInfo(n.y, ["T", 1, 1, H]), valueInfo(n.hn, [1, 1, H]), ...(lstm ? [valueInfo(n.cn, [1, 1, H])] : [])],
  };
  modelType ??= Root.fromJSON(onnxDescriptor as Parameters<typeof Root.fromJSON>[0]).lookupType("onnx.ModelProto");
  const model = { ir_version: 7, producer_name: "tinyrnn bench", opset_import: [{ domain: "", version: 14 }], graph };
  return modelType.encode(modelType.fromObject(model)).finish();
}
