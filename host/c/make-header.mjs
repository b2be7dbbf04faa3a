// Regenerates the marked parts of host/c/tinyrnn.h ("BEGIN GENERATED <part>" … "END GENERATED
// <part>") from the files the module and the TypeScript host already read, so the C host cannot
// drift from them:
//   constants  every `export const` of assembly/constants.ts as TINYRNN_<NAME>, in its order,
//              with its comments and section headings
//   errors     host/runtime/abi.ts's ERRORS (each code's name, message and what its detail
//              means) and FRONTEND_CONFIG_FIELDS, as static inline functions
//   exports    ABI_FUNCTIONS with each export's argument count (from the TinyrnnExports
//              interface), as the X-macro TINYRNN_EXPORTS
//   frontend   tinyrnn_default_frontend_config(): encodeFrontendConfig(defaultFrontendConfig())
//              of host/runtime/frontend.ts, word for word
// The rest of the header (the usage example, the contracts, the C layer's API) is written by
// hand. The header is committed (a C user needs no Node), so this runs by hand, not in every
// build: test/constants.test.ts runs it with --check and fails while the header is stale.
// Usage: node host/c/make-header.mjs [--check]
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root, importTs, writeOrCheck } from "../generate.mjs";

const HEADER = join(root, "host/c/tinyrnn.h");
const rel = (p) => relative(root, p);

/** The TypeScript side, bundled on the fly (the host's own objects, not a parse of its text). */
function hostModule() {
  return importTs(`export { ERRORS, ABI_FUNCTIONS, FRONTEND_CONFIG_FIELDS } from "./host/runtime/abi.ts";
    export { KIND } from "./host/runtime/format.ts";
    export { LAYERS } from "./host/build/layers/index.ts";
    export { defaultFrontendConfig, encodeFrontendConfig } from "./host/runtime/frontend.ts";
    export * as C from "./assembly/constants.ts";`, "make-header-entry.ts");
}

const comment = (text) => `/* ${text.replace(/\*\//g, "* /")} */`;

/** assembly/constants.ts → #defines, in order, with its comments and headings (the file's own introduction left out). */
function constantsPart(C) {
  const lines = readFileSync(join(root, "assembly/constants.ts"), "utf8").split("\n");
  const first = lines.findIndex((l) => l.startsWith("// ----"));
  const out = [];
  const seen = new Set();
  for (const line of lines.slice(first)) {
    if (line.trim() === "") { if (out.length && out.at(-1) !== "") out.push(""); continue; }
    if (line.startsWith("//")) { out.push(comment(line.replace(/^\/\/\s?/, ""))); continue; }
    const m = /^export const ([A-Z][A-Z0-9_]*) = (0x[0-9a-f]+|\d+\.\d+|\d+);(?: \/\/ (.*))?$/.exec(line);
    if (!m) throw new Error(`assembly/constants.ts: a line that is not \`export const NAME = literal;\`: ${line}`);
    const [, name, literal, note] = m;
    if (Number(literal) !== C[name]) throw new Error(`assembly/constants.ts: ${name} reads ${literal} but is ${C[name]}`);
    seen.add(name);
    const def = `#define TINYRNN_${name} ${literal}`;
    out.push(note ? `${def.padEnd(48)} ${comment(note)}` : def);
  }
  const missing = Object.keys(C).filter((k) => !seen.has(k));
  if (missing.length) throw new Error(`assembly/constants.ts: ${missing.join(", ")} not found as \`export const\` lines after the first heading`);
  while (out.at(-1) === "") out.pop();
  return out;
}

/** What each ERRORS detail kind is called in C; abi.ts's describeDetail formats them, and so does tinyrnn.c. */
const DETAIL_KINDS = ["none", "bytes", "version", "headerByte", "layer", "inputElement", "numType", "hz", "frontendField", "argument", "layerTensor"];
const upper = (camel) => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

