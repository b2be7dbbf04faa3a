import { readFileSync } from "node:fs";
/** The shipped activity demo: a model with no frontend. */
export const demoBytes = () => readFileSync("models/demo/activity.tinyrnn");
