"""Write a model folder's card.json (the figures CI holds the shipped model to) and the figures part
of its README from what train_kws.py measured (models/train/cache/<name>/figures.json).

  /usr/bin/python3 models/train/card.py hey-jarvis
  /usr/bin/python3 models/train/card.py commands commands-gru commands-lstm commands-ssm
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech  # noqa: E402
from common import inspect  # noqa: E402

ROOT = speech.ROOT


def figures(name):
    return json.load(open(os.path.join(speech.CACHE, name, "figures.json")))


def pct(x):
    return "–" if x is None else f"{x:.1f} %"


def arch_line(info):
    return " → ".join(f"{l['kind']} {l['inputLen']}→{l['outputLen']}" + (f" ({l['summary']})" if l.get("summary") else "") for l in info["layers"])


def replace_block(path, tag, text):
    """Replace what sits between <!-- tag --> and <!-- /tag --> in the README (the rest is prose)."""
    src = open(path).read() if os.path.exists(path) else ""
    block = f"<!-- {tag} -->\n{text.rstrip()}\n<!-- /{tag} -->"
    if f"<!-- {tag} -->" in src:
        src = re.sub(rf"<!-- {tag} -->.*?<!-- /{tag} -->", lambda _: block, src, flags=re.S)
    else:
        src += ("\n" if src else "") + block + "\n"
    open(path, "w").write(src)


def wake_card(folder, name):
    f = figures(name)
    model = f"{name}.tinyrnn"
    info = inspect(os.path.join(folder, model))
    F = f["figures"]
    i8, f32, i8l, f32l, i8c, f32c = F["int8"], F["f32"], F["int8-long"], F["f32-long"], F["int8-confusable"], F["f32-confusable"]
    label = "hey_jarvis"
    card = {"model": model, "eval": {"testset": "test", "figures": {
        f"frr.{label}": i8["frr"][label], "falseAccepts": i8["falseAccepts"], "accuracy": i8["accuracy"]}}}
    json.dump(card, open(os.path.join(folder, "card.json"), "w"), indent=1)
    op = lambda r, k: r["sweep"][k]  # noqa: E731
    fmt_op = lambda o: "not reached" if o is None else f"{o['frr']:.1f} % (threshold {o['threshold']:g}, {o['falseAcceptsPerHour']:.2f} FA/h)"  # noqa: E731
    det = f["detector"]
    lines = [
        "| | |", "| --- | --- |",
        f"| architecture | {arch_line(info)} |",
        f"| parameters | {f['params']:,} |",
        f"| file | {info['fileBytes']:,} bytes, int8 weights ({info['weightBytes']:,} bytes) |",
        f"| arena | {info['stateBytesPerStream']:,} bytes state per stream + {info['scratchBytes']:,} bytes scratch (plus the audio frontend's tables) |",
        f"| detector (in the file's metadata) | threshold {det['threshold']}, smoothing {det['smoothingMs']} ms, refractory {det['refractoryMs']} ms |",
        f"| how the threshold was picked | the fewest misses at ≤ 0.5 false accepts per hour on the validation split's own long stream "
        f"({F['int8-val-long']['hours']:.2f} h, validation voices only): {fmt_op(op(F['int8-val-long'], 'at0_5FaPerHour'))} |",
        "",
        "**Committed test set** (`test/`: held-out voices; reproduced by `tinyrnn eval` and checked in CI):",
        "",
        "| | int8 (shipped) | float32 |", "| --- | --- | --- |",
        f"| positives (\"hey jarvis\") | {i8['perLabel'][label]['intervals']} | {f32['perLabel'][label]['intervals']} |",
        f"| false-reject rate at the shipped threshold | {pct(i8['frr'][label])} | {pct(f32['frr'][label])} |",
        f"| false accepts in {i8['hours'] * 60:.0f} min (confusable phrases, other words, noise) | {i8['falseAccepts']} | {f32['falseAccepts']} |",
        f"| accuracy over all {i8['intervals']} intervals | {pct(i8['accuracy'])} | {pct(f32['accuracy'])} |",
        "",
        f"**Long stream** ({i8l['hours']:.2f} h: held-out voices reading sentences, saying commands and other words, the real "
        "prompts of the held-out split, stretches of noise and music alone, and 300 × \"hey jarvis\" in a stream of their own; "
        "rebuilt by the recipe, not committed):",
        "",
        "| | int8 (shipped) | float32 |", "| --- | --- | --- |",
        f"| false accepts per hour at the shipped threshold | {i8l['falseAcceptsPerHour']:.2f} | {f32l['falseAcceptsPerHour']:.2f} |",
        f"| false-reject rate at the shipped threshold | {pct(i8l['frr'][label])} | {pct(f32l['frr'][label])} |",
        f"| false-reject rate at ≤ 0.5 false accepts per hour | {fmt_op(op(i8l, 'at0_5FaPerHour'))} | {fmt_op(op(f32l, 'at0_5FaPerHour'))} |",
        f"| false-reject rate at ≤ 0.1 false accepts per hour | {fmt_op(op(i8l, 'at0_1FaPerHour'))} | {fmt_op(op(f32l, 'at0_1FaPerHour'))} |",
        "",
        f"**Confusable phrases** ({i8c['intervals']} held-out utterances of \"hey travis\", \"hey jarvie\", \"jarvis\", \"hey marvis\", …; not committed):",
        "",
        "| | int8 (shipped) | float32 |", "| --- | --- | --- |",
        f"| share that fires nothing at the shipped threshold | {pct(i8c['accuracy'])} | {pct(f32c['accuracy'])} |",
    ]
    replace_block(os.path.join(folder, "README.md"), "figures", "\n".join(lines))


def commands_card(folder, names):
    rows, card_figs = [], {}
    models = []
    for name in names:
        f = figures(name)
        model = f"{name}.tinyrnn"
        info = inspect(os.path.join(folder, model))
        i8, f32 = f["figures"]["int8"], f["figures"]["f32"]
        models.append((name, model, info, i8, f32, f, f["figures"]["int8-near"], f["figures"]["f32-near"]))
    card = {"models": [], "eval": {"testset": "test"}}
    for name, model, info, i8, f32, f, n8, n32 in models:
        card["models"].append({"model": model, "eval": {"testset": "test", "figures": {"accuracy": i8["accuracy"]}}})
        card["models"].append({"model": model, "eval": {"testset": "near-misses", "figures": {"accuracy": n8["accuracy"]}}})
        det = f["detector"]
        ft = f["args"].get("maxpool_epochs", 0)
        rows.append(f"| {name} | {arch_line(info)} | {f['params']:,} | {info['fileBytes']:,} | {info['stateBytesPerStream'] + info['scratchBytes']:,} | "
                    f"{f['args']['epochs']}{f' + {ft}' if ft else ''} | {pct(f32['accuracy'])} | **{pct(i8['accuracy'])}** | {i8['falseAccepts']} | {pct(n32['accuracy'])} / {pct(n8['accuracy'])} | {det['threshold']} |")
    json.dump(card, open(os.path.join(folder, "card.json"), "w"), indent=1)
    n = models[0][3]["intervals"]
    lines = [
        f"Accuracy over the committed test set's {n} utterances (held-out voices; each command must fire its own label, "
        "each unknown word must fire nothing), reproduced by `tinyrnn eval` and checked in CI:",
        "",
        "| variant | architecture | parameters | file bytes | arena bytes (state + scratch) | epochs (+ max-pool) | accuracy float32 | accuracy int8 (shipped) | false accepts | near misses silent, float32 / int8 | threshold |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ] + rows + ["", "Per-word recall, int8:", "",
                "| word | " + " | ".join(m[0] for m in models) + " |", "| --- |" + " --- |" * len(models)]
    labels = [l for l in models[0][3]["perLabel"]]
    for l in labels:
        lines.append(f"| {l} | " + " | ".join(pct(m[3]['perLabel'][l]['recall']) for m in models) + " |")
    replace_block(os.path.join(folder, "README.md"), "figures", "\n".join(lines))


if __name__ == "__main__":
    which = sys.argv[1]
    folder = os.path.join(ROOT, "models", which)
    if which == "hey-jarvis":
        wake_card(folder, "hey-jarvis")
    else:
        commands_card(folder, sys.argv[2:])
