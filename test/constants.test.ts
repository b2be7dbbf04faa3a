// assembly/constants.ts is the one source of the numbers the module and its hosts share: the
// module compiles it, the host imports it, the recipes parse it. These tests hold every other
// list of those numbers to it, so that none can drift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import * as C from "../assembly/constants.js";
import { ERRORS, FRONTEND_CONFIG_FIELDS } from "../host/runtime/abi.js";
import { KIND } from "../host/runtime/format.js";
import { LAYERS } from "../host/build/layers/index.js";
import { ACTIVATION_CODE } from "../host/build/layers/dense.js";
import { defaultFrontendConfig, encodeFrontendConfig } from "../host/runtime/frontend.js";

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

test("the C header (host/c/tinyrnn.h) is what host/c/make-header.mjs makes from these files", () => {
  const r = spawnSync(process.execPath, ["host/c/make-header.mjs", "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("the C self-test (host/c/tinyrnn_selftest.h) is what host/c/make-selftest.mjs makes from this build", () => {
  const r = spawnSync(process.execPath, ["host/c/make-selftest.mjs", "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("compiled, the C header's numbers, messages and default frontend config are the host's", (t) => {
  if (spawnSync("cc", ["--version"]).status !== 0) return t.skip("no C compiler (cc) here");
  const rates = [8000, 16000, 22050, 32000, 44100, 48000];
  const program = [
    '#include <stdio.h>',
    '#include "tinyrnn.h"',
    "int main(void) {",
    '    int32_t fe[TINYRNN_FE_CONFIG_FIELDS];',
    '    int i, r;',
    `    static const int rates[] = { ${rates.join(", ")} };`,
    '    printf("{\\"constants\\": {");',
    ...Object.keys(all).map((k, i) => `    printf("${i ? "," : ""}\\"${k}\\": %.17g", (double)TINYRNN_${k});`),
    '    printf("}, \\"errors\\": {");',
    `    for (i = 1; i <= ${Math.max(...Object.values(ERRORS).map((e) => e.code))}; i++) printf("%s\\"%s\\": [%d, \\"%s\\"]", i > 1 ? "," : "", tinyrnn_error_name(-i), i, tinyrnn_error_message(i));`,
    '    printf("}, \\"frontend\\": [");',
    '    for (r = 0; r < 6; r++) {',
    '        tinyrnn_default_frontend_config(fe, rates[r]);',
    '        for (i = 0; i < TINYRNN_FE_CONFIG_FIELDS; i++) printf("%s%ld", r + i ? "," : "", (long)fe[i]);',
    "    }",
    '    printf("]}\\n");',
    "    return 0;",
    "}",
  ].join("\n");
  mkdirSync("build/test-c", { recursive: true });
  writeFileSync("build/test-c/header.c", program);
  const cc = spawnSync("cc", ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Ihost/c", "build/test-c/header.c", "-o", "build/test-c/header"], { encoding: "utf8" });
  assert.equal(cc.status, 0, `the header does not compile cleanly (C99, -Wall -Wextra -Wpedantic):\n${cc.stderr}`);
  const out = spawnSync("build/test-c/header", { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  const got = JSON.parse(out.stdout) as { constants: Record<string, number>; errors: Record<string, [number, string]>; frontend: number[] };
  assert.deepEqual(got.constants, all);
  assert.deepEqual(got.errors, Object.fromEntries(Object.entries(ERRORS).map(([k, e]) => [k, [e.code, e.message]])));
  assert.deepEqual(got.frontend, rates.flatMap((rate) => [...encodeFrontendConfig(defaultFrontendConfig(rate))]));
});
