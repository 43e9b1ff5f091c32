import { describe, expect, it } from "vitest";
import { buildPpoOverrides, buildSftOverrides } from "./builders.js";
import { levenshtein, nearestKey, VerlConfigKeyError, VerlOverrides } from "./overrides.js";
import { presetFor } from "./presets.js";
import { VERL_PPO_KEYS, VERL_SFT_KEYS } from "./verl-keys.js";

const common = {
  trainFiles: ["/out/data/train.parquet"],
  valFiles: ["/out/data/val.parquet"],
  rewardFunctionPath: "/pkg/python/advfc_reward.py",
  checkpointDir: "/out/checkpoints",
  rolloutDataDir: "/out/rollouts",
};

describe("buildPpoOverrides role query (Qwen2.5-7B-Instruct preset: 1 node × 8 GPUs)", () => {
  it("produces the full main_ppo override list", () => {
    expect(buildPpoOverrides({ role: "query", modelPath: "Qwen/Qwen2.5-7B-Instruct", totalTrainingSteps: 500, ...common }).toArgs()).toEqual([
      "algorithm.adv_estimator=gae",
      "algorithm.use_kl_in_reward=False",
      "algorithm.kl_ctrl.kl_coef=0.001",
      "data.train_files=['/out/data/train.parquet']",
      "data.val_files=['/out/data/val.parquet']",
      "data.train_batch_size=64",
      "data.max_prompt_length=4096",
      "data.max_response_length=512",
      "data.filter_overlong_prompts=True",
      "data.truncation=error",
      "actor_rollout_ref.model.path=Qwen/Qwen2.5-7B-Instruct",
      "actor_rollout_ref.model.use_remove_padding=True",
      "actor_rollout_ref.model.enable_gradient_checkpointing=True",
      "actor_rollout_ref.actor.optim.lr=0.000001",
      "actor_rollout_ref.actor.ppo_mini_batch_size=32",
      "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=4",
      "actor_rollout_ref.actor.use_kl_loss=True",
      "actor_rollout_ref.actor.kl_loss_coef=0.001",
      "actor_rollout_ref.actor.kl_loss_type=low_var_kl",
      "actor_rollout_ref.rollout.name=vllm",
      "actor_rollout_ref.rollout.n=1",
      "actor_rollout_ref.rollout.tensor_model_parallel_size=2",
      "actor_rollout_ref.rollout.gpu_memory_utilization=0.5",
      "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=4",
      "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=4",
      "critic.model.path=Qwen/Qwen2.5-7B-Instruct",
      "critic.model.use_remove_padding=True",
      "critic.model.enable_gradient_checkpointing=True",
      "critic.optim.lr=0.00001",
      "critic.ppo_micro_batch_size_per_gpu=4",
      "reward_model.enable=False",
      "reward_model.use_reward_loop=False",
      "reward_model.reward_manager=batch",
      "custom_reward_function.path=/pkg/python/advfc_reward.py",
      "custom_reward_function.name=compute_score",
      "trainer.project_name=advfc",
      "trainer.experiment_name=query",
      "trainer.logger=['console','file']",
      "trainer.nnodes=1",
      "trainer.n_gpus_per_node=8",
      "trainer.total_epochs=1",
      "trainer.total_training_steps=500",
      "trainer.save_freq=20",
      "trainer.test_freq=-1",
      "trainer.val_before_train=False",
      "trainer.critic_warmup=0",
      "trainer.resume_mode=auto",
      "trainer.default_local_dir=/out/checkpoints",
      "trainer.rollout_data_dir=/out/rollouts",
    ]);
  });
});

