"""The sample recording `npm start` listens to: a few sentences with "hey jarvis" and some commands
in between, over quiet room noise, at 16 kHz, in a held-out voice: espeak-ng's en-us accent with the
first test-split variant (models/train/speech.py), a voice no model trained on or picked a
threshold with. (A first version in festival's cmu_us_slt_arctic_hts voice, which the models never
heard either, gave no detection at all: see the independent evaluation in models/train/EXPERIMENTS.md.)

  /usr/bin/python3 models/train/sample.py     → models/sample/morning.wav, models/sample/morning.json
"""
import json
import os
import sys

import numpy as np
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech  # noqa: E402

SCRIPT = [
    ("Good morning. It looks like rain again, so I will take the bus today.", None),
    ("Hey Jarvis", "hey_jarvis"),
    ("Turn the kitchen lights on.", None),
    ("I was thinking about the garden, the tomatoes need water.", None),
    ("Hey Jarvis", "hey_jarvis"),
    ("stop", "stop"),
    ("Remind me to call my sister after lunch.", None),
    ("Hey Jarvis", "hey_jarvis"),
    ("go", "go"),
    ("yes", "yes"),
    ("That will be all for now, thank you.", None),
]


VOICE = ("espeak", "en-us", [v for v in speech.espeak_variants() if speech.split_of(v) == "test"][0])


def main():
    out = os.path.join(speech.ROOT, "models", "sample")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2026)
    pieces, spoken, pos = [np.zeros(int(1.0 * speech.SR), np.float32)], [], int(1.0 * speech.SR)
    for text, label in SCRIPT:
        x = speech.synth(VOICE, text, rng) * 0.6
        spoken.append({"text": text, "label": label, "startMs": round(pos / 16), "endMs": round((pos + len(x)) / 16)})
        gap = np.zeros(int(rng.uniform(0.8, 1.3) * speech.SR), np.float32)
        pieces += [x, gap]
        pos += len(x) + len(gap)
    y = np.concatenate(pieces)
    room = speech.sox_noise("brownnoise", len(y) / speech.SR + 1, 5)[: len(y)] * 0.004
    y = y + room
    wavfile.write(os.path.join(out, "morning.wav"), speech.SR, speech.to_int16(y))
    json.dump({"voice": f"espeak-ng {VOICE[1]}+{VOICE[2]} (a test-split voice, never used in training)", "sampleRateHz": speech.SR, "spoken": spoken},
              open(os.path.join(out, "morning.json"), "w"), indent=1)
    print(f"morning.wav: {len(y) / speech.SR:.1f} s, {sum(1 for s in spoken if s['label'] == 'hey_jarvis')} × hey jarvis")


if __name__ == "__main__":
    main()
