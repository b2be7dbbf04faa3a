// A machine's vibration scored in Deno: a float32 .npy stream, from a file or stdin, through the
// vibration model (models/sensor/README.md); one JSON event per line, as `tinyrnn detect --json`.
// The stream is raw accelerometer samples [n, 3] (x, y, z in g at 5120 Hz: features.mjs makes the
// frames) or the model's own input rows [n, 51]; it is scored as it arrives.
//
//   npm run build
//   deno run --allow-read examples/deno/sensor.ts models/sensor/vibration.tinyrnn models/sensor/sample-raw.npy
//   cat machine.npy | deno run --allow-read examples/deno/sensor.ts models/sensor/vibration.tinyrnn -
//   … --build=mvp    (the build without SIMD; default: SIMD when the engine has it)

// In an app: from "npm:tinyrnn" (or "tinyrnn" where a package.json lists it). features.mjs is a
// file of the package (models/sensor/), not one of its exports: copy it beside your code.
import { createRuntime, SensorStream } from "../../dist/tinyrnn.js";
import { VibrationFeatures } from "../../models/sensor/features.mjs";

const build = Deno.args.find((a) => a.startsWith("--build="))?.slice(8) as "simd" | "mvp" | undefined;
const [modelPath, inputPath = "-"] = Deno.args.filter((a) => !a.startsWith("--"));
if (!modelPath) {
  console.error("usage: sensor.ts [--build=simd|mvp] <model.tinyrnn> [<input.npy>|-]");
  Deno.exit(2);
}

const rt = await createRuntime({ build });
const sensor = new SensorStream(rt.loadModel(await Deno.readFile(modelPath)));
const features = new VibrationFeatures();
const input = inputPath === "-" ? Deno.stdin.readable : (await Deno.open(inputPath)).readable;

let events = 0;
for await (const { rows, cols } of npyRows(input)) {
  if (cols !== 3 && cols !== sensor.model.inputLen) throw new Error(`${cols} columns: not x, y, z samples nor the model's ${sensor.model.inputLen} features`);
  const frames = cols === 3 ? features.push(rows) : rows;
  for (const e of sensor.push(frames)) {
    console.log(JSON.stringify({ label: e.label, score: Number(e.score.toFixed(4)), startMs: Math.round(e.startMs), endMs: Math.round(e.endMs) }));
    events++;
  }
}
console.error(`${events} events in ${(sensor.elapsedMs / 1000).toFixed(1)} s (${rt.build} build)`);

/** A float32 [n, cols] .npy stream, in whole rows as its bytes arrive. */
async function* npyRows(stream: ReadableStream<Uint8Array>) {
  let buf = new Uint8Array(0), cols = 0;
  for await (const chunk of stream) {
    const joined = new Uint8Array(buf.length + chunk.length);
    joined.set(buf);
    joined.set(chunk, buf.length);
    buf = joined;
    if (cols === 0) {
      const end = 10 + (buf[8] | (buf[9] << 8)); // format 1.0: magic, version, header length, header
      if (buf.length < 10 || buf.length < end) continue;
      const header = new TextDecoder().decode(buf.subarray(10, end)).replace(/\s/g, "");
      const shape = /^\{'descr':'<f4','fortran_order':False,'shape':\(\d+,(\d+)\),?\}$/.exec(header);
      if (!shape) throw new Error(`expected a float32 [n, cols] .npy, got ${header}`);
      cols = Number(shape[1]);
      buf = buf.slice(end);
    }
    const whole = buf.length - (buf.length % (4 * cols));
    if (whole > 0) yield { rows: new Float32Array(buf.slice(0, whole).buffer), cols };
    buf = buf.slice(whole);
  }
}
