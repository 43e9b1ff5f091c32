export * from "./protocol.js";
export * from "./scorer.js";
export * from "./server.js";
