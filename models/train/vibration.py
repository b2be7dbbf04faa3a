#!/usr/bin/python3
"""Machine-vibration condition monitoring: the recipe for models/sensor/vibration.tinyrnn.

    npm run train:sensor          # = npm run build && /usr/bin/python3 models/train/sensor.py

A GRU over feature frames of a 3-axis accelerometer on a bearing housing tells five machine
states apart: normal, imbalance, misalignment, bearing (outer-race fault), looseness. The data is
synthetic, from the physical signal model below; every random draw comes from fixed seeds.

Signal model (sampled at FS = 5120 Hz, in g; machine frame H = horizontal radial, V = vertical
radial, A = axial; s = shaft speed / 30 Hz):
  speed      a nominal shaft speed with a slow sinusoidal wander (0-6 %, 10-40 s period), a random
             walk in log-speed and, in a third of the streams, a ramp (x0.8-1.25); the shaft angle
             is the integral of the speed, so every harmonic follows the speed
  always     residual imbalance (0.01-0.05 g s^2 at 1x, elliptical orbit: V/H 0.5-1.0), a little 2x,
             twice line frequency (100 or 120 Hz, 0-0.02 g) from the motor, broadband machine noise
             (0.005-0.02 g, low-passed at 1 kHz) and sensor noise (0.001-0.006 g, white)
  imbalance  1x radial 0.1-0.6 g s^2, 2x at 2-8 % of it, axial 1x at 10 %
  misalign.  1x 0.05-0.2 g s, 2x 0.08-0.5 g s (radial), 3x 20-60 % of 2x; axial 1x and 2x
             0.05-0.4 g s each (angular misalignment shows axially)
  bearing    outer-race defect: impacts at BPFO = n/2 (1 - d/D cos theta) x shaft speed, each
             with +-0.5 % timing jitter (slip), 0.2-3 g s, amplitude-modulated 0-30 % by the shaft
             angle (load zone), exciting a structural resonance (1.0-2.2 kHz, damping 2-8 %) as a
             decaying sinusoid, mostly in the load (vertical) direction
  looseness  harmonics 1x-10x (0.05-0.35 g s^1.5, each 0.6-0.85 of the one before), half-order
             sub-harmonics 0.5x, 1.5x, 2.5x, 3.5x (10-35 %), the vertical motion truncated at
             30-70 % of its peak (clipping: the foot lifts), and a rattle impact per revolution
             into a low structural mode (150-500 Hz)
  sensor     the machine frame seen through a random mounting rotation (up to 20 degrees about a
             random axis), a per-axis transmission gain (0.8-1.25) and a sensor gain (0.9-1.1)
Fault severities run from incipient (within a few dB of a normal machine) to severe.

Held out for the test split: shaft speeds 27.5-34.5 Hz (training streams stay within 15-26 and
36-60 Hz) and two bearing geometries (BPFO 4.03 and 4.52 x) not used in training; every test
stream is a machine never seen in training.

Input representation (features.mjs is the same computation in JavaScript): every HOP = 512
samples (10 frames/s) a 2048-sample Hann window per axis; 15 band powers in dB (re 1 g^2) — 12
log-spaced bands 10-250 Hz, where 1x-3x of 15-60 Hz shafts fall, and 250-800, 800-1600,
1600-2560 Hz, where looseness harmonics and the bearing resonance show — and the log kurtosis of
the first difference (a crude high-pass) of the window, which impacts raise, and the overall
vibration velocity 10-1000 Hz (the ISO 10816 severity measure, dB re 1 (mm/s)^2), which does not
depend on where the speed puts the harmonics. 17 features x 3 axes = 51 per frame. The GRU thus sees a coarse log-frequency spectrum, in which a speed change is a
shift, and a measure of impulsiveness, at 10 steps/s.
"""
import json, math, os, sys, time
import numpy as np
import torch
from scipy.signal import lfilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

torch.set_num_threads(1)

