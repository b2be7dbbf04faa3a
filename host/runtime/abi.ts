// The module's ABI, declared once: assembly/index.ts exports exactly these. Handles are pointers
// (> 0); a negative number is an error code (ERRORS). The numbers both sides share are in
// assembly/constants.ts.

import * as C from "./constants.js";

export interface TinyrnnExports {
  memory: WebAssembly.Memory;
  memAlloc(bytes: number): number;
  memFree(ptr: number): void;
  errorDetail(): number;
  modelLoad(image: number, imageBytes: number): number;
  modelFree(model: number): number;
  /** a number about a model: selector C.INFO_* */
  modelInfo(model: number, what: number): number;
  streamOpen(model: number): number;
  streamFree(stream: number): number;
  streamReset(stream: number): number;
  streamState(stream: number): number;
  streamStep(stream: number, input: number, output: number): number;
  streamStepI16(stream: number, input: number, output: number): number;
  frontendOpen(config: number, numType: number): number;
  frontendFree(frontend: number): number;
  frontendReset(frontend: number): number;
  /** sampleType: C.SAMPLE_I16 or C.SAMPLE_F32 */
  frontendPush(frontend: number, samples: number, count: number, sampleType: number, frame: number): number;
  /** bits: C.BUILD_SIMD */
  buildFeatures(): number;
  /** config: `words` i32 (C.PC_*) */
  pipelineOpen(model: number, config: number, words: number): number;
  pipelineFree(pipeline: number): number;
  pipelineReset(pipeline: number): number;
  /** returns the events written to `events` (C.EVENT_BYTES each); outputs: 0 or f32 [maxSteps, outputLen] */
  pipelinePush(pipeline: number, samples: number, count: number, sampleType: number, events: number, outputs: number, maxSteps: number): number;
  pipelineSteps(pipeline: number): number;
  pipelineStateBytes(pipeline: number): number;
  pipelineSave(pipeline: number, dst: number): number;
  pipelineLoad(pipeline: number, src: number, bytes: number): number;
  /** cap the heap at `bytes` of linear memory (0: none); returns the heap's end now */
  memLimit(bytes: number): number;
}

export const ABI_FUNCTIONS = [
  "memAlloc", "memFree", "errorDetail", "modelLoad", "modelFree", "modelInfo", "streamOpen",
  "streamFree", "streamReset", "streamState", "streamStep", "streamStepI16",
  "frontendOpen", "frontendFree", "frontendReset", "frontendPush", "buildFeatures",
  "pipelineOpen", "pipelineFree", "pipelineReset", "pipelinePush", "pipelineSteps", "pipelineStateBytes", "pipelineSave", "pipelineLoad",
  "memLimit",
] as const;

/** What errorDetail() names for an error, in words. */
type Detail = "layer" | "layerTensor" | "headerByte" | "bytes" | "version" | "inputElement" | "frontendField" | "hz" | "argument" | "numType" | "none";

