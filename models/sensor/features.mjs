// Feature frames for models/sensor/vibration.tinyrnn: 3-axis accelerometer samples (g, 5120 Hz)
// in, one 51-value frame every 512 samples (10 per second) out — the same computation as
// features() in models/train/vibration.py (checked by test/host/sensor-models.test.ts).
//
// Per frame, over the last 2048 samples (0.4 s), per axis x, y, z (17 values each, 51 in all):
//   15 band powers in dB re 1 g² of the Hann-windowed spectrum (scaled so a sine of amplitude A
//      gives A²/2): 12 log-spaced bands 10–250 Hz, then 250–800, 800–1600, 1600–2560 Hz
//   the overall vibration velocity 10–1000 Hz, in dB re 1 (mm/s)² (ISO 10816's severity measure)
//   ln kurtosis of the first difference of the window (0 for a constant signal)
//
//   import { VibrationFeatures } from "./features.mjs";
//   const fe = new VibrationFeatures();
//   const sensor = new SensorStream(model);
//   for (const chunk of chunks) {                       // Float32Array [n, 3] interleaved x, y, z
//     const frames = fe.push(chunk);                    // Float32Array [frames, 51]
//     const events = sensor.push(frames);
//   }

export const SAMPLE_RATE_HZ = 5120;
export const WINDOW = 2048;
export const HOP = 512;
/** Band edges as FFT bin indices (bin k = k · 2.5 Hz); the last band includes Nyquist. */
export const BANDS = [4, 6, 7, 9, 12, 16, 20, 27, 35, 45, 59, 77, 100, 320, 640, 1025];
/** Bins of the overall velocity, 10–1000 Hz (ISO 10816 / 20816). */
export const VELOCITY_BINS = [4, 401];
export const PER_AXIS = BANDS.length + 1; // 15 bands, velocity, kurtosis
export const FEATURES = 3 * PER_AXIS;

const hann = Float64Array.from({ length: WINDOW }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / WINDOW));
const POWER_SCALE = 2 / (WINDOW * hann.reduce((a, w) => a + w * w, 0));
// acceleration power (g²) at bin k → velocity power ((mm/s)²): (9810 mm/s² per g / (2π f_k))²
const velocityWeight = Float64Array.from({ length: VELOCITY_BINS[1] - VELOCITY_BINS[0] }, (_, i) => (9810 / (2 * Math.PI * (SAMPLE_RATE_HZ / WINDOW) * (VELOCITY_BINS[0] + i))) ** 2);

// radix-2 complex FFT, in place
const LOG2 = Math.log2(WINDOW);
const rev = Uint32Array.from({ length: WINDOW }, (_, i) => {
  let r = 0;
  for (let b = 0; b < LOG2; b++) r |= ((i >> b) & 1) << (LOG2 - 1 - b);
  return r;
});
const cosT = Float64Array.from({ length: WINDOW / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / WINDOW));
const sinT = Float64Array.from({ length: WINDOW / 2 }, (_, k) => -Math.sin((2 * Math.PI * k) / WINDOW));

function fft(re, im) {
  for (let i = 0; i < WINDOW; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let size = 2; size <= WINDOW; size <<= 1) {
    const half = size >> 1, step = WINDOW / size;
    for (let start = 0; start < WINDOW; start += size) {
      for (let k = 0; k < half; k++) {
        const c = cosT[k * step], s = sinT[k * step];
        const a = start + k, b = a + half;
        const tr = re[b] * c - im[b] * s, ti = re[b] * s + im[b] * c;
        re[b] = re[a] - tr; im[b] = im[a] - ti;
        re[a] += tr; im[a] += ti;
      }
    }
  }
}

/** Features of one window per axis: win[axis][n], n < WINDOW → out[51] from `at`. */
export function frameFeatures(win, out, at = 0) {
  const re = new Float64Array(WINDOW), im = new Float64Array(WINDOW);
  for (let a = 0; a < 3; a++) {
    const x = win[a];
    for (let n = 0; n < WINDOW; n++) { re[n] = x[n] * hann[n]; im[n] = 0; }
    fft(re, im);
    for (let j = 0; j < BANDS.length - 1; j++) {
      let p = 0;
      for (let k = BANDS[j]; k < BANDS[j + 1]; k++) p += re[k] * re[k] + im[k] * im[k];
      out[at + a * PER_AXIS + j] = 10 * Math.log10(p * POWER_SCALE + 1e-10);
    }
    let v = 0;
    for (let k = VELOCITY_BINS[0]; k < VELOCITY_BINS[1]; k++) v += (re[k] * re[k] + im[k] * im[k]) * POWER_SCALE * velocityWeight[k - VELOCITY_BINS[0]];
    out[at + a * PER_AXIS + BANDS.length - 1] = 10 * Math.log10(v + 1e-10);
    let m2 = 0, m4 = 0;
    for (let n = 1; n < WINDOW; n++) {
      const d = x[n] - x[n - 1], d2 = d * d;
      m2 += d2; m4 += d2 * d2;
    }
    m2 /= WINDOW - 1; m4 /= WINDOW - 1;
    out[at + a * PER_AXIS + PER_AXIS - 1] = m2 > 1e-20 ? Math.log(Math.max(m4, 1e-300) / Math.max(m2 * m2, 1e-300)) : 0;
  }
}

/** Streaming: samples in any chunk sizes, frames out as soon as each window is complete. */
export class VibrationFeatures {
  constructor() {
    this.ring = [new Float64Array(WINDOW), new Float64Array(WINDOW), new Float64Array(WINDOW)];
    this.filled = 0; // samples seen, capped at WINDOW
    this.sinceHop = 0;
    this.pos = 0; // next write position in the ring
    this.win = [new Float64Array(WINDOW), new Float64Array(WINDOW), new Float64Array(WINDOW)];
  }

  /** xyz: [n, 3] interleaved samples in g → Float32Array [frames, 51]. */
  push(xyz) {
    if (xyz.length % 3 !== 0) throw new RangeError(`${xyz.length} values is not a whole number of x, y, z samples`);
    const frames = [];
    for (let i = 0; i < xyz.length; i += 3) {
      for (let a = 0; a < 3; a++) this.ring[a][this.pos] = xyz[i + a];
      this.pos = (this.pos + 1) % WINDOW;
      if (this.filled < WINDOW) this.filled++;
      this.sinceHop++;
      // the first frame when the first window is full (sinceHop is then WINDOW), then every HOP samples
      if (this.filled === WINDOW && this.sinceHop >= HOP) {
        for (let a = 0; a < 3; a++) {
          const r = this.ring[a], w = this.win[a];
          for (let n = 0; n < WINDOW; n++) w[n] = r[(this.pos + n) % WINDOW];
        }
        const f = new Float32Array(FEATURES);
        frameFeatures(this.win, f);
        frames.push(f);
        this.sinceHop = 0;
      }
    }
    const out = new Float32Array(frames.length * FEATURES);
    frames.forEach((f, k) => out.set(f, k * FEATURES));
    return out;
  }

  reset() {
    for (const r of this.ring) r.fill(0);
    this.filled = 0; this.sinceHop = 0; this.pos = 0;
  }
}
