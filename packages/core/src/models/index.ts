// The models the loop talks to.
export * from "./chat-model.js";
export * from "./errors.js";
export * from "./tools.js";
export { ResponseCache } from "./cache.js";
export * from "./openai-response.js";
export * from "./openai.js";
