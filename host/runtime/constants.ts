// The numbers the module and its hosts share live in one file, assembly/constants.ts, which asc
// compiles into the module; the host reads the same file.
export * from "../../assembly/constants.js";
