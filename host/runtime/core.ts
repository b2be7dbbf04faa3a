// tinyrnn's runtime without the embedded module: for hosts that supply it themselves, e.g.
// Cloudflare Workers, which import the .wasm as a WebAssembly.Module and cannot compile bytes.
// No Node built-ins, no dependencies: the same code in Node, Deno, Bun, browsers and Workers.

export { Runtime, Model, Stream, type WasmSource, type WasmSourceSync, type WasmBuilds, type RuntimeOptions } from "./runtime.js";
export { TinyrnnError, ERROR_CODES, ERRORS, type TinyrnnErrorCode, type TinyrnnExports } from "./abi.js";
export { readModel, type ParsedModel, type ParsedLayer, type NumType, type LayerKind } from "./format.js";
export { detectorSettings, isBackgroundLabel, type DetectionEvent, type DetectorOptions, type DetectorSettings } from "./detector.js";
export { SensorStream, type SensorOptions } from "./sensor.js";
export { defaultFrontendConfig, FEATURE_SCALE, FRONTEND_SAMPLE_RATE_HZ, type FrontendConfig } from "./frontend.js";
export { KeywordSpotter, frontendSettings, type SpotterOptions, type FrontendSettings } from "./spotter.js";
export { readWav, readWavHeader, decodeWavFrames, SUPPORTED_RATES_HZ, type Pcm, type WavFormat } from "./wav.js";
