import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CommandIo } from "../io.js";

export const BRIDGE_HELP = `Usage: advfc bridge shim-path

  shim-path   print the absolute path of the verl reward shim (advfc_reward.py), for
              custom_reward_function.path (name: compute_score with reward_manager=batch,
              compute_score_single with the per-item managers)
`;

/** The absolute path of python/advfc_reward.py in the installed @advfc/trainer-bridge. */
export function shimPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@advfc/trainer-bridge/package.json");
  return join(dirname(pkg), "python", "advfc_reward.py");
}

export async function runBridge(argv: string[], io: CommandIo): Promise<number> {
  const [what] = argv;
  if (what === undefined || what === "-h" || what === "--help") {
    io.stdout.write(BRIDGE_HELP);
    return what === undefined ? 2 : 0;
  }
  if (what !== "shim-path") {
    io.stderr.write(`advfc bridge: unknown subcommand "${what}"\n\n${BRIDGE_HELP}`);
    return 2;
  }
  const p = shimPath();
  if (!existsSync(p)) {
    io.stderr.write(`advfc bridge: ${p} is missing (a broken @advfc/trainer-bridge install?)\n`);
    return 1;
  }
  io.stdout.write(p + "\n");
  return 0;
}
