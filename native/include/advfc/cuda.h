// advfc diversity kernels — CUDA backend.
//
// Same ops, layouts, edge cases and error reporting as kernels.h (read it first); inputs and
// outputs are host pointers: each call copies its inputs to the device, runs, and copies the
// result back, so callers never manage device memory. Calls are synchronous and may be made from
// several host threads at once (each call uses its own stream and buffers).
//
// This header is always compiled. When the addon was built without nvcc (ADVFC_WITH_CUDA
// undefined) every op returns Status::kCudaError with the message "built without CUDA", and
// CudaQuery() reports compiled = false. When it was built with CUDA but no driver or device is
// present, CudaQuery() reports available = false with the driver's reason; loading the addon
// never fails because of CUDA (cudart is linked statically and probed lazily).
//
// Precision: products accumulate in float32; norms and the O(n·d) sums in float64 (as on CPU).
// With `tf32 = true` the similarity matrix (and the tiles of nearDuplicates / topK) use
// tensor-core TF32 inputs (about 1e-3 relative error) where the device has them (sm_80+).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "advfc/kernels.h"

namespace advfc::cuda {

struct DeviceInfo {
  bool compiled = false;   // the addon contains CUDA kernels
  bool available = false;  // a device and a usable driver were found
  std::string reason;      // why not available (empty when available)
  std::string device;      // e.g. "NVIDIA H100 80GB HBM3"
  int device_index = 0;
  int cc_major = 0, cc_minor = 0;
  uint64_t total_memory = 0;  // bytes
  std::string runtime_version;  // e.g. "13.0"
};

struct CudaOptions {
  bool tf32 = false;
  const std::atomic<int32_t>* cancel = nullptr;  // polled between launches
  int64_t max_pairs = 50'000'000;
  double* kernel_ms = nullptr;  // when set: device time of the kernels alone (cudaEvent), for benchmarks
};

/// Probes once (thread-safe) and caches the result.
const DeviceInfo& CudaQuery();

Status NormalizeRows(const float* x, int64_t n, int64_t d, float* out, const CudaOptions& opts, Error* err);
Status MeanPairwiseCosineDistance(const float* x, int64_t n, int64_t d, double* out, const CudaOptions& opts,
                                  Error* err);
Status RowDiversity(const float* x, int64_t n, int64_t d, float* out, const CudaOptions& opts, Error* err);
Status CosineSimilarityMatrix(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, float* out,
                              const CudaOptions& opts, Error* err);
Status NearDuplicates(const float* x, int64_t n, int64_t d, float threshold, std::vector<Pair>* out,
                      const CudaOptions& opts, Error* err);
Status TopK(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, int64_t k, int32_t* indices,
            float* scores, const CudaOptions& opts, Error* err);

}  // namespace advfc::cuda
