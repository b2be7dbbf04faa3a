"""Training sequences and evaluation streams: utterances placed in background sound, then the
module's own frontend (features.mjs), with per-frame targets.

Tasks:
  wake      classes [background, hey_jarvis]
  commands  classes [silence, unknown, yes, no, up, down, left, right, on, off, stop, go]

Targets per frame (a frame's window ends at sample k·160+480):
  the word's class from 0.1 s before the end of the keyword to 0.3 s after (the model says it as the
  word completes); the earlier part of a keyword is not scored (-1), nor is the first second of a
  sequence (frontend noise estimate and recurrent state settling); unknown speech is "unknown"
  (commands), everything else background/silence.
"""
import gzip
import json
import os

import numpy as np

import corpus
import speech
from speech import SR, HOP, WINDOW

TASKS = {
    # vary_speaker: the share of training utterances speed-perturbed (speech.vary_speaker). On the
    # validation stream it lifted the wake word (accuracy 93.8 → 95.7 %, fewer misses and false
    # accepts at every threshold) but cost the commands 3 points (79.4 → 76.3 %, though clean unseen
    # voices gained), so the commands train without it.
    # colour: the share of training utterances put through speech.colour (EQ, notch, saturation),
    # weighed in models/train/EXPERIMENTS.md.
    "wake": dict(labels=["background", "hey_jarvis"], seconds=3.0, vary_speaker=0.8, colour=0,
                 mix=dict(wake=0.38, confusable=0.22, command=0.06, word=0.08, sentence=0.14, asterisk=0.06, none=0.06)),
    "commands": dict(labels=["silence", "unknown"] + speech.COMMANDS, seconds=2.0, vary_speaker=0, colour=0,
                     mix=dict(command=0.62, word=0.16, confusable=0.04, sentence=0.05, asterisk=0.05, none=0.08)),
}
WARMUP_S = {"wake": 1.0, "commands": 0.7}
# bumped when a task's mixing changes, so cached datasets are rebuilt (commands v2: near misses out of
# "unknown"; wake v2: speed perturbation of the training speech); a change of voices changes
# speech.voice_pool_tag, and colour a tag of its own, instead
DATA_VERSION = {"wake": 2, "commands": 2}


_POOLS = {}
# corpus.more_clips() in the training pools (train_kws.py --more-clips); off by default
MORE_CLIPS = {"train": False}


# the share of training utterances said by another speaker (one of a clip's TRACT_VARIANTS made by
# speech.new_speaker) and put through a codec (speech.codec); train_kws.py --transforms, off by default
TRANSFORMS = {"warp": 0.0, "codec": 0.0}
TRACT_VARIANTS = 2


def use_transforms(warp, codec):
    """Speaker (pitch and formant) and codec transforms of training speech, for this process."""
    TRANSFORMS.update(warp=float(warp), codec=float(codec))


# train_kws.py --positives DIR --negatives DIR: the user's own WAV files (use_user_clips)
USER = {"positives": None, "negatives": None, "clips": None, "tag": ""}
USER_VAL = 15          # per cent of the user's files (by a hash of their path) kept for validation
USER_SHARE = {"user_pos": 0.5, "user_neg": 0.1}   # of training sequences: half of the task's keyword share; a tenth


def use_user_clips(positives=None, negatives=None):
    """Folders of the user's WAV files for this process; read and checked by user_clips()."""
    USER.update(positives=positives, negatives=negatives, clips=None)
    if positives or negatives:
        files = [(f, os.path.getsize(f)) for flag, d in (("--positives", positives), ("--negatives", negatives)) if d
                 for f in _wavs(d, flag)]
        USER["tag"] = "-u" + f"{speech.stable_hash(repr((positives, negatives, files))):08x}"


def _wavs(d, flag):
    if not os.path.isdir(d):
        raise SystemExit(f"{flag} {d}: not a folder")
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if f.lower().endswith(".wav"))
    if not files:
        raise SystemExit(f"{flag} {d}: no .wav files in it (or its subfolders)")
    return files


