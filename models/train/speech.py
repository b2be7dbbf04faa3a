"""Synthetic speech, noise and mixing for the audio models (hey-jarvis, commands).

No speech dataset can be downloaded here, so we train as openWakeWord and microWakeWord do: on
synthetic speech. Voices are split once, by voice, into train / val / test:

  espeak-ng  8 English accents x ~100 voice variants, rate and pitch varied per clip;
             variants are split 70/10/20 by a hash of their name, so the test split's voices
             (timbres) are never heard in training, in any accent.
  flite      awb (train) and rms (test), duration and pitch varied per clip.
  GnuSpeech  an articulatory synthesiser (npm, models/train/package.json): each pseudo-speaker is a
             seeded draw of tract length, glottal pulse, pitch, breathiness and tube radii;
             used by the commands GRU and LSTM (models/train/EXPERIMENTS.md says why).
  asterisk   568 real prompts by one speaker (8 kHz): split by file hash; negatives only.
  human      festival's voices of other languages (Czech, Italian, Finnish, Russian, Hindi, Marathi,
             Telugu), built from recordings of real speakers, driven with English phones through a
             phone map per language (synth_human): real timbres with foreign accents. Split by
             speaker into train and validation (HUMAN_SPLIT), none in test; off by default,
             train_kws.py --human sets their weight per split.

Kept out entirely, for the independent evaluation (independent.py): festival's voices, flite's kal16
and slt, and pocketsphinx-testdata's recordings.

Everything is deterministic: per-clip randomness comes from a seed derived from the clip's index.
Clips are cached under models/train/cache/ (git-ignored).
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from multiprocessing import Pool

import numpy as np
from scipy.io import wavfile
from scipy.linalg import solve_toeplitz
from scipy.signal import butter, fftconvolve, lfilter, resample_poly, sosfilt

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(HERE, "cache")
SR = 16000
HOP = 160
WINDOW = 480

COMMANDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
# Speech Commands' auxiliary words plus words close to the commands and to "jarvis".
UNKNOWN_WORDS = (
    "bed bird cat dog eight five four happy house marvin nine one seven sheila six three tree two wow zero "
    "backward forward follow learn visual yesterday note upper dawn lift light write own of top goat know "
    "stock stuff rest yet nope nose town done leaf night bright all often stuck got goal dove button "
    "open close start pause play next back home music volume lights again maybe hello thanks okay "
    "table water window garden morning kitchen travel number paper coffee listen doctor yellow"
).split()
# Speech Commands' own auxiliary words: the "unknown" of its benchmark (and of our accuracy figure)
SC_AUX = UNKNOWN_WORDS[:25]
# near misses of the commands: not "unknown" in the commands' training (synthetic voices say "lift"
# and "left", "dawn" and "down" too alike to learn apart); measured separately as false fires
NEAR = set("yesterday note upper dawn lift light write own of top goat know stock stuff rest yet nope nose town done "
           "leaf night bright all often stuck got goal dove".split())
# sound exactly like a command: unfair as "unknown" in a test (training kept them, as label noise)
HOMOPHONES = {"write", "know"}
WAKE = ["hey jarvis", "hey, jarvis", "hey jarvis!", "hey jarvis."]
CONFUSABLE = [
    "hey travis", "hey jarvie", "hey marvis", "hey harvest", "hey jervis", "hey jar", "jarvis", "hey",
    "hey service", "hey davis", "hey java", "hey jars", "hey charles", "hey jasmine", "hey nervous",
    "hey harvey", "hey garvey", "hey mavis", "hey parvis", "hey carbis", "hey jeeves", "hey james",
    "hey there", "hey you", "hey darling", "a jar of this", "say jar", "harvest", "marvellous",
    "hey chavez", "hey jackets", "hey javier", "hey archie", "hey alexa", "ok google", "hey siri",
    "hey jarrod", "hey jaws", "hey john", "jar vase", "the jarvis", "hay barn", "hey jar fist",
]


def stable_hash(s):
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


def split_of(name, val=0.1, test=0.2):
    u = (stable_hash(name) % 1000) / 1000
    return "test" if u < test else "val" if u < test + val else "train"


# ---------------------------------------------------------------------------------------- voices
ESPEAK_ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbcwmd"]


def espeak_variants():
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True, check=True).stdout
    return sorted({m.group(1) for m in re.finditer(r"!v/(\S+)", out)})


# GnuSpeech pseudo-speakers per split, off by default; train_kws.py --gnuspeech sets them per model
# with use_gnuspeech.
GNUSPEECH_SPEAKERS = {"train": 0, "val": 0, "test": 0}


def use_gnuspeech(speakers):
    """Set the GnuSpeech speakers per split for this process (before any corpus is made)."""
    GNUSPEECH_SPEAKERS.update(speakers)


# Weight of each human speaker in a split's voice pool (entries per speaker, against ~80 espeak-ng
# entries per variant group); 0 = none. train_kws.py --human sets it with use_human.
HUMAN_WEIGHT = {"train": 0, "val": 0, "test": 0}


def use_human(weights):
    """Set the human (foreign festival) voices' weight per split for this process."""
    HUMAN_WEIGHT.update(weights)


