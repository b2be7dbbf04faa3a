// The module makes the tables of its integer SiLU, softplus and exp at the first model load
// (activationTablesInit, assembly/activations.ts); they are exactly what assembly/tables.mjs makes
// in JavaScript with the same f64 arithmetic, entry for entry, on both builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { BUILDS, runtime } from "../helpers.js";

for (const build of BUILDS) {
  test(`${build}: the tables the module makes at load are tables.mjs's, number for number`, async () => {
    // Loaded from its own file, not bundled into this test: bundled, its import.meta.url would be this
    // file's, which is process.argv[1], and it would run as a script and print every table.
    const { VALUES } = (await import(pathToFileURL("assembly/tables.mjs").href)) as { VALUES: Record<string, ["u16" | "u32", number[]]> };
    assert.equal(Object.keys(VALUES).length, 4, "assembly/tables.mjs makes four tables");
    const rt = await runtime(build, true);
    rt.loadModel(readFileSync("models/commands/commands-ssm.tinyrnn")); // the first load makes them
    for (const [name, [type, want]] of Object.entries(VALUES)) {
      const mem = type === "u16" ? new Uint16Array(rt.exports.memory.buffer) : new Uint32Array(rt.exports.memory.buffer);
      // the table's place: where its first 8 entries (distinct enough) stand in memory
      let at = -1;
      for (let i = 0; i + want.length <= mem.length && at < 0; i++) if (want.slice(0, 8).every((v, k) => mem[i + k] === v)) at = i;
      assert.ok(at >= 0, `${name}: not found in the module's memory`);
      const got = Array.from(mem.subarray(at, at + want.length));
      const differ = got.flatMap((v, k) => (v === want[k] ? [] : [`[${k}] ${v} vs ${want[k]}`]));
      assert.deepEqual(differ, [], `${name} differs from tables.mjs`);
    }
  });
}
