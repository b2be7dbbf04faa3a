// ONNX importer: an ONNX model (ModelProto bytes) → float layer specs for the builder.
//
// The protobuf is decoded by protobufjs/light from the JSON descriptor generated from ONNX's own
// onnx.proto (onnx-descriptor.ts, see make-onnx-descriptor.mjs). The graph is then walked in its
// (topological) order with a small abstract interpreter:
//
// - constant subgraphs (initializers, Constant nodes and what torch.onnx.export builds from them:
//   Shape/Gather/Unsqueeze/Concat/ConstantOfShape/Expand for zero initial states, Slice/Concat of
//   stacked weights, Transpose, Cast, Reshape, arithmetic) are evaluated;
// - the one runtime tensor — "the stream", derived from the graph input — is tracked by its shape only:
//   a sequence axis (its length unknown, NaN here, also in the values of Shape), batch axes of size 1
//   (batch 1 at run time: one stream is one batch element) and one feature axis. Layout glue
//   (Transpose, Squeeze, Unsqueeze, Reshape that keeps the order of sequence and features) changes only
//   that shape; GRU, LSTM, Gemm and MatMul append a layer; Add of a constant and
//   Relu/Sigmoid/Tanh/Softmax fuse into the dense layer just appended. Which axis of a 3-D graph input
//   is the sequence and which the batch is decided by the graph's meaning, not by its sizes: both
//   orders are tried, and the one under which the recurrent nodes' `layout` and the glue before them
//   agree is taken (a [1, 1, F] streaming export is fine);
// - recurrent state — graph inputs that feed initial_h / initial_c, and the Y_h / Y_c outputs — is
//   tracked symbolically ("sym" values: each element names the state element it is). Glue
//   (Slice/Gather/Squeeze/Unsqueeze/Reshape/Transpose/Concat) moves the symbols around like
//   constants; at the end, state inputs and outputs must name the same layers' state at the same
//   positions, so that feeding the outputs back as inputs — how such a graph runs step by step in
//   ONNX Runtime — is what a stream does anyway by keeping its state.
//
// The layers must form one chain: every layer op consumes the newest stream value (a version counter
// checks that nothing uses a value from before the latest layer or fusion), and the one per-step graph
// output (the others, if any, being state) is the newest value. Anything else is refused naming the
// node and its op type, or the tensor.
//
// No Node built-ins: this runs in browsers too.

import { Root, type Type } from "protobufjs/light";
import type { LayerSpec } from "../builder.js";
import type { Activation, DenseSpec } from "../layers/dense.js";
import type { GruSpec } from "../layers/gru.js";
import type { LstmSpec } from "../layers/lstm.js";
import { onnxDescriptor } from "./onnx-descriptor.js";

export interface OnnxImport {
  specs: LayerSpec[];
  /** Features per step of the graph input. */
  inputLen: number;
  /**
   * Where the model came from: producer, opset, graph and tensor names, the model's metadata_props;
   * `state` ({ inputs, outputs }: graph tensor names) when the graph takes or returns recurrent state,
   * which a stream keeps inside itself.
   */
  metadata: Record<string, unknown>;
}

/** A constant tensor. NaN entries stand for the (unknown) sequence length, as Shape of the stream gives it. */
interface Const {
  t: "const";
  dims: number[];
  data: Float64Array;
  /** ONNX TensorProto.DataType */
  type: number;
}

/** The runtime tensor: its shape only. NaN marks the sequence axis; `feat` is the feature axis. */
interface Stream {
  t: "stream";
  dims: number[];
  feat: number;
  /** Value of the layer chain's version counter when this value was produced. */
  version: number;
}

/** An output the importer cannot provide (a recurrent layer's final state): refused when used. */
interface Unusable {
  t: "unusable";
  why: string;
}

/**
 * Recurrent state, symbolically: each element of `data` is an index into the importer's symbol table
 * (an element of a state graph input, or an element of a layer's state after the step).
 */
interface Sym {
  t: "sym";
  dims: number[];
  data: Float64Array;
}

type Value = Const | Stream | Unusable | Sym;

/** What a symbol stands for: element `index` of state graph input `input`, or unit j of batch element b of layer `layer`'s h or c. */
type SymInfo =
  | { k: "in"; input: string; index: number }
  | { k: "out"; layer: number; hc: 0 | 1; b: number; j: number };

/** A recurrent node, for the state checks at the end. */
interface RecInfo {
  node: string;
  op: "GRU" | "LSTM";
  spec: number;
  /** the stream version of its Y */
  version: number;
  H: number;
  /** batch of the state tensors (initial_h's, else 1) */
  B: number;
  /** initial h and c: undefined = zero */
  init: [Sym | undefined, Sym | undefined];
}

/** Ops that move state symbols around like constants. */
const SYM_GLUE = ["Identity", "Cast", "Slice", "Gather", "Squeeze", "Unsqueeze", "Reshape", "Transpose", "Concat", "Shape"];

// ONNX TensorProto.DataType values used here.
const DT = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16 } as const;
const DT_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DT).map(([k, v]) => [v, k]));
// AttributeProto.AttributeType
const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

const SUPPORTED_OPS = [
  "GRU", "LSTM", "Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softmax",
  "Constant", "Identity", "Dropout", "Cast", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat",
  "ConstantOfShape", "Expand", "Slice", "Transpose", "Reshape", "Sub", "Mul", "Div",
];

let modelType: Type | undefined;
function onnxModelType(): Type {
  modelType ??= Root.fromJSON(onnxDescriptor as Parameters<typeof Root.fromJSON>[0]).lookupType("onnx.ModelProto");
  return modelType;
}

// Decoded protobuf objects (protobufjs toObject with longs as numbers), typed loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Pb = any;

/** Read an ONNX model and turn its graph into layer specs, or throw naming what is unsupported. */
export function onnxToSpecs(bytes: Uint8Array): OnnxImport {
  if (!(bytes instanceof Uint8Array)) throw new Error("onnxToSpecs takes the model file's bytes as a Uint8Array");
  if (bytes.length === 0) throw new Error("the ONNX file is empty");
  let model: Pb;
  try {
    const type = onnxModelType();
    model = type.toObject(type.decode(bytes), { longs: Number, enums: Number, arrays: true, defaults: false });
  } catch (e) {
    throw new Error(`not a valid ONNX file: its protobuf does not decode (${(e as Error).message}); is the file truncated or not ONNX?`);
  }
  const graph: Pb = model.graph;
  if (!graph || !Array.isArray(graph.node) || graph.node.length === 0) {
    throw new Error("not a valid ONNX file: it holds no graph with nodes (a truncated file, or not an ONNX model?)");
  }
  const opsets: Pb[] = model.opset_import ?? [];
  const defaultOpset = opsets.find((o) => !o.domain || o.domain === "ai.onnx");
  const opset: number = defaultOpset ? Number(defaultOpset.version ?? 1) : 1;
  // A 3-D graph input: try the axis order its names and sizes suggest first, then the other; the
  // recurrent nodes' layout (checked in recurrent()) refuses the wrong one.
  const first = new Importer(graph, opset, undefined);
  try {
    return first.run(model);
  } catch (e) {
    if (first.seqFirst === undefined) throw e;
    const second = new Importer(graph, opset, !first.seqFirst);
    try {
      return second.run(model);
    } catch (e2) {
      // Report the failure that is not about the axis order, if there is one.
      throw first.axisError && !second.axisError ? e2 : e;
    }
  }
}

