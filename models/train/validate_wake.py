"""The wake word on validation voices, for the rule of "Human timbre" in EXPERIMENTS.md.

  /usr/bin/python3 models/train/validate_wake.py --human 10 MODEL...

Builds (cached) the validation long stream of the validation voices with the human voices at the
given weight (0: the validation long stream of the earlier sections, espeak-ng only) in
models/train/cache/val-long-hv<N>/, and with --human > 0 one stream per validation human voice of
its "hey jarvis" (cache/val-human-<voice>/); prints each model's false-reject rate at ≤ 0.5 false
accepts per hour (sweep), its false accepts and misses at its own threshold, and writes them to
cache/validate-hv<N>.json. Validation voices only.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import mix  # noqa: E402
import speech  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--human", type=int, default=0, help="weight per speaker of the validation human voices")
ap.add_argument("models", nargs="+")
args = ap.parse_args()
speech.use_human({"val": args.human})

d = os.path.join(speech.CACHE, f"val-long-hv{args.human}")
if not os.path.exists(os.path.join(d, "testset.json")):
    s = mix.wake_long_streams("val")
    mix.write_keyword_testset(d, {k: s[k] for k in ("positives", "negatives")}, f"validation long stream, human voices weight {args.human}", tag=f"vl{args.human}")
per_voice = {}
if args.human:
    pools, banks, babble = mix._pools("val", "wake")
    for v in speech.HUMAN_SPLIT["val"]:
        vd = os.path.join(speech.CACHE, f"val-human-{v}")
        clips = [c for c in pools["wake"] if c["voice"] == f"human/{v}"]
        if not os.path.exists(os.path.join(vd, "testset.json")):
            st = mix.stream("wake", "val", [("wake", len(clips))], gap=mix.EVAL_GAP, seed=54, pools=(dict(pools, wake=clips), banks, babble))
            mix.write_keyword_testset(vd, {"positives": st}, f"validation: {v}'s hey jarvis", tag=f"vh-{v}")
        per_voice[v] = (vd, len(clips))
out = {}
for m in args.models:
    r = common.evaluate(m, d, "--sweep")
    at = r["sweep"]["at0_5FaPerHour"]
    res = {"frrAt0_5": at and at["frr"], "thresholdAt0_5": at and at["threshold"], "frr": r["frr"], "falseAccepts": r["falseAccepts"],
           "falseAcceptsPerHour": r["falseAcceptsPerHour"], "hours": r["hours"]}
    for v, (vd, n) in per_voice.items():
        rv = common.evaluate(m, vd)
        res[f"frr-{v}"] = rv["frr"]
        res[f"n-{v}"] = n
    out[m] = res
    print(m, json.dumps(res), flush=True)
json.dump(out, open(os.path.join(speech.CACHE, f"validate-hv{args.human}.json"), "w"), indent=1)
