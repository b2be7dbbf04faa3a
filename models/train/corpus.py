"""The utterances both audio models learn from: per split, synthesised with that split's voices."""
import os
import re

import numpy as np

import speech


def sentences(split):
    """Running English for negatives: sentences of the licence texts Debian ships, split by hash."""
    text = " ".join(open(os.path.join("/usr/share/common-licenses", f), errors="ignore").read()
                    for f in ["GPL-3", "Apache-2.0", "MPL-2.0", "GFDL-1.3", "Artistic", "LGPL-3", "CC0-1.0"])
    out = set()
    for s in re.split(r"[.;:!?]\s", text):
        s = re.sub(r"[^A-Za-z' ,]", " ", s)
        s = re.sub(r"\s+", " ", s).strip()
        w = s.lower().split()
        for i in range(0, len(w), 10):   # long legal sentences: pieces of up to 10 words
            piece = " ".join(w[i:i + 10]).strip(" ,")
            if len(w[i:i + 10]) >= 4 and "jarvis" not in piece:
                out.add(piece)
    return sorted(x for x in out if speech.split_of(x) == split)


# clips per split and category
COUNTS = {
    "train": dict(wake=3000, confusable=2600, command=4000, word=2600, sentence=1200),
    "val": dict(wake=300, confusable=260, command=400, word=260, sentence=120),
    "test": dict(wake=300, confusable=300, command=500, word=300, sentence=200),
}


def corpus(split, seed=1):
    rng = np.random.default_rng({"train": 11, "val": 12, "test": 13}[split] * 100 + seed)
    c = COUNTS[split]
    sents = sentences(split)
    words = [w for w in speech.UNKNOWN_WORDS]
    items = []
    items += [(speech.WAKE[int(rng.integers(len(speech.WAKE)))], "wake") for _ in range(c["wake"])]
    items += [(speech.CONFUSABLE[i % len(speech.CONFUSABLE)], "confusable") for i in range(c["confusable"])]
    items += [(speech.COMMANDS[i % 10], "command") for i in range(c["command"])]
    items += [(words[int(rng.integers(len(words)))], "word") for _ in range(c["word"])]
    items += [(sents[int(rng.integers(len(sents)))], "sentence") for _ in range(c["sentence"])]
    return speech.synth_set(f"{split}-corpus", items, seed={"train": 1, "val": 2, "test": 3}[split])


# More training clips (train_kws.py --more-clips), per task. The commands corpus above has 400 clips
# of each command, which 24,000 training sequences reuse about four times each; the wake word's 3,000
# phrases are each in about three of its sequences, and its false accepts come from running speech.
MORE = {
    "commands": dict(command=12000, word=4000),
    "wake": dict(wake=6000, confusable=2600, sentence=2400),
}


def more_clips(split, task):
    """Training clips beyond corpus(), by the same split's voices, with their own seed: for the
    commands MORE["commands"] commands (evenly) and other words, for the wake word more phrases,
    confusable phrases and running sentences."""
    c = MORE[task]
    if task == "commands":
        rng = np.random.default_rng(1407)
        words = speech.UNKNOWN_WORDS
        items = [(speech.COMMANDS[i % 10], "command") for i in range(c["command"])]
        items += [(words[int(rng.integers(len(words)))], "word") for _ in range(c["word"])]
        return speech.synth_set(f"{split}-more", items, seed=7)
    rng = np.random.default_rng(1408)
    sents = sentences(split)
    items = [(speech.WAKE[int(rng.integers(len(speech.WAKE)))], "wake") for _ in range(c["wake"])]
    items += [(speech.CONFUSABLE[i % len(speech.CONFUSABLE)], "confusable") for i in range(c["confusable"])]
    items += [(sents[int(rng.integers(len(sents)))], "sentence") for _ in range(c["sentence"])]
    return speech.synth_set(f"{split}-more-wake", items, seed=9)


if __name__ == "__main__":
    import time
    for split in ["val", "test", "train"]:
        t = time.time()
        clips = corpus(split)
        cats = {}
        for cl in clips:
            cats[cl["cat"]] = cats.get(cl["cat"], 0) + 1
        dur = sum(len(cl["audio"]) for cl in clips) / speech.SR
        print(f"{split}: {len(clips)} clips, {dur / 60:.1f} min, {cats}, {time.time() - t:.0f} s", flush=True)
        speech.asterisk_prompts(split)
        speech.noise_bank(split)