class Importer {
  private values = new Map<string, Value>();
  private specs: LayerSpec[] = [];
  private version = 0;
  /** Whether the newest layer is a dense layer that can still take a bias (Add) or activation. */
  private tipDenseOpen = false;
  private inputName = "";
  private inputLen = 0;
  /** The graph input's declared sequence length (NaN when dynamic or unknown). */
  private declaredSeq = NaN;
  private symbols: SymInfo[] = [];
  private recs: RecInfo[] = [];
  private stateInputs: string[] = [];
  /** For a 3-D graph input: whether its axis 0 (rather than 1) is the sequence axis; set by graphInput. */
  seqFirst: boolean | undefined;
  /** Set when a recurrent node refused the stream's axis order (so that the other order may fit). */
  axisError = false;

  constructor(private graph: Pb, private opset: number, seqFirst: boolean | undefined) {
    this.seqFirst = seqFirst;
  }

  run(model: Pb): OnnxImport {
    const g = this.graph;
    for (const t of g.initializer ?? []) this.values.set(t.name, tensorValue(t, `initializer "${t.name}"`));
    for (const t of g.sparse_initializer ?? []) throw new Error(`sparse initializer "${t.values?.name ?? "?"}" is not supported`);
    const inputs: Pb[] = (g.input ?? []).filter((vi: Pb) => !this.values.has(vi.name));
    const { stream, state, error } = this.classifyInputs(inputs);
    // Unsupported op types first: the most useful thing to tell about a graph tinyrnn cannot run.
    (g.node as Pb[]).forEach((node, i) => {
      const where = `ONNX node "${node.name || `#${i}`}" (${node.op_type})`;
      if (node.domain && node.domain !== "ai.onnx") throw new Error(`${where}: op domain "${node.domain}" is not supported (only the default ONNX domain)`);
      if (!SUPPORTED_OPS.includes(node.op_type)) throw new Error(`${where}: op type ${node.op_type} is not supported (supported: ${SUPPORTED_OPS.join(", ")})`);
    });
    if (error) throw new Error(error);
    this.values.set(stream.name, this.graphInput(stream));
    for (const vi of state) this.values.set(vi.name, this.stateInput(vi));

    (g.node as Pb[]).forEach((node, i) => {
      const where = `ONNX node "${node.name || `#${i}`}" (${node.op_type})`;
      try {
        this.node(node, where);
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`);
      }
    });

    const { outName, stateOutputs } = this.outputs(g.output ?? []);

    const props: Record<string, string> = {};
    for (const p of model.metadata_props ?? []) props[p.key] = p.value ?? "";
    const metadata: Record<string, unknown> = {
      format: "onnx",
      producer: [model.producer_name, model.producer_version].filter(Boolean).join(" ") || undefined,
      irVersion: model.ir_version,
      opset: this.opset,
      graph: g.name || undefined,
      input: this.inputName,
      output: outName,
      ...(this.stateInputs.length || stateOutputs.length ? { state: { inputs: this.stateInputs, outputs: stateOutputs } } : {}),
      ...(Object.keys(props).length ? { metadataProps: props } : {}),
    };
    for (const k of Object.keys(metadata)) if (metadata[k] === undefined) delete metadata[k];
    return { specs: this.specs, inputLen: this.inputLen, metadata };
  }

  /**
   * Which graph input is the stream and which are recurrent state: an input whose values reach a
   * GRU/LSTM's initial_h or initial_c (through anything but Shape and the recurrent node itself) is
   * state; exactly one other input must remain.
   */
  private classifyInputs(inputs: Pb[]): { stream: Pb; state: Pb[]; error?: string } {
    const nodes: Pb[] = this.graph.node;
    const reach = (name: string) => {
      const seen = new Set([name]);
      const slots = new Set<string>();
      for (const node of nodes) {
        const ins: string[] = node.input ?? [];
        if (!ins.some((n) => n && seen.has(n))) continue;
        if (node.op_type === "GRU" || node.op_type === "LSTM") {
          ins.forEach((n, i) => { if (n && seen.has(n)) slots.add(i === 4 ? `sequence_lens of ONNX node "${node.name}"` : i === 5 || i === 6 ? "state" : "data"); });
          continue;
        }
        if (node.op_type === "Shape") continue;
        for (const o of node.output ?? []) if (o) seen.add(o);
      }
      return slots;
    };
    const state: Pb[] = [], others: Pb[] = [];
    for (const vi of inputs) {
      const slots = reach(vi.name);
      const seqLens = [...slots].find((s) => s.startsWith("sequence_lens"));
      if (seqLens) throw new Error(`graph input "${vi.name}" feeds the ${seqLens}: a stream has no fixed length; leave sequence_lens out (or make it a constant equal to the sequence length)`);
      if (slots.has("state") && !slots.has("data")) state.push(vi);
      else others.push(vi);
    }
    if (others.length !== 1) {
      const recurrent = nodes.some((n) => n.op_type === "GRU" || n.op_type === "LSTM");
      const list = inputs.map((i: Pb) => `"${i.name}"`).join(", ") || "none";
      if (others.length > 1 && !recurrent) {
        throw new Error(`the graph has ${inputs.length} inputs (${list}) and no GRU or LSTM node: a recurrent step written out as arithmetic (e.g. an exported nn.GRUCell or nn.LSTMCell: Gemm, Split, Sigmoid, Tanh, Mul) is not supported; export nn.GRU / nn.LSTM, whose state inputs are recognised`);
      }
      return { stream: undefined, state, error: `the graph has ${inputs.length} inputs (${list}); tinyrnn models take exactly one input sequence, plus optionally recurrent state that feeds a GRU's or LSTM's initial_h / initial_c` };
    }
    this.stateInputs = state.map((vi) => vi.name);
    return { stream: others[0], state };
  }

  /** The graph input becomes the stream: [features], [seq, features] or [seq, batch, features] / [batch, seq, features]. */
  private graphInput(vi: Pb): Stream {
    const name: string = vi.name;
    this.inputName = name;
    const tt = vi.type?.tensor_type;
    if (!tt) throw new Error(`graph input "${name}" is not a tensor`);
    if (tt.elem_type !== DT.FLOAT) throw new Error(`graph input "${name}" has element type ${DT_NAMES[tt.elem_type] ?? tt.elem_type}; tinyrnn takes float32 input`);
    const dims: Pb[] = tt.shape?.dim ?? [];
    const shape = dims.map((d) => (d.dim_value !== undefined && d.dim_value > 0 ? String(d.dim_value) : d.dim_param || "?")).join(", ");
    const F = Number(dims[dims.length - 1]?.dim_value);
    if (!tt.shape || dims.length < 1 || dims.length > 3 || !(F > 0)) {
      throw new Error(`graph input "${name}" has shape [${shape}]; expected [features], [seq, features], [seq, batch, features] or [batch, seq, features] with a fixed number of features`);
    }
    this.inputLen = F;
    const declared = (d: Pb) => (d.dim_value > 0 ? Number(d.dim_value) : NaN);
    if (dims.length === 1) return { t: "stream", dims: [F], feat: 0, version: 0 };
    if (dims.length === 2) {
      this.declaredSeq = declared(dims[0]);
      return { t: "stream", dims: [NaN, F], feat: 1, version: 0 };
    }
    if (this.seqFirst === undefined) {
      // First guess from names and sizes; the graph decides (see onnxToSpecs).
      const role = (d: Pb): "batch" | "seq" | "?" => {
        const p = String(d.dim_param ?? "");
        if (/batch|^n$|^b$|^bs$/i.test(p)) return "batch";
        if (/seq|time|len|frame|step|^t$/i.test(p)) return "seq";
        if (d.dim_value > 1) return "seq";
        return "?";
      };
      const r0 = role(dims[0]), r1 = role(dims[1]);
      this.seqFirst = !(r0 === "batch" || (r0 === "?" && r1 === "seq"));
    }
    this.declaredSeq = declared(dims[this.seqFirst ? 0 : 1]);
    return { t: "stream", dims: this.seqFirst ? [NaN, 1, F] : [1, NaN, F], feat: 2, version: 0 };
  }

  /** A state graph input: a tensor of symbols, one per element (dynamic axes count as batch 1). */
  private stateInput(vi: Pb): Sym {
    const name: string = vi.name;
    const tt = vi.type?.tensor_type;
    if (!tt || !tt.shape) throw new Error(`graph input "${name}" (recurrent state) has no tensor shape`);
    if (tt.elem_type !== DT.FLOAT) throw new Error(`graph input "${name}" (recurrent state) has element type ${DT_NAMES[tt.elem_type] ?? tt.elem_type}; expected float32`);
    const dims = (tt.shape.dim ?? []).map((d: Pb) => (d.dim_value > 0 ? Number(d.dim_value) : 1));
    const n = sizeOf(dims);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = this.symbols.push({ k: "in", input: name, index: i }) - 1;
    return { t: "sym", dims, data };
  }

  private expectPerStep(s: Stream, what: string): void {
    s.dims.forEach((d, i) => {
      if (i !== s.feat && !Number.isNaN(d) && d !== 1) throw new Error(`${what} has shape [${fmtDims(s.dims)}]; expected one sequence axis, one feature axis and axes of size 1`);
    });
  }

  /**
   * The graph's outputs: one per-step output (the stream), the others recurrent state (Y_h / Y_c,
   * through glue) whose positions agree with the state inputs'. A graph whose only output is the last
   * layer's Y_h gives that layer's output (its hidden state after each step).
   */
  private outputs(outputs: Pb[]): { outName: string; stateOutputs: string[] } {
    if (outputs.length === 0) throw new Error("the graph has no outputs");
    const vals = outputs.map((o) => {
      const name: string = o.name;
      const v = this.values.get(name);
      if (!v) throw new Error(`graph output "${name}" is not produced by any node`);
      if (v.t === "unusable") throw new Error(`graph output "${name}": ${v.why}`);
      if (v.t === "const") throw new Error(`graph output "${name}" does not depend on the input`);
      return { name, v };
    });
    if (this.specs.length === 0) throw new Error(`the graph has no GRU, LSTM, Gemm or MatMul layer between its input and output`);
    const streams = vals.filter((o) => o.v.t === "stream");
    const syms = vals.filter((o) => o.v.t === "sym") as { name: string; v: Sym }[];
    for (const o of syms) this.checkStateOutput(o.name, o.v);
    if (streams.length > 1) {
      throw new Error(`the graph has ${streams.length} per-step outputs (${streams.map((o) => `"${o.name}"`).join(", ")}); tinyrnn models give exactly one output per step`);
    }
    if (streams.length === 1) {
      const { name, v } = streams[0] as { name: string; v: Stream };
      if (v.version !== this.version) throw new Error(`graph output "${name}" is not the last layer's output: tinyrnn runs one chain of layers`);
      this.expectPerStep(v, `graph output "${name}"`);
      return { outName: name, stateOutputs: syms.map((o) => o.name) };
    }
    // No per-step output: the last layer's Y_h (its hidden state after each step, i.e. its Y) is the
    // step output, when nothing follows that layer; other outputs are state.
    const last = this.recs[this.recs.length - 1];
    const isLastH = (v: Sym) => last && last.spec === this.specs.length - 1 && last.version === this.version && v.dims[v.dims.length - 1] === last.H &&
      [...v.data].every((d, i) => { const s = this.symbols[d]; return s.k === "out" && s.layer === this.recs.length - 1 && s.hc === 0 && s.j === i % last.H; });
    const steps = syms.filter((o) => isLastH(o.v));
    if (steps.length !== 1) {
      throw new Error(`the graph's outputs (${vals.map((o) => `"${o.name}"`).join(", ")}) are all recurrent state: export the per-step output Y (or the last layer's Y_h, which a stream gives after each step)`);
    }
    return { outName: steps[0].name, stateOutputs: syms.filter((o) => o !== steps[0]).map((o) => o.name) };
  }

  /** A state output must hold layers' state only, at the positions where the state input that starts that state holds it. */
  private checkStateOutput(name: string, v: Sym): void {
    [...v.data].forEach((d, p) => {
      const s = this.symbols[d];
      if (s.k === "in") throw new Error(`graph output "${name}" passes state input "${s.input}" through unchanged; only a layer's state after the step (Y_h / Y_c) can be a state output`);
      const rec = this.recs[s.layer];
      const init = rec.init[s.hc];
      if (!init) return; // that state starts from zero: nothing to agree with
      const src = this.symbols[init.data[s.b * rec.H + s.j]] as Extract<SymInfo, { k: "in" }>;
      const what = `${s.hc ? "cell" : "hidden"} state of ONNX node "${rec.node}" (layer ${s.layer})`;
      const inDims = (this.values.get(src.input) as Sym).dims.join();
      if (src.index !== p || inDims !== v.dims.join()) {
        throw new Error(`graph output "${name}" holds the ${what} at another position (or shape) than graph input "${src.input}" does, so feeding "${name}" back as "${src.input}" would not carry the state; tinyrnn cannot tell what the state is`);
      }
    });
  }

  // --- node evaluation ---------------------------------------------------------------------------

  private node(node: Pb, where: string): void {
    if (node.domain && node.domain !== "ai.onnx") throw new Error(`op domain "${node.domain}" is not supported (only the default ONNX domain)`);
    const op: string = node.op_type;
    const inNames: string[] = node.input ?? [];
    let ins: (Value | undefined)[] = inNames.map((n) => {
      if (!n) return undefined;
      const v = this.values.get(n);
      if (!v) throw new Error(`input "${n}" is not produced by any earlier node, initializer or graph input`);
      if (v.t === "unusable") throw new Error(`input "${n}": ${v.why}`);
      return v;
    });
    // Recurrent state may only be moved around by glue (evaluated like constants) into initial_h/initial_c.
    const symIn = ins.map((v) => v?.t === "sym");
    const glue = SYM_GLUE.includes(op) && symIn.some(Boolean);
    symIn.forEach((isSym, i) => {
      if (!isSym) return;
      const ok = glue ? i === 0 || op === "Concat" : (op === "GRU" || op === "LSTM") && (i === 5 || i === 6);
      if (!ok) throw new Error(`input "${inNames[i]}" is ${this.describeSym(ins[i] as Sym)}, which may only reach a GRU's or LSTM's initial_h / initial_c (through ${SYM_GLUE.filter((o) => o !== "Shape").join("/")}) or a graph output`);
    });
    if (glue) {
      if (op === "Concat" && ins.some((v) => v && v.t !== "sym")) throw new Error("concatenating recurrent state with anything else is not supported");
      if (op === "Cast" && new Attrs(node.attribute ?? []).int("to") !== DT.FLOAT) throw new Error("casting recurrent state to a type other than float is not supported");
      ins = ins.map((v) => (v?.t === "sym" ? { t: "const", dims: v.dims, data: v.data, type: DT.FLOAT } : v));
    }
    const attrs = new Attrs(node.attribute ?? []);
    const outs: (Value | undefined)[] = op === "GRU" || op === "LSTM" ? this.recurrent(op, ins, attrs, inNames, where) : this.evaluate(op, ins, attrs);
    (node.output as string[]).forEach((n, i) => {
      if (!n) return;
      let v = outs[i];
      if (glue && op !== "Shape" && v?.t === "const") v = { t: "sym", dims: v.dims, data: v.data };
      this.values.set(n, v ?? { t: "unusable", why: `output ${i} of ${op} is not supported` });
    });
  }

  private describeSym(v: Sym): string {
    const s = this.symbols[v.data[0]];
    if (!s) return "an empty state tensor";
    if (s.k === "in") return `recurrent state (from graph input "${s.input}")`;
    const r = this.recs[s.layer];
    return `the final ${s.hc ? "cell" : "hidden"} state (Y_${s.hc ? "c" : "h"}) of ONNX node "${r.node}" (${r.op})`;
  }

  private evaluate(op: string, ins: (Value | undefined)[], a: Attrs): (Value | undefined)[] {
    const x = ins[0];
    const streamIn = ins.some((v) => v?.t === "stream");
    switch (op) {
      case "Constant":
        return [constantNode(a)];
      case "Identity":
        return [need(x, 0)];
      case "Dropout": // inference: the identity
        return [need(x, 0)];
      case "Cast": {
        const to = a.int("to");
        if (need(x, 0).t === "stream") {
          if (to !== DT.FLOAT) throw new Error(`cast of the input stream to ${DT_NAMES[to!] ?? to} is not supported`);
          return [x];
        }
        return [castConst(x as Const, to!)];
      }
      case "Shape": {
        const v = need(x, 0) as Const | Stream;
        let start = a.int("start") ?? 0, end = a.int("end") ?? v.dims.length;
        const r = v.dims.length;
        start = clamp(start < 0 ? start + r : start, 0, r);
        end = clamp(end < 0 ? end + r : end, 0, r);
        return [constOf([Math.max(0, end - start)], v.dims.slice(start, end), DT.INT64)];
      }
      case "Gather":
        if (x?.t === "stream") throw new Error("selecting steps or features of the stream (e.g. only the last time step) is not supported: a stream gives an output at every step");
        return [gather(constIn(ins, 0, op), constIn(ins, 1, op), a.int("axis") ?? 0)];
      case "Unsqueeze": {
        const axes = this.axes(a, ins);
        if (!axes) throw new Error("Unsqueeze needs axes");
        const v = need(x, 0) as Const | Stream;
        const r = v.dims.length + axes.length;
        const norm = axes.map((ax) => normAxis(ax, r)).sort((p, q) => p - q);
        const dims = [...v.dims];
        let feat = v.t === "stream" ? v.feat : -1;
        for (const ax of norm) { dims.splice(ax, 0, 1); if (feat >= ax) feat++; }
        return [v.t === "stream" ? { ...v, dims, feat } : { ...v, dims }];
      }
      case "Squeeze": {
        const v = need(x, 0) as Const | Stream;
        const axes = this.axes(a, ins) ?? v.dims.flatMap((d, i) => (d === 1 ? [i] : []));
        const norm = axes.map((ax) => normAxis(ax, v.dims.length));
        for (const ax of norm) {
          if (v.dims[ax] !== 1) throw new Error(`cannot squeeze axis ${ax} of size ${Number.isNaN(v.dims[ax]) ? "seq" : v.dims[ax]} (shape [${fmtDims(v.dims)}])`);
          if (v.t === "stream" && ax === v.feat) throw new Error(`cannot squeeze away the feature axis`);
        }
        const dims = v.dims.filter((_, i) => !norm.includes(i));
        if (v.t === "const") return [{ ...v, dims }];
        return [{ ...v, dims, feat: v.feat - norm.filter((ax) => ax < v.feat).length }];
      }
      case "Concat": {
        if (streamIn) throw new Error("concatenating the input stream with anything is not supported");
        return [concat(ins.filter((v): v is Const => !!v) as Const[], a.int("axis") ?? 0)];
      }
      case "ConstantOfShape": {
        const shape = constIn(ins, 0, op);
        if ([...shape.data].some((d) => Number.isNaN(d))) throw new Error("a constant whose shape depends on the sequence length is not supported (only zero initial states of shape [directions, batch, hidden])");
        const fill = a.tensor("value");
        const dims = [...shape.data];
        const n = dims.reduce((p, q) => p * q, 1);
        return [constOf(dims, new Float64Array(n).fill(fill ? fill.data[0] : 0), fill ? fill.type : DT.FLOAT)];
      }
      case "Expand": {
        const shape = constIn(ins, 1, op);
        const v = need(x, 0);
        if (v.t === "stream") {
          const target = broadcastDims(v.dims, [...shape.data]);
          if (target.length !== v.dims.length || target.some((d, i) => !sameDim(d, v.dims[i]))) throw new Error("expanding the input stream is not supported");
          return [v];
        }
        if ([...shape.data].some((d) => Number.isNaN(d))) throw new Error("a constant expanded along the sequence axis is not supported");
        return [expand(v as Const, [...shape.data])];
      }
      case "Slice": {
        const v = need(x, 0);
        if (v.t === "stream") throw new Error("slicing the input stream is not supported");
        let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
        if (this.opset < 10 || a.has("starts")) {
          starts = a.ints("starts") ?? []; ends = a.ints("ends") ?? []; axes = a.ints("axes");
        } else {
          starts = [...constIn(ins, 1, op).data]; ends = [...constIn(ins, 2, op).data];
          axes = ins[3] ? [...constIn(ins, 3, op).data] : undefined;
          steps = ins[4] ? [...constIn(ins, 4, op).data] : undefined;
        }
        return [slice(v as Const, starts, ends, axes, steps)];
      }
      case "Transpose": {
        const v = need(x, 0) as Const | Stream;
        const perm = a.ints("perm") ?? v.dims.map((_, i) => v.dims.length - 1 - i);
        if (perm.length !== v.dims.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) throw new Error(`perm [${perm}] is not a permutation of ${v.dims.length} axes`);
        const dims = perm.map((p) => v.dims[p]);
        if (v.t === "stream") return [{ ...v, dims, feat: perm.indexOf(v.feat) }];
        return [transpose(v, perm)];
      }
      case "Reshape": {
        const v = need(x, 0) as Const | Stream;
        const target = [...constIn(ins, 1, op).data];
        const allowZero = a.int("allowzero") === 1;
        if (v.t === "const") return [reshapeConst(v, target, allowZero)];
        return [reshapeStream(v, target, allowZero)];
      }
      case "Add": case "Sub": case "Mul": case "Div": {
        if (!streamIn) return [binary(op, constIn(ins, 0, op), constIn(ins, 1, op))];
        if (op !== "Add") throw new Error(`${op} on the input stream is not supported (only Add of a bias after Gemm/MatMul)`);
        const si = ins[0]?.t === "stream" ? 0 : 1;
        if (ins[1 - si]?.t !== "const") throw new Error("adding two runtime tensors (e.g. a residual connection) is not supported");
        return [this.addBias(ins[si] as Stream, ins[1 - si] as Const)];
      }
      case "Relu": case "Sigmoid": case "Tanh": case "Softmax": {
        const v = need(x, 0);
        if (v.t !== "stream") throw new Error(`${op} of a constant is not supported`);
        if (op === "Softmax") this.checkSoftmaxAxis(v, a.int("axis"));
        return [this.activation(v, op.toLowerCase() as Activation)];
      }
      case "MatMul": {
        const [p, q] = ins;
        if (p?.t !== "stream" || q?.t !== "const") throw new Error("only (input stream) × (constant weight matrix) is supported");
        if (q.dims.length !== 2) throw new Error(`the weight has shape [${q.dims}]; expected a matrix [in, out]`);
        if (p.feat !== p.dims.length - 1) throw new Error(`the stream's feature axis is not its last axis (shape [${fmtDims(p.dims)}])`);
        const [K, N] = q.dims;
        if (K !== p.dims[p.feat]) throw new Error(`the weight has ${K} rows but the stream has ${p.dims[p.feat]} features`);
        return [this.dense(p, transpose(q, [1, 0]).data, N, undefined)];
      }
      case "Gemm": {
        const [A, B, C] = ins;
        if (A?.t !== "stream" || B?.t !== "const" || (C && C.t !== "const")) throw new Error("only Gemm(input stream, constant B, constant C) is supported");
        if (A.dims.length !== 2 || A.feat !== 1 || a.int("transA")) throw new Error(`A has shape [${fmtDims(A.dims)}]${a.int("transA") ? " with transA" : ""}; expected [steps, features]`);
        if (B.dims.length !== 2) throw new Error(`B has shape [${B.dims}]; expected a matrix`);
        const alpha = a.float("alpha") ?? 1, beta = a.float("beta") ?? 1;
        const w = a.int("transB") ? B : transpose(B, [1, 0]); // → [N, K]
        const [N, K] = w.dims;
        if (K !== A.dims[1]) throw new Error(`B takes ${K} features but the stream has ${A.dims[1]}`);
        let bias: Float64Array | undefined;
        if (C) {
          if (C.dims.length > 2 || (C.dims.length === 2 && C.dims[0] !== 1) || (C.dims.length > 0 && C.dims[C.dims.length - 1] !== N && C.dims[C.dims.length - 1] !== 1)) {
            throw new Error(`C has shape [${C.dims}]; expected a bias [${N}] (or [1, ${N}], or a scalar)`);
          }
          bias = Float64Array.from({ length: N }, (_, i) => beta * C.data[C.data.length === 1 ? 0 : i]);
        }
        return [this.dense(A, w.data.map((v) => alpha * v), N, bias)];
      }
      default:
        throw new Error(`op type ${op} is not supported (supported: ${SUPPORTED_OPS.join(", ")})`);
    }
  }

  /** Squeeze/Unsqueeze axes: an attribute before opset 13, the second input since. */
  private axes(a: Attrs, ins: (Value | undefined)[]): number[] | undefined {
    if (a.has("axes")) return a.ints("axes");
    if (ins[1]) return [...constIn(ins, 1, "axes").data];
    return undefined;
  }

  private requireTip(s: Stream, what: string): void {
    if (s.version !== this.version) {
      throw new Error(`${what} takes a value from before the latest layer: tinyrnn runs one chain of layers (no branches or skip connections)`);
    }
  }

  private dense(s: Stream, weight: Float64Array, N: number, bias: Float64Array | undefined): Stream {
    this.requireTip(s, "this layer");
    const K = s.dims[s.feat];
    const spec: DenseSpec = { kind: "dense", inputLen: K, outputLen: N, weight: Float32Array.from(weight), activation: "none" };
    if (bias) spec.bias = Float32Array.from(bias);
    this.specs.push(spec);
    this.tipDenseOpen = true;
    const dims = [...s.dims];
    dims[s.feat] = N;
    return { t: "stream", dims, feat: s.feat, version: ++this.version };
  }

  private tipDense(s: Stream, what: string): DenseSpec {
    const last = this.specs[this.specs.length - 1];
    if (s.version !== this.version || !last || last.kind !== "dense" || !this.tipDenseOpen || (last.activation ?? "none") !== "none") {
      throw new Error(`${what} must directly follow a Gemm or MatMul (+ Add) so that it fuses into that dense layer`);
    }
    return last;
  }

  private addBias(s: Stream, c: Const): Stream {
    const d = this.tipDense(s, "a bias Add");
    const N = d.outputLen;
    const cd = c.dims;
    const ok = cd.length <= s.dims.length && cd.every((v, i) => {
      const axis = s.dims.length - cd.length + i;
      return axis === s.feat ? v === N || v === 1 : v === 1;
    });
    if (!ok) throw new Error(`the added constant has shape [${cd}]; expected a bias over the ${N} features`);
    const bias = Float32Array.from({ length: N }, (_, i) => (d.bias ? d.bias[i] : 0) + c.data[c.data.length === 1 ? 0 : i]);
    d.bias = bias;
    return { ...s, version: ++this.version };
  }

  private activation(s: Stream, act: Activation): Stream {
    const d = this.tipDense(s, `${act}`);
    d.activation = act;
    this.tipDenseOpen = false;
    return { ...s, version: ++this.version };
  }

  private checkSoftmaxAxis(s: Stream, axisAttr: number | undefined): void {
    const r = s.dims.length;
    if (this.opset >= 13) {
      const axis = normAxis(axisAttr ?? -1, r);
      if (axis !== s.feat) throw new Error(`softmax over axis ${axis}, not over the feature axis ${s.feat} (shape [${fmtDims(s.dims)}])`);
    } else {
      const axis = normAxis(axisAttr ?? 1, r);
      const ok = s.feat >= axis && s.dims.every((d, i) => i < axis || i === s.feat || d === 1);
      if (!ok) throw new Error(`softmax over axes ${axis}… does not reduce to the feature axis (shape [${fmtDims(s.dims)}])`);
    }
  }

  private recurrent(op: "GRU" | "LSTM", ins: (Value | undefined)[], a: Attrs, inNames: string[], where: string): (Value | undefined)[] {
    const G = op === "GRU" ? 3 : 4;
    const [X, W, R, B, seqLens, initH, initC, P] = ins;
    const direction = a.string("direction") ?? "forward";
    if (direction !== "forward") throw new Error(`direction "${direction}" is not supported (only forward: a stream runs one step at a time)`);
    if (op === "LSTM" && P) throw new Error("peephole connections (input P) are not supported: tinyrnn's LSTM is PyTorch's nn.LSTM, which has none");
    if (X?.t !== "stream") throw new Error("X must be the input stream");
    this.requireTip(X, op);
    for (const [v, n] of [[W, "W"], [R, "R"]] as const) if (v?.t !== "const") throw new Error(`${n} must be a constant (initializer or Constant)`);
    if (B && B.t !== "const") throw new Error("B must be a constant (initializer or Constant)");
    if (a.has("clip")) throw new Error(`clip ${a.float("clip")} is not supported`);
    if (a.has("activation_alpha") || a.has("activation_beta")) throw new Error("activation_alpha/activation_beta are not supported");
    const defaults = op === "GRU" ? ["Sigmoid", "Tanh"] : ["Sigmoid", "Tanh", "Tanh"];
    const acts = a.strings("activations");
    if (acts && (acts.length !== defaults.length || acts.some((s, i) => s.toLowerCase() !== defaults[i].toLowerCase()))) {
      throw new Error(`activations [${acts.join(", ")}] are not supported (only the defaults [${defaults.join(", ")}])`);
    }
    if (op === "LSTM" && a.int("input_forget")) throw new Error("input_forget=1 (coupled input and forget gates) is not supported");
    const layout = a.int("layout") ?? 0;
    if (layout !== 0 && layout !== 1) throw new Error(`layout ${layout} is not 0 or 1`);

    const Wc = W as Const, Rc = R as Const;
    if (Wc.dims.length !== 3 || Wc.dims[0] !== 1) throw new Error(`W has shape [${Wc.dims}]; expected [1, ${G}·hidden, input]`);
    const H = Wc.dims[1] / G, I = Wc.dims[2];
    const hs = a.int("hidden_size");
    if (!Number.isInteger(H) || H < 1 || (hs !== undefined && hs !== H)) throw new Error(`W has shape [${Wc.dims}], which does not match ${G} gates of hidden_size ${hs ?? "?"}`);
    if (Rc.dims.join() !== [1, G * H, H].join()) throw new Error(`R has shape [${Rc.dims}]; expected [1, ${G * H}, ${H}]`);
    const Bc = B as Const | undefined;
    if (Bc && Bc.dims.join() !== [1, 2 * G * H].join()) throw new Error(`B has shape [${Bc.dims}]; expected [1, ${2 * G * H}]`);

    const want = layout === 0 ? "[seq, batch, input]" : "[batch, seq, input]";
    const seqAxis = layout === 0 ? 0 : 1;
    if (X.dims.length !== 3 || X.feat !== 2 || !Number.isNaN(X.dims[seqAxis]) || X.dims[1 - seqAxis] !== 1) {
      this.axisError = true;
      throw new Error(`X has shape [${fmtDims(X.dims)}]; layout ${layout} expects ${want} (the graph input's axes do not fit this node's layout)`);
    }
    if (X.dims[2] !== I) throw new Error(`W takes ${I} inputs but X has ${X.dims[2]} features`);
    if (seqLens) {
      // Lengths equal to the (fixed) sequence length mean "no padding": the same as leaving them out.
      const T = this.declaredSeq;
      if (seqLens.t !== "const" || !(T > 0) || [...seqLens.data].some((d) => d !== T)) {
        throw new Error(`sequence_lens ${seqLens.t === "const" ? `[${[...seqLens.data]}] ` : ""}is not supported (a stream has no fixed length; only a constant equal to the graph input's fixed sequence length${T > 0 ? `, ${T},` : ""} is accepted); export without it`);
      }
    }
    // Initial state: zero (absent, or a constant of zeros) or recurrent state from a graph input.
    const stateShape = (Bn: number) => (layout === 0 ? [1, Bn, H] : [Bn, 1, H]);
    const init: [Sym | undefined, Sym | undefined] = [undefined, undefined];
    let batch = 1;
    ([[initH, "initial_h", 5], [initC, "initial_c", 6]] as const).forEach(([v, n, slot]) => {
      if (!v) return;
      const named = `${n} "${inNames[slot]}"`;
      if (v.t !== "const" && v.t !== "sym") throw new Error(`${named} must be zeros or recurrent state from a graph input, not the input stream`);
      const Bn = v.dims.length === 3 ? v.dims[layout === 0 ? 1 : 0] : NaN;
      if (v.dims.join() !== stateShape(Bn).join()) throw new Error(`${named} has shape [${fmtDims(v.dims)}]; layout ${layout} expects [${stateShape(NaN).map((d) => (Number.isNaN(d) ? "batch" : d))}]`);
      if (v.t === "const") {
        if (v.data.some((d) => d !== 0)) throw new Error(`${named} is a non-zero constant: a stream starts from zero state; make it zeros, or a graph input (the stream's state)`);
        return;
      }
      for (const d of v.data) {
        const s = this.symbols[d];
        if (s.k !== "in") throw new Error(`${named} is ${this.describeSym(v)}: a layer started from another layer's final state is not supported`);
      }
      if (init[0] && batch !== Bn) throw new Error(`initial_h and initial_c have different batch sizes`);
      batch = Bn;
      init[slot - 5] = v;
    });

    // ONNX gate blocks → PyTorch's: GRU z, r, h → r, z, n; LSTM i, o, f, c → i, f, g, o.
    const order = op === "GRU" ? [1, 0, 2] : [0, 2, 3, 1];
    const blocks = (src: Float64Array, offset: number, rowLen: number) => {
      const out = new Float32Array(G * H * rowLen);
      order.forEach((gate, k) => out.set(src.subarray(offset + gate * H * rowLen, offset + (gate + 1) * H * rowLen), k * H * rowLen));
      return out;
    };
    const base = {
      inputLen: I, hiddenLen: H,
      weightIh: blocks(Wc.data, 0, I), weightHh: blocks(Rc.data, 0, H),
      ...(Bc ? { biasIh: blocks(Bc.data, 0, 1), biasHh: blocks(Bc.data, G * H, 1) } : {}),
    };
    const spec: GruSpec | LstmSpec = op === "GRU"
      ? { kind: "gru", ...base, resetAfter: (a.int("linear_before_reset") ?? 0) !== 0 }
      : { kind: "lstm", ...base };
    this.specs.push(spec);
    this.tipDenseOpen = false;
    const dims = layout === 0 ? [NaN, 1, 1, H] : [1, NaN, 1, H];
    const y: Stream = { t: "stream", dims, feat: 3, version: ++this.version };
    const layer = this.recs.length;
    this.recs.push({ node: where.replace(/^ONNX node "(.*)" \(\w+\)$/, "$1"), op, spec: this.specs.length - 1, version: this.version, H, B: batch, init });
    // Y_h / Y_c: the state after the step, [1, batch, H] (layout 0) or [batch, 1, H], as symbols.
    const final = (hc: 0 | 1): Sym => {
      const data = new Float64Array(batch * H);
      for (let b = 0; b < batch; b++) for (let j = 0; j < H; j++) data[b * H + j] = this.symbols.push({ k: "out", layer, hc, b, j }) - 1;
      return { t: "sym", dims: stateShape(batch), data };
    };
    return op === "GRU" ? [y, final(0)] : [y, final(0), final(1)];
  }
}

// --- attributes ----------------------------------------------------------------------------------

class Attrs {
  private map = new Map<string, Pb>();
  constructor(list: Pb[]) {
    for (const at of list) this.map.set(at.name, at);
  }
  has(n: string): boolean { return this.map.has(n); }
  private get(n: string, type: number): Pb | undefined {
    const at = this.map.get(n);
    if (!at) return undefined;
    if (at.type !== undefined && at.type !== type) throw new Error(`attribute ${n} has type ${at.type}, expected ${type}`);
    return at;
  }
  int(n: string): number | undefined { const at = this.get(n, AT.INT); return at ? Number(at.i ?? 0) : undefined; }
  float(n: string): number | undefined { const at = this.get(n, AT.FLOAT); return at ? Number(at.f ?? 0) : undefined; }
  string(n: string): string | undefined { const at = this.get(n, AT.STRING); return at ? utf8(at.s) : undefined; }
  ints(n: string): number[] | undefined { const at = this.get(n, AT.INTS); return at ? (at.ints ?? []).map(Number) : undefined; }
  floats(n: string): number[] | undefined { const at = this.get(n, AT.FLOATS); return at ? (at.floats ?? []).map(Number) : undefined; }
  strings(n: string): string[] | undefined { const at = this.get(n, AT.STRINGS); return at ? (at.strings ?? []).map(utf8) : undefined; }
  tensor(n: string): Const | undefined { const at = this.get(n, AT.TENSOR); return at ? tensorValue(at.t, `attribute ${n}`) : undefined; }
}

function utf8(b: Uint8Array | string | undefined): string {
  if (b === undefined) return "";
  return typeof b === "string" ? b : new TextDecoder().decode(b);
}

function constantNode(a: Attrs): Const {
  if (a.has("value")) return a.tensor("value")!;
  if (a.has("value_float")) return constOf([], [a.float("value_float")!], DT.FLOAT);
  if (a.has("value_floats")) { const v = a.floats("value_floats")!; return constOf([v.length], v, DT.FLOAT); }
  if (a.has("value_int")) return constOf([], [a.int("value_int")!], DT.INT64);
  if (a.has("value_ints")) { const v = a.ints("value_ints")!; return constOf([v.length], v, DT.INT64); }
  throw new Error("only Constant value, value_float(s) and value_int(s) are supported");
}

// --- tensors -------------------------------------------------------------------------------------

function constOf(dims: number[], data: ArrayLike<number>, type: number): Const {
  return { t: "const", dims, data: Float64Array.from(data), type };
}

function need(v: Value | undefined, i: number): Const | Stream {
  if (!v) throw new Error(`input ${i} is missing`);
  return v as Const | Stream;
}

function constIn(ins: (Value | undefined)[], i: number, what: string): Const {
  const v = ins[i];
  if (!v) throw new Error(`${what}: input ${i} is missing`);
  if (v.t !== "const") throw new Error(`${what}: input ${i} must be a constant, not the runtime input stream`);
  return v;
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** A TensorProto → Const (float and integer types; data inline as typed fields or raw little-endian bytes). */
function tensorValue(t: Pb, what: string): Const {
  if (!t) throw new Error(`${what}: missing tensor`);
  const name = t.name ? `tensor "${t.name}"` : what;
  if (t.data_location === 1) throw new Error(`${name} keeps its data in an external file; save the model with all tensors inside it (onnx.save(model, path, save_as_external_data=False))`);
  if (t.segment) throw new Error(`${name} is segmented, which is not supported`);
  const dims: number[] = (t.dims ?? []).map(Number);
  const n = dims.reduce((p, q) => p * q, 1);
  const type: number = t.data_type ?? 0;
  const size: Record<number, number> = { [DT.FLOAT]: 4, [DT.DOUBLE]: 8, [DT.INT64]: 8, [DT.UINT64]: 8, [DT.INT32]: 4, [DT.UINT32]: 4, [DT.INT16]: 2, [DT.UINT16]: 2, [DT.FLOAT16]: 2, [DT.BFLOAT16]: 2, [DT.INT8]: 1, [DT.UINT8]: 1, [DT.BOOL]: 1 };
  if (!size[type]) throw new Error(`${name} has data type ${DT_NAMES[type] ?? type}, which is not supported`);
  const out = new Float64Array(n);
  const raw: Uint8Array | undefined = t.raw_data && t.raw_data.length ? t.raw_data : undefined;
  if (raw) {
    if (raw.length !== n * size[type]) throw new Error(`${name} has ${raw.length} bytes of data for shape [${dims}] of ${DT_NAMES[type]}; expected ${n * size[type]} (a truncated file?)`);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      switch (type) {
        case DT.FLOAT: out[i] = dv.getFloat32(4 * i, true); break;
        case DT.DOUBLE: out[i] = dv.getFloat64(8 * i, true); break;
        case DT.INT64: out[i] = Number(dv.getBigInt64(8 * i, true)); break;
        case DT.UINT64: out[i] = Number(dv.getBigUint64(8 * i, true)); break;
        case DT.INT32: out[i] = dv.getInt32(4 * i, true); break;
        case DT.UINT32: out[i] = dv.getUint32(4 * i, true); break;
        case DT.INT16: out[i] = dv.getInt16(2 * i, true); break;
        case DT.UINT16: out[i] = dv.getUint16(2 * i, true); break;
        case DT.FLOAT16: out[i] = half(dv.getUint16(2 * i, true)); break;
        case DT.BFLOAT16: { const f = new DataView(new ArrayBuffer(4)); f.setUint16(0, dv.getUint16(2 * i, true)); out[i] = f.getFloat32(0); break; }
        case DT.INT8: out[i] = dv.getInt8(i); break;
        default: out[i] = dv.getUint8(i); break; // UINT8, BOOL
      }
    }
  } else {
    let src: ArrayLike<number>;
    switch (type) {
      case DT.FLOAT: src = t.float_data ?? []; break;
      case DT.DOUBLE: src = t.double_data ?? []; break;
      case DT.INT64: src = t.int64_data ?? []; break;
      case DT.UINT32: case DT.UINT64: src = t.uint64_data ?? []; break;
      case DT.FLOAT16: src = (t.int32_data ?? []).map(half); break;
      case DT.BFLOAT16: src = (t.int32_data ?? []).map((b: number) => { const f = new DataView(new ArrayBuffer(4)); f.setUint16(0, b); return f.getFloat32(0); }); break;
      default: src = t.int32_data ?? []; break;
    }
    if (src.length !== n) throw new Error(`${name} has ${src.length} values for shape [${dims}]; expected ${n} (a truncated file?)`);
    for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  }
  return { t: "const", dims, data: out, type };
}

function castConst(v: Const, to: number): Const {
  const isInt = [DT.INT8, DT.UINT8, DT.INT16, DT.UINT16, DT.INT32, DT.UINT32, DT.INT64, DT.UINT64].includes(to as never);
  const data = v.data.map((d) => (to === DT.BOOL ? (d !== 0 ? 1 : 0) : isInt ? Math.trunc(d) : to === DT.FLOAT ? Math.fround(d) : d));
  // NaN (the sequence length) survives integer casts as NaN.
  v.data.forEach((d, i) => { if (Number.isNaN(d)) data[i] = NaN; });
  return { ...v, data, type: to };
}

const sizeOf = (dims: number[]) => dims.reduce((p, q) => p * q, 1);
const stridesOf = (dims: number[]) => { const s = dims.map(() => 1); for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1]; return s; };
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const fmtDims = (dims: number[]) => dims.map((d) => (Number.isNaN(d) ? "seq" : String(d))).join(", ");
const sameDim = (p: number, q: number) => p === q || (Number.isNaN(p) && Number.isNaN(q));

function normAxis(ax: number, rank: number): number {
  const a = ax < 0 ? ax + rank : ax;
  if (!(a >= 0 && a < rank)) throw new Error(`axis ${ax} is out of range for rank ${rank}`);
  return a;
}

/** Element at multi-index of the broadcast result, read from a tensor of `dims` (right-aligned). */
function broadcastDims(p: number[], q: number[]): number[] {
  const r = Math.max(p.length, q.length);
  return Array.from({ length: r }, (_, i) => {
    const a = p[i - (r - p.length)] ?? 1, b = q[i - (r - q.length)] ?? 1;
    if (a === 1) return b;
    if (b === 1 || sameDim(a, b)) return a;
    throw new Error(`shapes [${fmtDims(p)}] and [${fmtDims(q)}] do not broadcast`);
  });
}

function broadcastTo(v: Const, dims: number[]): Float64Array {
  const n = sizeOf(dims), out = new Float64Array(n), r = dims.length;
  const vd = [...Array(r - v.dims.length).fill(1), ...v.dims], vs = stridesOf(vd), os = stridesOf(dims);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let k = 0; k < r; k++) { const idx = Math.floor(i / os[k]) % dims[k]; if (vd[k] !== 1) src += idx * vs[k]; }
    out[i] = v.data[src];
  }
  return out;
}

