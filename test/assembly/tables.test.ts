// The generated tables in assembly/activations.ts are exactly what assembly/tables.mjs makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
// @ts-expect-error: a plain .mjs generator without type declarations
import { TABLES } from "../../assembly/tables.mjs";

test("activations.ts holds the tables assembly/tables.mjs generates, number for number", () => {
  const source = readFileSync("assembly/activations.ts", "utf8");
  for (const [name, generated] of Object.entries(TABLES as Record<string, string>)) {
    const start = source.indexOf(`const ${name}: usize`);
    assert.ok(start >= 0, `${name} is missing from activations.ts`);
    const end = source.indexOf("]);", start) + 3;
    assert.equal(source.slice(start, end).replace(/\s+/g, " "), generated.trim().replace(/\s+/g, " "), `${name} differs: re-run node assembly/tables.mjs`);
  }
});
