// What every layer kind provides on the host: its float spec, an independent float reference
// (used by the tests and by calibration), and its encoder into the .tinyrnn layer record.

import type { LayerRecord, NumType } from "../../runtime/format.js";

/** Records max |value| of named intermediate tensors while the reference runs (calibration). */
export type Observer = (name: string, values: ArrayLike<number>) => void;

/** A float reference of one layer with its own state. Outputs are Float64Array, reused between steps. */
export interface ReferenceLayer {
  readonly outputLen: number;
  step(x: ArrayLike<number>, observe?: Observer): Float64Array;
  reset(): void;
}

/** Calibration statistics of one layer: max |value| of each observed tensor. */
export type LayerStats = Map<string, number>;

export interface EncodeContext {
  numType: NumType;
  /** int8: scale of the layer's int16 input (the previous layer's output scale). */
  inputScale: number;
  /** int8: statistics from calibration; empty for f32. */
  stats: LayerStats;
}

/** A layer of a model file in words (`tinyrnn inspect`), from its layer record alone. */
export interface LayerDescription {
  /** the kind's parameters in words */
  summary: string;
  /** number types of weights, activations and state */
  dtypes: string;
  params: Record<string, number | string | boolean>;
}

export interface Encoded {
  record: LayerRecord;
  /** int8: scale of the layer's int16 output; f32: 1. */
  outputScale: number;
}

/**
 * The weights of one PyTorch recurrent layer (nn.GRU / nn.LSTM, one layer, one direction) with G
 * gates (GRU 3: r, z, n; LSTM 4: i, f, g, o), in PyTorch's names and layouts.
 */
export interface RecurrentWeights {
  inputLen: number;
  hiddenLen: number;
  /** [G·H, inputLen] (weight_ih_l0), one row block per gate */
  weightIh: ArrayLike<number>;
  /** [G·H, H] (weight_hh_l0) */
  weightHh: ArrayLike<number>;
  /** [G·H] (bias_ih_l0, bias_hh_l0); zeros when absent */
  biasIh?: ArrayLike<number>;
  biasHh?: ArrayLike<number>;
}
