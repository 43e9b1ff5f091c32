/**
 * Test support, exported as `@advfc/core/testing` for other packages' tests (not stable API):
 * the BFCL data location and a scripted OpenAI-compatible server on loopback.
 */
export * from "./bfcl-data.js";
export * from "./openai-server.js";
