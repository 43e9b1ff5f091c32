import { configDefaults, defineConfig } from "vitest/config";

// Every `@advfc/*` package exports a "source" condition that points at its `src/` entry, so
// tests run against the TypeScript sources without a build. Vitest 4 runs node tests in Vite's
// SSR environment, whose resolver reads `ssr.resolve.conditions` (top-level `resolve.conditions`
// alone is not applied there). Setting conditions replaces Vite's defaults, so they are repeated
// after "source" ("development|production" is Vite's token for the NODE_ENV-dependent one).
const conditions = ["source", "module", "node", "development|production"];

// GPU tests need a device; they run only when asked for.
const gpuTests = process.env.ADVFC_GPU_TESTS === "1";

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "**/dist/**", ...(gpuTests ? [] : ["**/*.gpu.test.ts"])],
  },
});
