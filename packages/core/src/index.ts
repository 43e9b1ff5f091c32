// Placeholder entry point; the public API of @advfc/core is exported from here.
export {};
export * from "./schema/index.js";
export * from "./formats/index.js";
export * from "./metrics/index.js";
