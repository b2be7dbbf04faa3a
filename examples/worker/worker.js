// A stream per id in a Worker: one Durable Object per stream keeps its whole pipeline state in
// storage, so eviction and restarts lose nothing.
//
//   POST /streams/<id>   raw PCM16 little-endian mono 16 kHz → [{label, score, startMs, endMs}]
//   POST /sensors/<id>   float32 little-endian rows [n, 51] (the vibration model's input) → events
//   POST /streams, /sensors   the same without an id: one clip, nothing kept
//
// Times count from the stream's first sample; send a stream's chunks one after the other. workerd
// runs it with ./config.capnp, from the repository's root after `npm run build`:
//
//   mkdir -p build/worker/do-storage && npx workerd serve examples/worker/config.capnp
//   curl --data-binary @chunk.pcm http://127.0.0.1:8787/streams/kitchen
//
// Wrangler bundles the same file: the .wasm and .tinyrnn imports need its module rules.

import { DurableObject } from "cloudflare:workers";
import { Runtime, KeywordSpotter, SensorStream } from "tinyrnn/core";
import wasm from "tinyrnn/wasm/simd"; // a WebAssembly.Module: Workers cannot compile bytes
import heyJarvis from "./hey-jarvis.tinyrnn"; // ArrayBuffers (copies of models/*/*.tinyrnn)
import vibration from "./vibration.tinyrnn";

// One runtime and one copy of each model per isolate, shared by every stream it runs.
const rt = Runtime.createSync(wasm);
const kinds = {
  streams: { model: rt.loadModel(heyJarvis), open: (m) => new KeywordSpotter(m), push: (s, b) => s.push(new Int16Array(b), 16000) },
  sensors: { model: rt.loadModel(vibration), open: (m) => new SensorStream(m), push: (s, b) => s.push(new Float32Array(b)) },
};

export default {
  async fetch(request, env) {
    const [, kind, id, extra] = new URL(request.url).pathname.split("/");
    // the module's linear memory: the same however many streams come and go
    if (request.method === "GET" && !kind) return Response.json({ build: rt.build, memoryBytes: rt.memoryBytes });
    if (request.method !== "POST" || !Object.hasOwn(kinds, kind) || extra !== undefined) {
      return new Response("POST /streams/<id> (PCM16 LE, 16 kHz mono) or /sensors/<id> (float32 LE rows)\n", { status: 404 });
    }
    const body = await request.arrayBuffer();
    try {
      if (!id) return Response.json(run(kind, body).events);
      const stub = env.STREAMS.get(env.STREAMS.idFromName(`${kind}/${id}`));
      return Response.json(await stub.push(kind, body));
    } catch (e) {
      return new Response(`${e.message}\n`, { status: 400 });
    }
  },
};

export class TinyrnnStream extends DurableObject {
  async push(kind, body) {
    const { events, state } = run(kind, body, await this.ctx.storage.get("state"), true);
    if (state) await this.ctx.storage.put("state", state);
    return events;
  }
}

/** The chunk's events through a pipeline opened for it from `state`, if any; the state after, if `keep`. */
function run(kind, body, state, keep = false) {
  const { model, open, push } = kinds[kind];
  // Opened per request and freed at once: nothing outlives a request but the saved bytes, so an
  // evicted object leaks nothing (Workers tell an object nothing when they drop it).
  const stream = open(model);
  try {
    if (state) stream.loadState(state);
    const events = push(stream, body);
    return { events, state: keep && (state || body.byteLength > 0) ? stream.saveState() : undefined };
  } finally {
    stream.dispose();
  }
}
