/**
 * The pinned key paths of verl's Hydra configs, so an override with a typo fails here (with
 * the nearest valid key) instead of minutes into a GPU job.
 *
 * Sources (read from volcengine/verl with the project's code-search tool):
 * - PPO: `verl/trainer/config/_generated_ppo_trainer.yaml` at commit
 *   b2df6f8c8c9521fcc4742c40d437be40f48d8b42 (the flattened `ppo_trainer.yaml`; profiler
 *   internals left out), plus the v0.7 reward-loop keys (`reward_model.use_reward_loop`,
 *   `num_workers`, `reward_loop_source`, `reward_loop_module_path`, `reward_loop_class_name`,
 *   `enable_resource_pool`, `n_gpus_per_node`, `nnodes`) seen in v0.7's
 *   `reward_model/dp_reward_model.yaml` and `ray_trainer.py` (`self.config.reward_model.use_reward_loop`).
 *   verl main after v0.7 moved these under `reward.*` (`reward.custom_reward_function`, …):
 *   this list is v0.7's.
 * - SFT: `verl.trainer.fsdp_sft_trainer -h` of the multi-turn era (`data.multiturn.tools_key`,
 *   `enable_thinking_key`), `verl/trainer/config/sft_trainer.yaml`, with v0.7's trainer keys.
 *
 * The outline: one key per line, two spaces per level; a line with deeper lines under it is a
 * group. Groups marked `{}` are open maps: keys under them are not in the base config and
 * take Hydra's `+key=value`.
 */

const PPO_OUTLINE = `
actor_rollout_ref
  hybrid_engine
  nccl_timeout
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
    use_liger
    use_fused_kernels
    fused_kernel_options
      impl_backend
  actor
    strategy
    ppo_mini_batch_size
    ppo_micro_batch_size
    ppo_micro_batch_size_per_gpu
    use_dynamic_bsz
    ppo_max_token_len_per_gpu
    clip_ratio
    clip_ratio_low
    clip_ratio_high
    clip_ratio_c
    freeze_vision_tower
    policy_loss
      loss_mode
    loss_agg_mode
    entropy_coeff
    tis_imp_ratio_cap
    use_kl_loss
    use_torch_compile
    kl_loss_coef
    kl_loss_type
    ppo_epochs
    shuffle
    grad_clip
    ulysses_sequence_parallel_size
    entropy_from_logits_with_chunking
    entropy_checkpointing
    use_remove_padding
    use_fused_kernels
    checkpoint
      save_contents
      load_contents
      async_save
    optim
      lr
      lr_warmup_steps_ratio
      total_training_steps
      weight_decay
      lr_warmup_steps
      betas
      clip_grad
      min_lr_ratio
      num_cycles
      warmup_style
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
      strategy
  ref
    strategy
    use_torch_compile
    log_prob_micro_batch_size
    log_prob_micro_batch_size_per_gpu
    log_prob_use_dynamic_bsz
    log_prob_max_token_len_per_gpu
    ulysses_sequence_parallel_size
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
    max_num_batched_tokens
    max_model_len
    max_num_seqs
    enable_chunked_prefill
    enable_prefix_caching
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
    calculate_log_probs
    agent
      num_workers
      agent_loop_config_path
    update_weights_bucket_megabytes
    skip_rollout
    skip_dump_dir
    skip_tokenizer_init
    layered_summon
data
  tokenizer
  use_shm
  train_files
  val_files
  prompt_key
  reward_fn_key
  max_prompt_length
  max_response_length
  train_batch_size
  val_batch_size
  return_raw_input_ids
  return_raw_chat
  return_full_prompt
  shuffle
  dataloader_num_workers
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
critic
  rollout_n
  strategy
  enable
  optim
    lr
    lr_warmup_steps_ratio
    total_training_steps
    weight_decay
    lr_warmup_steps
    betas
    clip_grad
    min_lr_ratio
    num_cycles
    warmup_style
  model
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
  ppo_mini_batch_size
  ppo_micro_batch_size
  ppo_micro_batch_size_per_gpu
  use_dynamic_bsz
  ppo_max_token_len_per_gpu
  forward_max_token_len_per_gpu
  ppo_epochs
  shuffle
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
  use_reward_loop
  num_workers
  reward_loop_source
  reward_loop_module_path
  reward_loop_class_name
  model
    input_tokenizer
    path
    external_lib
    trust_remote_code
    use_shm
    use_remove_padding
    use_fused_kernels
  micro_batch_size
  micro_batch_size_per_gpu
  max_length
  use_dynamic_bsz
  forward_max_token_len_per_gpu
  reward_manager
  launch_reward_fn_async
  sandbox_fusion
    url
    max_concurrent
    memory_limit_mb
  ulysses_sequence_parallel_size
custom_reward_function
  path
  name
  reward_kwargs {}
algorithm
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
  lr
  betas
  weight_decay
  warmup_steps_ratio
  clip_grad
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
