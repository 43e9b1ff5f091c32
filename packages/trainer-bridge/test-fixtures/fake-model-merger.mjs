#!/usr/bin/env node
// A stand-in for `python3 -m verl.model_merger` (which needs torch and the checkpoint shards),
// faithful at its boundary only: `merge --backend fsdp --local_dir DIR --target_dir OUT` checks
// that DIR exists and writes a Hugging Face-looking folder OUT (config.json naming DIR).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
if (argv[0] !== "merge") {
  process.stderr.write(`fake-model-merger: expected "merge" but received ${JSON.stringify(argv[0])}\n`);
  process.exit(2);
}
const local = arg("--local_dir");
const target = arg("--target_dir");
if (!local || !target || arg("--backend") !== "fsdp") {
  process.stderr.write("fake-model-merger: --backend fsdp --local_dir DIR --target_dir OUT are required\n");
  process.exit(2);
}
if (!existsSync(local)) {
  process.stderr.write(`fake-model-merger: no checkpoint at ${local}\n`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
writeFileSync(join(target, "config.json"), `${JSON.stringify({ merged_from: local, architectures: ["FakeForCausalLM"] })}\n`);
process.stdout.write(`fake-model-merger: ${local} -> ${target}\n`);
