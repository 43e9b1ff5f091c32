import * as core from "@advfc/core";
import { describe, expect, it } from "vitest";

describe("@advfc/core resolution", () => {
  it("imports the package from a sibling workspace", () => {
    expect(typeof core).toBe("object");
  });

  it("resolves through the `source` export condition to src/, so no build is needed", () => {
    const resolved = import.meta.resolve("@advfc/core");
    expect(resolved).toMatch(/\/packages\/core\/src\/index\.ts$/);
  });
});