def voice_pool_tag(split):
    """Suffix for cache names made from a split's voices: empty for espeak-ng and flite alone (the
    caches' first names), distinct for any other pool."""
    n = GNUSPEECH_SPEAKERS[split]
    h = HUMAN_WEIGHT[split]
    return (f"-gs{n}" if n else "") + (f"-hv{h}" if h else "")


def voices(split):
    """The voices of a split: ("espeak", accent, variant), ("flite", name), ("gnuspeech", speaker)."""
    vs = [("espeak", a, v) for v in espeak_variants() if split_of(v) == split for a in ESPEAK_ACCENTS]
    if split == "train":
        vs += [("flite", "awb")] * 40   # two flite voices: weight them like a few espeak variants
    if split == "test":
        vs += [("flite", "rms")] * 20
    vs += [("gnuspeech", f"{split}-{i:03d}") for i in range(GNUSPEECH_SPEAKERS[split])]
    w = HUMAN_WEIGHT[split]
    if w:
        for v in HUMAN_SPLIT.get(split, []):
            # the three NSK voices are one speaker in three languages: one speaker's weight between them
            k = max(1, round(w / 3)) if "NSK" in v else w
            vs += [("human", v)] * k
    return vs


def gnuspeech_speaker(name):
    """A GnuSpeech pseudo-speaker: physical voice parameters drawn from a seed of its name. Tract
    length sets the formants; pitch follows it (shorter tract, higher voice) with a spread of its own."""
    rng = np.random.default_rng(stable_hash("gnuspeech/" + name))
    child = rng.random() < 0.15
    vtl = float(rng.uniform(10.5, 13.0) if child else rng.uniform(13.5, 18.5))
    pitch = float(np.clip(-12 + (17.5 - vtl) * 3.5 + rng.normal(0, 2.5), -16, 9))
    tn = float(rng.uniform(16, 36))
    voice = dict(vocal_tract_length=f"{vtl:.2f}", reference_glottal_pitch=f"{pitch:.1f}",
                 glottal_pulse_tp=f"{rng.uniform(30, 50):.1f}", glottal_pulse_tn_min=f"{tn:.1f}",
                 glottal_pulse_tn_max=f"{tn + rng.uniform(0, 8):.1f}", breathiness=f"{rng.uniform(0.2, 4):.2f}",
                 aperture_radius=f"{rng.uniform(2.6, 3.5):.2f}", global_radius_coef=f"{rng.uniform(0.9, 1.1):.3f}",
                 global_nose_radius_coef=f"{rng.uniform(0.85, 1.15):.3f}",
                 **{f"radius_{k}_coef": f"{rng.uniform(0.9, 1.1):.3f}" for k in range(1, 9)})
    control = dict(drift_deviation=f"{rng.uniform(0.2, 1.0):.2f}", tonic_range=f"{rng.uniform(-10, -4):.1f}",
                   pretonic_lift=f"{rng.uniform(2, 6):.1f}")
    return voice, control


