#!/usr/bin/env node
// A stand-in for `vllm serve` (which needs a GPU), faithful at its boundary only:
// `<model dir> … --port P [--host H] [--served-model-name NAME]` serves the scripted
// OpenAI-compatible server of @advfc/core/testing (built: packages/core/dist) on that port,
// lists NAME (default: the model dir) in GET /v1/models, and exits on SIGTERM. Every chat
// request is appended to $FAKE_VLLM_LOG (JSON Lines: the served name and the request body), and
// every start to $FAKE_VLLM_STARTS if set (JSON Lines: {"pid", "dir", "model", "port"}).
// FAKE_VLLM_IGNORE_SIGTERM=1: ignore SIGTERM (only SIGKILL ends it).
import { appendFileSync } from "node:fs";
import { startOpenAIServer } from "@advfc/core/testing";

const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dir = argv[0];
const port = Number(arg("--port"));
if (!dir || dir.startsWith("--") || !Number.isInteger(port)) {
  process.stderr.write("fake-vllm-serve: usage: fake-vllm-serve.mjs <model dir> --port P [--served-model-name NAME]\n");
  process.exit(2);
}
const model = arg("--served-model-name") ?? dir;
const log = process.env.FAKE_VLLM_LOG;
const server = await startOpenAIServer({
  port,
  model,
  respond: (req) => {
    if (log) appendFileSync(log, `${JSON.stringify({ model, dir, body: req.body })}\n`);
    return { content: "[]" };
  },
});
if (process.env.FAKE_VLLM_STARTS) appendFileSync(process.env.FAKE_VLLM_STARTS, `${JSON.stringify({ pid: process.pid, dir, model, port })}\n`);
process.stdout.write(`fake-vllm-serve: ${dir} as ${model} at ${server.url}\n`);
if (process.env.FAKE_VLLM_IGNORE_SIGTERM === "1") process.on("SIGTERM", () => process.stdout.write("fake-vllm-serve: ignoring SIGTERM\n"));
else process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
