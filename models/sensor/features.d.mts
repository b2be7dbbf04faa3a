// Types for features.mjs (the vibration model's feature frames).
export declare const SAMPLE_RATE_HZ: number;
export declare const WINDOW: number;
export declare const HOP: number;
export declare const BANDS: number[];
export declare const VELOCITY_BINS: number[];
export declare const PER_AXIS: number;
export declare const FEATURES: number;
export declare function frameFeatures(win: ArrayLike<number>[], out: Float32Array | Float64Array, at?: number): void;
export declare class VibrationFeatures {
  /** xyz: [n, 3] interleaved samples in g → Float32Array [frames, FEATURES]. */
  push(xyz: ArrayLike<number>): Float32Array;
  reset(): void;
}
