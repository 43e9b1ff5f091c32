import { join } from "node:path";
import { parseArgs } from "node:util";
import { BaselineJudge, LexicalFunctionCaller, readSamples, seedQuery, type Sample } from "@advfc/core";
import { createEmbedder } from "@advfc/native-embed";
import { FcScorer, QueryScorer, RewardServer, type Scorer } from "@advfc/trainer-bridge";
import type { CommandIo } from "../io.js";
import { examplesDir } from "./demo.js";
import { markdownTable } from "../table.js";

export const BENCH_REWARD_SERVER_HELP = `Usage: advfc bench reward-server [--requests N] [--format text|json]

The verl reward server over loopback HTTP (JSON encode + POST + decode + score + reply), one
batch in flight at a time (as verl sends them), on examples/seeds/seeds.jsonl:
  role fc     R_F of the baseline FC model's answers, batch 256 and 1024
  role query  baseline judge + baseline FC + hash-embedder diversity, batch 256
Reports scored items/s and the p50 / p99 latency of one batch.

Options:
  --requests N      timed batches per row (default 20; 2 untimed first)
  --format text|json
  -h, --help
`;

interface Row {
  name: string;
  batch: number;
  requests: number;
  itemsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function batchBody(samples: readonly Sample[], n: number, solution: (s: Sample, i: number) => string): unknown {
  const items = Array.from({ length: n }, (_, i) => samples[i % samples.length]!);
  return {
    data_sources: items.map(() => "advfc"),
    solution_strs: items.map((s, i) => solution(s, i)),
    ground_truths: items.map((s) => JSON.stringify(s.expected)),
    extra_infos: items.map((s) => ({ tools: JSON.stringify(s.tools), category: s.category, mode: "prompt", seed_id: s.id, query: seedQuery(s), split: "train" })),
  };
}

async function measure(name: string, scorer: Scorer, body: unknown, batch: number, requests: number): Promise<Row> {
  const server = new RewardServer({ scorer, port: 0 });
  const { url } = await server.listen();
  const text = JSON.stringify(body);
  const post = async () => {
    const r = await fetch(`${url}/score`, { method: "POST", body: text, headers: { "content-type": "application/json" } });
    const j = (await r.json()) as { results?: unknown[] };
    if (r.status !== 200 || j.results?.length !== batch) throw new Error(`${name}: HTTP ${r.status}`);
  };
  try {
    for (let i = 0; i < 2; i++) await post();
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await post();
      lat.push(performance.now() - t);
    }
    const wall = (performance.now() - t0) / 1000;
    return { name, batch, requests, itemsPerSec: (batch * requests) / wall, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99) };
  } finally {
    await server.close();
  }
}

export async function runBenchRewardServer(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { requests: { type: "string", default: "20" }, format: { type: "string", default: "text" }, help: { type: "boolean", short: "h", default: false } } }));
  } catch (e) {
    io.stderr.write(`advfc bench reward-server: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(BENCH_REWARD_SERVER_HELP);
    return 0;
  }
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) {
    io.stderr.write("advfc bench reward-server: --requests must be a positive integer\n");
    return 2;
  }
  const seedFile = join(examplesDir(), "seeds/seeds.jsonl");
  const seeds: Sample[] = [];
  for await (const it of readSamples(seedFile, { file: seedFile })) if (it.sample) seeds.push(it.sample);
  const fcModel = new LexicalFunctionCaller({ seed: 0 });
  fcModel.fit(seeds);
  const answers = new Map(seeds.map((s) => [s.id, fcModel.answerSync(s).raw]));
  const rows: Row[] = [];
  for (const batch of [256, 1024]) {
    io.stderr.write(`role fc, batch ${batch} ...\n`);
    rows.push(await measure("role fc (R_F, BFCL check)", new FcScorer(), batchBody(seeds, batch, (s) => answers.get(s.id)!), batch, requests));
  }
  io.stderr.write("role query, batch 256 ...\n");
  const judge = new BaselineJudge({ seeds });
  const embedder = await createEmbedder("hash");
  const query = new QueryScorer({ judge, fc: fcModel, embedder });
  const words = ["please", "could you", "I need to know:", "quickly,", "hey,"];
  rows.push(await measure("role query (baseline judge + FC, hash embedder)", query, batchBody(seeds, 256, (s, i) => JSON.stringify({ rewrite: `${words[i % words.length]!} ${seedQuery(s)}` })), 256, requests));
  if (values.format === "json") {
    io.stdout.write(JSON.stringify({ benchmark: "reward-server", rows }, null, 2) + "\n");
    return 0;
  }
  const table = [["scorer", "batch", "items/s", "p50 ms/batch", "p99 ms/batch"], ...rows.map((r) => [r.name, String(r.batch), Math.round(r.itemsPerSec).toLocaleString("en-US"), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1)])];
  io.stdout.write(
    [
      `advfc bench reward-server — loopback HTTP, one batch in flight, ${requests} timed batches per row (${seeds.length} seeds cycled)`,
      "",
      ...markdownTable(table),
      "",
    ].join("\n"),
  );
  return 0;
}