function expand(v: Const, shape: number[]): Const {
  const dims = broadcastDims(v.dims, shape);
  return { ...v, dims, data: broadcastTo(v, dims) };
}

function binary(op: string, p: Const, q: Const): Const {
  const dims = broadcastDims(p.dims, q.dims);
  const a = broadcastTo(p, dims), b = broadcastTo(q, dims);
  const isInt = p.type !== DT.FLOAT && p.type !== DT.DOUBLE && p.type !== DT.FLOAT16;
  const f = op === "Add" ? (x: number, y: number) => x + y : op === "Sub" ? (x: number, y: number) => x - y : op === "Mul" ? (x: number, y: number) => x * y
    : (x: number, y: number) => (isInt ? Math.trunc(x / y) : x / y);
  return { t: "const", dims, data: a.map((x, i) => f(x, b[i])), type: p.type };
}

function gather(v: Const, idx: Const, axis: number): Const {
  const r = v.dims.length, ax = normAxis(axis, r), D = v.dims[ax];
  const outer = sizeOf(v.dims.slice(0, ax)), inner = sizeOf(v.dims.slice(ax + 1));
  const ind = [...idx.data].map((i) => (i < 0 ? i + D : i));
  if (ind.some((i) => !(i >= 0 && i < D))) throw new Error(`Gather index out of range for axis of size ${D}`);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const i of ind) for (let k = 0; k < inner; k++) out.push(v.data[(o * D + i) * inner + k]);
  return constOf([...v.dims.slice(0, ax), ...idx.dims, ...v.dims.slice(ax + 1)], out, v.type);
}

