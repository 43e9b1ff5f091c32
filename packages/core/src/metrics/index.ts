export * from "./accumulator.js";
export * from "./aggregate.js";
export * from "./bfcl-metrics.js";
export * from "./report.js";
