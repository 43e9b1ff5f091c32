/**
 * The pinned key paths of verl's Hydra configs, so an override with a typo fails here (with
 * the nearest valid key) instead of minutes into a GPU job.
 *
 * Sources (read from GitHub with the project's code-search tool), verl v0.7.0 — the tag
 * `v0.7.0` is upstream commit f9c855f7cf04d603c9546bc01776c74806a879c1. The search index holds
 * no upstream (volcengine/verl, now verl-project/verl) copy of these files at a v0.7 commit: its
 * only upstream `verl/version/version` says 0.0.3.post2, and b2df6f8c8c9521fcc4742c40d437be40f48d8b42,
 * which the previous list came from, is v0.6-era. So:
 * - PPO: `verl/trainer/config/_generated_ppo_trainer.yaml` (the flattened `ppo_trainer.yaml`) as
 *   carried by two independent trees built on v0.7.0, flagos-ai/verl-FL at
 *   eed969898cd8f39eabdf3c8fff6be0880a0110d0 (`verl/version/version`: `0.1.0+verl0.7.0`) and
 *   NKU-LITI/VERL070 at 0c0e61499fbebfe33294beb43d8c480a0a409349. Less each fork's own keys
 *   (verl-FL: `trainer.accelerator_type`, `reward_model.accelerator_type`; VERL070: the actor's
 *   off-policy keys and the trainer's hint keys) the two files agree key for key, value for value
 *   and in length to the character. `_target_` entries and profiler config (`*.profiler`,
 *   `global_profiler`) are left out.
 * - SFT: `verl/trainer/config/sft_trainer.yaml` with its `defaults: [optim: fsdp]`
 *   (`optim/fsdp.yaml`), the config `verl.trainer.fsdp_sft_trainer` loads
 *   (`config_name="sft_trainer"`), at lu-jun-yu/verl d242388afb1fd6f167578ec6f0a16fbb564d4cdf, an
 *   import of verl main at `0.7.0.dev` taken before that fork's own changes (the index holds no
 *   SFT config of the v0.7.0 trees above, which store only the files they changed).
 * Later verl moved the reward settings under `reward.*` and dropped `reward_model.use_reward_loop`
 * and the batch reward manager (verl-project/verl PRs 5237 and 5255, February 2026, after v0.7.0):
 * this list is v0.7.0's.
 *
 * The outline: one key per line, two spaces per level; a line with deeper lines under it is a
 * group. Groups marked `{}` are open maps: keys under them are not in the base config and
 * take Hydra's `+key=value`.
 */

