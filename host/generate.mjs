// What the generators of committed files share (host/c/make-header.mjs, host/c/make-selftest.mjs,
// host/build/convert/make-onnx-descriptor.mjs): importing the host's TypeScript as it is, and
// writing a generated file, or with --check failing when the committed one is stale.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";

/** The repository's root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `contents` (TypeScript re-exporting from paths relative to the root), bundled and imported. */
export async function importTs(contents, sourcefile, options = {}) {
  const r = await build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile },
    bundle: true, format: "esm", write: false, logLevel: "error", platform: "neutral", ...options,
  });
  return import("data:text/javascript;base64," + Buffer.from(r.outputFiles[0].text).toString("base64"));
}

/**
 * Write `file` with the text `make` returns (given the file's current text, "" if none) when it
 * differs; with --check in the arguments, exit 1 instead when it differs. `command` is how to
 * regenerate it, for the message. Any error ends the process with its message.
 */
export async function writeOrCheck(file, make, command) {
  const rel = relative(root, file);
  try {
    let current = "";
    try { current = readFileSync(file, "utf8"); } catch { /* not written yet */ }
    const text = await make(current);
    if (text === current) return;
    if (process.argv.includes("--check")) {
      console.error(`${rel} is stale: run ${command}`);
      process.exit(1);
    }
    writeFileSync(file, text);
    console.error(`wrote ${rel}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
