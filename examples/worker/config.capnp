# workerd's configuration for worker.js: an HTTP socket, the worker with its modules, one Durable
# Object namespace, its storage on disk. From the repository's root, after `npm run build`:
#
#   mkdir -p build/worker/do-storage
#   npx workerd serve examples/worker/config.capnp
#   curl --data-binary @chunk.pcm http://127.0.0.1:8787/streams/kitchen
#
# `--socket-addr http=127.0.0.1:<port>` and `--directory-path do-storage=<dir>` override the two.
# `embed` paths are relative to this file; the storage path to the directory workerd runs in.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "do-storage", disk = (path = "build/worker/do-storage", writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    # what wrangler resolves from the package (tinyrnn/core, tinyrnn/wasm/simd), named here
    (name = "tinyrnn/core", esModule = embed "../../dist/core.js"),
    (name = "tinyrnn/wasm/simd", wasm = embed "../../build/tinyrnn.simd.wasm"),
    (name = "hey-jarvis.tinyrnn", data = embed "../../models/hey-jarvis/hey-jarvis.tinyrnn"),
    (name = "vibration.tinyrnn", data = embed "../../models/sensor/vibration.tinyrnn"),
  ],
  compatibilityDate = "2025-11-01",
  bindings = [(name = "STREAMS", durableObjectNamespace = "TinyrnnStream")],
  durableObjectNamespaces = [(className = "TinyrnnStream", uniqueKey = "tinyrnn-example-streams", enableSql = true)],
  durableObjectStorage = (localDisk = "do-storage"),
);