function concat(vs: Const[], axis: number): Const {
  if (vs.length === 0) throw new Error("Concat of nothing");
  const r = vs[0].dims.length, ax = normAxis(axis, r);
  for (const v of vs) if (v.dims.length !== r || v.dims.some((d, i) => i !== ax && d !== vs[0].dims[i])) throw new Error(`Concat of shapes that differ off axis ${ax}`);
  const outer = sizeOf(vs[0].dims.slice(0, ax));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const v of vs) { const blk = sizeOf(v.dims.slice(ax)); for (let k = 0; k < blk; k++) out.push(v.data[o * blk + k]); }
  const dims = [...vs[0].dims];
  dims[ax] = vs.reduce((s, v) => s + v.dims[ax], 0);
  return constOf(dims, out, vs[0].type);
}

function slice(v: Const, starts: number[], ends: number[], axes?: number[], steps?: number[]): Const {
  const r = v.dims.length;
  const st = v.dims.map(() => 0), en = [...v.dims], sp = v.dims.map(() => 1);
  (axes ?? starts.map((_, i) => i)).forEach((axRaw, i) => {
    const ax = normAxis(axRaw, r), D = v.dims[ax], step = steps?.[i] ?? 1;
    if ([starts[i], ends[i], step].some((x) => Number.isNaN(x))) throw new Error("a Slice whose bounds depend on the sequence length is not supported");
    if (step === 0) throw new Error("Slice step 0");
    let s = starts[i] < 0 ? starts[i] + D : starts[i], e = ends[i] < 0 ? ends[i] + D : ends[i];
    if (step > 0) { s = clamp(s, 0, D); e = clamp(e, 0, D); } else { s = clamp(s, 0, D - 1); e = clamp(e, -1, D - 1); }
    st[ax] = s; en[ax] = e; sp[ax] = step;
  });
  const dims = v.dims.map((_, k) => Math.max(0, Math.ceil((en[k] - st[k]) / sp[k])));
  const vs = stridesOf(v.dims), os = stridesOf(dims), n = sizeOf(dims), out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let k = 0; k < r; k++) src += (st[k] + (Math.floor(i / os[k]) % dims[k]) * sp[k]) * vs[k];
    out[i] = v.data[src];
  }
  return { ...v, dims, data: out };
}

