// Re-exports for tests that poke at model files.
export { buildModel, readModel, TinyrnnError, type LayerSpec } from "../../host/index.js";
export { modelChecksum } from "../../host/format.js";
