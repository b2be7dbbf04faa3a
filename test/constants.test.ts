// assembly/constants.ts is the one source of the numbers the module and its hosts share: the
// module compiles it, the host imports it, the recipes parse it. These tests hold every other
// list of those numbers to it, so that none can drift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import * as C from "../assembly/constants.js";
import { ERRORS, FRONTEND_CONFIG_FIELDS } from "../host/runtime/abi.js";
import { KIND } from "../host/runtime/format.js";
import { LAYERS } from "../host/build/layers/index.js";
import { ACTIVATION_CODE } from "../host/build/layers/dense.js";

const all = C as unknown as Record<string, number>;
const named = (prefix: string) => Object.entries(all).filter(([k]) => k.startsWith(prefix));
const camel = (upper: string) => upper.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

test("constants.ts has only `export const NAME = number;` lines (what asc, tsc, Python and a C generator all read)", () => {
  const names = new Set<string>();
  readFileSync("assembly/constants.ts", "utf8").split("\n").forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("//")) return;
    const m = /^export const ([A-Z][A-Z0-9_]*) = (0x[0-9a-f]+|\d+\.\d+|\d+);( \/\/ .*)?$/.exec(line);
    assert.ok(m, `constants.ts line ${i + 1} is not of the form: ${line}`);
    assert.ok(!names.has(m[1]), `${m[1]} is declared twice`);
    names.add(m[1]);
  });
  assert.deepEqual([...names].sort(), Object.keys(all).sort());
});

test("every error code has one name and message on the host, and the host has no code of its own", () => {
  const codes = named("ERR_").map(([, v]) => v).sort((a, b) => a - b);
  assert.deepEqual(Object.values(ERRORS).map((e) => e.code).sort((a, b) => a - b), codes);
  assert.deepEqual(codes, codes.map((_, i) => i + 1), "error codes run 1, 2, 3 … with no gaps");
  for (const [name, e] of Object.entries(ERRORS)) assert.ok(e.message.length > 0, name);
});

test("the host's kind list and layer registry cover every kind, and only those", () => {
  const kinds = named("KIND_").filter(([k]) => k !== "KIND_COUNT");
  assert.deepEqual(Object.fromEntries(Object.entries(KIND).map(([k, v]) => [`KIND_${k.toUpperCase()}`, v])), Object.fromEntries(kinds));
  assert.deepEqual(Object.keys(LAYERS).sort(), Object.keys(KIND).sort());
  assert.equal(C.KIND_COUNT, Math.max(...kinds.map(([, v]) => v)) + 1);
});

test("dense activations and frontend config fields are the constants' own, in order", () => {
  assert.deepEqual(Object.fromEntries(Object.entries(ACTIVATION_CODE).map(([k, v]) => [`ACT_${k.toUpperCase()}`, v])), Object.fromEntries(named("ACT_")));
  const fields = named("FE_").filter(([k]) => !k.startsWith("FE_FLAG_") && k !== "FE_CONFIG_FIELDS");
  assert.equal(fields.length, C.FE_CONFIG_FIELDS);
  for (const [k, v] of fields) assert.equal(FRONTEND_CONFIG_FIELDS[v], camel(k.slice(3)), k);
});

test("the recipes read the same numbers (models/train/constants.py)", () => {
  const py = spawnSync("python3", ["models/train/constants.py"], { encoding: "utf8" });
  assert.equal(py.status, 0, py.stderr);
  assert.deepEqual(JSON.parse(py.stdout), all);
});