const PPO_OUTLINE = `
actor_rollout_ref
  actor
    optim
      optimizer
      optimizer_impl
      lr
      lr_warmup_steps_ratio
      total_training_steps
      weight_decay
      lr_warmup_steps
      betas
      clip_grad
      min_lr_ratio
      num_cycles
      lr_scheduler_type
      warmup_style
      override_optimizer_config
    fsdp_config
      wrap_policy
        min_num_params
      param_offload
      optimizer_offload
      offload_policy
      reshard_after_forward
      fsdp_size
      forward_prefetch
      model_dtype
      use_orig_params
      seed
      full_determinism
      ulysses_sequence_parallel_size
      entropy_from_logits_with_chunking
      use_torch_compile
      entropy_checkpointing
      forward_only
      strategy
      dtype
    rollout_n
    strategy
    ppo_mini_batch_size
    ppo_micro_batch_size
    ppo_micro_batch_size_per_gpu
    use_dynamic_bsz
    ppo_max_token_len_per_gpu
    clip_ratio
    clip_ratio_low
    clip_ratio_high
    tau_pos
    tau_neg
    freeze_vision_tower
    policy_loss
      loss_mode
      clip_cov_ratio
      clip_cov_lb
      clip_cov_ub
      kl_cov_ratio
      ppo_kl_coef
    clip_ratio_c
    loss_agg_mode
    loss_scale_factor
    entropy_coeff
    calculate_entropy
    use_kl_loss
    use_torch_compile
    kl_loss_coef
    kl_loss_type
    ppo_epochs
    shuffle
    data_loader_seed
    checkpoint
      save_contents
      load_contents
      async_save
    use_fused_kernels
    router_replay
      mode
      record_file
      replay_file
    grad_clip
    ulysses_sequence_parallel_size
    entropy_from_logits_with_chunking
    entropy_checkpointing
    use_remove_padding
  ref
    rollout_n
    strategy
    use_torch_compile
    log_prob_micro_batch_size
    log_prob_micro_batch_size_per_gpu
    log_prob_use_dynamic_bsz
    log_prob_max_token_len_per_gpu
    router_replay
      mode
      record_file
      replay_file
    fsdp_config
      wrap_policy
        min_num_params
      param_offload
      optimizer_offload
      offload_policy
      reshard_after_forward
      fsdp_size
      forward_prefetch
      model_dtype
      use_orig_params
      seed
      full_determinism
      ulysses_sequence_parallel_size
      entropy_from_logits_with_chunking
      use_torch_compile
      entropy_checkpointing
      forward_only
      strategy
      dtype
    ulysses_sequence_parallel_size
    entropy_from_logits_with_chunking
    entropy_checkpointing
  rollout
    name
    mode
    temperature
    top_k
    top_p
    prompt_length
    response_length
    dtype
    gpu_memory_utilization
    ignore_eos
    enforce_eager
    cudagraph_capture_sizes
    free_cache_engine
    tensor_model_parallel_size
    data_parallel_size
    expert_parallel_size
    pipeline_model_parallel_size
    max_num_batched_tokens
    max_model_len
    max_num_seqs
    enable_chunked_prefill
    enable_prefix_caching
    logprobs_mode
    load_format
    log_prob_micro_batch_size
    log_prob_micro_batch_size_per_gpu
    log_prob_use_dynamic_bsz
    log_prob_max_token_len_per_gpu
    disable_log_stats
    do_sample
    n
    over_sample_rate
    multi_stage_wake_up
    engine_kwargs
      vllm {}
      sglang {}
    val_kwargs
      top_k
      top_p
      temperature
      n
      do_sample
    multi_turn
      enable
      max_assistant_turns
      tool_config_path
      max_user_turns
      max_parallel_calls
      max_tool_response_length
      tool_response_truncate_side
      interaction_config_path
      use_inference_chat_template
      tokenization_sanity_check_mode
      format
      num_repeat_rollouts
    calculate_log_probs
    agent
      num_workers
      default_agent_loop
      agent_loop_config_path
      custom_async_server
        path
        name
    update_weights_bucket_megabytes
    trace
      backend
      token2text
      max_samples_per_step_per_worker
    skip_rollout
    skip_dump_dir
    skip_tokenizer_init
    enable_rollout_routing_replay
    prometheus
      enable
      port
      file
      served_model_name
    quantization
    quantization_config_file
    layered_summon
  model
    path
    hf_config_path
    tokenizer_path
    use_shm
    trust_remote_code
    custom_chat_template
    external_lib
    override_config {}
    enable_gradient_checkpointing
    enable_activation_offload
    use_remove_padding
    lora_rank
    lora_alpha
    target_modules
    exclude_modules
    lora_adapter_path
    use_liger
    use_fused_kernels
    fused_kernel_options
      impl_backend
    tiled_mlp
      enabled
      num_shards
  hybrid_engine
  nccl_timeout
data
  tokenizer
  use_shm
  train_files
  val_files
  train_max_samples
  val_max_samples
  prompt_key
  reward_fn_key
  max_prompt_length
  max_response_length
  train_batch_size
  val_batch_size
  tool_config_path
  return_raw_input_ids
  return_raw_chat
  return_full_prompt
  shuffle
  seed
  dataloader_num_workers
  image_patch_size
  validation_shuffle
  filter_overlong_prompts
  filter_overlong_prompts_workers
  truncation
  image_key
  video_key
  trust_remote_code
  custom_cls
    path
    name
  return_multi_modal_inputs
  sampler
    class_path
    class_name
  datagen
    path
    name
  apply_chat_template_kwargs {}
reward_manager
  source
  name
  module
    path
    name
critic
  optim
    optimizer
    optimizer_impl
    lr
    lr_warmup_steps_ratio
    total_training_steps
    weight_decay
    lr_warmup_steps
    betas
    clip_grad
    min_lr_ratio
    num_cycles
    lr_scheduler_type
    warmup_style
    override_optimizer_config
  model
    fsdp_config
      wrap_policy
        min_num_params
      param_offload
      optimizer_offload
      offload_policy
      reshard_after_forward
      fsdp_size
      forward_prefetch
      model_dtype
      use_orig_params
      seed
      full_determinism
      ulysses_sequence_parallel_size
      entropy_from_logits_with_chunking
      use_torch_compile
      entropy_checkpointing
      forward_only
      strategy
      dtype
    path
    tokenizer_path
    override_config {}
    external_lib
    trust_remote_code
    use_shm
    enable_gradient_checkpointing
    enable_activation_offload
    use_remove_padding
    lora_rank
    lora_alpha
    target_modules
    tiled_mlp
      enabled
      num_shards
  rollout_n
  strategy
  enable
  ppo_mini_batch_size
  ppo_micro_batch_size
  ppo_micro_batch_size_per_gpu
  use_dynamic_bsz
  ppo_max_token_len_per_gpu
  forward_max_token_len_per_gpu
  ppo_epochs
  shuffle
  data_loader_seed
  cliprange_value
  loss_agg_mode
  checkpoint
    save_contents
    load_contents
    async_save
  forward_micro_batch_size
  forward_micro_batch_size_per_gpu
  ulysses_sequence_parallel_size
  grad_clip
reward_model
  enable
  enable_resource_pool
  n_gpus_per_node
  nnodes
  strategy
  model
    input_tokenizer
    path
    external_lib
    trust_remote_code
    override_config {}
    use_shm
    use_remove_padding
    use_fused_kernels
    fsdp_config
      wrap_policy
        min_num_params
      param_offload
      reshard_after_forward
      fsdp_size
      forward_prefetch
  micro_batch_size
  micro_batch_size_per_gpu
  max_length
  use_dynamic_bsz
  forward_max_token_len_per_gpu
  reward_manager
  reward_loop_source
  reward_loop_module_path
  reward_loop_class_name
  launch_reward_fn_async
  sandbox_fusion
    url
    max_concurrent
    memory_limit_mb
  ulysses_sequence_parallel_size
  use_reward_loop
  num_workers
  rollout
    name
    dtype
    gpu_memory_utilization
    enforce_eager
    cudagraph_capture_sizes
    free_cache_engine
    data_parallel_size
    expert_parallel_size
    tensor_model_parallel_size
    max_num_batched_tokens
    max_model_len
    max_num_seqs
    load_format
    engine_kwargs {}
    limit_images
    enable_chunked_prefill
    enable_prefix_caching
    disable_log_stats
    skip_tokenizer_init
    prompt_length
    response_length
algorithm
  rollout_correction
    rollout_is
    rollout_is_threshold
    rollout_rs
    rollout_rs_threshold
    rollout_rs_threshold_lower
    rollout_token_veto_threshold
    bypass_mode
    loss_type
    rollout_is_batch_normalize
  gamma
  lam
  adv_estimator
  norm_adv_by_std_in_grpo
  use_kl_in_reward
  kl_penalty
  kl_ctrl
    type
    kl_coef
    horizon
    target_kl
  use_pf_ppo
  pf_ppo
    reweight_method
    weight_pow
custom_reward_function
  path
  name
trainer
  balance_batch
  total_epochs
  total_training_steps
  project_name
  experiment_name
  logger
  log_val_generations
  rollout_data_dir
  validation_data_dir
  nnodes
  n_gpus_per_node
  save_freq
  esi_redundant_time
  resume_mode
  resume_from_path
  val_before_train
  val_only
  test_freq
  critic_warmup
  default_hdfs_dir
  del_local_ckpt_after_load
  default_local_dir
  max_actor_ckpt_to_keep
  max_critic_ckpt_to_keep
  ray_wait_register_center_timeout
  device
  use_legacy_worker_impl
transfer_queue
  enable
ray_kwargs
  ray_init
    num_cpus
  timeline_json_file
`;

