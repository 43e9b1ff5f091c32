/**
 * The paper's hardware setups as presets: the query model (Qwen2.5-7B-Instruct) on 8 GPUs; the
 * FC models Qwen3-0.6B / 1.7B on 4 GPUs, 4B on 8, 8B on 16 (2 nodes × 8). Batch sizes are per
 * optimizer step over the whole job; micro batch sizes are per GPU and sized for 80 GB cards.
 */

/** Resources and batch sizes of one model's PPO / SFT job. */
export interface VerlPreset {
  /** Hugging Face id the preset is for. */
  model: string;
  nnodes: number;
  gpusPerNode: number;
  /** vLLM tensor parallel size of the rollout. */
  rolloutTp: number;
  /** `data.train_batch_size` (prompts per PPO step). */
  trainBatchSize: number;
  /** `actor_rollout_ref.actor.ppo_mini_batch_size`. */
  ppoMiniBatchSize: number;
  /** Per-GPU micro batch of the actor, critic and log-prob passes. */
  microBatchSizePerGpu: number;
  /** `actor_rollout_ref.rollout.gpu_memory_utilization`. */
  gpuMemoryUtilization: number;
  /** Qwen3: render prompts with `enable_thinking=False` (the paper's non-thinking FC models). */
  disableThinking: boolean;
  /** SFT: `data.micro_batch_size_per_gpu`. */
  sftMicroBatchSizePerGpu: number;
}

export const VERL_PRESETS: readonly VerlPreset[] = [
  { model: "Qwen/Qwen2.5-7B-Instruct", nnodes: 1, gpusPerNode: 8, rolloutTp: 2, trainBatchSize: 64, ppoMiniBatchSize: 32, microBatchSizePerGpu: 4, gpuMemoryUtilization: 0.5, disableThinking: false, sftMicroBatchSizePerGpu: 2 },
  { model: "Qwen/Qwen3-0.6B", nnodes: 1, gpusPerNode: 4, rolloutTp: 1, trainBatchSize: 128, ppoMiniBatchSize: 64, microBatchSizePerGpu: 16, gpuMemoryUtilization: 0.6, disableThinking: true, sftMicroBatchSizePerGpu: 8 },
  { model: "Qwen/Qwen3-1.7B", nnodes: 1, gpusPerNode: 4, rolloutTp: 1, trainBatchSize: 128, ppoMiniBatchSize: 64, microBatchSizePerGpu: 8, gpuMemoryUtilization: 0.6, disableThinking: true, sftMicroBatchSizePerGpu: 8 },
  { model: "Qwen/Qwen3-4B", nnodes: 1, gpusPerNode: 8, rolloutTp: 2, trainBatchSize: 128, ppoMiniBatchSize: 64, microBatchSizePerGpu: 4, gpuMemoryUtilization: 0.5, disableThinking: true, sftMicroBatchSizePerGpu: 4 },
  { model: "Qwen/Qwen3-8B", nnodes: 2, gpusPerNode: 8, rolloutTp: 2, trainBatchSize: 256, ppoMiniBatchSize: 64, microBatchSizePerGpu: 2, gpuMemoryUtilization: 0.5, disableThinking: true, sftMicroBatchSizePerGpu: 2 },
];

/** The preset whose model id (or its last path part, for local paths like /models/Qwen3-4B) matches; undefined when none does. */
export function presetFor(model: string): VerlPreset | undefined {
  const base = (s: string) => s.replace(/\/+$/, "").split("/").pop()!.toLowerCase();
  return VERL_PRESETS.find((p) => p.model === model) ?? VERL_PRESETS.find((p) => base(p.model) === base(model));
}
