// tinyrnn/build: what a developer runs once, on their machine, to make a model file: the builder
// and quantiser, the float64 reference layers, the file writer, the PyTorch/ONNX converter and
// the audio frontend's float yardstick. Not for a browser or a Worker: load the result with the
// runtime ("tinyrnn").

export { buildModel, calibrate, checkLayers, layerOutputLen, ReferenceModel, type LayerSpec, type BuildOptions, type Clipping } from "./builder.js";
export { writeModel } from "./write.js";
export { withHostSection, readHostSection, hostSection, type HostSection } from "./host-section.js";
export { KIND, padLen, type ModelImage, type LayerRecord } from "../runtime/format.js";
export { Frontend } from "./frontend.js";
export { FrontendReference } from "./frontend-reference.js";
export { convert, formatReport, CONVERTER_VERSION, type ConvertOptions, type Converted, type QuantReport, type LayerReport } from "./convert/index.js";
export { importModel, type Imported } from "./convert/import.js";
export { describeLayer, namedRefusal } from "./layers/index.js";
export { readSafetensors, safetensorsToSpecs, archPathFor, type Architecture } from "./convert/safetensors.js";
export { onnxToSpecs } from "./convert/onnx.js";
export type { DenseSpec, Activation } from "./layers/dense.js";
export type { GruSpec } from "./layers/gru.js";
export type { LstmSpec } from "./layers/lstm.js";
export type { SsmSpec } from "./layers/ssm.js";
export type { NormSpec } from "./layers/norm.js";
