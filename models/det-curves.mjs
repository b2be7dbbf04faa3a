// Draws each model card's DET curves (models/<folder>/det.svg: false-reject rate against false
// accepts per hour, one threshold swept over the card's keyword models on their committed test
// sets, the shipped thresholds marked), as `tinyrnn eval --plot` draws one. Deterministic: the
// figures are the card's own. test/models/cards.test.ts draws them again and fails while one is
// stale. After `npm run build`. Usage: node models/det-curves.mjs [--check]
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { root, importTs, writeOrCheck } from "../host/generate.mjs";

const M = await importTs(`export { createRuntimeSync } from "./host/runtime/index.ts";
  export { readCards, checkCard, cardDetSvg, CARD_DET_SVG } from "./host/cli/eval-files.ts";`,
"det-curves-entry.ts", { platform: "node", target: "node20", loader: { ".wasm": "binary" } });
const rt = M.createRuntimeSync({ wasm: readFileSync(join(root, "build/tinyrnn.simd.wasm")) });
const folders = readdirSync(join(root, "models"), { recursive: true })
  .filter((p) => p.endsWith("card.json") && !p.includes("cache"))
  .map((p) => join("models", p, ".."))
  .sort();
process.chdir(root); // the cards' paths, and so the curves' words, are relative to the root
for (const folder of folders) {
  const results = M.readCards(folder).map((card) => ({ card, result: M.checkCard(rt, folder, card).result }));
  const svg = M.cardDetSvg(folder, results);
  if (svg !== undefined) await writeOrCheck(join(root, folder, M.CARD_DET_SVG), () => svg, "node models/det-curves.mjs");
}
