// Host side of common.cuh: errors, argument checks, the kernel timer, the per-call context and
// the tile sizing shared by the product ops.
#include <algorithm>

#include "common.cuh"

namespace advfc::cuda::detail {

Status Fail(Error* err, Status status, std::string message) {
  if (err != nullptr) {
    err->status = status;
    err->message = std::move(message);
  }
  return status;
}

Status FailCuda(Error* err, cudaError_t e, const char* what) {
  // Clears the thread's last error when it is not sticky, so the next call starts clean.
  cudaGetLastError();
  const Status status = e == cudaErrorMemoryAllocation ? Status::kOutOfMemory : Status::kCudaError;
  return Fail(err, status,
              std::string("CUDA: ") + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ") in " + what);
}

Status FailNonFinite(Error* err, const char* matrix, int64_t row) {
  if (err != nullptr) {
    err->status = Status::kNonFinite;
    err->matrix = matrix;
    err->row = row;
    err->message =
        std::string("non-finite value (NaN or ±Inf) in input ") + matrix + " at row " + std::to_string(row);
  }
  return Status::kNonFinite;
}

Status FailAborted(Error* err) { return Fail(err, Status::kAborted, "aborted by the cancel flag"); }

Status CheckMatrix(const char* op, const char* name, const void* ptr, int64_t n, int64_t d, Error* err) {
  const std::string where = std::string(" for ") + name + " in " + op;
  if (n < 0 || d < 0) return Fail(err, Status::kBadArgument, "negative size" + where);
  if (n > 0 && d == 0) return Fail(err, Status::kBadArgument, "d = 0 with rows" + where);
  if (n > INT32_MAX) return Fail(err, Status::kBadArgument, "more than 2^31-1 rows" + where);
  if (d > kMaxD)
    return Fail(err, Status::kBadArgument,
                "d = " + std::to_string(d) + " exceeds the CUDA backend's limit of 2^30 columns" + where);
  if (n > 0 && ptr == nullptr) return Fail(err, Status::kBadArgument, "null data pointer" + where);
  return Status::kOk;
}

// --- KernelTimer -------------------------------------------------------------------------------

KernelTimer::~KernelTimer() {
  for (cudaEvent_t e : events_) cudaEventDestroy(e);
}

cudaError_t KernelTimer::Begin(cudaStream_t s) {
  if (!enabled_) return cudaSuccess;
  cudaEvent_t e = nullptr;
  if (cudaError_t r = cudaEventCreate(&e); r != cudaSuccess) return r;
  events_.push_back(e);
  return cudaEventRecord(e, s);
}

cudaError_t KernelTimer::End(cudaStream_t s) { return Begin(s); }

cudaError_t KernelTimer::TotalMs(double* ms) {
  *ms = 0;
  if (!enabled_ || events_.size() < 2) return cudaSuccess;
  if (cudaError_t r = cudaEventSynchronize(events_.back()); r != cudaSuccess) return r;
  double total = 0;
  for (size_t k = 0; k + 1 < events_.size(); k += 2) {
    float part = 0;
    if (cudaError_t r = cudaEventElapsedTime(&part, events_[k], events_[k + 1]); r != cudaSuccess) return r;
    total += part;
  }
  *ms = total;
  return cudaSuccess;
}

// --- Call --------------------------------------------------------------------------------------

Status Call::Begin(Error* err) {
  const DeviceInfo& info = CudaQuery();
  if (!info.available) return Fail(err, Status::kCudaError, "CUDA is not available: " + info.reason);
  ADVFC_CUDA_TRY(cudaSetDevice(info.device_index));
  ADVFC_CUDA_TRY(stream_.Create());
  return Status::kOk;
}

Status Call::Finish(Error* err) {
  if (opts_.kernel_ms == nullptr) return Status::kOk;
  double ms = 0;
  ADVFC_CUDA_TRY(timer_.TotalMs(&ms));
  *opts_.kernel_ms = ms;
  return Status::kOk;
}

// --- Product tiles -----------------------------------------------------------------------------

int ResidentBlocks(const void* kernel, int threads, size_t smem) {
  int per_sm = 0;
  if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, smem) != cudaSuccess) {
    cudaGetLastError();
    per_sm = 1;
  }
  return std::max(per_sm, 1) * Props().sm_count;
}

bool UseTf32(const CudaOptions& opts) { return opts.tf32 && Props().cc_major >= 8; }

int64_t TileRows(int64_t cols, int64_t total_rows) {
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
    cudaGetLastError();
    free_bytes = size_t{1} << 30;
  }
  const int64_t budget = static_cast<int64_t>(std::min<size_t>(free_bytes / 2, size_t{2} << 30));
  int64_t rows = budget / (std::max<int64_t>(cols, 1) * static_cast<int64_t>(sizeof(float)));
  rows = rows / kRowPad * kRowPad;
  rows = std::clamp<int64_t>(rows, kRowPad, kMaxTileRows);
  return std::min(rows, RoundUp(std::max<int64_t>(total_rows, 1), kRowPad));
}

}  // namespace advfc::cuda::detail
