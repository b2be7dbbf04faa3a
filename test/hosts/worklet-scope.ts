// Helpers for the worklet tests: an AudioWorkletGlobalScope imitated in a node:vm context, and the
// sample recording at 48 kHz (the rate a browser's microphone path usually runs at).
import vm from "node:vm";
import { readFileSync } from "node:fs";
import { readWav } from "../../host/runtime/wav.js";
import type { WorkletCommand, WorkletMessage, WorkletOptions } from "../../host/runtime/worklet.js";

/** Globals a worklet scope lacks; the scope records any read of them. */
export const ABSENT_GLOBALS = ["URL", "TextDecoder", "TextEncoder", "fetch", "Response", "performance", "atob", "process", "Buffer"] as const;

interface FakePort {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: WorkletMessage): void;
}

export interface FakeNode {
  /** What the processor posted, in order. */
  messages: WorkletMessage[];
  /** One render quantum (or any number of frames): channels of the first input. */
  process(channels: Float32Array[]): boolean;
  /** node.port.postMessage(command). */
  post(command: WorkletCommand): void;
}

export interface FakeScope {
  /** Globals from ABSENT_GLOBALS that some code read. */
  touched: string[];
  /** new AudioWorkletNode(ctx, name, { processorOptions }) */
  node(processorOptions: Partial<WorkletOptions>, name?: string): FakeNode;
}

/**
 * Run a worklet bundle (dist/worklet.js) the way a browser does: a fresh scope with
 * registerProcessor, AudioWorkletProcessor (whose port is a stand-in MessagePort), sampleRate and
 * WebAssembly, and nothing of the window's or Node's.
 */
export function workletScope(bundle: string, sampleRateHz: number): FakeScope {
  const touched: string[] = [];
  const registered = new Map<string, new (options: unknown) => { process(inputs: Float32Array[][]): boolean }>();
  const scope = vm.createContext({ WebAssembly, sampleRate: sampleRateHz });
  for (const name of ABSENT_GLOBALS) {
    Object.defineProperty(scope, name, { get() { touched.push(name); return undefined; }, configurable: true });
  }
  scope.registerProcessor = (name: string, cls: new (options: unknown) => { process(inputs: Float32Array[][]): boolean }) => registered.set(name, cls);
  // each processor's port: a stand-in MessagePort whose messages go to the node being made
  let made: { port: FakePort; messages: WorkletMessage[] } | undefined;
  scope.__newPort = () => {
    const messages: WorkletMessage[] = [];
    const port: FakePort = { onmessage: null, postMessage: (m) => messages.push(m) };
    made = { port, messages };
    return port;
  };
  vm.runInContext("globalThis.AudioWorkletProcessor = class AudioWorkletProcessor { constructor() { this.port = __newPort(); } };", scope);
  // as a module is: its top-level names are its own, not the global object's (a vm context's global
  // goes through interceptors, which would make every top-level lookup slow)
  vm.runInContext(`(() => { "use strict";\n${bundle}\n})();`, scope, { filename: "worklet.js", lineOffset: -1 });
  return {
    touched,
    node(processorOptions, name = "tinyrnn") {
      const cls = registered.get(name);
      if (!cls) throw new Error(`no processor "${name}" registered (have: ${[...registered.keys()].join(", ")})`);
      made = undefined;
      const p = new cls({ processorOptions });
      const got = made as { port: FakePort; messages: WorkletMessage[] } | undefined; // set by the constructor
      if (!got) throw new Error("the processor did not call super()");
      const { port, messages } = got;
      const inputs = [[] as Float32Array[]];
      return {
        messages,
        process(channels) { inputs[0] = channels; return p.process(inputs); },
        post(command) { port.onmessage?.({ data: command }); },
      };
    },
  };
}

/**
 * models/sample/morning.wav (16 kHz) at 48 kHz: zeros stuffed between the samples, then a
 * windowed-sinc low-pass at 8 kHz (Hann window, 8 zero crossings a side: 49 taps). Any clean
 * upsampling does: the spotter resamples back to 16 kHz and only needs the speech.
 */
export function sampleAt48k(): Float32Array {
  const { samples, sampleRateHz } = readWav(readFileSync("models/sample/morning.wav"), "morning.wav");
  if (sampleRateHz !== 16000) throw new Error(`the sample is at ${sampleRateHz} Hz, not 16000`);
  const L = 3, Z = 8, half = Z * L;
  const taps = new Float32Array(2 * half + 1);
  for (let k = -half; k <= half; k++) {
    const x = k / L;
    const sinc = k === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    taps[k + half] = sinc * (0.5 + 0.5 * Math.cos((Math.PI * k) / (half + 1)));
  }
  const out = new Float32Array(samples.length * L);
  for (let n = 0; n < out.length; n++) {
    // out[n] = Σ_m samples[m] · h(n − mL)
    let s = 0;
    const m0 = Math.ceil((n - half) / L), m1 = Math.floor((n + half) / L);
    for (let m = Math.max(0, m0); m <= Math.min(samples.length - 1, m1); m++) s += samples[m] * taps[n - m * L + half];
    out[n] = s;
  }
  return out;
}