describe("buildPpoOverrides role fc (Qwen3 presets)", () => {
  it.each([
    ["Qwen/Qwen3-0.6B", 1, 4],
    ["Qwen/Qwen3-1.7B", 1, 4],
    ["Qwen/Qwen3-4B", 1, 8],
    ["Qwen/Qwen3-8B", 2, 8],
    ["/models/Qwen3-8B", 2, 8],
  ])("%s runs on %i node(s) × %i GPUs, no-think prompts added with +", (model, nnodes, gpus) => {
    const args = buildPpoOverrides({ role: "fc", modelPath: model, ...common }).toArgs();
    expect(args).toContain(`trainer.nnodes=${nnodes}`);
    expect(args).toContain(`trainer.n_gpus_per_node=${gpus}`);
    expect(args).toContain("+data.apply_chat_template_kwargs.enable_thinking=False");
    expect(args).toContain("data.max_prompt_length=2048");
    expect(args.filter((a) => a.startsWith("+"))).toEqual(["+data.apply_chat_template_kwargs.enable_thinking=False"]);
  });

  it("extra overrides are validated and win; KL coef 0 turns the KL loss off", () => {
    const ov = buildPpoOverrides({ role: "fc", modelPath: "Qwen/Qwen3-4B", klLossCoef: 0, extra: { "actor_rollout_ref.rollout.n": 4, "actor_rollout_ref.rollout.engine_kwargs.vllm.swap_space": 8 }, ...common });
    expect(ov.get("actor_rollout_ref.rollout.n")).toBe(4);
    expect(ov.get("actor_rollout_ref.actor.use_kl_loss")).toBe(false);
    expect(ov.toArgs()).toContain("+actor_rollout_ref.rollout.engine_kwargs.vllm.swap_space=8");
  });

  it("writes the equivalent YAML", () => {
    const yaml = buildPpoOverrides({ role: "fc", modelPath: "Qwen/Qwen3-0.6B", ...common }).toYaml();
    expect(yaml).toContain("trainer:\n  project_name: advfc\n  experiment_name: fc\n  logger: [console, file]\n");
    expect(yaml).toContain("data:\n  train_files: [/out/data/train.parquet]\n");
    expect(yaml).toContain("  apply_chat_template_kwargs:\n    enable_thinking: false  # not in the base config (+)\n");
  });
});

describe("buildSftOverrides", () => {
  it("LoRA: multi-turn messages + tools, lora_rank / lora_alpha / target_modules", () => {
    expect(buildSftOverrides({ modelPath: "Qwen/Qwen3-1.7B", trainFiles: ["/d/train.parquet"], valFiles: ["/d/val.parquet"], checkpointDir: "/c", loraRank: 32, targetModules: ["q_proj", "v_proj"] }).toArgs()).toEqual([
      "data.train_files=['/d/train.parquet']",
      "data.val_files=['/d/val.parquet']",
      "data.multiturn.enable=True",
      "data.multiturn.messages_key=messages",
      "data.multiturn.tools_key=tools",
      "data.multiturn.enable_thinking_key=enable_thinking",
      "data.max_length=4096",
      "data.truncation=right",
      "data.train_batch_size=64",
      "data.micro_batch_size_per_gpu=8",
      "model.partial_pretrain=Qwen/Qwen3-1.7B",
      "model.enable_gradient_checkpointing=True",
      "optim.lr=0.0001",
      "use_remove_padding=True",
      "trainer.default_local_dir=/c",
      "trainer.project_name=advfc",
      "trainer.experiment_name=fc-lora",
      "trainer.total_epochs=2",
      "trainer.logger=['console','file']",
      "trainer.nnodes=1",
      "trainer.n_gpus_per_node=4",
      "model.lora_rank=32",
      "model.lora_alpha=64",
      "model.target_modules=['q_proj','v_proj']",
    ]);
  });

  it("full fine-tuning sets no LoRA keys", () => {
    const args = buildSftOverrides({ modelPath: "Qwen/Qwen3-0.6B", trainFiles: ["t"], valFiles: ["v"], checkpointDir: "/c" }).toArgs();
    expect(args.some((a) => a.startsWith("model.lora"))).toBe(false);
    expect(args).toContain("trainer.experiment_name=fc-sft");
  });
});

