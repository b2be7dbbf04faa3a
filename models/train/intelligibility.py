"""How well a recogniser understands the human voices' English (a cheap check, no listening):
PocketSphinx en-us (Debian's pocketsphinx and pocketsphinx-en-us, the recogniser only) picks each
clip's phrase from a grammar of the ten commands, "hey jarvis" and six confusable phrases (chance
1 in 17). Compared with espeak-ng's and flite's training voices saying the same.

  /usr/bin/python3 models/train/intelligibility.py      (prints accuracy per voice)
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech  # noqa: E402

PHRASES = speech.COMMANDS + ["hey jarvis", "hey travis", "hey harvey", "hey james", "hey there", "hey you", "jarvis"]
MODEL = "/usr/share/pocketsphinx/model/en-us"
PER_VOICE = 3   # clips of each phrase per voice


def main():
    voices = [("human", v) for v in speech.HUMAN_VOICES] + [("espeak", "en-us", "m3"), ("espeak", "en-gb", "f2"), ("flite", "awb")]
    jobs = [(v, p, 500 + 31 * i + k) for v in voices for i, p in enumerate(PHRASES) for k in range(PER_VOICE)]
    hs = [j for j in jobs if j[0][0] == "human"]
    clips = dict(zip(range(len(hs)), speech.synth_human(hs)))
    rest = [speech._synth_job(j) for j in jobs if j[0][0] != "human"]
    clips = list(clips.values()) + rest
    with tempfile.TemporaryDirectory() as tmp:
        ctl = []
        for i, c in enumerate(clips):
            if c is None:
                continue
            x = np.concatenate([np.zeros(3200, np.float32), c, np.zeros(3200, np.float32)])
            wavfile.write(os.path.join(tmp, f"{i}.wav"), speech.SR, speech.to_int16(x * 0.8))
            ctl.append(str(i))
        open(os.path.join(tmp, "ctl"), "w").write("\n".join(ctl) + "\n")
        open(os.path.join(tmp, "g.jsgf"), "w").write("#JSGF V1.0;\ngrammar p;\npublic <p> = " + " | ".join(PHRASES) + ";\n")
        subprocess.run(["pocketsphinx_batch", "-hmm", f"{MODEL}/en-us", "-dict", f"{MODEL}/cmudict-en-us.dict", "-jsgf", os.path.join(tmp, "g.jsgf"),
                        "-ctl", os.path.join(tmp, "ctl"), "-cepdir", tmp, "-cepext", ".wav", "-adcin", "yes", "-adchdr", "44",
                        "-hyp", os.path.join(tmp, "hyp")], capture_output=True, check=True)
        hyp = {}
        for line in open(os.path.join(tmp, "hyp")):
            words, _, rest = line.rpartition("(")
            hyp[int(rest.split()[0])] = words.strip().lower()
    by_voice = {}
    for i, (v, p, _) in enumerate(jobs):
        ok = hyp.get(i) == p
        name = "/".join(v)
        a = by_voice.setdefault(name, [0, 0, 0, 0])
        a[0] += ok
        a[1] += 1
        if p == "hey jarvis":
            a[2] += ok
            a[3] += 1
    for name, (ok, n, okj, nj) in by_voice.items():
        print(f"{name:32s} {100 * ok / n:5.1f} % of {n}   hey jarvis {okj}/{nj}")
    hum = [a for k, a in by_voice.items() if k.startswith("human")]
    print(f"{'human voices':32s} {100 * sum(a[0] for a in hum) / sum(a[1] for a in hum):5.1f} %")


if __name__ == "__main__":
    main()
