"""train_kws.py --positives DIR --negatives DIR on a small generated set, without synthesisers or
PyTorch: folders of WAV files in the formats people have (8-bit, 16-bit, float, 8 and 44.1 kHz,
stereo), their split, their share of the training sequences and their targets, the cache tag, and
the errors a user meets. The project's own voices are stood in for by tones, so it runs anywhere
numpy and scipy do (test/models/user-clips.test.ts runs it).

  /usr/bin/python3 models/train/test_user_clips.py [scratch folder]
"""
import os
import shutil
import sys
import tempfile

import numpy as np
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import mix  # noqa: E402
import speech  # noqa: E402

SR = speech.SR
USER_HZ, OWN_HZ, NEG_HZ = 3200, 1000, 1800      # each kind of clip is a tone of its own


def tone(hz, seconds, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    return (0.4 * np.sin(2 * np.pi * hz * t) * np.hanning(len(t))).astype(np.float32)


def write(path, x, sr, kind):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if kind == "u8":
        wavfile.write(path, sr, (x * 127 + 128).astype(np.uint8))
    elif kind == "f32":
        wavfile.write(path, sr, x)
    elif kind == "stereo":
        wavfile.write(path, sr, np.stack([x, x], 1).__mul__(32767).astype(np.int16))
    else:
        wavfile.write(path, sr, (x * 32767).astype(np.int16))


def make_set(d):
    """60 positives and 20 negatives in five WAV flavours."""
    kinds = [(SR, "s16"), (8000, "s16"), (44100, "stereo"), (SR, "f32"), (SR, "u8")]
    for i in range(60):
        sr, k = kinds[i % len(kinds)]
        write(os.path.join(d, "pos", f"speaker{i % 7}", f"{i}.wav"), tone(USER_HZ * (1 + 0.01 * (i % 5)), 0.6 + 0.01 * i, sr), sr, k)
    for i in range(20):
        sr, k = kinds[i % len(kinds)]
        write(os.path.join(d, "neg", f"{i}.wav"), tone(NEG_HZ, 4.0, sr), sr, k)


def stand_in_pools():
    """The project's own clips and noise, replaced by tones and white noise."""
    own = lambda cat, hz, n: [dict(audio=tone(hz, 0.7), text="hey jarvis" if cat == "wake" else "something", cat=cat, voice="tone")
                              for _ in range(n)]  # noqa: E731
    corpus.corpus = lambda split, seed=1: own("wake", OWN_HZ, 10) + own("confusable", 400, 5) + own("command", 350, 5) + \
        own("word", 300, 5) + own("sentence", 250, 5)
    corpus.more_clips = lambda split, task: []
    speech.asterisk_prompts = lambda split: own("asterisk", 200, 3)
    speech.noise_bank = lambda split: [np.zeros(SR * 4, np.float32)]   # quiet, so each sequence shows its clip
    speech.synth_set = lambda *a, **k: []
    mix._POOLS.clear()


def band(x, hz):
    s = np.abs(np.fft.rfft(x.astype(np.float32)))
    f = np.fft.rfftfreq(len(x), 1 / SR)
    return s[(f > hz * 0.8) & (f < hz * 1.25)].sum()


def expect_exit(fn, words):
    try:
        fn()
    except SystemExit as e:
        assert all(w in str(e) for w in words), f"message {str(e)!r} lacks {words}"
        return str(e)
    raise AssertionError(f"no error; expected one saying {words}")


def main(scratch):
    make_set(scratch)
    pos, neg = os.path.join(scratch, "pos"), os.path.join(scratch, "neg")
    stand_in_pools()

    mix.use_user_clips(pos, neg)
    clips = mix.user_clips("wake")
    n_tr, n_va = len(clips["train"]), len(clips["val"])
    assert n_tr + n_va == 80, (n_tr, n_va)
    assert 0 < n_va < 30, n_va                                    # ~15 % by path hash
    for c in clips["train"] + clips["val"]:
        hz = USER_HZ if c["kind"] == "user_pos" else NEG_HZ
        assert band(c["audio"], hz) > 5 * band(c["audio"], OWN_HZ), c["voice"]   # every format read, at 16 kHz
    assert all(np.abs(c["audio"]).max() <= 0.51 for c in clips["train"])
    for k in range(7):                                            # a speaker's folder stays in one split
        where = {s for s in ("train", "val") for c in clips[s] if c["voice"].startswith(f"user:speaker{k}{os.sep}")}
        assert len(where) == 1, (k, where)
    tag = mix.USER["tag"]
    assert tag.startswith("-u"), tag

    # training sequences: the user's positives are ~0.5 x the wake share, the negatives a tenth
    audio, target = mix.sequences("wake", "train", 600, seed=5)
    user = own = negs = 0
    for a, t in zip(audio, target):
        u, o, n = band(a, USER_HZ), band(a, OWN_HZ), band(a, NEG_HZ)
        fired = (t == 1).any()
        if u > 3 * max(o, n):
            user += 1
            assert fired, "a user positive without its target"
        elif o > 3 * max(u, n):
            own += 1
            assert fired, "the project's own positive without its target"
        elif n > 3 * max(u, o):
            negs += 1
            assert not fired, "a user negative with a keyword target"
    share = dict(mix.TASKS["wake"]["mix"])
    total = 1 + share["wake"] * 0.5 + 0.1
    want_user, want_own, want_neg = 600 * share["wake"] * 0.5 / total, 600 * share["wake"] / total, 600 * 0.1 / total
    for got, want, what in ((user, want_user, "user positives"), (own, want_own, "own positives"), (negs, want_neg, "user negatives")):
        assert abs(got - want) < 4 * np.sqrt(want) + 3, f"{what}: {got} sequences, expected about {want:.0f}"
    print(f"ok: {n_tr} train / {n_va} val clips; of 600 training sequences {user} user positives (~{want_user:.0f}), "
          f"{own} own (~{want_own:.0f}), {negs} user negatives (~{want_neg:.0f})")

    # validation: the user's validation clips join the split's own pools (so thresholds see them)
    vpools, _, _ = mix._pools("val", "wake")
    assert sum(c["voice"].startswith("user:") for c in vpools["wake"]) == sum(c["kind"] == "user_pos" for c in clips["val"])
    assert not any(c["voice"].startswith("user:") for c in mix._pools("train", "wake")[0]["wake"])

    # the cache tag follows the files
    write(os.path.join(pos, "speaker0", "extra.wav"), tone(USER_HZ, 0.5), SR, "s16")
    mix.use_user_clips(pos, neg)
    assert mix.USER["tag"] != tag, "a new file must give new cache names"
    os.remove(os.path.join(pos, "speaker0", "extra.wav"))

    # commands: <folder>/<command>/*.wav
    cmd = os.path.join(scratch, "cmd")
    for w in ("yes", "stop"):
        for i in range(4):
            write(os.path.join(cmd, w, f"{i}.wav"), tone(USER_HZ, 0.5), SR, "s16")
    mix.use_user_clips(cmd, None)
    got = {c["text"] for s in mix.user_clips("commands").values() for c in s}
    assert got == {"yes", "stop"}, got

    # what a user gets wrong, each said by name
    said = [
        expect_exit(lambda: mix.use_user_clips(os.path.join(scratch, "nowhere")), ["--positives", "nowhere", "not a folder"]),
        expect_exit(lambda: mix.use_user_clips(None, os.path.join(scratch, "cmd", "empty")), ["not a folder"]),
    ]
    os.makedirs(os.path.join(scratch, "empty"))
    said.append(expect_exit(lambda: mix.use_user_clips(os.path.join(scratch, "empty")), ["no .wav files"]))
    write(os.path.join(scratch, "loose", "yes.wav"), tone(USER_HZ, 0.5), SR, "s16")
    mix.use_user_clips(os.path.join(scratch, "loose"))
    said.append(expect_exit(lambda: mix.user_clips("commands"), ["yes.wav", "folder named after", "stop"]))
    write(os.path.join(scratch, "long", "0.wav"), tone(USER_HZ, 3.0), SR, "s16")
    mix.use_user_clips(os.path.join(scratch, "long"))
    said.append(expect_exit(lambda: mix.user_clips("wake"), ["0.wav", "longer than", "one utterance"]))
    os.makedirs(os.path.join(scratch, "bad"))
    open(os.path.join(scratch, "bad", "x.wav"), "wb").write(b"RIFF\x00\x00\x00\x00not a wave")
    mix.use_user_clips(os.path.join(scratch, "bad"))
    said.append(expect_exit(lambda: mix.user_clips("wake"), ["x.wav", "not a WAV file"]))
    write(os.path.join(scratch, "quiet", "0.wav"), np.zeros(SR, np.float32), SR, "s16")
    mix.use_user_clips(None, os.path.join(scratch, "quiet"))
    said.append(expect_exit(lambda: mix.user_clips("wake"), ["--negatives", "silent"]))
    print("ok: errors\n  " + "\n  ".join(said))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        shutil.rmtree(sys.argv[1], ignore_errors=True)
        os.makedirs(sys.argv[1])
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as d:
            main(d)