const SFT_OUTLINE = `
data
  train_batch_size
  micro_batch_size
  micro_batch_size_per_gpu
  train_files
  val_files
  train_max_samples
  val_max_samples
  prompt_key
  response_key
  prompt_dict_keys
  response_dict_keys
  multiturn
    enable
    messages_key
    tools_key
    enable_thinking_key
  max_length
  truncation
  balance_dp_token
  chat_template
  custom_cls
    path
    name
  use_shm
  apply_chat_template_kwargs {}
model
  partial_pretrain
  use_shm
  fsdp_config
    model_dtype
    wrap_policy
      min_num_params
    cpu_offload
    offload_params
  external_lib
  enable_gradient_checkpointing
  trust_remote_code
  lora_rank
  lora_alpha
  target_modules
  use_liger
  strategy
optim
  optimizer
  optimizer_impl
  lr
  lr_warmup_steps_ratio
  total_training_steps
  weight_decay
  lr_warmup_steps
  betas
  clip_grad
  min_lr_ratio
  num_cycles
  lr_scheduler_type
  warmup_style
  override_optimizer_config
  lr_scheduler
ulysses_sequence_parallel_size
use_remove_padding
trainer
  default_local_dir
  default_hdfs_dir
  project_name
  experiment_name
  total_epochs
  total_training_steps
  logger
  seed
  save_freq
  test_freq
  nnodes
  n_gpus_per_node
  max_ckpt_to_keep
  resume_mode
  resume_from_path
  checkpoint
    save_contents
    load_contents
  device
`;

/** The key paths of one verl entry point's config. */
export interface VerlKeySet {
  /** Which config this is (for messages). */
  name: string;
  /** Every key path, groups included (`data`, `data.train_files`, …). */
  keys: ReadonlySet<string>;
  /** Open maps: keys under them take `+`. */
  openMaps: ReadonlySet<string>;
}

function parseOutline(name: string, outline: string): VerlKeySet {
  const keys = new Set<string>();
  const openMaps = new Set<string>();
  const stack: string[] = [];
  for (const line of outline.split("\n")) {
    if (line.trim() === "") continue;
    const depth = (line.length - line.trimStart().length) / 2;
    const [key, mark] = line.trim().split(/\s+/);
    stack.length = depth;
    stack.push(key!);
    const path = stack.join(".");
    keys.add(path);
    if (mark === "{}") openMaps.add(path);
  }
  return { name, keys, openMaps };
}

/** `verl.trainer.main_ppo` (ppo_trainer.yaml), v0.7. */
export const VERL_PPO_KEYS: VerlKeySet = parseOutline("verl v0.7 ppo_trainer.yaml", PPO_OUTLINE);
/** `verl.trainer.fsdp_sft_trainer` (sft_trainer.yaml), v0.7. */
export const VERL_SFT_KEYS: VerlKeySet = parseOutline("verl v0.7 sft_trainer.yaml", SFT_OUTLINE);