OUT = os.path.join(common.ROOT, "models", "sensor")
WORK = os.path.join(common.ROOT, "build", "sensor")
LABELS = ["normal", "imbalance", "misalignment", "bearing", "looseness"]
FS = 5120
N = 2048
HOP = 512
FRAME_RATE = FS / HOP  # 10 steps per second
# band edges as FFT bin indices (bin k is k * 2.5 Hz): ceil(edge / 2.5) for 12 log-spaced edges
# 10 * 25^(i/12) Hz, then 250, 800, 1600 Hz and Nyquist (bin 1024, included)
BANDS = [4, 6, 7, 9, 12, 16, 20, 27, 35, 45, 59, 77, 100, 320, 640, 1025]
VELOCITY_BINS = (4, 401)  # 10-1000 Hz, the ISO 10816 / 20816 band for overall vibration velocity
PER_AXIS = len(BANDS) + 1  # 15 bands, velocity, kurtosis
FEATURES = 3 * PER_AXIS
HIDDEN = 32
TRAIN_SPEEDS = [(15.0, 26.0), (36.0, 60.0)]
TEST_SPEEDS = [(27.5, 34.5)]
# Bearing geometries: (balls n, ball diameter d mm, pitch diameter D mm, contact angle deg).
# The first two are the SKF 6205 and 6203 of the CWRU bearing data set (BPFO 3.585, 3.053).
BEARINGS = [(9, 7.94, 39.04, 0), (8, 6.75, 28.50, 0), (7, 7.94, 33.5, 0), (12, 7.14, 44.0, 0),
            (13, 8.73, 52.0, 15), (16, 6.35, 52.0, 0), (10, 7.94, 41.0, 0), (11, 7.14, 40.0, 0)]
TRAIN_BEARINGS = [0, 1, 2, 3, 4, 5]
TEST_BEARINGS = [6, 7]


def bpfo(b):
    n, d, D, theta = BEARINGS[b]
    return n / 2 * (1 - d / D * math.cos(math.radians(theta)))


# ---------------------------------------------------------------------------------------------
# Features (models/sensor/features.mjs computes the same in JavaScript)

WINDOW = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N) / N)
POWER_SCALE = 2.0 / (N * np.sum(WINDOW ** 2))  # a sine of amplitude A sums to A^2 / 2 over its bins
# acceleration power (g^2) at bin k -> velocity power ((mm/s)^2): (9810 mm/s^2 per g / (2 pi f_k))^2
VELOCITY_WEIGHT = (9810.0 / (2 * np.pi * FS / N * np.arange(*VELOCITY_BINS))) ** 2


def features(x):
    """x: [n, 3] samples in g → [frames, 51]: per axis 15 band powers (dB re 1 g^2), the
    10-1000 Hz velocity power (dB re 1 (mm/s)^2) and the ln kurtosis of the first difference."""
    n = x.shape[0]
    frames = 1 + (n - N) // HOP
    out = np.zeros((frames, FEATURES))
    idx = np.arange(N)[None, :] + HOP * np.arange(frames)[:, None]
    for a in range(3):
        fr = x[:, a].astype(np.float64)[idx]  # [frames, N]
        X = np.fft.rfft(fr * WINDOW, axis=1)
        p = (X.real ** 2 + X.imag ** 2) * POWER_SCALE
        for j in range(len(BANDS) - 1):
            out[:, a * PER_AXIS + j] = 10 * np.log10(p[:, BANDS[j]:BANDS[j + 1]].sum(axis=1) + 1e-10)
        lo, hi = VELOCITY_BINS
        out[:, a * PER_AXIS + len(BANDS) - 1] = 10 * np.log10((p[:, lo:hi] * VELOCITY_WEIGHT).sum(axis=1) + 1e-10)
        d = np.diff(fr, axis=1)
        m2 = (d * d).mean(axis=1)
        m4 = ((d * d) ** 2).mean(axis=1)
        out[:, a * PER_AXIS + PER_AXIS - 1] = np.where(m2 > 1e-20, np.log(np.maximum(m4, 1e-300) / np.maximum(m2 * m2, 1e-300)), 0.0)
    return out


# ---------------------------------------------------------------------------------------------
# Synthesis

def rotation(rng, max_deg):
    axis = rng.normal(size=3); axis /= np.linalg.norm(axis)
    ang = math.radians(rng.uniform(0, max_deg))
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(ang) * K + (1 - math.cos(ang)) * K @ K


def machine(rng, bearings):
    return {
        "bearing": int(rng.choice(bearings)),
        "fn": rng.uniform(1000, 2200), "zeta": rng.uniform(0.02, 0.08),
        "rattle_fn": rng.uniform(150, 500),
        "R": rotation(rng, 20), "axis_gain": rng.uniform(0.8, 1.25, 3), "gain": rng.uniform(0.9, 1.1),
        "u0": rng.uniform(0.01, 0.05), "ellipse": rng.uniform(0.5, 1.0),
        "line": rng.choice([100.0, 120.0]), "line_amp": rng.uniform(0, 0.02),
        "noise_m": rng.uniform(0.005, 0.02), "noise_s": rng.uniform(0.001, 0.006),
        "load_dir": np.array([rng.uniform(-0.3, 0.3), 1.0, rng.uniform(-0.2, 0.2)]),
    }


