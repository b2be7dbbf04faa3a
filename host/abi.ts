// The module's ABI, declared once: assembly/index.ts exports exactly these.
// Handles are pointers (> 0); a negative number is an error code, see ERROR_MESSAGES.

export interface TinyrnnExports {
  memory: WebAssembly.Memory;
  memAlloc(bytes: number): number;
  memFree(ptr: number): void;
  errorDetail(): number;
  modelLoad(image: number, imageBytes: number): number;
  modelFree(model: number): number;
  modelInfo(model: number, what: number): number;
  streamOpen(model: number): number;
  streamFree(stream: number): number;
  streamReset(stream: number): number;
  streamState(stream: number): number;
  streamInput(stream: number): number;
  streamStepPrepared(stream: number, output: number): number;
  streamStep(stream: number, input: number, output: number): number;
  streamStepI16(stream: number, input: number, output: number): number;
  frontendOpen(config: number, numType: number): number;
  frontendFree(frontend: number): number;
  frontendReset(frontend: number): number;
  frontendPush(frontend: number, samples: number, count: number, sampleType: number, frame: number): number;
  buildFeatures(): number;
}

export const ABI_FUNCTIONS = [
  "memAlloc", "memFree", "errorDetail", "modelLoad", "modelFree", "modelInfo", "streamOpen",
  "streamFree", "streamReset", "streamState", "streamInput", "streamStep", "streamStepI16", "streamStepPrepared",
  "frontendOpen", "frontendFree", "frontendReset", "frontendPush", "buildFeatures",
] as const;

/** modelInfo() selectors (assembly/index.ts). */
export const enum Info {
  NumType = 0,
  InputLen = 1,
  OutputLen = 2,
  LayerCount = 3,
  StateBytes = 4,
  ScratchBytes = 5,
  WeightBytes = 6,
}

/** Error codes (assembly/errors.ts, then the host's own), index = code. `detail` is errorDetail(). */
export const ERROR_MESSAGES: readonly string[] = [
  "ok",
  "the model file is truncated",
  "not a tinyrnn model file (bad magic number)",
  "unsupported model format version",
  "the model file header is inconsistent",
  "the model file is corrupt (checksum mismatch)",
  "unknown or unsupported layer kind",
  "a layer has an invalid shape",
  "a layer's tensors lie outside the file or do not match its shape",
  "a layer has invalid quantisation parameters",
  "an int8 weight row could overflow its int32 accumulator",
  "out of WebAssembly memory",
  "invalid handle (already disposed?)",
  "the input contains NaN or infinity",
  "this call needs an int8 model",
  "unknown number type in the model header",
  "invalid saved state",
  "unsupported input sample rate (8000, 16000, 22050, 32000, 44100 or 48000 Hz)",
  "invalid audio frontend setting",
  "invalid argument",
  "the model's metadata is not a valid JSON object",
];

export const ERROR_CODES = {
  truncated: 1, badMagic: 2, badVersion: 3, badHeader: 4, badChecksum: 5, badLayerKind: 6,
  badShape: 7, badTensorBounds: 8, badQuantParams: 9, overflowRisk: 10, outOfMemory: 11,
  badHandle: 12, nonFiniteInput: 13, wrongNumType: 14, badNumType: 15, badState: 16,
  badSampleRate: 17, badFrontendConfig: 18, badArgument: 19,
  /** host-side only */ badMetadata: 20,
} as const;

/** The frontend config's fields in order (assembly/frontend.ts): errorDetail() of badFrontendConfig. */
export const FRONTEND_CONFIG_FIELDS = [
  "sampleRateHz", "windowSamples", "hopSamples", "fftSize", "channels", "lowHz", "highHz", "flags",
  "smoothingBits", "evenSmoothing", "oddSmoothing", "minSignalRemaining", "pcanStrength", "pcanOffset",
  "pcanGainBits", "reserved",
] as const;

export type TinyrnnErrorCode = keyof typeof ERROR_CODES;

/** An error from the module, with its code name and what it concerns. */
export class TinyrnnError extends Error {
  readonly code: TinyrnnErrorCode | "unknown";
  readonly detail: number;
  constructor(code: number, detail: number, context: string) {
    const name = (Object.keys(ERROR_CODES) as TinyrnnErrorCode[]).find((k) => ERROR_CODES[k] === code);
    super(`${context}: ${ERROR_MESSAGES[code] ?? `error ${code}`}${describeDetail(code, detail)}`);
    this.name = "TinyrnnError";
    this.code = name ?? "unknown";
    this.detail = detail;
  }
}

function describeDetail(code: number, detail: number): string {
  switch (code) {
    case ERROR_CODES.badLayerKind: case ERROR_CODES.badShape: case ERROR_CODES.badTensorBounds:
    case ERROR_CODES.badQuantParams: case ERROR_CODES.overflowRisk:
      return ` (layer ${detail})`;
    case ERROR_CODES.badHeader: case ERROR_CODES.badChecksum:
      return ` (header byte ${detail})`;
    case ERROR_CODES.truncated:
      return ` (${detail} bytes)`;
    case ERROR_CODES.badVersion:
      return ` (version ${detail}, this runtime reads 1)`;
    case ERROR_CODES.nonFiniteInput:
      return ` (input element ${detail})`;
    case ERROR_CODES.badFrontendConfig:
      return ` (${FRONTEND_CONFIG_FIELDS[detail] ?? `field ${detail}`})`;
    case ERROR_CODES.badSampleRate:
      return ` (${detail} Hz)`;
    case ERROR_CODES.badArgument:
      return ` (argument ${detail})`;
    default:
      return "";
  }
}
