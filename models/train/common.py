"""Shared pieces of the model recipes: safetensors export, `tinyrnn convert`, test sets, scoring.

Run from the repository root with Debian's /usr/bin/python3 (python3-torch 1.13, numpy, scipy);
`npm run build` must have made dist/ (the npm run train:* scripts do).
"""
import json, os, struct, subprocess
import numpy as np

from constants import CONSTANTS, FEATURE_SCALE  # noqa: F401  (the numbers the module shares)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "dist", "cli.js")
# Provenance date written into the models, fixed so that a rerun gives the same bytes
# (tinyrnn convert reads SOURCE_DATE_EPOCH). 2025-01-01.
SOURCE_DATE_EPOCH = "1735689600"



def save_safetensors(path, state_dict, arch):
    """PyTorch weights as safetensors, written by hand (no safetensors package in Debian), and
    the architecture JSON beside them (<stem>.arch.json), which `tinyrnn convert` reads."""
    header, blobs, offset = {}, [], 0
    for name, t in state_dict.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    with open(path[: -len(".safetensors")] + ".arch.json", "w") as f:
        json.dump(arch, f, indent=2)
        f.write("\n")


def node(script, *args, env=None):
    """Run a node script of the repo (the CLI, events.mjs) from the repo root; its stdout, or exit
    with its stderr."""
    r = subprocess.run(["node", script, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{os.path.relpath(script, ROOT)} {args[0] if args else ''} failed: {r.stderr}")
    return r.stdout


def convert(weights, out, metadata_path, dtype="int8", calibrate=None, report=None):
    """`tinyrnn convert` as a user runs it; returns its stdout."""
    args = ["convert", weights, "-o", out, "--dtype", dtype, "--metadata", metadata_path]
    if calibrate:
        args += ["--calibrate", calibrate]
    if report:
        args += ["--report", report]
    return node(CLI, *args, env=dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH))


def convert_int8_and_f32(weights, name, meta, calibration, out_dir, work):
    """A sensor model's two conversions: the metadata and the calibration steps written into `work`,
    int8 into <out_dir>/<name>.tinyrnn (convert's report printed and kept as <work>/<name>.report.json)
    and float32 into <work>/<name>.f32.tinyrnn for the comparison. Returns the two paths."""
    meta_path = os.path.join(work, f"{name}.meta.json")
    write_json(meta_path, meta)
    calib_path = os.path.join(work, f"{name}.calibration.npy")
    np.save(calib_path, calibration)
    int8_path = os.path.join(out_dir, f"{name}.tinyrnn")
    f32_path = os.path.join(work, f"{name}.f32.tinyrnn")
    print(convert(weights, int8_path, meta_path, "int8", calib_path, os.path.join(work, f"{name}.report.json")), end="")
    convert(weights, f32_path, meta_path, "f32")
    return int8_path, f32_path


def evaluate(model, testdir, *options):
    """The card's figures: `tinyrnn eval` over the test set (options: --sweep, --threshold X)."""
    return json.loads(node(CLI, "eval", model, testdir, "--json", *options))


def run(model, x):
    """`tinyrnn run`: the model's outputs [T, O] for a float32 [T, F] input, as the runtime computes them."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        np.save(os.path.join(d, "x.npy"), np.ascontiguousarray(x, dtype="<f4"))
        node(CLI, "run", model, os.path.join(d, "x.npy"), "-o", os.path.join(d, "y.npy"))
        return np.load(os.path.join(d, "y.npy"))


def events(model, testdir):
    """Detection events with the metadata's detector defaults (models/train/events.mjs)."""
    return json.loads(node(os.path.join(ROOT, "models", "train", "events.mjs"), model, testdir, "--json"))


def confusion_table(labels, confusion):
    """Markdown: rows true label, columns predicted."""
    lines = ["| true \\ predicted | " + " | ".join(labels) + " | recall |", "| --- |" + " ---: |" * (len(labels) + 1)]
    for k, row in enumerate(confusion):
        n = sum(row)
        lines.append(f"| {labels[k]} | " + " | ".join(str(v) for v in row) + f" | {100 * row[k] / n:.1f} % |" if n else "")
    return "\n".join(lines)


def inspect(model):
    return json.loads(node(CLI, "inspect", model, "--json"))


def write_testset(dirpath, description, streams):
    """streams: [(name, features float [T, F], labels int [T])] → <dir>/testset.json + .npy files."""
    os.makedirs(dirpath, exist_ok=True)
    for f in os.listdir(dirpath):
        if f.endswith(".npy") or f == "testset.json":
            os.remove(os.path.join(dirpath, f))
    entries = []
    for name, x, y in streams:
        np.save(os.path.join(dirpath, name + ".npy"), np.ascontiguousarray(x, dtype="<f4"))
        np.save(os.path.join(dirpath, name + ".labels.npy"), np.ascontiguousarray(y, dtype="<i4"))
        entries.append({"name": name, "features": name + ".npy", "labels": name + ".labels.npy"})
    with open(os.path.join(dirpath, "testset.json"), "w") as f:
        json.dump({"kind": "steps", "description": description, "streams": entries}, f, indent=2)
        f.write("\n")


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
