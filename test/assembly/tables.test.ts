// The generated tables in assembly/activations.ts are exactly what assembly/tables.mjs makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

test("activations.ts holds the tables assembly/tables.mjs generates, number for number", async () => {
  // Loaded from its own file, not bundled into this test: bundled, its import.meta.url would be this
  // file's, which is process.argv[1], and it would run as a script and print every table.
  const { TABLES } = (await import(pathToFileURL("assembly/tables.mjs").href)) as { TABLES: Record<string, string> };
  assert.ok(Object.keys(TABLES).length >= 4, "assembly/tables.mjs generates no table");
  const source = readFileSync("assembly/activations.ts", "utf8");
  for (const [name, generated] of Object.entries(TABLES)) {
    const start = source.indexOf(`const ${name}: usize`);
    assert.ok(start >= 0, `${name} is missing from activations.ts`);
    const end = source.indexOf("]);", start) + 3;
    assert.equal(source.slice(start, end).replace(/\s+/g, " "), generated.trim().replace(/\s+/g, " "), `${name} differs: re-run node assembly/tables.mjs`);
  }
});
