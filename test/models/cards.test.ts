// Every shipped model with a card (models/<name>/card.json) still reproduces its card's figures on
// its committed test set, through the same code as `tinyrnn eval` (host/cli/eval-files.ts):
//
//   { "model": "hey-jarvis.tinyrnn",
//     "eval": { "testset": "test", "figures": { "accuracy": 93.1, "frr.hey_jarvis": 2.0, "falseAccepts": 0 } } }
//
// Figures are dotted keys into `tinyrnn eval --json`'s object; a figure more than 1 (percentage
// point, or count) worse than the card fails (compareWithCard in host/eval/eval.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { checkCard, readCards } from "../../host/cli/eval-files.js";
import { figureAt } from "../../host/eval/eval.js";
import { runtime } from "../helpers.js";

// every folder under models/ with a card.json (models/sensor/ecg-anomaly too)
const folders = (readdirSync("models", { recursive: true }) as string[])
  .filter((p) => p.endsWith("card.json") && !p.includes("cache"))
  .map((p) => join("models", p, ".."))
  .sort();

if (folders.length === 0) {
  test("shipped models reproduce their cards (no models/*/card.json yet: nothing to check)", (t) => {
    t.diagnostic("no models/*/card.json yet");
  });
}

for (const folder of folders) {
  for (const card of readCards(folder)) {
    test(`${folder}/${card.model}: its card's figures hold on ${card.eval.testset}/`, async (t) => {
      const { result, shortfalls } = checkCard(await runtime("simd"), folder, card);
      t.diagnostic(`${card.model} on ${card.eval.testset}: ${Object.keys(card.eval.figures).map((k) => `${k} card ${card.eval.figures[k]}, now ${figureAt(result, k) ?? "–"}`).join("; ")}; ${result.steps} steps`);
      assert.deepEqual(shortfalls, [], `${folder}: worse than its card: ${JSON.stringify(shortfalls)}`);
    });
  }
}
