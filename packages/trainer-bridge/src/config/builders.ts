/**
 * Typed builders of verl launches: PPO for the query model and the FC model
 * (`python3 -m verl.trainer.main_ppo`), SFT / LoRA for the FC model
 * (`torchrun … -m verl.trainer.fsdp_sft_trainer`). Each returns validated {@link VerlOverrides}
 * (override list and YAML). PPO is the paper's: GAE with a critic, KL in the loss, rewards from
 * advfc's reward server through a `custom_reward_function` with the batch reward manager
 * (`compute_score` sees the whole batch, which Eq. 6's diversity term needs).
 */
import { VerlOverrides, type OverrideValue } from "./overrides.js";
import { presetFor, type VerlPreset } from "./presets.js";
import { VERL_PPO_KEYS, VERL_SFT_KEYS } from "./verl-keys.js";

/** The fallback when a model has no preset: one node of 8 GPUs. */
const DEFAULT_PRESET: Omit<VerlPreset, "model"> = { nnodes: 1, gpusPerNode: 8, rolloutTp: 2, trainBatchSize: 64, ppoMiniBatchSize: 32, microBatchSizePerGpu: 4, gpuMemoryUtilization: 0.5, disableThinking: false, sftMicroBatchSizePerGpu: 2 };

/** Options of {@link buildPpoOverrides}. Unset resources come from the model's preset. */
export interface PpoConfigOptions {
  /** Which policy is trained: the query model πQ or the FC model πF. */
  role: "query" | "fc";
  /** Actor (and reference, rollout) model: HF id or local folder. */
  modelPath: string;
  /**
   * The model id the resources and prompt settings are chosen by (a preset), when `modelPath` is
   * a folder whose name does not say it (an earlier iteration's merged model). @default modelPath
   */
  presetModel?: string;
  /** Critic model. @default modelPath */
  criticModelPath?: string;
  trainFiles: readonly string[];
  valFiles: readonly string[];
  /** The stdlib Python shim that POSTs each batch to advfc's reward server. */
  rewardFunctionPath: string;
  /** @default "compute_score" */
  rewardFunctionName?: string;
  /** Checkpoints: `trainer.default_local_dir`. */
  checkpointDir: string;
  /** Per-step rollouts (JSONL): `trainer.rollout_data_dir`. */
  rolloutDataDir: string;
  /** @default "advfc" */
  projectName?: string;
  /** @default `${role}` */
  experimentName?: string;
  nnodes?: number;
  gpusPerNode?: number;
  /** Responses per prompt. @default 1 (GAE needs no groups) */
  rolloutN?: number;
  /** @default "vllm" */
  rolloutEngine?: "vllm" | "sglang";
  trainBatchSize?: number;
  ppoMiniBatchSize?: number;
  microBatchSizePerGpu?: number;
  /** Tokens. @default 4096 (query: the tool list is in the prompt), 2048 (fc) */
  maxPromptLength?: number;
  /** Tokens. @default 512 */
  maxResponseLength?: number;
  /** KL penalty in the actor loss (`use_kl_loss` / `kl_loss_coef`). @default 0.001; 0 turns it off */
  klLossCoef?: number;
  /** `algorithm.kl_ctrl.kl_coef` (KL in the reward is off: `use_kl_in_reward=False`). @default 0.001 */
  klCtrlCoef?: number;
  /** @default 1e-6 */
  actorLr?: number;
  /** @default 1e-5 */
  criticLr?: number;
  /** @default 1 */
  totalEpochs?: number;
  /** Hard cap on PPO steps (`trainer.total_training_steps`). @default unset (epochs decide) */
  totalTrainingSteps?: number;
  /** @default 20 */
  saveFreq?: number;
  /** @default "auto" */
  resumeMode?: "auto" | "disable" | "resume_path";
  /** Qwen3 no-think prompts. @default the preset's (true for Qwen3) */
  disableThinking?: boolean;
  /** Extra overrides, validated like the rest; they win over the builder's. */
  extra?: Readonly<Record<string, OverrideValue>>;
}