describe("key checking against the pinned verl v0.7 keys", () => {
  it("a typo fails with the nearest valid key", () => {
    const ov = new VerlOverrides(VERL_PPO_KEYS);
    expect(() => ov.set("actor_rollout_ref.actor.kl_los_coef", 0.01)).toThrow(VerlConfigKeyError);
    expect(() => ov.set("actor_rollout_ref.actor.kl_los_coef", 0.01)).toThrow('Expected a key of verl v0.7 ppo_trainer.yaml but received "actor_rollout_ref.actor.kl_los_coef" (did you mean "actor_rollout_ref.actor.kl_loss_coef"?)');
    try {
      ov.set("trainer.n_gpu_per_node", 8);
    } catch (e) {
      expect((e as VerlConfigKeyError).suggestion).toBe("trainer.n_gpus_per_node");
    }
    expect.assertions(3);
  });

  it("an extra override typo fails the builder", () => {
    expect(() => buildPpoOverrides({ role: "query", modelPath: "m", extra: { "trainer.total_epoch": 3 }, ...common })).toThrow('did you mean "trainer.total_epochs"');
  });

  it("reward keys of newer verl (reward.*) are not v0.7 keys", () => {
    expect(() => new VerlOverrides(VERL_PPO_KEYS).set("reward.reward_manager.name", "batch")).toThrow(VerlConfigKeyError);
  });

  it("v0.7.0 spellings: SFT warmup is optim.lr_warmup_steps_ratio; the PPO actor has no tis_imp_ratio_cap", () => {
    expect(() => new VerlOverrides(VERL_SFT_KEYS).set("optim.warmup_steps_ratio", 0.1)).toThrow('did you mean "optim.lr_warmup_steps_ratio"');
    expect(() => new VerlOverrides(VERL_SFT_KEYS).set("optim.lr_warmup_steps_ratio", 0.1)).not.toThrow();
    expect(() => new VerlOverrides(VERL_PPO_KEYS).set("actor_rollout_ref.actor.tis_imp_ratio_cap", 2)).toThrow(VerlConfigKeyError);
    expect(() => new VerlOverrides(VERL_PPO_KEYS).set("algorithm.rollout_correction.rollout_is_threshold", 2)).not.toThrow();
    expect(() => new VerlOverrides(VERL_PPO_KEYS).set("reward_manager.name", "naive")).not.toThrow();
  });

  it("PPO and SFT keys are separate sets", () => {
    expect(() => new VerlOverrides(VERL_SFT_KEYS).set("model.partial_pretrain", "x")).not.toThrow();
    expect(() => new VerlOverrides(VERL_PPO_KEYS).set("model.partial_pretrain", "x")).toThrow(VerlConfigKeyError);
  });

  it("levenshtein / nearestKey", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(nearestKey("data.train_file", VERL_PPO_KEYS.keys)).toBe("data.train_files");
    expect(nearestKey("completely.unrelated.thing.here", ["a.b"])).toBeUndefined();
  });

  it("values are quoted where Hydra's grammar needs it", () => {
    const ov = new VerlOverrides(VERL_PPO_KEYS).set("trainer.experiment_name", "my run, 2").set("trainer.resume_from_path", null);
    expect(ov.toArgs()).toEqual(["trainer.experiment_name='my run, 2'", "trainer.resume_from_path=null"]);
  });
});

describe("presetFor", () => {
  it("matches ids and local folders by their last path part; unknown models have none", () => {
    expect(presetFor("Qwen/Qwen3-4B")?.gpusPerNode).toBe(8);
    expect(presetFor("/data/models/qwen3-0.6b/")?.model).toBe("Qwen/Qwen3-0.6B");
    expect(presetFor("meta-llama/Llama-3-8B")).toBeUndefined();
  });
});

describe("presets by the base model when training from an earlier iteration's folder", () => {
  it("a merged folder keeps the base model's resources and no-think prompts", () => {
    const common = { trainFiles: ["t.parquet"], valFiles: ["v.parquet"], checkpointDir: "/ck", experimentName: "x" };
    const ppo = buildPpoOverrides({ role: "fc", modelPath: "/runs/r/iter-0/verl-fc/hf/global_step_3", presetModel: "Qwen/Qwen3-4B", rewardFunctionPath: "/shim.py", rolloutDataDir: "/ro", ...common });
    expect(ppo.get("actor_rollout_ref.model.path")).toBe("/runs/r/iter-0/verl-fc/hf/global_step_3");
    expect(ppo.get("trainer.n_gpus_per_node")).toBe(8);
    expect(ppo.get("actor_rollout_ref.rollout.tensor_model_parallel_size")).toBe(2);
    expect(ppo.get("data.apply_chat_template_kwargs.enable_thinking")).toBe(false);
    // without it, the folder name matches no preset: the 8-GPU fallback and no no-think setting
    const bare = buildPpoOverrides({ role: "fc", modelPath: "/runs/r/iter-0/verl-fc/hf/global_step_3", rewardFunctionPath: "/shim.py", rolloutDataDir: "/ro", ...common });
    expect(bare.get("data.apply_chat_template_kwargs.enable_thinking")).toBeUndefined();
    const sft = buildSftOverrides({ modelPath: "/runs/r/iter-0/verl-fc/hf/global_step_3", presetModel: "Qwen/Qwen3-0.6B", ...common });
    expect(sft.get("model.partial_pretrain")).toBe("/runs/r/iter-0/verl-fc/hf/global_step_3");
    expect(sft.get("trainer.n_gpus_per_node")).toBe(4);
  });
});
