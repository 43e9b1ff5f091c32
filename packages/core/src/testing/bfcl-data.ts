import { fileURLToPath } from "node:url";

/**
 * The folder holding the BFCL data copies (`v3/`, `v4/`, README), for tests:
 * `$ADVFC_BFCL_DATA` when set, else `shared/data/bfcl` beside the repository checkout
 * (`<repo>/../shared/data/bfcl`). No trailing slash.
 */
export function bfclDataDir(): string {
  const override = process.env.ADVFC_BFCL_DATA;
  if (override !== undefined && override !== "") return override.replace(/\/+$/, "");
  // src/testing → src → core → packages → repo → its parent.
  return fileURLToPath(new URL("../../../../../shared/data/bfcl/", import.meta.url)).replace(/\/+$/, "");
}