/**
 * The `verl.trainer.main_ppo` overrides for one PPO job.
 * @throws {VerlConfigKeyError} when an `extra` key is not a verl v0.7 key.
 */
export function buildPpoOverrides(o: PpoConfigOptions): VerlOverrides {
  const p = { ...DEFAULT_PRESET, ...presetFor(o.presetModel ?? o.modelPath) };
  const micro = o.microBatchSizePerGpu ?? p.microBatchSizePerGpu;
  const klLossCoef = o.klLossCoef ?? 0.001;
  const ov = new VerlOverrides(VERL_PPO_KEYS).setAll({
    "algorithm.adv_estimator": "gae",
    "algorithm.use_kl_in_reward": false,
    "algorithm.kl_ctrl.kl_coef": o.klCtrlCoef ?? 0.001,
    "data.train_files": [...o.trainFiles],
    "data.val_files": [...o.valFiles],
    "data.train_batch_size": o.trainBatchSize ?? p.trainBatchSize,
    "data.max_prompt_length": o.maxPromptLength ?? (o.role === "query" ? 4096 : 2048),
    "data.max_response_length": o.maxResponseLength ?? 512,
    "data.filter_overlong_prompts": true,
    "data.truncation": "error",
    "actor_rollout_ref.model.path": o.modelPath,
    "actor_rollout_ref.model.use_remove_padding": true,
    "actor_rollout_ref.model.enable_gradient_checkpointing": true,
    "actor_rollout_ref.actor.optim.lr": o.actorLr ?? 1e-6,
    "actor_rollout_ref.actor.ppo_mini_batch_size": o.ppoMiniBatchSize ?? p.ppoMiniBatchSize,
    "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu": micro,
    "actor_rollout_ref.actor.use_kl_loss": klLossCoef > 0,
    "actor_rollout_ref.actor.kl_loss_coef": klLossCoef,
    "actor_rollout_ref.actor.kl_loss_type": "low_var_kl",
    "actor_rollout_ref.rollout.name": o.rolloutEngine ?? "vllm",
    "actor_rollout_ref.rollout.n": o.rolloutN ?? 1,
    "actor_rollout_ref.rollout.tensor_model_parallel_size": p.rolloutTp,
    "actor_rollout_ref.rollout.gpu_memory_utilization": p.gpuMemoryUtilization,
    "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu": micro,
    "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu": micro,
    "critic.model.path": o.criticModelPath ?? o.modelPath,
    "critic.model.use_remove_padding": true,
    "critic.model.enable_gradient_checkpointing": true,
    "critic.optim.lr": o.criticLr ?? 1e-5,
    "critic.ppo_micro_batch_size_per_gpu": micro,
    "reward_model.enable": false,
    "reward_model.use_reward_loop": false,
    "reward_model.reward_manager": "batch",
    "custom_reward_function.path": o.rewardFunctionPath,
    "custom_reward_function.name": o.rewardFunctionName ?? "compute_score",
    "trainer.project_name": o.projectName ?? "advfc",
    "trainer.experiment_name": o.experimentName ?? o.role,
    "trainer.logger": ["console", "file"],
    "trainer.nnodes": o.nnodes ?? p.nnodes,
    "trainer.n_gpus_per_node": o.gpusPerNode ?? p.gpusPerNode,
    "trainer.total_epochs": o.totalEpochs ?? 1,
    ...(o.totalTrainingSteps !== undefined ? { "trainer.total_training_steps": o.totalTrainingSteps } : {}),
    "trainer.save_freq": o.saveFreq ?? 20,
    "trainer.test_freq": -1,
    "trainer.val_before_train": false,
    "trainer.critic_warmup": 0,
    "trainer.resume_mode": o.resumeMode ?? "auto",
    "trainer.default_local_dir": o.checkpointDir,
    "trainer.rollout_data_dir": o.rolloutDataDir,
  });
  if (o.disableThinking ?? p.disableThinking) ov.set("data.apply_chat_template_kwargs.enable_thinking", false);
  if (o.extra) ov.setAll(o.extra);
  return ov;
}

