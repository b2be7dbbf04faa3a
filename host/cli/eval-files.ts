// Reading a test-set directory (format: the top of host/eval/eval.ts) and model cards from disk, for
// `tinyrnn eval` and test/host/models.test.ts. Uses Node built-ins: not part of the library bundles.

import { readFileSync, existsSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { basename, join } from "node:path";
import { readNpyMatrix, readNpyInt, npyDtype } from "./npy.js";
import { parseTestSetSpec, evaluate, compareWithCard, detSvg, type TestSet, type TestStream, type EvalOptions, type EvalResult, type CardShortfall } from "../eval/index.js";
import { TinyrnnError, type Model, type Runtime } from "../runtime/core.js";

/** A file's bytes, or an error naming what it is, the path and why (the CLI reads its files with it too). */
export function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`);
  }
}

/** A .npy file's bytes, gunzipped when the name ends in .gz. */
function readNpyBytes(path: string, what: string): Uint8Array {
  const bytes = readBytes(path, what);
  if (!/\.gz$/i.test(path)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`${path} is not a valid gzip file (${(e as Error).message})`);
  }
}

/** Read `<dir>/testset.json` and every file it names. */
export function readTestSet(dir: string): TestSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`test set ${dir}: no such directory`);
  const jsonPath = join(dir, "testset.json");
  if (!existsSync(jsonPath)) throw new Error(`test set ${dir} has no testset.json`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(readBytes(jsonPath, "test set")));
  } catch (e) {
    throw new Error(`${jsonPath} is not valid JSON (${(e as Error).message})`);
  }
  const spec = parseTestSetSpec(json, jsonPath);
  const streams: TestStream[] = spec.streams.map((s) => {
    const fp = join(dir, s.features);
    const bytes = readNpyBytes(fp, `features of stream ${s.name}:`);
    if (spec.kind === "keywords") {
      const dtype = npyDtype(bytes);
      if (dtype && dtype !== "i2") throw new Error(`${fp} has dtype ${dtype}; keyword features must be int16 (the frontend's int16 output, real value = v · FEATURE_SCALE)`);
      const { data, shape } = readNpyInt(bytes, fp, ["i2"], [2], "[T, C]");
      return { name: s.name, features: data as Int16Array, steps: shape[0], cols: shape[1], events: s.events };
    }
    const m = readNpyMatrix(bytes, fp);
    const lp = join(dir, s.labels!);
    const { data, shape } = readNpyInt(readNpyBytes(lp, `labels of stream ${s.name}:`), lp, ["i1", "i2", "i4"], [1, 2], "[T] or [T, 1]");
    if (shape.length === 2 && shape[1] !== 1) throw new Error(`${lp} has shape [${shape.join(", ")}]; expected [T] or [T, 1]`);
    if (shape[0] !== m.rows) throw new Error(`${lp} has ${shape[0]} labels but ${fp} has ${m.rows} steps`);
    return { name: s.name, features: m.data, steps: m.rows, cols: m.cols, labels: data };
  });
  return { kind: spec.kind, description: spec.description, toleranceSteps: spec.toleranceSteps, streams };
}

/**
 * A model file the runtime refused, with its bytes: the CLI says the refusal with what the file
 * adds, the layer's kind and the tensor or the header field (namedRefusal, in the build tools,
 * which it loads only then).
 */
export class ModelRefused extends Error {
  constructor(readonly refusal: TinyrnnError, readonly bytes: Uint8Array) {
    super(refusal.message, { cause: refusal });
  }
}

/** rt.loadModel; a refusal is thrown as a ModelRefused. */
export function loadModel(rt: Runtime, bytes: Uint8Array): Model {
  try {
    return rt.loadModel(bytes);
  } catch (e) {
    throw e instanceof TinyrnnError ? new ModelRefused(e, bytes) : e;
  }
}

/** Load a model file and evaluate it on a test-set directory: what `tinyrnn eval` does. */
export function evalFiles(rt: Runtime, modelPath: string, dir: string, opts: Omit<EvalOptions, "modelName" | "testsetName"> = {}): EvalResult {
  const model = loadModel(rt, readBytes(modelPath, "model"));
  try {
    const set = readTestSet(dir);
    return evaluate(model, set, { ...opts, modelName: modelPath, testsetName: dir });
  } finally {
    model.dispose();
  }
}

export interface ModelCard {
  /** the model file, relative to the card's folder */
  model: string;
  eval: { testset: string; figures: Record<string, number> };
}

/**
 * The cards of `<folder>/card.json`, checked: one card, or `{ "models": [card, …] }` for a folder
 * that ships several variants of one task (models/commands: GRU, LSTM and SSM).
 */
export function readCards(folder: string): ModelCard[] {
  const path = join(folder, "card.json");
  let json: ModelCard | { models: ModelCard[] };
  try {
    json = JSON.parse(new TextDecoder().decode(readBytes(path, "model card")));
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message})`);
  }
  const cards = "models" in json && Array.isArray(json.models) ? json.models : [json as ModelCard];
  for (const card of cards) {
    if (typeof card.model !== "string") throw new Error(`${path} has a card without "model" (the .tinyrnn file in ${folder})`);
    if (typeof card.eval?.testset !== "string" || typeof card.eval.figures !== "object") throw new Error(`${path}: ${card.model} needs "eval": { "testset": <folder>, "figures": { … } }`);
  }
  return cards;
}

/**
 * Evaluate the model of a card on its test set (paths relative to the folder), as `tinyrnn eval`
 * would (with --sweep when a figure is a sweep.* one), and compare with the card.
 */
export function checkCard(rt: Runtime, folder: string, card: ModelCard, progress?: EvalOptions["progress"]): { result: EvalResult; shortfalls: CardShortfall[] } {
  // the sweep too (keyword sets), for the card's figures and its DET curve
  const result = evalFiles(rt, join(folder, card.model), join(folder, card.eval.testset), { sweep: true, progress });
  return { result, shortfalls: compareWithCard(result, card) };
}

/** Where a card folder's DET curves are drawn (models/det-curves.mjs writes it). */
export const CARD_DET_SVG = "det.svg";

/** The DET curves of a card folder's keyword models on their test sets, as its det.svg holds them;
 * undefined when it has no keyword test set. `results` are checkCard's, in card order. */
export function cardDetSvg(folder: string, results: { card: ModelCard; result: EvalResult }[]): string | undefined {
  // keyword sets with keywords in them (a set of near misses only has no misses to draw)
  const keywords = results.filter((r) => r.result.kind === "keywords" && r.result.sweep && Object.values(r.result.frr ?? {}).some((f) => f !== null));
  if (keywords.length === 0) return undefined;
  const sets = [...new Set(keywords.map((r) => r.card.eval.testset))];
  const name = (r: { card: ModelCard }) => (sets.length > 1 ? `${r.card.model} (${r.card.eval.testset}/)` : r.card.model);
  return detSvg(keywords.map((r) => ({ name: name(r), result: r.result })), `${basename(folder)} on its test set (${sets.join("/, ")}/): one threshold swept`);
}