def speed_profile(rng, seconds, ranges):
    lengths = np.array([b - a for a, b in ranges])
    lo, hi = ranges[int(rng.choice(len(ranges), p=lengths / lengths.sum()))]
    f0 = rng.uniform(lo, hi)
    tc = np.arange(int(seconds) + 2, dtype=np.float64)
    logf = np.log(f0) + np.cumsum(rng.normal(0, 0.015, tc.size))
    logf += np.log1p(rng.uniform(0, 0.06) * np.sin(2 * np.pi * tc / rng.uniform(10, 40) + rng.uniform(0, 6.3)))
    if rng.random() < 1 / 3:
        logf += np.linspace(0, np.log(rng.uniform(0.8, 1.25)), tc.size)
    f = np.clip(np.exp(np.interp(np.arange(int(seconds * FS)) / FS, tc, logf)), lo, hi)
    return f


def resonator(fn, zeta):
    """Impulse response r^n sin(n w): a lightly damped structural mode, peak about 1."""
    w = 2 * np.pi * fn * math.sqrt(1 - zeta * zeta) / FS
    r = math.exp(-zeta * 2 * np.pi * fn / FS)
    return [0.0, r * math.sin(w)], [1.0, -2 * r * math.cos(w), r * r]


def lowpass(x, fc):
    a = math.exp(-2 * np.pi * fc / FS)
    return lfilter([1 - a], [1, -a], x)


def stream(rng, m, seconds, states, ranges):
    """One recording of machine m: states = [(label, start_s, end_s)] → samples [n, 3] (sensor frame), per-sample label."""
    n = int(seconds * FS)
    f = speed_profile(rng, seconds, ranges)
    phi = 2 * np.pi * np.cumsum(f) / FS
    s = f / 30.0
    t = np.arange(n) / FS
    sig = np.zeros((3, n))  # H, V, A
    lab = np.zeros(n, dtype=np.int64)
    ph = lambda: rng.uniform(0, 2 * np.pi)  # noqa: E731

    def rotating(amp, order, axial=0.0):
        a = ph()
        sig[0] += amp * np.cos(order * phi + a)
        sig[1] += m["ellipse"] * amp * np.sin(order * phi + a)
        if axial:
            sig[2] += axial * amp * np.cos(order * phi + ph())

    # always there
    rotating(m["u0"] * s * s, 1, 0.1)
    rotating(0.15 * m["u0"] * s * s, 2)
    sig += m["line_amp"] * np.cos(2 * np.pi * m["line"] * t + rng.uniform(0, 6.3, (3, 1)))
    sig += lowpass(rng.normal(0, 1, (3, n)), 1000) * m["noise_m"] * 4.5  # ~noise_m RMS after the low-pass

    for label, a_s, b_s in states:
        a, b = int(a_s * FS), min(n, int(b_s * FS))
        lab[a:b] = label
        mask = np.zeros(n)
        mask[a:b] = 1.0
        ramp = int(0.1 * FS)  # 0.1 s crossfade at the edges of a segment
        if a > 0:
            mask[a:a + ramp] = np.linspace(0, 1, ramp)
        if b < n:
            mask[b - ramp:b] = np.linspace(1, 0, ramp)
        comp = np.zeros((3, n))
        if label == 1:  # imbalance
            u = rng.uniform(0.1, 0.6)
            for order, amp, ax in [(1, u, 0.1), (2, u * rng.uniform(0.02, 0.08), 0.0)]:
                c = ph()
                comp[0] += amp * s * s * np.cos(order * phi + c)
                comp[1] += m["ellipse"] * amp * s * s * np.sin(order * phi + c)
                comp[2] += ax * amp * s * s * np.cos(order * phi + ph())
        elif label == 2:  # misalignment
            m1, m2 = rng.uniform(0.05, 0.2), rng.uniform(0.08, 0.5)
            m3 = m2 * rng.uniform(0.2, 0.6)
            for order, amp in [(1, m1), (2, m2), (3, m3)]:
                comp[0] += amp * s * np.cos(order * phi + ph())
                comp[1] += rng.uniform(0.7, 1.0) * amp * s * np.cos(order * phi + ph())
            comp[2] += rng.uniform(0.05, 0.4) * s * np.cos(phi + ph()) + rng.uniform(0.05, 0.4) * s * np.cos(2 * phi + ph())
            comp[2] += 0.3 * m3 * s * np.cos(3 * phi + ph())
        elif label == 3:  # bearing outer-race fault
            ratio = bpfo(m["bearing"])
            cycles = ratio * phi / (2 * np.pi)
            k = np.arange(math.ceil(cycles[a]), math.floor(cycles[b - 1]))
            hit = np.searchsorted(cycles, k + rng.uniform(-0.005, 0.005, k.size) * ratio)
            hit = hit[(hit >= a) & (hit < b)]
            amp = rng.uniform(0.2, 3.0)
            depth = rng.uniform(0, 0.3)
            imp = np.zeros(n)
            np.add.at(imp, hit, amp * s[hit] * (1 + depth * np.cos(phi[hit])) * rng.uniform(0.8, 1.2, hit.size))
            bb, aa = resonator(m["fn"], m["zeta"])
            y = lfilter(bb, aa, imp)
            d = m["load_dir"] / np.linalg.norm(m["load_dir"])
            comp += d[:, None] * y[None, :]
        elif label == 4:  # mechanical looseness
            L = rng.uniform(0.05, 0.35)
            r = rng.uniform(0.6, 0.85)
            v = np.zeros(n); h = np.zeros(n)
            for order in range(1, 11):
                amp = L * r ** (order - 1) * s ** 1.5
                v += amp * np.cos(order * phi + ph())
                h += 0.5 * amp * np.cos(order * phi + ph())
            for order in (0.5, 1.5, 2.5, 3.5):
                amp = L * rng.uniform(0.1, 0.35) * s ** 1.5
                v += amp * np.cos(order * phi + ph())
                h += 0.5 * amp * np.cos(order * phi + ph())
            v = np.minimum(v, rng.uniform(0.3, 0.7) * v.max())
            revs = np.floor(phi / (2 * np.pi))
            hit = np.nonzero(np.diff(revs) > 0)[0] + 1
            imp = np.zeros(n)
            imp[hit] = L * s[hit] * rng.uniform(0.5, 1.5, hit.size)
            bb, aa = resonator(m["rattle_fn"], 0.05)
            v += lfilter(bb, aa, imp)
            comp[0] += h; comp[1] += v; comp[2] += 0.2 * h
        sig += comp * mask[None, :]

    x = m["gain"] * (m["R"] @ (m["axis_gain"][:, None] * sig))
    x += rng.normal(0, m["noise_s"], x.shape)
    return x.T.astype(np.float32), lab, f


