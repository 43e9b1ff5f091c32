export * from "./ops.js";
export * from "./embed/index.js";
export { config } from "./config.js";
export type { NativeInfo, NativeCudaInfo } from "./binding.js";