function errorsPart(ERRORS, FIELDS, KIND, LAYERS) {
  const entries = Object.entries(ERRORS).sort((a, b) => a[1].code - b[1].code);
  const constName = (name) => `TINYRNN_ERR_${upper(name)}`;
  for (const [name, e] of entries) {
    if (!DETAIL_KINDS.includes(e.detail)) throw new Error(`host/runtime/abi.ts: ERRORS.${name}'s detail "${e.detail}" is new: add it to DETAIL_KINDS here and to tinyrnn.c's describe()`);
  }
  const cases = (value) => entries.map(([name, e]) => `    case ${constName(name)}: return ${value(name, e)};`);
  const out = [
    "/* A code (or a call's negated result) by name: TypeScript's TinyrnnError.code. */",
    "static inline const char *tinyrnn_error_name(int code) {",
    "    switch (code < 0 ? 0u - (unsigned)code : (unsigned)code) {",
    ...cases((name) => JSON.stringify(name)),
    '    case TINYRNN_WASM_FAILED: return "wasmFailed";',
    '    default: return "unknown";',
    "    }",
    "}",
    "",
    "/* A code (or a call's negated result) in words (host/runtime/abi.ts ERRORS). */",
    "static inline const char *tinyrnn_error_message(int code) {",
    "    switch (code < 0 ? 0u - (unsigned)code : (unsigned)code) {",
    ...cases((_, e) => JSON.stringify(e.message)),
    '    case TINYRNN_WASM_FAILED: return "the WebAssembly runtime failed";',
    '    default: return "unknown error";',
    "    }",
    "}",
    "",
    "/* What errorDetail() says for each code. */",
    ...DETAIL_KINDS.map((k, i) => `#define TINYRNN_DETAIL_${upper(k)} ${i}`),
    "",
    "static inline int tinyrnn_error_detail_kind(int code) {",
    "    switch (code < 0 ? 0u - (unsigned)code : (unsigned)code) {",
    ...entries.filter(([, e]) => e.detail !== "none").map(([name, e]) => `    case ${constName(name)}: return TINYRNN_DETAIL_${upper(e.detail)};`),
    "    default: return TINYRNN_DETAIL_NONE;",
    "    }",
    "}",
    "",
    "/* A layer kind (TINYRNN_KIND_*) by name, or NULL. */",
    "static inline const char *tinyrnn_kind_name(int kind) {",
    "    switch (kind) {",
    ...Object.keys(KIND).map((k) => `    case TINYRNN_KIND_${upper(k)}: return ${JSON.stringify(k)};`),
    "    default: return NULL;",
    "    }",
    "}",
    "",
    "/* Tensor `index` of an f32 layer of `kind` by name (host/build/layers/index.ts LAYERS' f32Tensors), or NULL:",
    " * the tensor of a TINYRNN_ERR_NON_FINITE_WEIGHT detail. */",
    "static inline const char *tinyrnn_f32_tensor_name(int kind, int index) {",
    "    if (index < 0 || index > 255) return NULL;",
    "    switch (kind * 256 + index) {",
    ...Object.entries(LAYERS).flatMap(([k, { f32Tensors: names }]) => names.map((n, i) => `    case TINYRNN_KIND_${upper(k)} * 256 + ${i}: return ${JSON.stringify(n)};`)),
    "    default: return NULL;",
    "    }",
    "}",
    "",
    "/* A frontend config field (TINYRNN_FE_*) by name: errorDetail() of TINYRNN_ERR_BAD_FRONTEND_CONFIG. */",
    "static inline const char *tinyrnn_frontend_field_name(int field) {",
    "    switch (field) {",
    ...FIELDS.map((f, i) => `    case ${i}: return ${JSON.stringify(f)};`),
    "    default: return NULL;",
    "    }",
    "}",
  ];
  return out;
}

/** ABI_FUNCTIONS, each with its argument count as the TinyrnnExports interface declares it. */
function exportsPart(ABI) {
  const text = readFileSync(join(root, "host/runtime/abi.ts"), "utf8");
  const body = /export interface TinyrnnExports \{([\s\S]*?)\n\}/.exec(text)?.[1];
  if (!body) throw new Error("host/runtime/abi.ts: no `export interface TinyrnnExports { … }`");
  const arity = new Map();
  for (const m of body.matchAll(/^\s*(\w+)\(([^)]*)\): \w+;/gm)) arity.set(m[1], m[2].trim() === "" ? 0 : m[2].split(",").length);
  const names = [...arity.keys()];
  if (names.slice().sort().join() !== [...ABI].sort().join()) {
    throw new Error(`host/runtime/abi.ts: TinyrnnExports declares ${names.join(", ")} but ABI_FUNCTIONS lists ${ABI.join(", ")}`);
  }
  return [
    "/* X(name, argument count) for every export but `memory`, in ABI_FUNCTIONS' order */",
    "#define TINYRNN_EXPORTS(X) \\",
    ...ABI.map((n, i) => `    X(${n}, ${arity.get(n)})${i < ABI.length - 1 ? " \\" : ""}`),
    `#define TINYRNN_EXPORT_COUNT ${ABI.length}`,
  ];
}

