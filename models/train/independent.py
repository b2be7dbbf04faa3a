"""The independent evaluation: voices and recordings that no model trained, tuned or picked a
threshold on — festival's kal_diphone and cmu_us_slt_arctic_hts, flite's kal16 and slt (the same
two speakers as festival's) — plus the real recordings of pocketsphinx-testdata as negatives.

  /usr/bin/python3 models/train/independent.py     (after the models are trained; prints a table)
  /usr/bin/python3 models/train/independent.py --wake PATH   (another wake-word file, for the record; no commands)

Writes test sets under models/train/cache/independent-*/ and the figures to
models/train/cache/independent.json. Nothing here feeds back into training.
"""
import json
import os
import subprocess
import sys

import numpy as np
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import mix  # noqa: E402
import speech  # noqa: E402

VOICES = [("festival", "kal_diphone"), ("festival", "cmu_us_slt_arctic_hts"), ("flite", "kal16"), ("flite", "slt")]


def voice_clips():
    path = os.path.join(speech.CACHE, "independent-clips.npz")
    if os.path.exists(path):
        return speech.unpack(np.load(path))
    rng = np.random.default_rng(77)
    clips, texts, cats, vs = [], [], [], []
    for v in VOICES:
        items = [("hey jarvis", "wake")] * 25 + [(c, "confusable") for c in speech.CONFUSABLE] + \
                [(w, "command") for w in speech.COMMANDS for _ in range(5)] + [(w, "word") for w in speech.UNKNOWN_WORDS[:40]]
        for text, cat in items:
            try:
                x = speech.synth(v, text, rng)
            except subprocess.CalledProcessError:
                continue
            clips.append(x)
            texts.append(text)
            cats.append(cat)
            vs.append("/".join(v))
        print(f"  {'/'.join(v)}: {len(items)} clips", flush=True)
    z = speech.pack(clips, texts, cats, vs)
    speech.save_cache(path, **z)
    return speech.unpack(z)


def pocketsphinx_audio():
    """Every recording of pocketsphinx-testdata, 16 kHz, one after another with short pauses."""
    root = "/usr/share/pocketsphinx/test/data"
    out = []
    for d, _, fs in sorted(os.walk(root)):
        for f in sorted(fs):
            p = os.path.join(d, f)
            if f.endswith(".wav"):
                sr, x = wavfile.read(p)
                x = x.astype(np.float32) / 32768
                if x.ndim > 1:
                    x = x.mean(axis=1)
                if sr != speech.SR:
                    continue
            elif f.endswith(".raw"):
                x = np.fromfile(p, "<i2").astype(np.float32) / 32768
            else:
                continue
            out += [x, np.zeros(speech.SR // 2, np.float32)]
    return np.concatenate(out)


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--wake", help="evaluate this wake-word file instead of the shipped one (and no commands model)")
    args = ap.parse_args()
    clips = voice_clips()
    pools = {}
    for c in clips:
        pools.setdefault(c["cat"], []).append(c)
    _, banks, babble = mix._pools("test", "wake")
    results = {}
    # wake word: every voice's phrases in held-out noise, plus pocketsphinx's real speech
    wake_dir = os.path.join(speech.CACHE, "independent-wake")
    stream = mix.stream("wake", "test", [("wake", len(pools["wake"])), ("confusable", len(pools["confusable"])), ("command", 100), ("word", 80)],
                        gap=mix.EVAL_GAP, seed=55, pools=(pools, banks, babble))
    ps = speech.to_int16(pocketsphinx_audio() * 0.8)
    mix.write_keyword_testset(wake_dir, {"voices": stream, "pocketsphinx": (ps, [])}, "independent voices and recordings", tag="ind")
    wake_model = args.wake or os.path.join(speech.ROOT, "models", "hey-jarvis", "hey-jarvis.tinyrnn")
    results["hey-jarvis"] = common.evaluate(wake_model, wake_dir)
    # each voice's "hey jarvis" alone (the model's threshold), for the misses by voice
    for v in VOICES:
        name = "/".join(v)
        vd = os.path.join(speech.CACHE, "independent-wake-" + name.replace("/", "-"))
        if not os.path.exists(os.path.join(vd, "testset.json")):
            mine = [c for c in pools["wake"] if c["voice"] == name]
            st = mix.stream("wake", "test", [("wake", len(mine))], gap=mix.EVAL_GAP, seed=57, pools=(dict(pools, wake=mine), banks, babble))
            mix.write_keyword_testset(vd, {"positives": st}, f"independent: {name}'s hey jarvis", tag="indv")
        results["hey-jarvis"]["frrByVoice"] = dict(results["hey-jarvis"].get("frrByVoice", {}), **{name: common.evaluate(wake_model, vd)["frr"]["hey_jarvis"]})
    if args.wake:
        out = os.path.join(speech.CACHE, "independent-" + os.path.basename(os.path.dirname(os.path.abspath(args.wake))) + ".json")
        json.dump(results, open(out, "w"), indent=1)
        w = results["hey-jarvis"]
        print(f"{args.wake}: FRR {w['frr']['hey_jarvis']:.1f} % of {w['perLabel']['hey_jarvis']['intervals']}, {w['falseAccepts']} false accepts; by voice {w['frrByVoice']}")
        return
    cmd_dir = os.path.join(speech.CACHE, "independent-commands")
    stream = mix.stream("commands", "test", [("command", len(pools["command"])), ("word", len(pools["word"]))],
                        gap=mix.EVAL_GAP, seed=56, pools=(pools, banks, babble))
    mix.write_keyword_testset(cmd_dir, {"voices": stream}, "independent voices", tag="ind")
    for name in ["commands-gru", "commands-lstm", "commands-ssm"]:
        p = os.path.join(speech.ROOT, "models", "commands", f"{name}.tinyrnn")
        if os.path.exists(p):
            results[name] = common.evaluate(p, cmd_dir)
    json.dump(results, open(os.path.join(speech.CACHE, "independent.json"), "w"), indent=1)
    w = results["hey-jarvis"]
    print(f"hey-jarvis: FRR {w['frr']['hey_jarvis']:.1f} % of {w['perLabel']['hey_jarvis']['intervals']}, "
          f"{w['falseAccepts']} false accepts in {w['hours'] * 60:.1f} min (incl. {len(ps) / speech.SR / 60:.1f} min of pocketsphinx recordings); "
          f"FRR by voice {w['frrByVoice']}")
    for k, r in results.items():
        if k.startswith("commands"):
            print(f"{k}: accuracy {r['accuracy']:.1f} % over {r['intervals']} utterances")


if __name__ == "__main__":
    main()
