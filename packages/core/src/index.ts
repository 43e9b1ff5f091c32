// The public API of @advfc/core.
export * from "./errors.js";
export * from "./check/pyvalue.js";
export * from "./check/ast-checker.js";
export * from "./check/check-case.js";
export * from "./check/check-line.js";
export * from "./check/render.js";
export * from "./check/mutate.js";
export * from "./check/bfcl-fixtures.js";
export * from "./check/workload.js";
export * from "./parse/decode.js";
export * from "./parse/pyjson.js";
export * from "./parse/python.js";
export * from "./schema/index.js";
export * from "./formats/index.js";
export * from "./metrics/index.js";
