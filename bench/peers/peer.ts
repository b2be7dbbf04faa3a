// What the peers bench asks of each runtime it times (an adapter per runtime: bench/peers/*.ts).

import type { CaseModel } from "./models.js";
import type { ShippedFile } from "./setup.js";

/** One case's network loaded in one runtime. Input rows are precomputed; nothing is read back but the output. */
export interface PeerRun {
  /** `n` steps, one call each, the state carried from call to call, over the case's rows cycled; each step's output read into JS. */
  stream(n: number): unknown;
  /** One call over the whole [SEQ_T, I] sequence from zero state; every step's output read into JS. */
  sequence(): unknown;
  /** The outputs [SEQ_T, O] of SEQ_T streamed steps from zero state (leaves the state zero after). */
  streamOutputs(): Promise<Float32Array> | Float32Array;
  /** The outputs [SEQ_T, O] of one whole-sequence call. */
  sequenceOutputs(): Promise<Float32Array> | Float32Array;
  dispose(): void;
}

export interface Peer {
  /** e.g. "ort-node" */
  id: string;
  /** e.g. "ONNX Runtime (node)" */
  label: string;
  /** its package and version, e.g. "onnxruntime-node 1.30.0" */
  version: string;
  /** what it computes in: "int8" or "f32" */
  numType: "int8" | "f32";
  supports(c: CaseModel): boolean;
  open(c: CaseModel): Promise<PeerRun>;
  /** The files a user ships to run `c` with this runtime: the runtime's own, then the model's. */
  ships(c: CaseModel): ShippedFile[];
}
