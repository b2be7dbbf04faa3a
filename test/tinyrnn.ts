// Everything the tests use from the package's entries in one import: the runtime ("tinyrnn"), the
// tools that make model files ("tinyrnn/build") and the evaluation ("tinyrnn/eval"). Test
// yardsticks that are no API are imported from their files.
export * from "../host/runtime/index.js";
export * from "../host/build/index.js";
export * from "../host/eval/index.js";