/** Every error code (assembly/constants.ts ERR_*), its name, message and what its detail means. */
export const ERRORS = {
  truncated: { code: C.ERR_TRUNCATED, message: "the model file is truncated", detail: "bytes" },
  badMagic: { code: C.ERR_BAD_MAGIC, message: "not a tinyrnn model file (bad magic number)", detail: "none" },
  badVersion: { code: C.ERR_BAD_VERSION, message: "unsupported model format version", detail: "version" },
  badHeader: { code: C.ERR_BAD_HEADER, message: "the model file header is inconsistent", detail: "headerByte" },
  badChecksum: { code: C.ERR_BAD_CHECKSUM, message: "the model file is corrupt (checksum mismatch)", detail: "headerByte" },
  badLayerKind: { code: C.ERR_BAD_LAYER_KIND, message: "unknown or unsupported layer kind", detail: "layer" },
  badShape: { code: C.ERR_BAD_SHAPE, message: "a layer has an invalid shape", detail: "layer" },
  badTensorBounds: { code: C.ERR_BAD_TENSOR_BOUNDS, message: "a layer's tensors lie outside the file or do not match its shape", detail: "layer" },
  badQuantParams: { code: C.ERR_BAD_QUANT_PARAMS, message: "a layer has invalid quantisation parameters", detail: "layer" },
  overflowRisk: { code: C.ERR_OVERFLOW_RISK, message: "an int8 weight row could overflow its int32 accumulator", detail: "layer" },
  outOfMemory: { code: C.ERR_OUT_OF_MEMORY, message: "out of WebAssembly memory", detail: "none" },
  badHandle: { code: C.ERR_BAD_HANDLE, message: "invalid handle (already disposed?)", detail: "none" },
  nonFiniteInput: { code: C.ERR_NON_FINITE_INPUT, message: "the input contains NaN or infinity", detail: "inputElement" },
  wrongNumType: { code: C.ERR_WRONG_NUM_TYPE, message: "this call needs an int8 model", detail: "none" },
  badNumType: { code: C.ERR_BAD_NUM_TYPE, message: "unknown number type in the model header", detail: "numType" },
  badState: { code: C.ERR_BAD_STATE, message: "invalid saved state", detail: "none" },
  badSampleRate: { code: C.ERR_BAD_SAMPLE_RATE, message: "unsupported input sample rate (8000, 16000, 22050, 32000, 44100 or 48000 Hz)", detail: "hz" },
  badFrontendConfig: { code: C.ERR_BAD_FRONTEND_CONFIG, message: "invalid audio frontend setting", detail: "frontendField" },
  badArgument: { code: C.ERR_BAD_ARGUMENT, message: "invalid argument", detail: "argument" },
  badMetadata: { code: C.ERR_BAD_METADATA, message: "the model's metadata is not a valid JSON object", detail: "none" },
  nonFiniteWeight: { code: C.ERR_NON_FINITE_WEIGHT, message: "a weight, bias or constant is NaN or infinite", detail: "layerTensor" },
} as const satisfies Record<string, { code: number; message: string; detail: Detail }>;

export type TinyrnnErrorCode = keyof typeof ERRORS;

/** Error code numbers by name. */
export const ERROR_CODES = Object.fromEntries(Object.entries(ERRORS).map(([k, e]) => [k, e.code])) as { readonly [K in TinyrnnErrorCode]: (typeof ERRORS)[K]["code"] };

const BY_CODE = new Map<number, TinyrnnErrorCode>(Object.entries(ERRORS).map(([k, e]) => [e.code, k as TinyrnnErrorCode]));

/** The frontend config's fields by index (C.FE_*): errorDetail() of badFrontendConfig. */
export const FRONTEND_CONFIG_FIELDS = [
  "sampleRateHz", "windowSamples", "hopSamples", "fftSize", "channels", "lowHz", "highHz", "flags",
  "smoothingBits", "evenSmoothing", "oddSmoothing", "minSignalRemaining", "pcanStrength", "pcanOffset",
  "pcanGainBits", "reserved",
] as const;

/** An error from the module, with its code name and what it concerns. */
export class TinyrnnError extends Error {
  readonly code: TinyrnnErrorCode | "unknown";
  readonly detail: number;
  constructor(code: number, detail: number, context: string, options?: { cause?: unknown }) {
    const name = BY_CODE.get(code);
    super(`${context}: ${name ? ERRORS[name].message : `error ${code}`}${name ? describeDetail(ERRORS[name].detail, detail) : ""}`, options);
    this.name = "TinyrnnError";
    this.code = name ?? "unknown";
    this.detail = detail;
  }
}

function describeDetail(kind: Detail, detail: number): string {
  switch (kind) {
    case "layer": return ` (layer ${detail})`;
    // the tools that have the file name the layer's kind and the tensor (host/build namedRefusal)
    case "layerTensor": return ` (layer ${detail >> C.LAYER_TENSOR_SHIFT}, tensor ${detail & ((1 << C.LAYER_TENSOR_SHIFT) - 1)})`;
    case "headerByte": return ` (header byte ${detail})`;
    case "bytes": return ` (${detail} bytes)`;
    case "version": return ` (version ${detail}, this runtime reads ${C.FILE_VERSION_MAJOR})`;
    case "inputElement": return ` (input element ${detail})`;
    case "frontendField": return ` (${FRONTEND_CONFIG_FIELDS[detail] ?? `field ${detail}`})`;
    case "hz": return ` (${detail} Hz)`;
    case "argument": return ` (argument ${detail})`;
    default: return "";
  }
}
