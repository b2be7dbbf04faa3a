// tinyrnn/eval: measuring a model on a test set, as `tinyrnn eval` and the recipes do: keyword
// spotting (false rejects, false accepts per hour, sweeps, ROC AUC) and per-step labels, and
// holding the figures to a model card.

export { evaluate, KeywordEval, compareWithCard, formatEval, parseTestSetSpec, rocAuc, figureAt, DEFAULT_TOLERANCE_STEPS, type TestSet, type TestStream, type TestSetSpec, type TruthInterval, type EvalOptions, type EvalResult, type LabelFigures, type SweepPoint, type OperatingPoint, type CardShortfall } from "./eval.js";
export { Detector } from "./detector.js";
export { detSvg, type DetSeries } from "./det.js";
