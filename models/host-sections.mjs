// Rewrites the host section (model format 1.1: the labels and the default pipeline, for hosts
// without a JSON parser) of every shipped model from its metadata, as writeModel makes it for a
// new file; nothing else in a file changes but its size, version and checksum. The recipes write
// it themselves (through writeModel): this is for files made before format 1.1, and for after a
// change to how the host section is made. test/models/host-sections.test.ts runs it with --check.
// Usage: node models/host-sections.mjs [--check]
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root, importTs } from "../host/generate.mjs";

const { withHostSection } = await importTs(`export { withHostSection } from "./host/build/host-section.ts";`, "host-sections-entry.ts");
const models = readdirSync(join(root, "models"), { recursive: true })
  .filter((p) => p.endsWith(".tinyrnn") && !p.startsWith("train"))
  .sort();
let stale = 0;
for (const p of models) {
  const file = join(root, "models", p);
  const bytes = new Uint8Array(readFileSync(file));
  const made = withHostSection(bytes);
  if (Buffer.compare(Buffer.from(made), Buffer.from(bytes)) === 0) continue;
  if (process.argv.includes("--check")) {
    console.error(`${relative(root, file)}: its host section is stale: run node models/host-sections.mjs`);
    stale++;
  } else {
    writeFileSync(file, made);
    console.error(`wrote ${relative(root, file)} (${bytes.length} → ${made.length} bytes)`);
  }
}
process.exit(stale ? 1 : 0);
