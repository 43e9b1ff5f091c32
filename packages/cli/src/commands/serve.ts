import { resolve, dirname } from "node:path";
import { parseArgs } from "node:util";
import { AdvfcError, createBackends, loadRunConfig, loadRunSeeds } from "@advfc/core";
import { createEmbedder } from "@advfc/native-embed";
import { DEFAULT_REWARD_PORT, FcScorer, QueryScorer, RewardServer, verlTrainerFactories, type Scorer } from "@advfc/trainer-bridge";
import type { CommandIo } from "../io.js";

export const SERVE_HELP = `Usage: advfc serve reward --role query|fc --config FILE [options]

Serves verl's batch reward function over HTTP (the stdlib-only shim: "advfc bridge shim-path").
  role fc     R_F (Eq. 7): the FC model's answer checked BFCL-exactly against the ground truth
  role query  r_adv (Eq. 5) from the config's judge and FC roles + α · the batch's diversity
              share (Eq. 6); rollouts and bad cases go to --out as JSON Lines

Routes: POST /score, GET /status (steps, per-step means, early stop), GET /health.
SIGTERM / Ctrl-C: stop accepting, finish the batches in flight, flush the store, exit 0.

Options:
  --role fc|query      which reward (required)
  --config FILE        run config (roles.judge / roles.fc / embedder / alpha / early_stop)
                       (required for role query; role fc reads early_stop from it if given)
  --host HOST          (default 127.0.0.1; any other host needs ADVFC_REWARD_TOKEN)
  --port N             (default ${DEFAULT_REWARD_PORT}; 0 picks a free port)
  --out DIR            run-store folder: iter-0/{rollouts,bad-cases,steps}.jsonl, reward-status.json
  --max-concurrent N   batches scored at once (default 2)
  --max-queued N       batches waiting (default 8; more get 503 + Retry-After)
  --timeout-s S        per-batch limit (default 600)
  -h, --help           show this help

Environment: ADVFC_REWARD_TOKEN (bearer token; required off-loopback).
`;

function posInt(v: string | undefined, name: string, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new AdvfcError(`Expected an integer ≥ ${min} for ${name} but received ${JSON.stringify(v)}`);
  return n;
}

/** `advfc serve reward …`. `signals.process` receives SIGTERM/SIGINT handlers (tests pass an emitter). */
export async function runServe(argv: string[], io: CommandIo, signals: { process?: NodeJS.EventEmitter; onListening?: (url: string, server: RewardServer) => void } = { process }): Promise<number> {
  const [what, ...rest] = argv;
  if (what === undefined || what === "-h" || what === "--help") {
    io.stdout.write(SERVE_HELP);
    return what === undefined ? 2 : 0;
  }
  if (what !== "reward") {
    io.stderr.write(`advfc serve: unknown service "${what}"\n\n${SERVE_HELP}`);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        role: { type: "string" },
        config: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string" },
        out: { type: "string" },
        "max-concurrent": { type: "string" },
        "max-queued": { type: "string" },
        "timeout-s": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    io.stderr.write(`advfc serve reward: ${(e as Error).message}\n\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const role = values.role;
  if (role !== "fc" && role !== "query") {
    io.stderr.write(`advfc serve reward: --role fc|query is required\n`);
    return 2;
  }
  if (role === "query" && values.config === undefined) {
    io.stderr.write(`advfc serve reward: --config FILE is required for role query (its judge, FC role and embedder)\n`);
    return 2;
  }
  let server: RewardServer;
  let close: (() => Promise<void>) | undefined;
  try {
    const config = values.config !== undefined ? await loadRunConfig(values.config) : undefined;
    let scorer: Scorer;
    if (role === "fc") scorer = new FcScorer();
    else {
      const baseDir = dirname(resolve(values.config!));
      const seeds = await loadRunSeeds(config!, baseDir);
      const backends = await createBackends(config!, { seeds: seeds.train, allSeeds: seeds.all, baseDir }, { trainers: verlTrainerFactories() });
      close = backends.close?.bind(backends);
      const embedder = await createEmbedder(config!.embedder);
      scorer = new QueryScorer({ judge: backends.roles.judge, fc: backends.roles.fc, embedder, alpha: config!.alpha, name: config!.name });
    }
    const token = process.env.ADVFC_REWARD_TOKEN;
    server = new RewardServer({
      scorer,
      host: values.host,
      port: posInt(values.port, "--port", DEFAULT_REWARD_PORT, 0),
      ...(token !== undefined && token !== "" ? { token } : {}),
      ...(values.out !== undefined ? { out: resolve(values.out) } : {}),
      maxConcurrent: posInt(values["max-concurrent"], "--max-concurrent", 2),
      maxQueued: posInt(values["max-queued"], "--max-queued", 8, 0),
      timeoutMs: posInt(values["timeout-s"], "--timeout-s", 600) * 1000,
      ...(config !== undefined ? { earlyStop: { epsilon: config.early_stop.epsilon, patience: config.early_stop.patience, ...(config.early_stop.max_steps !== null ? { maxSteps: config.early_stop.max_steps } : {}) } } : {}),
      log: (line) => io.stderr.write(line + "\n"),
    });
  } catch (e) {
    await close?.();
    io.stderr.write(`advfc serve reward: ${(e as Error).message}\n`);
    return 2;
  }
  const { url } = await server.listen();
  io.stderr.write(`advfc serve reward: role ${role} listening on ${url} (POST /score, GET /status, GET /health)\n`);
  signals.onListening?.(url, server);
  await new Promise<void>((done) => {
    const stop = (sig: string) => {
      io.stderr.write(`advfc serve reward: ${sig}: draining (finishing the batches in flight)\n`);
      signals.process?.off("SIGTERM", onTerm);
      signals.process?.off("SIGINT", onInt);
      void server.close().then(done);
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    signals.process?.on("SIGTERM", onTerm);
    signals.process?.on("SIGINT", onInt);
  });
  await close?.();
  const s = server.status();
  io.stderr.write(`advfc serve reward: stopped after ${s.steps} steps, ${s.items} items${s.earlyStop.stop ? `; early stop fired (${s.earlyStop.reason ?? ""})` : ""}\n`);
  return 0;
}
