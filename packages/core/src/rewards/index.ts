export * from "./ground-truth.js";
export * from "./judge.js";
export * from "./adversarial.js";
export * from "./fc.js";
export * from "./diversity.js";
export * from "./registry.js";
