export * from "./prompts.js";
export * from "./early-stop.js";
export * from "./curriculum.js";
export * from "./collector.js";
export * from "./roles.js";