def frame_labels(lab, states, settle_s, n_frames):
    """Per frame: the state at the window's end; −1 while the window straddles a change, and (when
    settle_s > 0) until the window has started settle_s after a change or after the stream's start."""
    starts = HOP * np.arange(n_frames)
    y = lab[starts + N - 1].copy()
    changes = [0] + [int(a * FS) for _, a, _ in states if a > 0]
    for c in changes:
        y[(starts < c) & (starts + N > c)] = -1
        if settle_s > 0:
            y[(starts >= c) & (starts < c + settle_s * FS)] = -1
    return y


def segments(rng, seconds, k, labels=None):
    """k segments of at least 6 s covering [0, seconds)."""
    cuts = np.sort(rng.uniform(6, seconds - 6, k - 1)) if k > 1 else np.array([])
    while k > 2 and np.min(np.diff(cuts)) < 6:
        cuts = np.sort(rng.uniform(6, seconds - 6, k - 1))
    edges = [0.0, *cuts.tolist(), float(seconds)]
    if labels is None:
        labels = [int(rng.integers(0, 5))]
        for _ in range(k - 1):
            labels.append(int((labels[-1] + rng.integers(1, 5)) % 5))
    return [(labels[i], edges[i], edges[i + 1]) for i in range(k)]


def dataset(seed, count, seconds, ranges, bearings, settle_s, plan=None):
    rng = np.random.default_rng(seed)
    X, Y, info = [], [], []
    for i in range(count):
        m = machine(rng, bearings)
        states = plan[i] if plan else segments(rng, seconds, int(rng.integers(1, 4)))
        x, lab, f = stream(rng, m, seconds, states, ranges)
        F = features(x)
        X.append(F.astype(np.float32))
        Y.append(frame_labels(lab, states, settle_s, F.shape[0]))
        info.append({"states": states, "bpfo": bpfo(m["bearing"]), "speed": [float(f.min()), float(f.max())], "raw": x if plan else None})
    return X, Y, info


# ---------------------------------------------------------------------------------------------
# Training

class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(FEATURES, HIDDEN, batch_first=True)
        self.fc = torch.nn.Linear(HIDDEN, len(LABELS))

    def forward(self, x):
        h, _ = self.gru(x)
        return self.fc(h)


def accuracy(model, X, Y):
    with torch.no_grad():
        p = model(torch.tensor(np.stack(X))).argmax(-1).numpy()
    y = np.stack(Y)
    ok = y >= 0
    return float((p[ok] == y[ok]).mean()), p


