import { describe, expect, it } from "vitest";
import { configHash, parseRunConfig, parseRunConfigText, RunConfigError, safeParseRunConfig, STARTER_CONFIG } from "./config.js";

const minimal = {
  seeds: { files: "seeds.jsonl" },
  roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "baseline" } },
};

function issues(input: unknown): string[] {
  const r = safeParseRunConfig(input);
  if (r.ok) throw new Error("expected the config to be rejected");
  return r.issues;
}

describe("defaults", () => {
  it("are the paper's", () => {
    const c = parseRunConfig(minimal);
    expect(c.alpha).toBe(0.05);
    expect(c.early_stop).toEqual({ epsilon: 0.2, patience: 10, max_steps: 200 });
    expect(c.iterations).toBe(2);
    expect(c.seeds.files).toEqual(["seeds.jsonl"]);
    expect(c.seeds.format).toBe("samples");
    expect(c.seeds.eval).toEqual({ fraction: 0.2 });
    expect(c.embedder).toBe("hash");
    expect(c.trainer.type).toBe("none");
  });
  it("fill an openai role's client options", () => {
    const c = parseRunConfig({ ...minimal, roles: { ...minimal.roles, fc: { backend: "openai", base_urls: "http://h:8000/v1", model: "m", mode: "fc" } } });
    expect(c.roles.fc).toEqual({ backend: "openai", base_urls: ["http://h:8000/v1"], model: "m", mode: "fc", concurrency: 64, retries: 5, timeout_s: 300, backoff_ms: 500 });
  });
});

describe("errors name the key path and what was expected", () => {
  it.each([
    [{ ...minimal, iterations: -1 }, "iterations: Expected a positive integer but received -1"],
    [{ ...minimal, iterations: "two" }, 'iterations: Expected a positive integer but received "two"'],
    [{ ...minimal, alpha: -0.1 }, "alpha: Expected a number ≥ 0 but received -0.1"],
    [{ ...minimal, early_stop: { epsilon: 0 } }, "early_stop.epsilon: Expected a number > 0 but received 0"],
    [{ ...minimal, seeds: { files: [] } }, "seeds.files: Expected a file or a list of files but received []"],
    [{ ...minimal, seeds: { files: "a", eval: { fraction: 1.5 } } }, "seeds.eval"],
    [{ ...minimal, trainer: { type: "ppo" } }, 'trainer.type: Expected "none", "baseline", "verl-ppo", "verl-sft" or "verl-lora" but received "ppo"'],
    [{ ...minimal, roles: { ...minimal.roles, fc: { backend: "openai", model: "m" } } }, "roles.fc.base_urls: Expected a base URL or a list of them (each ending in /v1) but received nothing"],
    [{ ...minimal, roles: { ...minimal.roles, fc: { backend: "openai", base_urls: ["u"], model: "m", mode: "json" } } }, 'roles.fc.mode: Expected "prompt" or "fc" but received "json"'],
    [{ ...minimal, roles: { ...minimal.roles, judge: { backend: "vllm" } } }, 'roles.judge.backend: Expected "openai" or "baseline" but received "vllm"'],
    [{ ...minimal, roles: { ...minimal.roles, query: { backend: "openai", base_urls: ["u"], model: "m", concurency: 3 } } }, "roles.query.concurency: Expected no such key (unknown key) but received 3"],
    [{ ...minimal, curriculum: { stages: [{ name: "a", categories: ["simpel"] }] } }, "curriculum.stages[0].categories[0]: Expected a BFCL category name"],
    [{ ...minimal, itrations: 3 }, "itrations: Expected no such key (unknown key) but received 3"],
    [{ roles: minimal.roles }, "seeds: Expected a value (required key) but received nothing"],
  ])("%#: %s", (input, message) => {
    const all = issues(input);
    expect(all.some((l) => l.startsWith(message)), all.join("\n")).toBe(true);
  });

  it("lists every problem at once and throws RunConfigError naming the file", () => {
    expect(() => parseRunConfigText("iterations: 0\nalpha: x\n", "run.yaml")).toThrow(RunConfigError);
    try {
      parseRunConfigText("iterations: 0\nalpha: x\n", "run.yaml");
    } catch (e) {
      expect((e as RunConfigError).message).toMatch(/^run\.yaml: invalid run config/);
      expect((e as RunConfigError).issues.length).toBeGreaterThanOrEqual(4);
    }
  });

  it("reports YAML syntax errors", () => {
    expect(() => parseRunConfigText("seeds: [a\n", "x.yaml")).toThrow(/x\.yaml: invalid run config:\n {2}\(syntax\)/);
  });
});

describe("the starter config", () => {
  it("parses, and every key is commented", () => {
    const c = parseRunConfigText(STARTER_CONFIG);
    expect(c.trainer.type).toBe("baseline");
    const keys = STARTER_CONFIG.split("\n").filter((l) => /^[a-z_]+:/.test(l));
    expect(keys.length).toBeGreaterThan(10);
  });
  it("reads JSON too", () => {
    expect(parseRunConfigText(JSON.stringify(minimal)).iterations).toBe(2);
  });
});

describe("configHash", () => {
  it("ignores where the run goes and how parallel it is, not what it computes", () => {
    const a = parseRunConfig(minimal);
    expect(configHash({ ...a, run_dir: "x", concurrency: 3 })).toBe(configHash(a));
    expect(configHash({ ...a, alpha: 0.1 })).not.toBe(configHash(a));
  });
});

describe("roles.query.train", () => {
  const openaiQuery = { backend: "openai", base_urls: "http://h:8000/v1", model: "q" };
  it("is optional (none: sampling without updates) and takes verl-ppo for an openai query role", async () => {
    const { queryTrainMode } = await import("./config.js");
    const plain = parseRunConfig({ ...minimal, roles: { ...minimal.roles, query: openaiQuery } });
    expect(queryTrainMode(plain)).toBe("none");
    expect("train" in plain.roles.query).toBe(false);
    expect(queryTrainMode(parseRunConfig({ ...minimal, roles: { ...minimal.roles, query: { ...openaiQuery, train: "verl-ppo" } } }))).toBe("verl-ppo");
  });
  it("names the key on a bad value, and refuses verl-ppo for a baseline query role", () => {
    expect(issues({ ...minimal, roles: { ...minimal.roles, query: { ...openaiQuery, train: "grpo" } } })).toEqual(['roles.query.train: Expected "none" or "verl-ppo" but received "grpo"']);
    expect(issues({ ...minimal, roles: { ...minimal.roles, query: { backend: "baseline", train: "verl-ppo" } } })[0]).toMatch(/^roles\.query\.train: Expected "none" \(verl-ppo trains a served query model/);
    expect(issues({ ...minimal, roles: { ...minimal.roles, fc: { backend: "openai", base_urls: "http://h/v1", model: "m", train: "verl-ppo" } } })[0]).toMatch(/^roles\.fc\.train: Expected no such key/);
  });
  it("verl-ppo needs the injected query trainer", async () => {
    const { createBackends } = await import("./backends.js");
    const c = parseRunConfig({ ...minimal, roles: { ...minimal.roles, query: { ...openaiQuery, train: "verl-ppo" } } });
    expect(() => createBackends(c, { seeds: [], allSeeds: [] })).toThrow(/roles\.query\.train: "verl-ppo" needs the verl query trainer/);
  });
});
