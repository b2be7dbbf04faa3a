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
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cardDetSvg, checkCard, readCards, CARD_DET_SVG, type ModelCard } from "../../host/cli/eval-files.js";
import type { EvalResult } from "../../host/eval/eval.js";
import { figureAt } from "../../host/eval/eval.js";
import { runtime } from "../helpers.js";

// every folder under models/ with a card.json (models/sensor/ecg-anomaly too)
const folders = (readdirSync("models", { recursive: true }) as string[])
  .filter((p) => p.endsWith("card.json") && !p.includes("cache"))
  .map((p) => join("models", p, ".."))
  .sort();

// Shipped model files that have no card, and why. Any other models/**/*.tinyrnn needs one.
const NO_CARD: Record<string, string> = {
  "models/demo/activity.tinyrnn": "the activity demo has no test set; test/models/demo.test.ts holds it to PyTorch",
};

test("every shipped model has a card naming it, with figures to check (each card is checked below)", () => {
  assert.ok(folders.length > 0, "no models/**/card.json found: no card would be checked");
  const carded = new Set<string>();
  for (const folder of folders) {
    const cards = readCards(folder);
    assert.ok(cards.length > 0, `${folder}/card.json holds no card`);
    for (const card of cards) {
      const model = join(folder, card.model);
      assert.ok(existsSync(model), `${folder}/card.json names ${card.model}, which is not there`);
      assert.ok(Object.keys(card.eval.figures).length > 0, `${folder}/card.json: ${card.model} on ${card.eval.testset}/ has no figures: nothing to hold it to`);
      carded.add(model);
    }
  }
  const shipped = (readdirSync("models", { recursive: true }) as string[])
    .filter((p) => p.endsWith(".tinyrnn") && !p.startsWith("train"))
    .map((p) => join("models", p))
    .sort();
  assert.ok(shipped.length > 0, "no models/**/*.tinyrnn");
  assert.deepEqual(shipped.filter((m) => !carded.has(m) && !(m in NO_CARD)), [], "shipped models without a card");
});

for (const folder of folders) {
  const results: { card: ModelCard; result: EvalResult }[] = [];
  for (const card of readCards(folder)) {
    test(`${folder}/${card.model}: its card's figures hold on ${card.eval.testset}/`, async (t) => {
      const { result, shortfalls } = checkCard(await runtime("simd"), folder, card);
      results.push({ card, result });
      t.diagnostic(`${card.model} on ${card.eval.testset}: ${Object.keys(card.eval.figures).map((k) => `${k} card ${card.eval.figures[k]}, now ${figureAt(result, k) ?? "–"}`).join("; ")}; ${result.steps} steps`);
      assert.deepEqual(shortfalls, [], `${folder}: worse than its card: ${JSON.stringify(shortfalls)}`);
    });
  }
  test(`${folder}: its DET curves (${CARD_DET_SVG}) are what its figures draw (node models/det-curves.mjs)`, () => {
    const svg = cardDetSvg(folder, results);
    const path = join(folder, CARD_DET_SVG);
    if (svg === undefined) return assert.ok(!existsSync(path), `${path} is there, but ${folder} has no keyword test set to draw`);
    assert.ok(existsSync(path), `${path} is missing: node models/det-curves.mjs`);
    assert.equal(readFileSync(path, "utf8"), svg, `${path} is stale: node models/det-curves.mjs`);
  });
}
