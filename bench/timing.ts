// The bench's clock: warm up, pick a batch size adaptively, time several repeats with
// performance.now(), report the median. Nothing here allocates inside a timed batch, and the
// callers' `run(n)` must not either (it loops n steps over precomputed inputs).
//
// Several variants of a case (builds, the JS twin, the peak probe) are timed interleaved: round r
// times repeat r of every variant back to back. A burst of other load on a shared machine then
// slows the same round of every variant, so ratios taken round by round (medianRatio) stay
// meaningful even when the absolute medians are disturbed.

export interface TimingOptions {
  /** Time each variant runs before anything is measured (JIT and wasm tier-up). */
  warmupMs: number;
  /** Wall time one repeat should take at least. */
  repeatMs: number;
  /** Number of timed repeats (rounds); the median is reported. */
  repeats: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmupMs: 60, repeatMs: 12, repeats: 21 };

export interface Timing {
  /** Median time of one step, µs. */
  medianUs: number;
  /** Fastest repeat, µs per step: the least disturbed by other load on the machine. */
  bestUs: number;
  /** Every repeat's time per step, µs, round by round. */
  repeatsUs: number[];
  /** Steps per repeat. */
  stepsPerRepeat: number;
}

/** Warm `run` up for warmupMs, doubling its batch; returns the steps one repeat needs. */
function calibrate(run: (n: number) => void, opts: TimingOptions): number {
  const t0 = performance.now();
  let n = 1;
  let batchMs = 0;
  for (;;) {
    const s = performance.now();
    run(n);
    batchMs = performance.now() - s;
    if (performance.now() - t0 >= opts.warmupMs && batchMs > 1) break;
    n *= 2;
  }
  return Math.max(1, Math.ceil((opts.repeatMs * n) / batchMs));
}

/** Time each `run(n)` (which performs n steps), interleaved round by round. */
export function timeInterleaved(runs: ((n: number) => void)[], opts: TimingOptions = DEFAULT_TIMING): Timing[] {
  const steps = runs.map((run) => calibrate(run, opts));
  const repeats: number[][] = runs.map(() => []);
  for (let r = 0; r < opts.repeats; r++) {
    runs.forEach((run, i) => {
      const s = performance.now();
      run(steps[i]);
      repeats[i].push(((performance.now() - s) * 1000) / steps[i]);
    });
  }
  return summarise(repeats, steps);
}

function summarise(repeats: number[][], steps: number[]): Timing[] {
  return repeats.map((repeatsUs, i) => ({
    medianUs: median(repeatsUs), bestUs: Math.min(...repeatsUs), repeatsUs, stepsPerRepeat: steps[i],
  }));
}

/** Median over rounds of a's time / b's time (both timed in the same timeInterleaved call). */
export function medianRatio(a: Timing, b: Timing): number {
  return median(a.repeatsUs.map((t, r) => t / b.repeatsUs[r]));
}

export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** timeInterleaved for runs that may be asynchronous (a peer's session.run): awaited once per batch. */
export async function timeInterleavedAsync(runs: ((n: number) => unknown)[], opts: TimingOptions = DEFAULT_TIMING): Promise<Timing[]> {
  const steps: number[] = [];
  for (const run of runs) {
    const t0 = performance.now();
    let n = 1;
    let batchMs = 0;
    for (;;) {
      const s = performance.now();
      await run(n);
      batchMs = performance.now() - s;
      if (performance.now() - t0 >= opts.warmupMs && batchMs > 1) break;
      n *= 2;
    }
    steps.push(Math.max(1, Math.ceil((opts.repeatMs * n) / batchMs)));
  }
  const repeats: number[][] = runs.map(() => []);
  for (let r = 0; r < opts.repeats; r++) {
    for (let i = 0; i < runs.length; i++) {
      const s = performance.now();
      await runs[i](steps[i]);
      repeats[i].push(((performance.now() - s) * 1000) / steps[i]);
    }
  }
  return summarise(repeats, steps);
}
