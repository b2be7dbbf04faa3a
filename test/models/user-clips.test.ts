// Bring your own clips: train_kws.py --positives DIR --negatives DIR on a small generated set of WAV
// files (models/train/test_user_clips.py; numpy and scipy from Debian, no synthesiser or PyTorch).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { debian } from "../hosts/tools.js";

test("train_kws.py reads, splits and mixes a folder of the user's WAV files, and names what is wrong", () => {
  debian(["python3-numpy", "python3-scipy"], "the training recipe's mixing needs Debian's numpy and scipy");
  const r = spawnSync("/usr/bin/python3", ["models/train/test_user_clips.py", "build/test/user-clips"], { encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  for (const line of r.stdout.trim().split("\n")) process.stderr.write(`# ${line}\n`);
  assert.match(r.stdout, /^ok: errors$/m);
});
