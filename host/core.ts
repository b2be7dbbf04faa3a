// tinyrnn without the embedded module: for hosts that supply it themselves, e.g. Cloudflare
// Workers, which import the .wasm as a WebAssembly.Module and cannot compile bytes.

export { Runtime, Model, Stream, type WasmSource, type RuntimeOptions } from "./runtime.js";
export { TinyrnnError, ERROR_CODES, ERROR_MESSAGES, type TinyrnnErrorCode, type TinyrnnExports } from "./abi.js";
export { readModel, writeModel, padLen, KIND, type ModelImage, type ParsedModel, type NumType, type LayerRecord } from "./format.js";
export { buildModel, calibrate, checkLayers, layerOutputLen, ReferenceModel, type LayerSpec, type BuildOptions, type Clipping } from "./builder.js";
export { Detector, isBackgroundLabel, type DetectionEvent, type DetectorOptions } from "./detector.js";
export { SensorStream, type SensorOptions } from "./sensor.js";
export { Frontend, defaultFrontendConfig, encodeFrontendConfig, FEATURE_SCALE, FRONTEND_SAMPLE_RATE_HZ, type FrontendConfig } from "./frontend.js";
export { FrontendReference } from "./frontend-reference.js";
export { KeywordSpotter, frontendSettings, type SpotterOptions, type FrontendSettings } from "./spotter.js";
export type { DenseSpec, Activation } from "./layers/dense.js";
export type { GruSpec } from "./layers/gru.js";
export type { LstmSpec } from "./layers/lstm.js";
export type { SsmSpec } from "./layers/ssm.js";
export type { NormSpec } from "./layers/norm.js";
export { evaluate, KeywordEval, compareWithCard, formatEval, parseTestSetSpec, rocAuc, DEFAULT_TOLERANCE_STEPS, type TestSet, type TestStream, type TestSetSpec, type TruthInterval, type EvalOptions, type EvalResult, type LabelFigures, type SweepPoint, type OperatingPoint, type CardShortfall } from "./eval.js";