def user_clips(task):
    """The user's clips by split: {"train": [...], "val": [...]} (nothing for test: the committed test
    sets stay the project's own voices). USER_VAL per cent go to validation, picked by a hash of the
    file's path, or of its first subfolder when it is in one (a speaker's folder: a speaker's clips stay
    in one split), so the threshold is set on the user's voices too. Positives:
    for the wake word every .wav under the folder; for the commands <folder>/<command>/*.wav.
    Negatives: every .wav under the folder, speech or any other sound that must not fire (for the
    commands they are "unknown")."""
    if USER["clips"] is not None:
        return USER["clips"]
    out = {"train": [], "val": []}
    for flag, d in (("--positives", USER["positives"]), ("--negatives", USER["negatives"])):
        if not d:
            continue
        for f in _wavs(d, flag):
            rel = os.path.relpath(f, d)
            text = "hey jarvis" if task == "wake" else rel.split(os.sep)[0]
            if flag == "--positives" and task == "commands" and (os.sep not in rel or text not in speech.COMMANDS):
                raise SystemExit(f"--positives {d}: {rel}: a command's clips go in a folder named after it "
                                 f"({', '.join(speech.COMMANDS)})")
            try:
                x = speech.read_wav_16k(f)
            except Exception as e:  # noqa: BLE001 - any reader error is the file's fault
                raise SystemExit(f"{flag} {f}: not a WAV file this reader takes ({e})")
            if len(x) < SR // 10 or not np.any(x):
                raise SystemExit(f"{flag} {f}: shorter than 0.1 s or silent")
            x = speech.trim(x) if flag == "--positives" else (x * (0.5 / np.abs(x).max())).astype(np.float32)
            longest = TASKS[task]["seconds"] - 0.37 - WARMUP_S[task] / 2
            if flag == "--positives" and len(x) > longest * SR:
                raise SystemExit(f"--positives {f}: {len(x) / SR:.2f} s of sound, longer than the {longest:.2f} s a "
                                 f"{task} training sequence has room for: one utterance a file")
            parts = rel.split(os.sep)[1 if flag == "--positives" and task == "commands" else 0:]
            split = "val" if speech.stable_hash(parts[0] if len(parts) > 1 else rel) % 100 < USER_VAL else "train"
            kind = "user_pos" if flag == "--positives" else "user_neg"
            out[split].append(dict(audio=x, text=text if flag == "--positives" else "", kind=kind, voice=f"user:{rel}",
                                   cat=("wake" if task == "wake" else "command") if flag == "--positives" else "sentence"))
    print(f"  the user's clips: {len(out['train'])} to train, {len(out['val'])} to validation", flush=True)
    USER["clips"] = out
    return out


def _new_speakers(job):
    audio, seed = job
    rng = np.random.default_rng([seed, 7919])
    return [speech.new_speaker(audio, rng) for _ in range(TRACT_VARIANTS)]


def _tract_bank(pools, task):
    """Give every training clip TRACT_VARIANTS other speakers (clip["tract"]), made once and cached
    (about 25 ms a clip, too slow to do afresh for every sequence of every epoch)."""
    clips = [c for k in sorted(pools) for c in pools[k]]
    tag = speech.voice_pool_tag("train") + ("-more" if MORE_CLIPS.get("train") else "") + USER["tag"]
    path = os.path.join(speech.CACHE, f"tract-{task}{tag}-train-{TRACT_VARIANTS}.npz")
    if os.path.exists(path):
        z = np.load(path)
        a, off = z["audio"], z["offsets"]
        assert len(off) == len(clips) * TRACT_VARIANTS + 1, f"{path} is stale: delete it"
        variants = [a[off[i]:off[i + 1]] for i in range(len(off) - 1)]
    else:
        from multiprocessing import Pool
        print(f"  {len(clips)} training clips: {TRACT_VARIANTS} new speakers each", flush=True)
        with Pool(os.cpu_count()) as p:
            variants = [v for vs in p.imap(_new_speakers, [(c["audio"], i) for i, c in enumerate(clips)], chunksize=64) for v in vs]
        speech.save_cache(path, audio=np.concatenate(variants),
                          offsets=np.cumsum([0] + [len(v) for v in variants]).astype(np.int64))
    for i, c in enumerate(clips):
        c["tract"] = variants[i * TRACT_VARIANTS:(i + 1) * TRACT_VARIANTS]