/** The default frontend config, word for word what the TypeScript host encodes. */
function frontendPart(C, FIELDS, defaultFrontendConfig, encodeFrontendConfig) {
  const probe = 16000;
  const words = encodeFrontendConfig(defaultFrontendConfig(probe));
  const cfg = defaultFrontendConfig(probe);
  const fieldConst = Object.entries(C).filter(([k]) => k.startsWith("FE_") && !k.startsWith("FE_FLAG_") && k !== "FE_CONFIG_FIELDS");
  const byIndex = new Map(fieldConst.map(([k, v]) => [v, k]));
  const said = {
    FE_SAMPLE_RATE_HZ: "the input's rate", FE_WINDOW_SAMPLES: `${cfg.windowMs} ms`, FE_HOP_SAMPLES: `${cfg.hopMs} ms`,
    FE_FLAGS: ["noiseReduction", "pcan", "log"].filter((k) => cfg[k]).join(", "),
    FE_EVEN_SMOOTHING: `${cfg.evenSmoothing}, Q14`, FE_ODD_SMOOTHING: `${cfg.oddSmoothing}, Q14`,
    FE_MIN_SIGNAL_REMAINING: `${cfg.minSignalRemaining}, Q14`, FE_PCAN_STRENGTH: `${cfg.pcanStrength}, Q16`, FE_PCAN_OFFSET: `${cfg.pcanOffset}, Q16`,
  };
  const flagExpr = (v) => ["FE_FLAG_NOISE_REDUCTION", "FE_FLAG_PCAN", "FE_FLAG_LOG"].filter((f) => v & C[f]).map((f) => `TINYRNN_${f}`).join(" | ") || "0";
  const out = [
    "/* The frontend config of micro_speech and microWakeWord, what host/runtime/frontend.ts's",
    ` * defaultFrontendConfig() gives: ${cfg.windowMs} ms window, ${cfg.hopMs} ms hop, ${cfg.channels} channels ${cfg.lowHz}-${cfg.highHz} Hz, noise reduction, PCAN, log;`,
    " * for PCM at sample_rate_hz (8000, 16000, 22050, 32000, 44100 or 48000). */",
    "static inline void tinyrnn_default_frontend_config(int32_t fe[TINYRNN_FE_CONFIG_FIELDS], int32_t sample_rate_hz) {",
  ];
  for (let i = 0; i < C.FE_CONFIG_FIELDS; i++) {
    const k = byIndex.get(i);
    if (!k) throw new Error(`assembly/constants.ts: no FE_* constant for frontend config field ${i}`);
    const value = k === "FE_SAMPLE_RATE_HZ" ? "sample_rate_hz" : k === "FE_FLAGS" ? flagExpr(words[i]) : String(words[i]);
    const stmt = `    fe[TINYRNN_${k}] = ${value};`;
    out.push(said[k] ? `${stmt.padEnd(64)} ${comment(said[k])}` : stmt);
  }
  if (words[C.FE_SAMPLE_RATE_HZ] !== probe) throw new Error("encodeFrontendConfig no longer puts the rate in FE_SAMPLE_RATE_HZ as given");
  out.push("}");
  return out;
}

function splice(text, part, lines) {
  const begin = `/* BEGIN GENERATED ${part} */`, end = `/* END GENERATED ${part} */`;
  const a = text.indexOf(begin), b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${rel(HEADER)}: no "${begin}" … "${end}" markers`);
  const note = `/* (made by host/c/make-header.mjs: do not edit) */`;
  return text.slice(0, a + begin.length) + "\n" + [note, ...lines].join("\n") + "\n" + text.slice(b);
}

export async function makeHeader(current = readFileSync(HEADER, "utf8")) {
  const { ERRORS, ABI_FUNCTIONS, FRONTEND_CONFIG_FIELDS, KIND, LAYERS, defaultFrontendConfig, encodeFrontendConfig, C } = await hostModule();
  let text = current;
  text = splice(text, "constants", constantsPart(C));
  text = splice(text, "errors", errorsPart(ERRORS, FRONTEND_CONFIG_FIELDS, KIND, LAYERS));
  text = splice(text, "exports", exportsPart(ABI_FUNCTIONS));
  text = splice(text, "frontend", frontendPart(C, FRONTEND_CONFIG_FIELDS, defaultFrontendConfig, encodeFrontendConfig));
  // every export has its contract in the hand-written part
  for (const name of ABI_FUNCTIONS) {
    if (!new RegExp(`^ \\*   .*\\b${name}\\(`, "m").test(text)) throw new Error(`${rel(HEADER)}: the exports' contracts do not mention ${name}(…)`);
  }
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeOrCheck(HEADER, makeHeader, "node host/c/make-header.mjs");
}
