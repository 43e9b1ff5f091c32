import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The BFCL v4 data folder: `$ADVFC_BFCL_DATA` if set, else `shared/data/bfcl/v4` found in the
 * current directory, its parents, or beside them (the layout of an advfc checkout).
 */
export function findBfclDir(version: "v3" | "v4" = "v4", from = process.cwd()): string | undefined {
  const env = process.env.ADVFC_BFCL_DATA;
  if (env) return existsSync(join(env, version)) ? join(env, version) : env;
  let dir = resolve(from);
  for (;;) {
    for (const candidate of [join(dir, "shared/data/bfcl", version), join(dir, "../shared/data/bfcl", version)])
      if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
