export * from "./bfcl.js";
export * from "./infer-category.js";
export * from "./jsonl.js";
export * from "./openai.js";
export * from "./python-json.js";
export * from "./result.js";
export * from "./samples.js";
export * from "./xlam.js";