def synth_gnuspeech(jobs):
    """Batch synthesis for ("gnuspeech", speaker) jobs [(voice, text, seed)], in two node processes
    (one GnuSpeech instance each, ~10 clips/s). Returns one clip (or None) per job."""
    if not jobs:
        return []
    here_modules = os.path.join(HERE, "node_modules", "@echogarden", "gnuspeech-wasm")
    if not os.path.isdir(here_modules):
        subprocess.run(["npm", "ci", "--prefix", HERE, "--no-audit", "--no-fund"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        specs = []
        for i, (voice, text, seed) in enumerate(jobs):
            rng = np.random.default_rng(seed)
            v, control = gnuspeech_speaker(voice[1])
            control = dict(control, tempo=f"{rng.uniform(0.75, 1.3):.3f}")
            specs.append(dict(text=text, out=os.path.join(tmp, f"{i}.wav"), seed=int(seed % 2**32), voice=v, control=control))
        procs = []
        for half in range(2):
            path = os.path.join(tmp, f"jobs{half}.json")
            with open(path, "w") as f:
                json.dump(specs[half::2], f)
            procs.append(subprocess.Popen(["node", os.path.join(HERE, "gnuspeech.mjs"), path]))
        for p in procs:
            if p.wait() != 0:
                raise RuntimeError(f"gnuspeech.mjs failed with exit code {p.returncode}")
        clips = [read_wav_16k(s["out"]) for s in specs]
        return [trim(x) if np.abs(x).max() > 1e-3 else None for x in clips]


# ---------------------------------------------------------------------------------- human voices
# festival voices of other languages, each built from one real speaker's recordings: name → (phone
# map, kind of voice for the pitch range). The English words' phones come from festival's CMU
# lexicon (and its letter-to-sound rules) alone, with no English voice loaded: no held-out voice
# makes any sound here.
HUMAN_VOICES = {
    "czech_dita": ("cs", "f"), "czech_krb": ("cs", "child"), "czech_machac": ("cs", "m"), "czech_ph": ("cs", "m"),
    "lp_diphone": ("it", "f"), "pc_diphone": ("it", "m"),
    "suo_fi_lj_diphone": ("fi", "f"), "hy_fi_mv_diphone": ("fi", "m"),
    "msu_ru_nsh_clunits": ("ru", "m"),
    "hindi_NSK_diphone": ("in", "m"), "marathi_NSK_diphone": ("in", "m"), "telugu_NSK_diphone": ("in", "m"),
}
# split by speaker, one of each language family with two speakers or more in validation; Russian and
# the NSK speaker (Hindi, Marathi, Telugu) have one speaker each, so they train. None in test.
HUMAN_SPLIT = {
    "val": ["czech_ph", "lp_diphone", "hy_fi_mv_diphone"],
    "train": ["czech_dita", "czech_krb", "czech_machac", "pc_diphone", "suo_fi_lj_diphone", "msu_ru_nsh_clunits",
              "hindi_NSK_diphone", "marathi_NSK_diphone", "telugu_NSK_diphone"],
}
HUMAN_PAUSE = {"cs": "#", "it": "#", "fi": "#", "ru": "pau", "in": "pau"}
EN_VOWELS = set("aa ae ah ao aw ax ay eh er ey ih iy ow oy uh uw".split())
# English (CMU/radio) phone → the language's phones; a vowel maps to "unstressed|stressed" where the
# language marks stress or length. How a speaker of the language would say the English phone: Italian
# drops h, Czech and Russian say w as u / v, Indian English has retroflex t and d and v for w. Where a
# voice lacks the diphones of a phone (Finnish schwa, Italian j before a consonant, the NSK voices'
# w) another phone stands in; festival fills the few missing diphones left with silence.
_CONS = "b d f g k l m n p r s t v z"
HUMAN_PHONE_MAP = {
    "cs": dict(aa="a|a:", ae="e", ah="a", ao="o|o:", aw="a u", ax="e", ay="a j", eh="e", er="e r", ey="e j", ih="i",
               iy="i|i:", ow="o u", oy="o j", uh="u", uw="u|u:", ch="c~", dh="d", hh="h", jh="dz~", ng="n* g", sh="s~",
               th="t", w="u", y="j", zh="z~"),
    "it": dict(aa="a|a1", ae="E|E1", ah="a|a1", ao="O|O1", aw="a u|a1 u", ax="e", ay="a i|a1 i", eh="E|E1", er="e r|E1 r",
               ey="e i|e1 i", ih="i|i1", iy="i|i1", ow="o u|o1 u", oy="O i|O1 i", uh="u|u1", uw="u|u1", ch="tS", dh="d",
               hh="", jh="dZ", ng="ng", sh="S", th="t", w="w", y="j", zh="Z"),
    "fi": dict(aa="a|a:", ae="@", ah="a", ao="o|o:", aw="a u", ax="e", ay="a i", eh="e", er="e r", ey="e i", ih="i",
               iy="i|i:", ow="o u", oy="o i", uh="u", uw="u|u:", ch="t S", dh="d", hh="h", jh="d j", ng="N", sh="S",
               th="t", w="w", y="j", z="s", zh="S"),
    "ru": dict(aa="a|aa", ae="e|ee", ah="a|aa", ao="a|oo", aw="a u|aa u", ax="a", ay="a j|aa j", eh="e|ee", er="e r|ee r",
               ey="e j|ee j", ih="i|ii", iy="i|ii", ow="a u|oo u", oy="oo j", uh="u|uu", uw="u|uu", ch="ch", dh="z",
               hh="h", jh="d zh", ng="n g", sh="sh", th="s", w="v", y="j", zh="zh"),
    "in": dict(aa="aa", ae="eh", ah="a", ao="oh", aw="aw", ax="a", ay="ay", eh="eh", er="a r", ey="ee", ih="ih",
               iy="iy", ow="oo", oy="oh y", uh="uh", uw="uw", ch="ch", d="D", dh="dh", hh="h", jh="j", ng="n g",
               sh="sh", t="T", th="th", w="v", y="y", z="j", zh="zh"),
}
for _m in HUMAN_PHONE_MAP.values():
    for _c in _CONS.split():
        _m.setdefault(_c, _c)
STOPS = set("p t k b d g ch jh".split())
FRICATIVES = set("f v th dh s z sh zh hh".split())


def english_phones(texts):
    """Words → syllables [(phones, stress)] from festival's CMU lexicon (letter-to-sound rules for
    words it lacks), cached in CACHE/cmu-phones.json."""
    path = os.path.join(CACHE, "cmu-phones.json")
    known = json.load(open(path)) if os.path.exists(path) else {}
    words = sorted({w for t in texts for w in re.findall(r"[a-z']+", t.lower())} - set(known))
    if words:
        script = ['(setup_cmu_lex)', '(lex.select "cmu")']
        script += [f'(format t "%s\\t%l\\n" "{w}" (car (cddr (lex.lookup "{w}" nil))))' for w in words]
        out = subprocess.run(["festival", "--pipe"], input="\n".join(script) + "\n", capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if "\t" not in line:
                continue
            w, syls = line.split("\t", 1)
            # (((jh aa r) 1) ((v ax s) 0)) → [[["jh", "aa", "r"], 1], [["v", "ax", "s"], 0]]
            known[w] = [[m.group(1).split(), int(m.group(2))] for m in re.finditer(r"\(\(([^()]*)\) (\d)\)", syls)]
        os.makedirs(CACHE, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        json.dump(known, open(tmp, "w"))
        os.replace(tmp, path)
    return known


def human_segments(voice, text, rng, lex):
    """festival Segments input for `text` said by a human voice: [(phone, seconds, [(pos, Hz)])], with
    per-clip speaking rate, pitch, accents and timing jitter drawn from rng."""
    lang, kind = HUMAN_VOICES[voice]
    pmap, pause = HUMAN_PHONE_MAP[lang], HUMAN_PAUSE[lang]
    rate = rng.uniform(0.75, 1.35)                      # duration scale
    base = {"m": rng.uniform(90, 140), "f": rng.uniform(170, 240), "child": rng.uniform(230, 300)}[kind]
    accent = rng.uniform(0.1, 0.35)
    tokens = re.findall(r"[a-z']+|[,!?.]", text.lower())
    words = [i for i, t in enumerate(tokens) if t[0].isalpha()]
    segs = [(pause, rng.uniform(0.05, 0.15), [])]
    for n, i in enumerate(words):
        sylls = lex.get(tokens[i]) or []
        last_word = n == len(words) - 1
        for k, (phones, stress) in enumerate(sylls):
            final = last_word and k == len(sylls) - 1
            for ph in phones:
                target = pmap.get(ph, "")
                if "|" in target:
                    target = target.split("|")[1 if stress else 0]
                target = target.split()
                if not target:
                    continue
                if ph in EN_VOWELS:
                    d = (0.13 if stress else 0.065) * (1.35 if final else 1.0)
                    f0 = [(0.5, base * (1 + (accent if stress == 1 else 0.05)) * rng.uniform(0.95, 1.05))]
                elif ph in STOPS:
                    d = 0.07
                    f0 = []
                elif ph in FRICATIVES:
                    d = 0.085
                    f0 = []
                else:
                    d = 0.06
                    f0 = []
                d *= rate * rng.uniform(0.85, 1.15)
                shares = [0.65, 0.35] if len(target) == 2 else [1 / len(target)] * len(target)
                for j, (t, sh) in enumerate(zip(target, shares)):
                    segs.append((t, d * sh, [(p * d * sh, hz) for p, hz in f0] if j == 0 else []))
        if i + 1 < len(tokens) and tokens[i + 1] == ",":
            segs.append((pause, rng.uniform(0.1, 0.25), []))
    segs.append((pause, rng.uniform(0.1, 0.2), []))
    # declination over the utterance: from 1.1 to 0.85 of the base pitch; a rise at the end on "?"
    total = sum(d for _, d, _ in segs)
    t, out = 0.0, []
    end_rise = 1.25 if text.rstrip().endswith("?") else 1.0
    for j, (ph, d, f0) in enumerate(segs):
        pts = []
        for p, hz in f0:
            frac = (t + p) / total
            pts.append((p, hz * (1.1 - 0.25 * frac)))
        if j == 0:
            pts = [(0.0, base * 1.05)]
        if j == len(segs) - 1:
            pts = [(0.0, base * 0.85 * end_rise)]
        out.append((ph, d, pts))
        t += d
    return out


def synth_human(jobs):
    """Batch synthesis for ("human", voice) jobs [(voice, text, seed)]: one festival process per voice
    and half of its jobs, two at a time. Returns one clip (or None) per job."""
    if not jobs:
        return []
    lex = english_phones([text for _, text, _ in jobs])
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {}
        for i, (voice, text, seed) in enumerate(jobs):
            segs = human_segments(voice[1], text, np.random.default_rng(seed), lex)
            body = " ".join(f"({ph} {d:.4f}" + "".join(f" ({p:.4f} {hz:.1f})" for p, hz in pts) + ")" for ph, d, pts in segs)
            wav = os.path.join(tmp, f"{i}.wav")
            scripts.setdefault((voice[1], i % 2), []).append(
                f'(unwind-protect (begin (set! u (Utterance Segments ({body}))) (utt.synth u) (utt.save.wave u "{wav}" \'riff)) nil)')
        files = []
        for (v, half), lines in scripts.items():
            path = os.path.join(tmp, f"{v}-{half}.scm")
            with open(path, "w") as f:
                f.write(f"(voice_{v})\n" + "\n".join(lines) + "\n")
            files.append(path)
        with Pool(2) as pool:
            pool.map(_festival_batch, files, chunksize=1)
        clips = []
        for i in range(len(jobs)):
            p = os.path.join(tmp, f"{i}.wav")
            x = read_wav_16k(p) if os.path.exists(p) else None
            clips.append(trim(x) if x is not None and len(x) > 1600 and np.abs(x).max() > 1e-3 else None)
        return clips


def _festival_batch(path):
    subprocess.run(["festival", "-b", path], capture_output=True)


def synth(voice, text, rng):
    """One utterance, float32 at 16 kHz, trimmed, peak-normalised."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        if voice[0] == "espeak":
            rate = int(rng.integers(110, 230))
            pitch = int(rng.integers(10, 90))
            cmd = ["espeak-ng", "-v", f"{voice[1]}+{voice[2]}", "-s", str(rate), "-p", str(pitch), "-g", str(int(rng.integers(0, 4))), "-w", f.name, text]
        elif voice[0] == "flite":
            stretch = float(rng.uniform(0.75, 1.4))
            f0 = float(rng.uniform(70, 200) if voice[1] != "slt" else rng.uniform(140, 260))
            cmd = ["flite", "-voice", voice[1], "-t", text, "-o", f.name, "--setf", f"duration_stretch={stretch:.3f}", "--setf", f"int_f0_target_mean={f0:.1f}"]
        elif voice[0] == "festival":
            cmd = ["text2wave", "-eval", f"(voice_{voice[1]})", "-o", f.name]
            subprocess.run(cmd, input=text, text=True, capture_output=True, check=True)
            cmd = None
        else:
            raise ValueError(voice)
        if cmd:
            subprocess.run(cmd, capture_output=True, check=True)
        return trim(read_wav_16k(f.name))


def read_wav_16k(path):
    """A WAV file (8, 16 or 32-bit integer or float PCM) as float32 mono at 16 kHz."""
    sr, x = wavfile.read(path)
    if x.dtype == np.uint8:
        x = (x.astype(np.float32) - 128) / 128
    elif x.dtype.kind == "i":
        x = x.astype(np.float32) / 2 ** (8 * x.dtype.itemsize - 1)
    else:
        x = x.astype(np.float32)
    if x.ndim > 1:
        x = x.mean(axis=1)
    if sr != SR:
        g = np.gcd(SR, sr)
        x = resample_poly(x, SR // g, sr // g).astype(np.float32)
    return x


def trim(x, floor_db=-40):
    """Cut leading and trailing silence (20 ms frames below floor_db of the peak frame)."""
    n = 320
    if len(x) < n:
        return x
    e = np.array([np.sqrt(np.mean(x[i:i + n] ** 2)) + 1e-9 for i in range(0, len(x) - n + 1, n)])
    on = np.where(20 * np.log10(e / e.max()) > floor_db)[0]
    a, b = on[0] * n, min(len(x), (on[-1] + 1) * n)
    y = x[max(0, a - 160):b + 160]
    return (y / (np.abs(y).max() + 1e-9) * 0.5).astype(np.float32)


def _synth_job(job):
    voice, text, seed = job
    rng = np.random.default_rng(seed)
    try:
        return synth(voice, text, rng)
    except subprocess.CalledProcessError:
        return None


def synth_set(name, items, seed):
    """items: list of (text, category). Cached as CACHE/name.npz: clips concatenated + offsets."""
    split = name.split("-")[0]
    path = os.path.join(CACHE, f"{name}{voice_pool_tag(split)}.npz")
    if os.path.exists(path):
        z = np.load(path, allow_pickle=False)
        return unpack(z)
    os.makedirs(CACHE, exist_ok=True)
    vs = voices(split)
    rng = np.random.default_rng(seed)
    jobs = []
    for i, (text, cat) in enumerate(items):
        v = vs[int(rng.integers(len(vs)))]
        jobs.append((v, text, seed * 1_000_003 + i))
    gs = [i for i, j in enumerate(jobs) if j[0][0] == "gnuspeech"]
    clips = [None] * len(jobs)
    for i, c in zip(gs, synth_gnuspeech([jobs[i] for i in gs])):
        clips[i] = c
    hs = [i for i, j in enumerate(jobs) if j[0][0] == "human"]
    for i, c in zip(hs, synth_human([jobs[i] for i in hs])):
        clips[i] = c
    rest = [i for i, j in enumerate(jobs) if j[0][0] not in ("gnuspeech", "human")]
    with Pool(2) as pool:
        for k, c in enumerate(pool.imap(_synth_job, [jobs[i] for i in rest], chunksize=16)):
            clips[rest[k]] = c
            if sys.stderr.isatty() and k % 200 == 0:
                print(f"\r  {name}: {len(gs) + k}/{len(jobs)} clips", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    keep = [i for i, c in enumerate(clips) if c is not None and len(c) > 1600]
    z = pack([clips[i] for i in keep], [items[i][0] for i in keep], [items[i][1] for i in keep], ["/".join(jobs[i][0]) for i in keep])
    save_cache(path, **z)
    return unpack(z)


def save_cache(path, **arrays):
    """np.savez to `path` (ending .npz) whole or not at all: written under a temporary name, then
    renamed, since runs in parallel share the cache and may read a file another is still writing."""
    tmp = f"{path[:-4]}.{os.getpid()}.tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def pack(clips, texts, cats, voices_):
    offsets = np.cumsum([0] + [len(c) for c in clips]).astype(np.int64)
    return {"audio": np.concatenate(clips).astype(np.float32), "offsets": offsets,
            "texts": np.array(texts), "cats": np.array(cats), "voices": np.array(voices_)}


def unpack(z):
    a, o, texts, cats, vs = (z[k] for k in ("audio", "offsets", "texts", "cats", "voices"))  # an npz re-reads on every z[k]
    return [dict(audio=a[o[i]:o[i + 1]], text=str(texts[i]), cat=str(cats[i]), voice=str(vs[i])) for i in range(len(o) - 1)]


# ---------------------------------------------------------------------------------- real speech
def asterisk_prompts(split):
    """Real English prompts (one speaker, 8 kHz → 16 kHz), negatives only. Silence files excluded."""
    root = "/usr/share/asterisk/sounds/en_US_f_Allison"
    path = os.path.join(CACHE, f"asterisk-{split}.npz")
    if os.path.exists(path):
        return unpack(np.load(path))
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".wav") and "/silence" not in d)
    files = [f for f in files if split_of(os.path.basename(f)) == split]
    clips, texts = [], []
    for f in files:
        sr, x = wavfile.read(f)
        x = resample_poly(x.astype(np.float32) / 32768, SR // sr, 1).astype(np.float32)
        if len(x) > 3200:
            clips.append(trim(x))
            texts.append(os.path.relpath(f, root))
    z = pack(clips, texts, ["asterisk"] * len(clips), ["asterisk/allison"] * len(clips))
    save_cache(path, **z)
    return unpack(z)


def words_in(name):
    return set(re.split(r"[^a-z]+", name.lower()))


# ---------------------------------------------------------------------------------------- noise
def sox_noise(kind, seconds, seed):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["sox", "-R", "-n", "-r", str(SR), "-b", "16", "-c", "1", f.name, "synth", str(seconds), kind], check=True, capture_output=True)
        _, x = wavfile.read(f.name)
    # sox -R repeats the same noise each run: shift it by the seed so banks differ
    x = np.roll(x.astype(np.float32) / 32768, seed * 7919 % len(x))
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-9)


def load_audio(path):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["sox", path, "-r", str(SR), "-b", "16", "-c", "1", f.name], check=True, capture_output=True)
        _, x = wavfile.read(f.name)
    x = x.astype(np.float32) / 32768
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-9)


def noise_bank(split):
    """Background sounds of a split, each RMS-normalised: sox white/pink/brown noise, music on hold,
    sonic-pi ambience and loops. Music/ambience files are split by name hash."""
    path = os.path.join(CACHE, f"noise-{split}.npz")
    if os.path.exists(path):
        z = np.load(path)
        return [z[k] for k in sorted(z.files, key=lambda s: int(s[1:]))]
    banks = [sox_noise(kind, 60, i + {"train": 0, "val": 10, "test": 20}[split]) for i, kind in enumerate(["whitenoise", "pinknoise", "brownnoise"])]
    files = sorted(os.path.join("/usr/share/asterisk/moh", f) for f in os.listdir("/usr/share/asterisk/moh") if f.endswith(".wav"))
    sp = "/usr/share/sonic-pi/samples"
    files += sorted(os.path.join(sp, f) for f in os.listdir(sp) if f.endswith(".flac") and f.split("_")[0] in ("ambi", "loop", "guit", "vinyl", "perc", "bass", "elec"))
    for f in files:
        if split_of(os.path.basename(f), val=0.15, test=0.25) == split:
            x = load_audio(f)
            if len(x) > SR // 2:
                banks.append(x)
    save_cache(path, **{f"b{i}": b for i, b in enumerate(banks)})
    return banks


def crop(x, n, rng):
    if len(x) >= n:
        s = int(rng.integers(0, len(x) - n + 1))
        return x[s:s + n]
    return np.tile(x, n // len(x) + 1)[:n]


def room_ir(rng):
    """A simple room: direct path plus exponentially decaying noise, RT60 0.15–0.7 s."""
    rt60 = rng.uniform(0.15, 0.7)
    n = int(rt60 * SR)
    t = np.arange(n) / SR
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail[: int(0.003 * SR)] = 0
    ir = tail * rng.uniform(0.05, 0.35) / np.sqrt(np.sum(tail ** 2) + 1e-9)
    ir[0] = 1.0
    return ir.astype(np.float32)


def telephone(x):
    """Band-limit as the 8 kHz asterisk prompts are: down to 8 kHz and back."""
    return resample_poly(resample_poly(x, 1, 2), 2, 1).astype(np.float32)[: len(x)]


def vary_speaker(x, rng, p):
    """Speed perturbation (Ko et al. 2015): resample by 0.85–1.15 and play at 16 kHz, which scales
    the formants (the vocal tract length), the pitch and the tempo together, so a few voices sound
    like many speakers. Training only: held-out voices are tested as they are."""
    if p == 0 or rng.random() >= p:
        return x
    d = int(rng.integers(17, 24))          # played d/20 times as fast
    return resample_poly(x, 20, d).astype(np.float32)


LPC_ORDER = 18
LPC_FRAME = 512          # 32 ms, sqrt-Hann analysis and synthesis windows at half overlap


def warp_formants(x, beta):
    """Vocal tract length warping independent of pitch and tempo: frame by frame, LPC analysis of
    the pre-emphasised signal, the all-pole envelope resampled along frequency by beta (formants at
    beta times their frequency: > 1 a shorter tract, as a woman's or a child's), refitted, and the
    frame's own residual (which keeps the pitch and timing) filtered through it; overlap-add."""
    n = len(x)
    win = np.sqrt(np.hanning(LPC_FRAME + 1)[:-1]).astype(np.float64)
    hop = LPC_FRAME // 2
    pad = np.concatenate([np.zeros(hop), lfilter([1, -0.95], [1], x.astype(np.float64)), np.zeros(LPC_FRAME)])
    out = np.zeros(len(pad))
    bins = LPC_FRAME // 2 + 1
    src = np.minimum(np.arange(bins) / beta, bins - 1)      # envelope bin read for each output bin
    for s in range(0, len(pad) - LPC_FRAME, hop):
        f = pad[s:s + LPC_FRAME] * win
        r = np.correlate(f, f, "full")[LPC_FRAME - 1:LPC_FRAME + LPC_ORDER]
        if r[0] < 1e-10:
            continue
        r[0] *= 1 + 1e-6
        a = np.concatenate([[1], -solve_toeplitz(r[:-1], r[1:])])
        e = lfilter(a, [1], f)
        env = np.interp(src, np.arange(bins), 1 / np.maximum(np.abs(np.fft.rfft(a, LPC_FRAME)) ** 2, 1e-12))
        r2 = np.fft.irfft(env)[:LPC_ORDER + 1]
        r2[0] *= 1 + 1e-6
        y = lfilter([1], np.concatenate([[1], -solve_toeplitz(r2[:-1], r2[1:])]), e)
        out[s:s + LPC_FRAME] += y * win * np.sqrt(r[0] / (y @ y + 1e-20))   # the frame's energy kept
    y = lfilter([1], [1, -0.95], out[hop:hop + n])
    return (y * (rms(x) / (rms(y) + 1e-12))).astype(np.float32)


def codec(x, rng):
    """A speech codec's round trip, as a phone or a voice message would: GSM 06.10, AMR-NB at a
    random bit rate, or 8-bit mu-law, each at 8 kHz (sox), then back to 16 kHz."""
    kind = ["gsm", "amr-nb", "ul"][int(rng.integers(3))]
    with tempfile.TemporaryDirectory() as d:
        a, b, c = (os.path.join(d, f) for f in ("a.wav", f"b.{'ul' if kind == 'ul' else kind}", "c.wav"))
        peak = np.abs(x).max() + 1e-9
        wavfile.write(a, SR, to_int16(x * (0.7 / peak)))
        enc = ["-C", str(int(rng.integers(0, 8)))] if kind == "amr-nb" else []
        subprocess.run(["sox", a, "-r", "8000", *enc, b], check=True, capture_output=True)
        subprocess.run(["sox", b, "-r", str(SR), "-e", "signed-integer", "-b", "16", c], check=True, capture_output=True)
        y = read_wav_16k(c)
    y = np.resize(y, len(x)) if len(y) >= len(x) else np.concatenate([y, np.zeros(len(x) - len(y), np.float32)])
    return (y * (peak / 0.7)).astype(np.float32)


def shift_pitch(x, factor):
    """Pitch (and with it the whole spectrum) times factor at the same tempo: sox's pitch effect."""
    cents = 1200 * np.log2(factor)
    p = subprocess.run(["sox", "-t", "f32", "-r", str(SR), "-c", "1", "-", "-t", "f32", "-", "pitch", f"{cents:.0f}"],
                       input=x.astype(np.float32).tobytes(), capture_output=True, check=True)
    y = np.frombuffer(p.stdout, np.float32)
    return np.concatenate([y, np.zeros(max(0, len(x) - len(y)), np.float32)])[:len(x)]


def new_speaker(x, rng):
    """Another speaker saying the same (training only; mix.py keeps a bank of them per clip): pitch
    times 0.8–2.0 and formants (vocal tract length) times 0.84–1.24, each drawn log-uniformly and on
    its own, at the same tempo. shift_pitch moves both; warp_formants puts the formants back where
    they were drawn."""
    pitch = float(np.exp(rng.uniform(np.log(0.8), np.log(2.0))))
    tract = float(np.exp(rng.uniform(np.log(0.84), np.log(1.24))))
    return warp_formants(shift_pitch(x, pitch), tract / pitch)


def augment_speech(x, rng, p_reverb=0.4, p_tel=0.2):
    if rng.random() < p_reverb:
        x = fftconvolve(x, room_ir(rng))[: len(x) + int(0.1 * SR)].astype(np.float32)
    if rng.random() < p_tel:
        x = telephone(x)
    # a gentle random tilt of the spectrum (microphone colour)
    a = rng.uniform(-0.5, 0.5)
    x = lfilter([1, a], [1], x).astype(np.float32) if abs(a) > 0.1 else x
    return x


# centres of the parametric equaliser's bands (audiomentations' SevenBandParametricEQ, which
# microWakeWord and openWakeWord train with): an octave apart from 100 Hz
EQ_CENTRES = [100, 200, 400, 800, 1600, 3200, 6400]


def peaking(f0, gain_db, q):
    """RBJ cookbook peaking biquad as one second-order section."""
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * f0 / SR
    alpha = np.sin(w) / (2 * q)
    b0, b1, b2 = 1 + alpha * a, -2 * np.cos(w), 1 - alpha * a
    a0, a1, a2 = 1 + alpha / a, -2 * np.cos(w), 1 - alpha / a
    return np.array([b0 / a0, b1 / a0, b2 / a0, 1, a1 / a0, a2 / a0])


def colour(x, rng, p):
    """Training-only channel and voice colouring, as the open wake-word recipes do it: with
    probability p a seven-band parametric EQ (each band ±10 dB, centre and Q jittered), then a
    band-stop notch (20 %) and soft saturation (10 %). Unlike the tilt of augment_speech, it
    reshapes the spectral envelope locally, so the model cannot lean on one synthesiser's timbre."""
    if p == 0 or rng.random() >= p:
        return x
    sos = np.stack([peaking(f * 2 ** rng.uniform(-0.25, 0.25), rng.uniform(-10, 10), rng.uniform(0.7, 2.0)) for f in EQ_CENTRES])
    if rng.random() < 0.2:
        fc = 2 ** rng.uniform(np.log2(200), np.log2(4000))
        bw = rng.uniform(0.3, 1.0)                      # octaves
        sos = np.concatenate([sos, butter(2, [fc * 2 ** (-bw / 2), fc * 2 ** (bw / 2)], "bandstop", fs=SR, output="sos")])
    y = sosfilt(sos, x)
    if rng.random() < 0.1:
        k = rng.uniform(1, 4)
        y = np.tanh(k * y / (np.abs(y).max() + 1e-9)) / np.tanh(k)
    return (y * np.abs(x).max() / (np.abs(y).max() + 1e-9)).astype(np.float32)


def background(n, banks, babble_pool, rng):
    """n samples of background at RMS 1 (or near silence): one or two noise sources, or babble."""
    r = rng.random()
    if r < 0.1:
        return rng.standard_normal(n).astype(np.float32) * 0.01  # almost silent: mic self-noise
    if r < 0.25 and babble_pool:
        y = np.zeros(n, np.float32)
        for _ in range(int(rng.integers(3, 7))):
            c = babble_pool[int(rng.integers(len(babble_pool)))]
            y += crop(np.concatenate([c, np.zeros(SR // 4, np.float32)]), n, rng) * rng.uniform(0.5, 1)
        return y / (np.sqrt(np.mean(y ** 2)) + 1e-9)
    y = crop(banks[int(rng.integers(len(banks)))], n, rng).copy()
    if rng.random() < 0.3:
        y += crop(banks[int(rng.integers(len(banks)))], n, rng) * rng.uniform(0.2, 1)
    return y / (np.sqrt(np.mean(y ** 2)) + 1e-9)


def to_int16(x):
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


# ------------------------------------------------------------------------------------- features
def features(audio_int16, tag):
    """int16 audio [N, L] or [L] → the module's int16 log-mel features [N, T, 40] (fresh frontend per row)."""
    os.makedirs(CACHE, exist_ok=True)
    a = os.path.join(CACHE, f"tmp-{tag}-{os.getpid()}-audio.npy")   # the pid: runs in parallel
    f = os.path.join(CACHE, f"tmp-{tag}-{os.getpid()}-feat.npy")
    np.save(a, np.ascontiguousarray(audio_int16))
    subprocess.run(["node", os.path.join(HERE, "features.mjs"), a, f], check=True)
    out = np.load(f)
    os.remove(a)
    os.remove(f)
    return out


def frames_of(samples):
    """Frames the frontend makes from `samples` samples."""
    return 0 if samples < WINDOW else (samples - WINDOW) // HOP + 1


def frame_at(sample):
    """The first frame whose window ends at or after `sample`."""
    return max(0, -(-(sample - WINDOW) // HOP))


def rms(x):
    return float(np.sqrt(np.mean(x ** 2)) + 1e-9)
