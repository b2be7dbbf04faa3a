#!/usr/bin/python3
"""Train the demo model: activity (still / walk / run / shake) from a 3-axis accelerometer.

`npm run demo:activity` streams this model. The data is synthetic but
physically plausible (state below); the recipe is deterministic. Run from the repo root:

    /usr/bin/python3 models/demo/train.py      # needs Debian's python3-torch and python3-numpy
    npm run build && node models/demo/make.mjs # float weights + calibration -> activity.tinyrnn

Signals, 50 Hz, in g: gravity (1 g) along a random device orientation that drifts slowly, plus
  still  sensor noise 0.01 g and a little hand tremor (8-12 Hz, 0.005 g)
  walk   cadence 1.6-2.2 steps/s: vertical heel strikes (0.25-0.5 g, sharp, with harmonics),
         forward/back sway at the cadence, lateral sway at half the cadence
  run    cadence 2.6-3.2 steps/s, impacts 0.8-1.6 g, more harmonics
  shake  the device shaken along a random axis at 4-8 Hz, 0.8-2.0 g
Segments last 3-12 s; sequences switch activity 1-3 times.
"""
import json, math, os
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
RATE = 50
LABELS = ["still", "walk", "run", "shake"]
HIDDEN = 32
torch.set_num_threads(1)


def rotation(rng):
    q = rng.normal(size=4); q /= np.linalg.norm(q)
    a, b, c, d = q
    return np.array([[a*a+b*b-c*c-d*d, 2*(b*c-a*d), 2*(b*d+a*c)],
                     [2*(b*c+a*d), a*a-b*b+c*c-d*d, 2*(c*d-a*b)],
                     [2*(b*d-a*c), 2*(c*d+a*b), a*a-b*b-c*c+d*d]])


def segment(rng, label, n):
    t = np.arange(n) / RATE
    body = np.zeros((n, 3))  # in the body frame: x forward, y left, z up
    if label == 0:
        body[:, 0] += 0.005 * np.sin(2 * np.pi * rng.uniform(8, 12) * t)
    elif label in (1, 2):
        f = rng.uniform(1.6, 2.2) if label == 1 else rng.uniform(2.6, 3.2)
        amp = rng.uniform(0.25, 0.5) if label == 1 else rng.uniform(0.8, 1.6)
        phase = 2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)
        impact = np.maximum(0, np.cos(phase)) ** (3 if label == 1 else 2)
        body[:, 2] += amp * (impact - impact.mean()) + 0.1 * amp * np.sin(2 * phase)
        body[:, 0] += 0.3 * amp * np.sin(phase + 0.5)
        body[:, 1] += 0.2 * amp * np.sin(phase / 2)
    else:
        axis = rng.normal(size=3); axis /= np.linalg.norm(axis)
        f = rng.uniform(4, 8)
        body += np.outer(rng.uniform(0.8, 2.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3)), axis)
    return body


def sequence(rng, n_steps, max_switches=3):
    x = np.zeros((n_steps, 3)); y = np.zeros(n_steps, dtype=np.int64)
    pos = 0
    R = rotation(rng)
    while pos < n_steps:
        label = int(rng.integers(0, 4))
        n = min(n_steps - pos, int(rng.uniform(3, 12) * RATE))
        body = segment(rng, label, n)
        if label == 0 or rng.random() < 0.3:
            R = rotation(rng)  # a new orientation when the device is put down or moved
        gravity = R @ np.array([0, 0, 1.0])
        x[pos:pos + n] = body @ R.T + gravity
        y[pos:pos + n] = label
        pos += n
    x += rng.normal(scale=0.01, size=x.shape)
    return x.astype(np.float32), y


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(3, HIDDEN, batch_first=True)
        self.fc = torch.nn.Linear(HIDDEN, len(LABELS))

    def forward(self, x):
        h, _ = self.gru(x)
        return self.fc(h)


def main():
    rng = np.random.default_rng(1234)
    torch.manual_seed(1234)
    train = [sequence(rng, 400) for _ in range(1500)]
    test = [sequence(rng, 400) for _ in range(200)]
    X = torch.tensor(np.stack([s[0] for s in train])); Y = torch.tensor(np.stack([s[1] for s in train]))
    Xt = torch.tensor(np.stack([s[0] for s in test])); Yt = torch.tensor(np.stack([s[1] for s in test]))
    model = Model()
    epochs = 40
    opt = torch.optim.Adam(model.parameters(), lr=4e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    lossf = torch.nn.CrossEntropyLoss()
    for epoch in range(epochs):
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 50):
            idx = perm[i:i + 50]
            opt.zero_grad()
            loss = lossf(model(X[idx]).reshape(-1, 4), Y[idx].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        sched.step()
        with torch.no_grad():
            acc = (model(Xt).argmax(-1) == Yt).float().mean().item()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}, held-out per-step accuracy {acc * 100:.2f} %", flush=True)
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    weights = {k: v.reshape(-1).tolist() for k, v in sd.items()}
    weights["shapes"] = {k: list(v.shape) for k, v in sd.items()}
    with open(os.path.join(HERE, "weights.json"), "w") as f:
        json.dump({"labels": LABELS, "sampleRateHz": RATE, "hidden": HIDDEN, "heldOutAccuracy": round(acc, 4), "weights": weights}, f)
    # calibration: 16 training sequences; the sample: a minute from a seed never used in training
    np.save(os.path.join(HERE, "calibration.npy"), np.concatenate([s[0] for s in train[:16]]))
    srng = np.random.default_rng(777)
    xs, ys = sequence(srng, 60 * RATE)
    np.save(os.path.join(HERE, "sample.npy"), xs)
    with open(os.path.join(HERE, "sample-labels.json"), "w") as f:
        json.dump({"labels": LABELS, "perStep": ys.tolist()}, f)
    with torch.no_grad():
        ref = torch.softmax(model(torch.tensor(xs)[None]), -1)[0].numpy()
    np.save(os.path.join(HERE, "sample-torch.npy"), ref.astype(np.float32))
    print("wrote weights.json, calibration.npy, sample.npy, sample-labels.json, sample-torch.npy")


if __name__ == "__main__":
    main()
