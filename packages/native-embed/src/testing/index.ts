/**
 * Test support, exported as `@advfc/native-embed/testing` for other packages' tests: the float64
 * kernel references, the kernel test table, and the tiny random-weight BERT ONNX generator.
 * Not part of the stable API.
 */
export * from "./reference.js";
export * from "./kernel-table.js";
export * from "../embed/testing/tiny-bert.js";