def main():
    t0 = time.time()
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20250101)
    # --- data
    Xtr, Ytr, _ = dataset(101, 800, 30, TRAIN_SPEEDS, TRAIN_BEARINGS, 0)
    Xva, Yva, _ = dataset(102, 100, 30, TRAIN_SPEEDS, TRAIN_BEARINGS, 1.5)
    Xho, Yho, _ = dataset(103, 100, 30, TEST_SPEEDS, TEST_BEARINGS, 1.5)  # held out, larger, not committed
    # the committed test set: 10 unseen machines, 36 s each, 3 segments of 12 s, every state 6 times
    prng = np.random.default_rng(104)
    order = []
    while len(order) < 30:
        perm = list(prng.permutation(5))
        if order and perm[0] == order[-1]:
            continue
        order += perm
    plan = [[(order[3 * i + j], 12.0 * j, 12.0 * (j + 1)) for j in range(3)] for i in range(10)]
    for p in plan:
        assert p[0][0] != p[1][0] and p[1][0] != p[2][0], p
    Xte, Yte, Ite = dataset(105, 10, 36, TEST_SPEEDS, TEST_BEARINGS, 1.5, plan)
    print(f"data: {len(Xtr)} training streams, {sum(x.shape[0] for x in Xtr)} frames ({time.time() - t0:.0f} s)", flush=True)

    allf = np.concatenate(Xtr)
    mean, std = allf.mean(0), allf.std(0) + 1e-3
    norm = lambda X: [((x - mean) / std).astype(np.float32) for x in X]  # noqa: E731
    Ntr, Nva, Nho, Nte = norm(Xtr), norm(Xva), norm(Xho), norm(Xte)

    # --- training: per-frame cross-entropy; augmentation: random crops of the streams
    X = torch.tensor(np.stack(Ntr)); Y = torch.tensor(np.stack(Ytr))
    model = Model()
    epochs, batch, crop = 30, 32, 200
    opt = torch.optim.Adam(model.parameters(), lr=4e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    lossf = torch.nn.CrossEntropyLoss(ignore_index=-1)
    g = torch.Generator().manual_seed(7)
    for epoch in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            start = int(torch.randint(0, X.shape[1] - crop + 1, (1,), generator=g))
            xb, yb = X[idx, start:start + crop], Y[idx, start:start + crop]
            opt.zero_grad()
            loss = lossf(model(xb).reshape(-1, len(LABELS)), yb.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        sched.step()
        if epoch % 5 == 4 or epoch == epochs - 1:
            va, _ = accuracy(model, Nva, Yva)
            ho, _ = accuracy(model, Nho, Yho)
            print(f"epoch {epoch + 1}: loss {loss.item():.4f}, validation {va * 100:.2f} %, held-out {ho * 100:.2f} % ({time.time() - t0:.0f} s)", flush=True)
    model.eval()
    torch_test, pte = accuracy(model, Nte, Yte)
    misses = {}
    for i, y in enumerate(Yte):
        for t in np.nonzero((y >= 0) & (pte[i] != y))[0]:
            key = (f"machine{i:02d}", LABELS[y[t]], LABELS[pte[i][t]])
            misses[key] = misses.get(key, 0) + 1
    test_misses = [{"stream": k[0], "true": k[1], "predicted": k[2], "frames": v} for k, v in sorted(misses.items())]
    torch_va, _ = accuracy(model, Nva, Yva)
    torch_ho, pho = accuracy(model, Nho, Yho)
    yho = np.stack(Yho)
    conf_ho = np.zeros((5, 5), dtype=int)
    np.add.at(conf_ho, (yho[yho >= 0], pho[yho >= 0]), 1)

    # --- export: safetensors + arch.json, metadata, calibration, then tinyrnn convert
    weights = os.path.join(WORK, "vibration.safetensors")
    common.save_safetensors(weights, model.state_dict(), {
        "layers": [{"type": "gru", "prefix": "gru", "input": FEATURES, "hidden": HIDDEN},
                   {"type": "linear", "prefix": "fc", "input": HIDDEN, "output": len(LABELS), "activation": "softmax"}],
        "labels": LABELS,
    })
    meta = {
        "name": "vibration",
        "task": "machine condition from a 3-axis accelerometer: feature frames (models/sensor/features.mjs) at 10 steps/s",
        "sampleRateHz": FRAME_RATE,
        "input": {"sensorRateHz": FS, "window": N, "hop": HOP, "features": "per axis x, y, z: 15 band powers (dB re 1 g^2), 10-1000 Hz velocity power (dB re 1 (mm/s)^2), ln kurtosis of the first difference"},
        "normalise": {"mean": [round(float(v), 5) for v in mean], "std": [round(float(v), 5) for v in std]},
        "detector": {"smoothingMs": 2000, "threshold": 0.7, "refractoryMs": 10000, "background": ["normal"]},
        "source": "models/train/vibration.py (synthetic vibration, PyTorch nn.GRU + nn.Linear)",
    }
    # the metadata's normalisation, rounded as stored, is what the model sees
    mean_r = np.array(meta["normalise"]["mean"]); std_r = np.array(meta["normalise"]["std"])
    calib = np.stack([((x - mean_r) / std_r).astype(np.float32) for x in Xtr[:48]])
    int8_path, f32_path = common.convert_int8_and_f32(weights, "vibration", meta, calib, OUT, WORK)

    # --- the committed test set and a raw sample for the features.mjs check
    test_dir = os.path.join(OUT, "test")
    common.write_testset(test_dir,
        "10 synthetic machines never seen in training (shaft 27.5-34.5 Hz, a speed band held out of "
        "training; bearings with BPFO 4.03x and 4.52x, held out), 36 s each, three 12 s states, each "
        "state 6 times; feature frames (models/sensor/features.mjs) of the 3-axis signal at 5120 Hz, "
        "10 per second. Labels: the machine state; -1 while the 0.2 s window straddles a change and "
        "for 1.5 s after a change or the stream's start.",
        [(f"machine{i:02d}", Xte[i], Yte[i]) for i in range(len(Xte))])
    raw = Ite[0]["raw"][: 2 * FS]
    np.save(os.path.join(OUT, "sample-raw.npy"), raw)
    np.save(os.path.join(OUT, "sample-features.npy"), features(raw).astype(np.float32))

    ev8 = common.evaluate(int8_path, test_dir)
    ev32 = common.evaluate(f32_path, test_dir)
    info = common.inspect(int8_path)
    common.write_json(os.path.join(OUT, "card.json"), {
        "model": "vibration.tinyrnn",
        "eval": {"testset": "test", "figures": {"accuracy": ev8["accuracy"]}},
    })
    n_params = sum(p.numel() for p in model.parameters())
    summary = {
        "torch": {"test": round(torch_test * 100, 2), "validation": round(torch_va * 100, 2), "heldOutLarge": round(torch_ho * 100, 2),
                  "heldOutLargeFrames": int(sum((y >= 0).sum() for y in Yho)), "heldOutLargeConfusion": conf_ho.tolist(), "testMisses": test_misses},
        "int8": ev8, "f32": ev32, "parameters": n_params,
        "bytes": info["fileBytes"], "weightBytes": info["weightBytes"], "stateBytes": info["stateBytesPerStream"], "scratchBytes": info["scratchBytes"],
        "seconds": round(time.time() - t0), "detector": meta["detector"],
        "f32Bytes": os.path.getsize(f32_path),
        "report": json.load(open(os.path.join(WORK, "vibration.report.json"))),
        "testBytes": sum(os.path.getsize(os.path.join(test_dir, f)) for f in os.listdir(test_dir)),
    }
    summary["events"] = common.events(int8_path, test_dir)
    common.write_json(os.path.join(WORK, "vibration.summary.json"), summary)
    write_card(summary)
    print(json.dumps({k: v for k, v in summary.items() if k not in ("int8", "f32")}))
    print(f"test set: float {ev32['accuracy']} %, int8 {ev8['accuracy']} %")
    print("int8 per label:", {k: v["recall"] for k, v in ev8["perLabel"].items()})
    print("int8 confusion:", ev8["confusion"])


def write_card(S):
    e8, e32, ev, t = S["int8"], S["f32"], S["events"], S["torch"]
    recall = lambda e: " / ".join(f"{e['perLabel'][l]['recall']:.1f}" for l in LABELS)  # noqa: E731
    card = f"""# vibration — machine condition from a 3-axis accelerometer

`vibration.tinyrnn` (int8) tells five states of a rotating machine apart from an accelerometer on
a bearing housing: **normal**, **imbalance**, **misalignment**, **bearing** (outer-race defect)
and **looseness** (mechanical). It steps on feature frames, 10 per second, and its posteriors
go to the generic sensor stream API; `normal` never fires an event.

**Trained on synthetic signals only** (a physical signal model, below). Every figure on this card
measures the model against that signal model on machines, speeds and bearings it never saw — not
against real machines, for which no recording was at hand. Treat it as a worked, reproducible
example of a condition-monitoring model and a starting point for training on your own data.
(The other sensor model, a beat anomaly score tested on real ECG, is in `ecg-anomaly/`.)

```js
import {{ createRuntime, SensorStream }} from "tinyrnn";
import {{ VibrationFeatures }} from "./features.mjs";    // models/sensor/features.mjs

const model = (await createRuntime()).loadModel(bytes);   // vibration.tinyrnn
const fe = new VibrationFeatures();                       // x, y, z in g at 5120 Hz in
const sensor = new SensorStream(model);                   // normalise + detector from the metadata
for (const chunk of chunks) {{                             // Float32Array [n, 3], any n
  for (const e of sensor.push(fe.push(chunk))) console.log(e);   // {{ label: "bearing", score, startMs, endMs }}
}}
```

## Model

| | |
| --- | --- |
| input | 51 features per step, 10 steps/s (`sampleRateHz` 10): per axis x, y, z of the last 0.4 s (2048 samples at 5120 Hz, Hann window, a frame every 512 samples) 15 band powers in dB re 1 g² (12 log-spaced bands 10–250 Hz; 250–800, 800–1600, 1600–2560 Hz), the overall velocity 10–1000 Hz in dB re 1 (mm/s)² and the ln kurtosis of the first difference. `features.mjs` computes them (tested equal to the recipe's within 1e-3); the metadata's `normalise` standardises them |
| architecture | GRU(51 → {HIDDEN}) → Linear({HIDDEN} → 5) → softmax (PyTorch `nn.GRU` + `nn.Linear`, converted by `tinyrnn convert` from safetensors) |
| parameters | {S['parameters']:,} |
| file | {S['bytes']:,} bytes (int8 weights, int16 activations; the f32 build would be {S['f32Bytes']:,}) |
| arena | weights in module memory {S['weightBytes']:,} bytes; state {S['stateBytes']} bytes per stream; scratch {S['scratchBytes']} bytes shared (`model.weightBytes`, `stateBytes`, `scratchBytes`; `tinyrnn inspect`) |
| outputs | posteriors of `{'`, `'.join(LABELS)}` |
| detector defaults | smoothing {S['detector']['smoothingMs']} ms, threshold {S['detector']['threshold']}, refractory {S['detector']['refractoryMs']} ms, background `normal` |

**Why feature frames and not raw samples.** The faults live at very different time scales: 1×–3×
shaft harmonics at 15–180 Hz, looseness harmonics up to ~1 kHz, bearing impacts ringing at
1–2.2 kHz and repeating at the ball-pass frequency. A GRU on raw samples would need ≥ 5 kHz steps
and would have to learn its own filter bank — slow to train, and far more steps per second to run.
One spectrum every 0.1 s does that work in a fixed, cheap, explainable way (an FFT per axis in
`features.mjs`), and leaves the GRU the part a recurrent model is good at: integrating evidence over
frames while speed and load change. Log-spaced low bands turn a speed change into a shift of the
same pattern; kurtosis of the first difference (a crude high-pass) catches impacts whatever the
resonance; the overall velocity (ISO 10816/20816's severity measure) is a level that does not
depend on where the speed puts the harmonics — an earlier run of this recipe without it (and with
somewhat narrower fault severities) confused imbalance at the held-out speeds with normal (held-out
accuracy 96.5 %, imbalance recall 84 %): in training no 1× line had fallen into the 30–37 Hz band. {HIDDEN} hidden units were enough
(validation {t['validation']} %); 51 inputs and {HIDDEN} units keep the file at {S['bytes'] / 1024:.1f} KB.

## Training data (synthetic) and how it was made

`models/train/vibration.py` (`npm run train:sensor`; seeds fixed) synthesises 3-axis acceleration
at 5120 Hz from a signal model — shaft angle as the integral of a varying speed, so every
harmonic follows the speed:

- **speed** 15–60 Hz, wandering slowly (0–6 %, 10–40 s period), a random walk in log-speed and, in
  a third of the streams, a ramp (×0.8–1.25);
- **every machine**: residual imbalance (0.01–0.05 g·s², s = speed/30 Hz, elliptical orbit), a little
  2×, twice line frequency from the motor (100/120 Hz), broadband machine noise (0.005–0.02 g) and
  sensor noise (0.001–0.006 g);
- **imbalance**: 1× radial 0.1–0.6 g·s², a small 2×, little axial;
- **misalignment**: 1×, 2× (0.08–0.5 g·s), 3× radial, and strong axial 1× and 2×;
- **bearing**: outer-race impacts at BPFO = n/2 (1 − d/D cos θ) × speed from the bearing's geometry,
  with ±0.5 % slip jitter, amplitude-modulated by the load zone, each exciting a structural
  resonance (1.0–2.2 kHz, 2–8 % damping) as a decaying sinusoid;
- **looseness**: harmonics 1×–10×, half-order sub-harmonics (0.5×, 1.5×, 2.5×, 3.5×), the vertical
  motion truncated (clipping), and a rattle impact per revolution into a 150–500 Hz mode;
- **mounting and gain**: a random mounting rotation (≤ 20° about a random axis), per-axis
  transmission gains (0.8–1.25), a sensor gain (0.9–1.1).

Fault severities run from incipient (a few dB above a normal machine) to severe. Each stream is
one machine (random parameters) for 30 s with 1–3 states; training: 800 streams (240,000 frames),
with random 20 s crops as augmentation; loss: per-frame cross-entropy, ignoring frames whose window
straddles a state change. Adam, 30 epochs; the whole recipe takes about 3–4 minutes on one core.

**Held out.** Training streams never run between 26 and 36 Hz, and never use two of the eight
bearing geometries (BPFO 4.03× and 4.52×). The test machines run only at 27.5–34.5 Hz, only with
those two bearings, and have their own random resonances, gains and mountings.

Calibration (int8): 48 training streams, normalised as the metadata says; `tinyrnn convert
--calibrate` reported output cosine {S['report']['outputCosine']:.6f} overall, {S['report']['minStepCosine']:.6f} at the worst step.

## Accuracy

Committed test set `test/` ({sum(v['steps'] for v in e8['perLabel'].values())} scored steps of 10 unseen machines, 36 s each, three 12 s
states, each state 6 times; steps within 1.5 s of a change or the start are not scored), per-step
argmax against the label (`tinyrnn eval`):

| | accuracy | recall {' / '.join(LABELS)} |
| --- | ---: | --- |
| float (f32 build, same code) | **{e32['accuracy']} %** | {recall(e32)} |
| int8 (`vibration.tinyrnn`) | **{e8['accuracy']} %** | {recall(e8)} |

int8 confusion matrix (steps):

{common.confusion_table(LABELS, e8['confusion'])}

Where the float model's misses on this set fall: {'; '.join(f"{m['stream']}, {m['true']} taken for {m['predicted']}: {m['frames']} frames" for m in t['testMisses']) or 'none'}.
Imbalance against normal is a severity boundary (the 1× level), and the test set's incipient
imbalances sit close to it; ten machines are few, which is why a larger held-out set follows.

In PyTorch (float): {t['validation']} % on 100 validation streams from the training distribution, and
{t['heldOutLarge']} % on a larger held-out set (100 unseen machines under the test set's held-out
conditions, {t['heldOutLargeFrames']:,} scored frames, not committed):

{common.confusion_table(LABELS, t['heldOutLargeConfusion'])}

## Threshold and smoothing

Recommended (and stored as the metadata's detector defaults): smoothing **{S['detector']['smoothingMs'] // 1000} s** (20 frames),
threshold **{S['detector']['threshold']}**, refractory **{S['detector']['refractoryMs'] // 1000} s**, `normal` as background. A machine's state
changes over days, not seconds, so a long smoothing window costs nothing and removes single-frame
flips; the refractory time keeps a persistent fault from firing every frame (10 s, shorter than the
test set's 12 s states so that each state can fire; in service, minutes are fine). On the test set
with these defaults (`node models/train/events.mjs`): {ev['detected']} of {ev['faultSegments']} fault segments fired their event
(median {ev['medianLatencyMs'] / 1000:.1f} s after the change, at most {ev['maxLatencyMs'] / 1000:.1f} s — the slow ones wait out the refractory time of
the previous state's event), and {ev['wrongEvents']} of {ev['events']} events were wrong (not the state at the time; the
others include repeats of a persisting fault after the refractory time). For alarms, require the same label on
several consecutive events, or smooth over minutes.

## Limitations

- Synthetic data only. Real machines add what the signal model lacks: gear meshes, blade pass,
  several bearings and shafts, belt frequencies, resonances near 1×, process noise, sensor
  mounting resonances, combined faults. Retrain on recordings of your machines (the recipe takes
  any [T, 51] feature streams); keep features.mjs and the normalisation together with the model.
- One fault at a time; there is no "unknown" class, so a state outside the five is forced into one.
- Inner-race, ball and cage faults, bent shafts, electrical faults and resonance are not modelled.
- Imbalance vs normal is a severity boundary (1× level); its position is this signal model's, not
  an ISO zone for your machine class.
- Speeds outside 15–60 Hz and sensors not sampling at 5120 Hz need the features (and the model)
  redone.

## Reproduce

```
npm run train:sensor                          # both sensor models, about 7 minutes on 1 core: data, training, convert, test sets, cards
npx tinyrnn eval models/sensor/vibration.tinyrnn models/sensor/test     # the table above (int8)
node dist/cli.js inspect models/sensor/vibration.tinyrnn
```

`card.json` holds the figure CI checks (`tinyrnn eval models/sensor/vibration.tinyrnn models/sensor/test`
must not fall more than one point below it). Files: `vibration.tinyrnn`, `card.json`, `test/`
(features and labels, {S['testBytes'] // 1024} KB), `features.mjs` (+ `.d.mts`), `sample-raw.npy` (2 s of raw test
signal) and `sample-features.npy` (its frames, for the features.mjs test).
"""
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(card)


if __name__ == "__main__":
    main()