def use_more_clips(on):
    """Add corpus.more_clips() to the training pools of this process (before any pool is loaded)."""
    MORE_CLIPS["train"] = bool(on)


def _pools(split, task):
    if (split, task) not in _POOLS:
        _POOLS[split, task] = _load_pools(split, task)
    return _POOLS[split, task]


def _load_pools(split, task):
    clips = corpus.corpus(split)
    if MORE_CLIPS.get(split):
        clips = clips + corpus.more_clips(split, task)
    pools = {}
    for c in clips:
        pools.setdefault(c["cat"], []).append(c)
    ast = speech.asterisk_prompts(split)
    if task == "commands":  # prompts and sentences that say a command word are not "unknown"
        ast = [a for a in ast if not (speech.words_in(a["text"]) & set(speech.COMMANDS))]
        pools["sentence"] = [s for s in pools["sentence"] if not (speech.words_in(s["text"]) & set(speech.COMMANDS))]
        near = [c for c in pools["word"] if c["text"] in speech.NEAR]
        pools["word"] = [c for c in pools["word"] if c["text"] not in speech.NEAR]
    pools["asterisk"] = ast
    if split != "train":
        # other words, as Speech Commands' benchmark has them (its auxiliary words), and near misses
        extra = speech.synth_set(f"{split}-aux", [(w, "word") for w in speech.SC_AUX] * 8, seed={"val": 5, "test": 6}[split])
        pools["aux"] = [c for c in pools["word"] if c["text"] in speech.SC_AUX] + extra
        pools["near"] = [c for c in (near if task == "commands" else pools["word"]) if c["text"] in speech.NEAR and c["text"] not in speech.HOMOPHONES]
    if USER["positives"] or USER["negatives"]:
        for c in user_clips(task).get(split, []):
            # training: pools of their own, drawn at USER_SHARE; validation: among the split's own
            pools.setdefault(c["kind"] if split == "train" else c["cat"], []).append(c)
    if split == "train" and TRANSFORMS["warp"]:
        _tract_bank(pools, task)
    banks = speech.noise_bank(split)
    babble = [c["audio"] for c in pools["sentence"]]
    return pools, banks, babble


def class_of(task, clip_cat, text):
    if task == "wake":
        return 1 if clip_cat == "wake" else 0
    if clip_cat == "command":
        return 2 + speech.COMMANDS.index(text)
    return 1  # unknown speech


def place(y, clip, at, gain):
    n = min(len(clip), len(y) - at)
    y[at:at + n] += clip[:n] * gain


