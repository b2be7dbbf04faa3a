// The detector: one step's posteriors in, at most one event out. Moving-average smoothing over the
// last W steps, per-label thresholds, labels that never fire (background), and a refractory
// period; every host gets the same events because this is the only implementation.
//
// The rule, per step k with smoothed scores s_k(L) = (Σ of the last W posteriors of L) / W (before
// W steps the missing ones count as 0, so nothing fires early): among the labels that may fire and
// have s_k(L) ≥ threshold(L), the one with the highest s_k fires (the first on a tie), unless an
// event fired fewer than R steps ago.
//
// Two twins, as the model's number type:
//   int8 models: posteriors are the head's int16 output q (real p = q · outputScale); the sums are
//     exact in i32 (|Σ| ≤ W · 32768 < 2^31 for W ≤ MAX_SMOOTHING_STEPS), kept running (add the new
//     step, drop the oldest) with no drift. A label fires when Σq ≥ T(L), T(L) the least integer
//     with T / W · outputScale ≥ threshold(L) in f64: the host computes it (detectorThresholdSum),
//     so the comparison is exactly the float rule's.
//   f32 models: posteriors f32, sums recomputed in f64 each step (W·K adds, no drift).
//
// State (DET_STATE_* offsets, in the pipeline's state block): steps u64 (pushed so far),
// lastFire i64 (the step of the last event, −1 if none), then int: sums i32 [K] and the ring of
// posteriors i16 [W][K]; f32: the ring f32 [W][K]. The ring slot of step k is k mod W.

import { NUM_INT8 } from "./constants";

export const MAX_SMOOTHING_STEPS: i32 = 1024;

export const DET_STATE_STEPS: usize = 0;
export const DET_STATE_LAST_FIRE: usize = 8;
export const DET_STATE_SUMS: usize = 16;

/** The detector's settings, fixed when its pipeline opens. */
@unmanaged export class DetectorConfig {
  labels: i32; // K
  windowSteps: i32; // W, 1..MAX_SMOOTHING_STEPS
  refractorySteps: i32; // R ≥ 0: an event only if step − lastFire ≥ R
  numType: u32;
  thresholds: usize; // int8: i32 [K] sum thresholds T(L); f32: f64 [K] thresholds on the mean
  fires: usize; // u8 [K]: 1 where the label may fire
}

/** Bytes of a detector's state for K labels, W steps. */
export function detectorStateBytes(numType: u32, K: i32, W: i32): usize {
  const ring = <usize>W * <usize>K;
  return numType == NUM_INT8 ? DET_STATE_SUMS + ((<usize>K << 2) + (ring << 1) + 7 & ~<usize>7) : DET_STATE_SUMS + (ring << 2);
}

/** Zero the state: no steps, no event yet. */
export function detectorReset(c: DetectorConfig, state: usize): void {
  const bytes = detectorStateBytes(c.numType, c.labels, c.windowSteps);
  memory.fill(state, 0, bytes);
  store<i64>(state, -1, DET_STATE_LAST_FIRE);
}

/**
 * A restored state is sound: the running sums equal the ring's, the clock and the last event are
 * in order. Returns false for any other state (the host then refuses it).
 */
export function detectorCheckState(c: DetectorConfig, state: usize): bool {
  const steps = load<u64>(state, DET_STATE_STEPS);
  const last = load<i64>(state, DET_STATE_LAST_FIRE);
  if (last < -1 || (last >= 0 && <u64>last >= steps)) return false;
  const K = c.labels, W = c.windowSteps;
  if (c.numType != NUM_INT8) {
    const ring = state + DET_STATE_SUMS;
    for (let i = 0, n = W * K; i < n; i++) if (!isFinite(load<f32>(ring + (<usize>i << 2)))) return false;
    return true;
  }
  const sums = state + DET_STATE_SUMS;
  const ring = sums + (<usize>K << 2);
  for (let l = 0; l < K; l++) {
    let s: i32 = 0;
    for (let w = 0; w < W; w++) s += <i32>load<i16>(ring + ((<usize>(w * K + l)) << 1));
    if (s != load<i32>(sums + (<usize>l << 2))) return false;
  }
  return true;
}

/**
 * One step of an int8 model's posteriors (int16 [K] at `q`). Returns the label that fires, or −1;
 * `score` receives every label's sum (i32 [K]) when not 0.
 */
export function detectorStepInt8(c: DetectorConfig, state: usize, q: usize): i32 {
  const K = c.labels, W = c.windowSteps;
  const steps = load<u64>(state, DET_STATE_STEPS);
  const sums = state + DET_STATE_SUMS;
  const slot = sums + (<usize>K << 2) + (<usize>(<i32>(steps % <u64>W) * K) << 1);
  let best = -1;
  let bestSum: i32 = 0;
  for (let l = 0; l < K; l++) {
    const v = <i32>load<i16>(q + (<usize>l << 1));
    const at = slot + (<usize>l << 1);
    const s = load<i32>(sums + (<usize>l << 2)) - <i32>load<i16>(at) + v;
    store<i16>(at, <i16>v);
    store<i32>(sums + (<usize>l << 2), s);
    if (load<u8>(c.fires + <usize>l) != 0 && s >= load<i32>(c.thresholds + (<usize>l << 2)) && (best < 0 || s > bestSum)) {
      best = l;
      bestSum = s;
    }
  }
  return settle(c, state, steps, best);
}

/** One step of an f32 model's posteriors (f32 [K] at `p`); sums (f64 [K]) go to `sums`. */
export function detectorStepF32(c: DetectorConfig, state: usize, p: usize, sums: usize): i32 {
  const K = c.labels, W = c.windowSteps;
  const steps = load<u64>(state, DET_STATE_STEPS);
  const ring = state + DET_STATE_SUMS;
  const slot = ring + (<usize>(<i32>(steps % <u64>W) * K) << 2);
  for (let l = 0; l < K; l++) store<f32>(slot + (<usize>l << 2), load<f32>(p + (<usize>l << 2)));
  let best = -1;
  let bestMean: f64 = 0;
  for (let l = 0; l < K; l++) {
    let s: f64 = 0;
    for (let w = 0; w < W; w++) s += <f64>load<f32>(ring + (<usize>(w * K + l) << 2));
    store<f64>(sums + (<usize>l << 3), s);
    const mean = s / <f64>W;
    if (load<u8>(c.fires + <usize>l) != 0 && mean >= load<f64>(c.thresholds + (<usize>l << 3)) && (best < 0 || mean > bestMean)) {
      best = l;
      bestMean = mean;
    }
  }
  return settle(c, state, steps, best);
}

/** Count the step; let `best` fire unless within the refractory period of the last event. */
// @ts-ignore: decorator
@inline function settle(c: DetectorConfig, state: usize, steps: u64, best: i32): i32 {
  store<u64>(state, steps + 1, DET_STATE_STEPS);
  if (best < 0) return -1;
  const last = load<i64>(state, DET_STATE_LAST_FIRE);
  if (last >= 0 && <i64>steps - last < <i64>c.refractorySteps) return -1;
  store<i64>(state, <i64>steps, DET_STATE_LAST_FIRE);
  return best;
}
