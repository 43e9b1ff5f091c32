// `serve: external`: advfc prints the `vllm serve` command and waits until the user's server
// lists the new model. The server here is the scripted OpenAI server of @advfc/core/testing
// (vLLM itself needs a GPU).
import { startOpenAIServer } from "@advfc/core/testing";
import { describe, expect, it } from "vitest";
import { parseVerlSection } from "../launch/verl-section.js";
import { checkServeSettings, ModelServer } from "./serve.js";

describe("ModelServer (external)", () => {
  it("prints the vllm serve command and polls /v1/models until the served name answers", async () => {
    const server = await startOpenAIServer({ model: "/ckpt/hf/global_step_3" });
    try {
      const lines: string[] = [];
      const ms = new ModelServer(parseVerlSection({ serve_base_url: server.url, serve_timeout_s: 5 }), { pollMs: 20, log: (l) => lines.push(l) });
      const served = await ms.serve("/ckpt/hf/global_step_3");
      expect(served).toMatchObject({ baseUrl: server.url, model: "/ckpt/hf/global_step_3", mode: "external" });
      expect(lines[0]).toContain("vllm serve /ckpt/hf/global_step_3 --enable-auto-tool-choice --tool-call-parser hermes");
      // a server still on another model times out with a clear message
      const slow = new ModelServer(parseVerlSection({ serve_base_url: server.url, serve_timeout_s: 0.2 }), { pollMs: 20 });
      await expect(slow.serve("/ckpt/hf/global_step_9")).rejects.toThrow(/did not list "\/ckpt\/hf\/global_step_9" within/);
      // served_model_name: that name is awaited instead
      const named = new ModelServer(parseVerlSection({ serve_base_url: server.url, served_model_name: "/ckpt/hf/global_step_3" }), { pollMs: 20 });
      expect((await named.serve("/elsewhere")).model).toBe("/ckpt/hf/global_step_3");
    } finally {
      await server.close();
    }
  });

  it("checks the serving settings", () => {
    expect(checkServeSettings(parseVerlSection({}))[0]).toMatch(/^trainer\.verl\.serve: /);
    expect(checkServeSettings(parseVerlSection({ serve: "external" }))[0]).toMatch(/^trainer\.verl\.serve_base_url: /);
    expect(checkServeSettings(parseVerlSection({ serve: "spawn" }))).toEqual([]);
  });
});