def sequences(task, split, n, seed):
    """n training sequences: int16 audio [n, L], targets int8 [n, T]."""
    cfg = TASKS[task]
    pools, banks, babble = _pools(split, task)
    L = int(cfg["seconds"] * SR)
    T = speech.frames_of(L)
    ends = np.arange(T) * HOP + WINDOW
    audio = np.zeros((n, L), np.int16)
    target = np.zeros((n, T), np.int8)
    shares = dict(cfg["mix"])
    key = "wake" if task == "wake" else "command"
    for k, share in USER_SHARE.items():      # the user's clips, when there are any (training split only)
        if pools.get(k):
            shares[k] = share * shares[key] if k == "user_pos" else share * sum(cfg["mix"].values())
    kinds, probs = zip(*shares.items())
    warm = int(WARMUP_S[task] * SR)
    for i in range(n):
        rng = np.random.default_rng([seed, i])
        kind = kinds[int(rng.choice(len(kinds), p=np.array(probs) / sum(probs)))]
        level = 10 ** (rng.uniform(-32, -10) / 20)           # speech RMS, dBFS
        snr = rng.uniform(-2, 30) if rng.random() > 0.1 else 50
        y = speech.background(L, banks, babble, rng) * level / 10 ** (snr / 20)
        t = np.zeros(T, np.int8)
        if kind != "none":
            clip = pools[kind][int(rng.integers(len(pools[kind])))]
            cat = clip["cat"] if kind in USER_SHARE else kind
            src = clip["audio"]
            if split == "train" and TRANSFORMS["warp"] and rng.random() < TRANSFORMS["warp"]:
                src = clip["tract"][int(rng.integers(TRACT_VARIANTS))]
            src = speech.vary_speaker(src, rng, cfg["vary_speaker"]) if split == "train" else src
            a = speech.augment_speech(src, rng)
            if split == "train":
                a = speech.colour(a, rng, cfg["colour"])
            if split == "train" and TRANSFORMS["codec"] and rng.random() < TRANSFORMS["codec"]:
                a = speech.codec(a, rng)
            raw_len = len(src)
            if raw_len > L - warm - SR // 10:                  # long prompt or sentence: a piece of it
                s0 = int(rng.integers(0, raw_len - (L - warm) + SR // 10))
                a = a[s0:s0 + L - warm]
                raw_len = len(a)
            end = int(rng.integers(warm + raw_len // 2, L - SR // 10)) if cat not in ("wake", "command") else \
                int(rng.integers(max(warm // 2 + raw_len, warm + SR // 10), L - int(0.32 * SR)))
            start = max(0, end - raw_len)
            place(y, a[max(0, raw_len - (end - start)):], start, level / speech.rms(src))
            c = class_of(task, cat, clip["text"])
            if task == "wake" and cat == "wake":
                t[(ends >= start + 0.25 * raw_len) & (ends < end - 0.1 * SR)] = -1
                t[(ends >= end - 0.1 * SR) & (ends <= end + 0.3 * SR)] = 1
            elif task == "commands" and c >= 2:
                t[(ends >= start) & (ends < end - 0.08 * SR)] = -1
                t[(ends >= end - 0.08 * SR) & (ends <= end + 0.25 * SR)] = c
            elif task == "commands":
                t[(ends >= start) & (ends < start + 0.15 * SR)] = -1
                t[(ends >= start + 0.15 * SR) & (ends <= end + 0.25 * SR)] = 1
        t[ends < warm] = -1
        peak = np.abs(y).max()
        if peak > 0.99:
            y *= 0.99 / peak
        audio[i] = speech.to_int16(y)
        target[i] = t
    return audio, target


def dataset(task, split, n, seed):
    """Features [n, T, 40] int16 and targets [n, T] int8, cached."""
    colour = TASKS[task]["colour"]
    tag = speech.voice_pool_tag(split) + ("-more" if MORE_CLIPS.get(split) else "") + USER["tag"] + \
        (f"-colour{round(100 * colour)}" if colour and split == "train" else "") + \
        (f"-vt{round(100 * TRANSFORMS['warp'])}c{round(100 * TRANSFORMS['codec'])}" if any(TRANSFORMS.values()) and split == "train" else "")
    path = os.path.join(speech.CACHE, f"data-{task}-v{DATA_VERSION[task]}{tag}-{split}-{n}-{seed}.npz")
    if os.path.exists(path):
        z = np.load(path)
        return z["x"], z["y"]
    xs, ys = [], []
    for k in range(0, n, 1000):
        audio, target = sequences(task, split, min(1000, n - k), seed * 1000 + k // 1000)
        xs.append(speech.features(audio, f"{task}-{split}"))
        ys.append(target)
        print(f"  {task}/{split}: {k + len(audio)}/{n} sequences", flush=True)
    x, y = np.concatenate(xs), np.concatenate(ys)
    speech.save_cache(path, x=x, y=y)
    return x, y


def stream(task, split, cats, per_block=10, gap=(1.0, 2.0), seed=0, pools=None, limit=None, snr=(0, 25)):
    """A continuous evaluation stream: blocks of `per_block` utterances, each block in one background
    at one level and SNR. cats: list of (category, count). Returns int16 audio and truth events
    [(label, startFrame, endFrame)] (end exclusive; background speech gets "unknown")."""
    labels = TASKS[task]["labels"]
    if pools is None:
        pools, banks, babble = _pools(split, task)
    else:
        pools, banks, babble = pools
    rng = np.random.default_rng([seed, 7])
    items = []
    for cat, count in cats:
        pool = pools.get(cat, [])
        for j in range(count):
            items.append((cat, pool[j % len(pool)] if cat != "none" else None))
    order = rng.permutation(len(items))
    items = [items[i] for i in order]
    pieces, events, pos = [], [], 0
    for b in range(0, len(items), per_block):
        block = items[b:b + per_block]
        level = 10 ** (rng.uniform(-30, -12) / 20)
        snr_db = rng.uniform(*snr) if rng.random() > 0.15 else 50
        p = 0
        lead = int(rng.uniform(*gap) * SR)
        p += lead
        placed = []
        for cat, clip in block:
            if clip is None:
                p += int(rng.uniform(1.0, 2.0) * SR)
                continue
            a = speech.augment_speech(clip["audio"], rng)
            placed.append((p, a, level / speech.rms(clip["audio"]), cat, clip, len(clip["audio"])))
            p += len(clip["audio"]) + int(rng.uniform(*gap) * SR)
        n = p
        y = speech.background(n, banks, babble, rng) * level / 10 ** (snr_db / 20)
        for start, a, g, cat, clip, raw_len in placed:
            place(y, a, start, g)
            c = class_of(task, cat, clip["text"])
            label = labels[c] if (task == "commands" or c == 1) else "unknown"
            s, e = pos + start, pos + start + raw_len
            events.append((label, speech.frame_at(s), speech.frame_at(e) + 1))
        peak = np.abs(y).max()
        if peak > 0.99:
            y *= 0.99 / peak
        pieces.append(speech.to_int16(y))
        pos += n
        if limit and pos > limit * SR:
            break
    return np.concatenate(pieces), events


# Seconds of background between the utterances of an evaluation stream (validation, test, long).
EVAL_GAP = (1.2, 2.2)


# The long streams of a split for the wake word: (synthesis name, seed, copies of each sentence, seeds
# of the negative, positive and confusable streams). The test split's are those of the model card.
LONG_STREAMS = {"test": ("test-negatives", 4, 8, (41, 42, 43)), "val": ("val-negatives", 8, 14, (51, 52, 53))}


def wake_long_streams(split):
    """Hours of a split's everyday negatives (its sentences said several times over, commands, other
    words, the real prompts, noise and music alone), apart from the confusable phrases, which are near
    misses by design ("hey jarvie", "hey travis", "jarvis"); 300 × "hey jarvis" in a stream of their
    own; and 600 confusable phrases. Returns {"negatives", "positives", "confusable": (audio, events)}."""
    name, synth_seed, copies, (s_neg, s_pos, s_conf) = LONG_STREAMS[split]
    cached, banks, babble = _pools(split, "wake")
    extra = speech.synth_set(name, [(s, "sentence") for s in corpus.sentences(split)] * copies, seed=synth_seed)
    sentences = cached["sentence"] + extra
    pools = (dict(cached, sentence=sentences), banks, babble)   # the split's cached pools stay as they are
    return {
        "negatives": stream("wake", split, [("sentence", len(sentences)), ("command", 500), ("word", 300),
                                            ("asterisk", len(cached["asterisk"])), ("none", 600)], gap=(0.5, 4.0), seed=s_neg, pools=pools),
        "positives": stream("wake", split, [("wake", 300)], gap=EVAL_GAP, seed=s_pos, pools=pools),
        "confusable": stream("wake", split, [("confusable", 600)], gap=EVAL_GAP, seed=s_conf, pools=pools),
    }


def write_keyword_testset(d, streams, description, tag="testset", tolerance=50):
    """A `tinyrnn eval` keyword test set: streams {name: (int16 audio, events)} → <d>/<name>.npy.gz
    (the frontend's int16 features, gzipped with no timestamp, so a rerun gives the same bytes) and
    <d>/testset.json with the truth intervals."""
    os.makedirs(d, exist_ok=True)
    spec = {"kind": "keywords", "description": description, "toleranceSteps": tolerance, "streams": []}
    for name, (audio, events) in streams.items():
        feats = speech.features(audio, f"{tag}-{name}")
        fn = f"{name}.npy.gz"
        with open(os.path.join(d, fn), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
            np.save(f, feats)
        spec["streams"].append({"name": name, "features": fn, "events": [{"label": l, "start": int(s), "end": int(e)} for l, s, e in events]})
    json.dump(spec, open(os.path.join(d, "testset.json"), "w"), indent=1)
