// `npm start`: the shipped wake word over the shipped sample recording (a held-out voice no model
// was trained or thresholded on), through the CLI as a user runs it. It must find each of the three
// "hey jarvis", once, and print no other event.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

interface Spoken { text: string; label: string | null; startMs: number; endMs: number }

test("npm start's detection: tinyrnn detect prints each of the three \"hey jarvis\" once and nothing else", () => {
  const { spoken } = JSON.parse(readFileSync("models/sample/morning.json", "utf8")) as { spoken: Spoken[] };
  const p = spawnSync(process.execPath, ["dist/cli.js", "detect", "models/hey-jarvis/hey-jarvis.tinyrnn", "models/sample/morning.wav", "--json"], { encoding: "utf8" });
  assert.equal(p.status, 0, p.stderr);
  const events = p.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { label: string; endMs: number });
  const wake = spoken.filter((s) => s.label === "hey_jarvis");
  // each event fires while the phrase is said or within 0.5 s after it (tinyrnn eval's rule)
  const hits = wake.map((s) => events.filter((e) => e.endMs >= s.startMs && e.endMs <= s.endMs + 500).length);
  assert.equal(wake.length, 3);
  assert.deepEqual(hits, [1, 1, 1], `one event per phrase: events ${JSON.stringify(events)} vs spoken ${JSON.stringify(wake)}`);
  assert.equal(events.length, hits.reduce((a, b) => a + b, 0), `no event outside a spoken "hey jarvis": ${JSON.stringify(events)}`);
});