function transpose(v: Const, perm: number[]): Const {
  const dims = perm.map((p) => v.dims[p]), vs = stridesOf(v.dims), os = stridesOf(dims), n = sizeOf(dims), out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let k = 0; k < dims.length; k++) src += (Math.floor(i / os[k]) % dims[k]) * vs[perm[k]];
    out[i] = v.data[src];
  }
  return { ...v, dims, data: out };
}

function reshapeConst(v: Const, target: number[], allowZero: boolean): Const {
  if (target.some((d) => Number.isNaN(d))) throw new Error("a constant reshaped by the sequence length is not supported");
  const dims = target.map((d, i) => (d === 0 && !allowZero ? v.dims[i] : d));
  const known = dims.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
  const out = dims.map((d) => (d === -1 ? v.data.length / known : d));
  if (sizeOf(out) !== v.data.length || out.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`cannot reshape [${v.dims}] to [${target}]`);
  return { ...v, dims: out };
}

/** Reshape of the stream: allowed when its non-unit axes (sequence, features) keep their order. */
function reshapeStream(v: Stream, target: number[], allowZero: boolean): Stream {
  const F = v.dims[v.feat];
  const dims = target.map((d, i) => (d === 0 && !allowZero ? v.dims[i] : d));
  const inner = v.dims.flatMap((d, i) => (Number.isNaN(d) ? ["seq"] : i === v.feat ? ["feat"] : d === 1 ? [] : [`?${d}`]));
  const hasSeq = inner.includes("seq");
  // -1 stands for whichever of seq/feat is not otherwise named.
  const named = dims.map((d) => (Number.isNaN(d) ? "seq" : d === F ? "feat" : d === 1 ? "" : d === -1 ? "-1" : `?${d}`));
  const minus = named.indexOf("-1");
  if (minus >= 0) named[minus] = named.includes("seq") || !hasSeq ? (named.includes("feat") ? "" : "feat") : "seq";
  const outer = named.filter((s) => s);
  if (outer.join() !== inner.join() || named.filter((s) => s === "feat").length !== 1) {
    throw new Error(`reshaping the stream [${fmtDims(v.dims)}] to [${target.map((d) => (Number.isNaN(d) ? "seq" : d))}] does not keep one sequence axis and ${F} features in order`);
  }
  const feat = named.indexOf("feat");
  return { ...v, dims: named.map((s) => (s === "seq" ? NaN : s === "feat" ? F : 1)), feat };
}
