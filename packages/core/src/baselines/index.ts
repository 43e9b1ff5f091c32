// Weight-free baseline backends of the loop's roles (honest baselines, labelled "baseline").
export * from "./rng.js";
export * from "./text.js";
export * from "./lexicon.js";
export * from "./slot-filling.js";
export * from "./lexical-fc.js";
export * from "./recoverable.js";
export * from "./rewriter.js";
export * from "./judge.js";
export * from "./evaluate.js";
export * from "./trainer.js";
