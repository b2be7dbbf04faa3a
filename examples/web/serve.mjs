// The web example's server: the repository's files that the page needs, from 127.0.0.1, nothing
// else. The page lives at /examples/web/ and reaches the worklet and the models by their places in
// the repository (../../dist/worklet.js, ../../models/…), so no file is copied and any static server
// over the repository's root serves the page the same way.
//
//   npm run demo:web                                  (builds, then runs this)
//   node examples/web/serve.mjs [--port 8080] [--host 127.0.0.1]     (--port 0: any free port)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** The only folders and files served (relative to the repository's root): the page, the bundles, the two builds, the models, the sample. */
const ALLOWED = ["examples/web", "dist", "build/tinyrnn.simd.wasm", "build/tinyrnn.mvp.wasm", "models/hey-jarvis", "models/commands", "models/sample"];
const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".tinyrnn": "application/octet-stream",
  ".wav": "audio/wav",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** The file a URL path names, or undefined when it lies outside the allowed folders. */
function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes("\0")) return undefined;
  const file = resolve(ROOT, "." + path); // resolve() folds every "..": then the prefix test is exact
  return ALLOWED.some((dir) => file === join(ROOT, dir) || file.startsWith(join(ROOT, dir) + sep)) ? file : undefined;
}

function send(res, status, body, type = "text/plain; charset=utf-8", extra = {}) {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...extra });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

const server = createServer(async (req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "GET or HEAD only\n", undefined, { Allow: "GET, HEAD" });
  const { pathname, search } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === "/" || pathname === "/examples/web") return send(res, 302, "", undefined, { Location: "/examples/web/" + search });
  let file = fileFor(pathname);
  if (!file) return send(res, 404, "not served here\n");
  try {
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    const body = await readFile(file);
    send(res, 200, body, MIME[extname(file)] ?? "application/octet-stream");
  } catch {
    send(res, 404, "not found\n");
  }
});

const host = option("host", "127.0.0.1");
const port = Number(option("port", process.env.PORT ?? 8080));
if (!existsSync(join(ROOT, "dist/worklet.js"))) console.warn("dist/worklet.js is missing: run `npm run build` first (npm run demo:web does)");
server.listen(port, host, () => {
  const { port: bound } = server.address();
  console.log(`tinyrnn web demo: http://${host}:${bound}/examples/web/`);
});
