// An independent float64 reference of the audio frontend: TensorFlow Lite Micro's algorithms
// (microfrontend/lib: window, fft, filterbank, noise_reduction, pcan_gain_control, log_scale) in
// float, with none of the module's machinery — a direct DFT instead of the FFT, weights and
// tables in float64, no fixed point. The yardstick for both of the module's paths. 16 kHz only.
//
// Per frame (the same equations as assembly/frontend.ts's header):
//   x = s·hann, hann[n] = ½ − ½·cos(2π(n + ½)/window); X = DFT₅₁₂(x zero-padded)
//   E[j] = Σ (1 − w)|X_k|² over band j + Σ w|X_k|² over band j + 1;  v = √E·64/512
//   est += sm·(v − est);  NR: out = max(v − min(est, v), v·minSignalRemaining)
//   PCAN: snr = 8·out·min((8·est + offset)^−strength, 32767/2^gainBits),
//         value = 512·(snr < 2 ? snr²/4 : snr − 1), else value = 8·out
//   feature = FEATURE_SCALE·64·ln(max(value, 1)), or FEATURE_SCALE·min(value/8, 32767) without log

import { encodeFrontendConfig, FEATURE_SCALE, FRONTEND_SAMPLE_RATE_HZ, type FrontendConfig } from "../runtime/frontend.js";

const N = 512;

const mel = (hz: number): number => 1127 * Math.log1p(hz / 700);

export class FrontendReference {
  readonly channels: number;
  private readonly window: Float64Array;
  private readonly hop: number;
  private readonly cos = new Float64Array(N);
  private readonly sin = new Float64Array(N);
  /** Per FFT bin from binStart: its band and the weight of the band's falling side. */
  private readonly band: Int32Array;
  private readonly weight: Float64Array;
  private readonly binStart: number;
  private readonly est: Float64Array;
  private readonly p: { nr: boolean; pcan: boolean; log: boolean; even: number; odd: number; minRem: number; strength: number; offset: number; cap: number };
  private pending: number[] = [];

  constructor(cfg: FrontendConfig) {
    // the encoded (fixed-point) settings are the ones both paths of the module use
    const c = encodeFrontendConfig(cfg);
    if (c[0] !== FRONTEND_SAMPLE_RATE_HZ) throw new Error("the frontend reference takes 16 kHz audio only");
    const W = c[1], C = c[4], low = c[5], high = c[6];
    this.channels = C;
    this.hop = c[2];
    this.window = Float64Array.from({ length: W }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / W));
    for (let m = 0; m < N; m++) {
      this.cos[m] = Math.cos((2 * Math.PI * m) / N);
      this.sin[m] = Math.sin((2 * Math.PI * m) / N);
    }
    // TFLM's filterbank layout: C + 1 bands between equally spaced mel edges, DC excluded
    const hzPerBin = FRONTEND_SAMPLE_RATE_HZ / N;
    const melLow = mel(low), spacing = (mel(high) - melLow) / (C + 1);
    this.binStart = Math.floor(1.5 + low / hzPerBin);
    const band: number[] = [], weight: number[] = [];
    let k = this.binStart;
    for (let b = 0; b <= C; b++) {
      const upper = melLow + spacing * (b + 1), lower = melLow + spacing * b;
      for (; k <= N / 2 && mel(k * hzPerBin) <= upper; k++) {
        band.push(b);
        weight.push((upper - mel(k * hzPerBin)) / (upper - lower));
      }
    }
    this.band = Int32Array.from(band);
    this.weight = Float64Array.from(weight);
    this.est = new Float64Array(C);
    this.p = {
      nr: (c[7] & 1) !== 0, pcan: (c[7] & 2) !== 0, log: (c[7] & 4) !== 0,
      even: c[9] / 16384, odd: c[10] / 16384, minRem: c[11] / 16384,
      strength: c[12] / 65536, offset: c[13] / 65536, cap: 32767 / 2 ** c[14],
    };
  }

  reset(): void {
    this.pending = [];
    this.est.fill(0);
  }

  /** Feed 16 kHz audio (int16, or float in [−1, 1]); returns the features of the frames it completes, [frames, channels]. */
  process(samples: Int16Array | Float32Array): Float64Array {
    const scale = samples instanceof Float32Array ? 32768 : 1;
    const all = this.pending.concat(Array.from(samples, (v) => v * scale));
    const W = this.window.length;
    const out: number[] = [];
    let t = 0;
    for (; t + W <= all.length; t += this.hop) out.push(...this.frame(all.slice(t, t + W)));
    this.pending = all.slice(t);
    return Float64Array.from(out);
  }

  private frame(s: number[]): Float64Array {
    const W = this.window.length, C = this.channels, p = this.p;
    const x = s.map((v, n) => v * this.window[n]);
    const E = new Float64Array(C + 2); // E[j + 1] is channel j
    for (let i = 0; i < this.band.length; i++) {
      const k = this.binStart + i;
      let re = 0, im = 0;
      for (let n = 0; n < W; n++) {
        const m = (k * n) % N;
        re += x[n] * this.cos[m];
        im -= x[n] * this.sin[m];
      }
      const power = re * re + im * im, b = this.band[i], w = this.weight[i];
      E[b] += w * power;
      E[b + 1] += (1 - w) * power;
    }
    const f = new Float64Array(C);
    for (let j = 0; j < C; j++) {
      const v = (Math.sqrt(E[j + 1]) * 64) / 512;
      let out = v;
      if (p.nr || p.pcan) {
        const sm = j % 2 === 0 ? p.even : p.odd;
        this.est[j] = v * sm + this.est[j] * (1 - sm);
        if (p.nr) out = Math.max(v - Math.min(this.est[j], v), v * p.minRem);
      }
      let value: number;
      if (p.pcan) {
        const snr = 8 * out * Math.min(Math.pow(8 * this.est[j] + p.offset, -p.strength), p.cap);
        value = 512 * (snr < 2 ? (snr * snr) / 4 : snr - 1);
      } else {
        value = 8 * out;
      }
      f[j] = p.log ? FEATURE_SCALE * 64 * Math.log(Math.max(value, 1)) : FEATURE_SCALE * Math.min(value / 8, 32767);
    }
    return f;
  }
}
