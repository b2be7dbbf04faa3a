// Re-exports for tests that poke at model files.
export { buildModel, readModel, TinyrnnError, type LayerSpec } from "./tinyrnn.js";
export { modelChecksum } from "../../host/runtime/format.js";