/** Options of {@link buildSftOverrides}. */
export interface SftConfigOptions {
  /** Base model: `model.partial_pretrain`. */
  modelPath: string;
  /** The model id the preset is chosen by, as in {@link PpoConfigOptions.presetModel}. @default modelPath */
  presetModel?: string;
  trainFiles: readonly string[];
  valFiles: readonly string[];
  checkpointDir: string;
  /** LoRA rank; 0 = full fine-tuning. @default 0 */
  loraRank?: number;
  /** @default 2 × loraRank */
  loraAlpha?: number;
  /** @default "all-linear" */
  targetModules?: string | readonly string[];
  nnodes?: number;
  gpusPerNode?: number;
  /** @default 64 */
  trainBatchSize?: number;
  microBatchSizePerGpu?: number;
  /** Tokens per conversation. @default 4096 */
  maxLength?: number;
  /** @default 1e-5 (full), 1e-4 (LoRA) */
  lr?: number;
  /** @default 2 */
  totalEpochs?: number;
  /** @default "advfc" */
  projectName?: string;
  /** @default "fc-sft" or "fc-lora" */
  experimentName?: string;
  extra?: Readonly<Record<string, OverrideValue>>;
}

/**
 * The `verl.trainer.fsdp_sft_trainer` overrides for a multi-turn SFT (or LoRA) job on the FC
 * SFT set (`messages` + `tools` + `enable_thinking` columns).
 * @throws {VerlConfigKeyError} when an `extra` key is not a verl v0.7 SFT key.
 */
export function buildSftOverrides(o: SftConfigOptions): VerlOverrides {
  const p = { ...DEFAULT_PRESET, ...presetFor(o.presetModel ?? o.modelPath) };
  const rank = o.loraRank ?? 0;
  const ov = new VerlOverrides(VERL_SFT_KEYS).setAll({
    "data.train_files": [...o.trainFiles],
    "data.val_files": [...o.valFiles],
    "data.multiturn.enable": true,
    "data.multiturn.messages_key": "messages",
    "data.multiturn.tools_key": "tools",
    "data.multiturn.enable_thinking_key": "enable_thinking",
    "data.max_length": o.maxLength ?? 4096,
    "data.truncation": "right",
    "data.train_batch_size": o.trainBatchSize ?? 64,
    "data.micro_batch_size_per_gpu": o.microBatchSizePerGpu ?? p.sftMicroBatchSizePerGpu,
    "model.partial_pretrain": o.modelPath,
    "model.enable_gradient_checkpointing": true,
    "optim.lr": o.lr ?? (rank > 0 ? 1e-4 : 1e-5),
    "use_remove_padding": true,
    "trainer.default_local_dir": o.checkpointDir,
    "trainer.project_name": o.projectName ?? "advfc",
    "trainer.experiment_name": o.experimentName ?? (rank > 0 ? "fc-lora" : "fc-sft"),
    "trainer.total_epochs": o.totalEpochs ?? 2,
    "trainer.logger": ["console", "file"],
    "trainer.nnodes": o.nnodes ?? p.nnodes,
    "trainer.n_gpus_per_node": o.gpusPerNode ?? p.gpusPerNode,
  });
  if (rank > 0) {
    ov.setAll({
      "model.lora_rank": rank,
      "model.lora_alpha": o.loraAlpha ?? 2 * rank,
      "model.target_modules": typeof o.targetModules === "string" || o.targetModules === undefined ? (o.targetModules ?? "all-linear") : [...o.targetModules],
    });
  }
  if (o.extra) ov.setAll(o.extra);
  return ov;
}
