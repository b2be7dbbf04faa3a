// The module makes the tables of its integer sigmoid/tanh, SiLU, softplus and exp at the first
// model load (activationTablesInit, assembly/activations.ts); they are exactly what
// assembly/tables.mjs makes in JavaScript with the same f64 arithmetic, entry for entry, on both
// builds — and the sigmoid table is TFLite Micro's, entry for entry.
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
    assert.equal(Object.keys(VALUES).length, 5, "assembly/tables.mjs makes five tables");
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

// TFLite Micro's / CMSIS-NN's int16 sigmoid table (sigmoid_table_uint16, Apache-2.0), as the module
// stored it until it made the table at load: tables.mjs's formula must give it back exactly.
const TFLITE_SIGMOID_TABLE = [
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
  43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
  51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
  57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
  61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
  63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
  64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
  64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
  65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
  65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
  65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
  65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
  65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
  65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
  65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
];

test("tables.mjs's sigmoid table is TFLite Micro's, entry for entry", async () => {
  const { VALUES } = (await import(pathToFileURL("assembly/tables.mjs").href)) as { VALUES: Record<string, ["u16" | "u32", number[]]> };
  assert.deepEqual(VALUES.SIGMOID_TABLE[1], TFLITE_SIGMOID_TABLE);
});
