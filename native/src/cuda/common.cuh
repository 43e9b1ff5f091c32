// Internal helpers shared by the CUDA ops: error handling, RAII device resources, the per-call
// context (stream + kernel timer), argument checks, and the device functions and host launchers
// that several ops reuse. Nothing here is part of the public API (advfc/cuda.h is).
//
// Error handling: every CUDA runtime call goes through ADVFC_CUDA_TRY, which turns a failure into
// Status::kCudaError (kOutOfMemory for cudaErrorMemoryAllocation) with the call's text and
// cudaGetErrorString in Error::message. It expects an `Error* err` in scope and returns from the
// enclosing function, so it is used only in functions returning Status.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "advfc/cuda.h"

namespace advfc::cuda::detail {

// ---------------------------------------------------------------------------------------------
// Constants shared by the ops.

/// The oldest architecture this library carries code for (CUDA 13 dropped everything older).
constexpr int kMinCcMajor = 7;
constexpr int kMinCcMinor = 5;

/// Normalised operands of the similarity product are zero-padded to multiples of these: rows to
/// the GEMM block tile, columns to the widest k step, so the GEMM kernels load without bounds
/// checks and with 16-byte vector loads.
constexpr int64_t kRowPad = 128;
constexpr int64_t kColPad = 16;

/// Row tiles of the product (cosineSimilarityMatrix, nearDuplicates, topK) never exceed this many
/// rows (nearDuplicates puts tile rows on gridDim.y, limited to 65535).
constexpr int64_t kMaxTileRows = 65408;  // 511 × 128

/// Largest d the kernels index with 32-bit ints (padding included).
constexpr int64_t kMaxD = (int64_t{1} << 30);

/// "No non-finite row seen" value of the device-side atomicMin slot.
constexpr unsigned long long kNoRow = ~0ull;

inline int64_t RoundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// ---------------------------------------------------------------------------------------------
// Errors.

Status Fail(Error* err, Status status, std::string message);
Status FailCuda(Error* err, cudaError_t e, const char* what);
Status FailNonFinite(Error* err, const char* matrix, int64_t row);
Status FailAborted(Error* err);

#define ADVFC_CUDA_TRY(expr)                                                   \
  do {                                                                         \
    const cudaError_t advfc_cuda_e_ = (expr);                                  \
    if (advfc_cuda_e_ != cudaSuccess)                                          \
      return ::advfc::cuda::detail::FailCuda(err, advfc_cuda_e_, #expr);       \
  } while (0)

inline bool Cancelled(const CudaOptions& opts) {
  return opts.cancel != nullptr && opts.cancel->load(std::memory_order_relaxed) != 0;
}

/// Validates one input matrix of an op (`op` and `name` appear in the message): non-negative
/// sizes, d > 0 when n > 0, n < 2^31, d ≤ kMaxD, a non-null pointer when n > 0.
Status CheckMatrix(const char* op, const char* name, const void* ptr, int64_t n, int64_t d, Error* err);

// ---------------------------------------------------------------------------------------------
// Device properties beyond DeviceInfo, cached by the same probe as CudaQuery().

struct DeviceProps {
  int sm_count = 1;
  int cc_major = 0;
  int cc_minor = 0;
  bool memory_pools = false;  // cudaMallocAsync / cudaFreeAsync usable
};

/// Meaningful only when CudaQuery().available.
const DeviceProps& Props();

// ---------------------------------------------------------------------------------------------
// RAII device resources.

class Stream {
 public:
  Stream() = default;
  ~Stream() {
    if (s_ != nullptr) cudaStreamDestroy(s_);  // returns at once; released when the work is done
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaError_t Create() { return cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking); }
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

/// A device array freed in stream order (cudaFreeAsync) when the device supports memory pools,
/// so dropping it never waits for, nor races with, work still queued on the stream. Without
/// pools it synchronises the stream, then cudaFree. Must be destroyed before its stream.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer() { Reset(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  /// Allocates `count` elements (uninitialised) on `stream`; count 0 gives a null pointer.
  cudaError_t Allocate(size_t count, cudaStream_t stream) {
    Reset();
    stream_ = stream;
    if (count == 0) return cudaSuccess;
    void* p = nullptr;
    const size_t bytes = count * sizeof(T);
    cudaError_t e = Props().memory_pools ? cudaMallocAsync(&p, bytes, stream) : cudaMalloc(&p, bytes);
    if (e != cudaSuccess) {
      cudaGetLastError();  // allocation failures are not sticky; keep the thread's state clean
      return e;
    }
    ptr_ = static_cast<T*>(p);
    count_ = count;
    return cudaSuccess;
  }

  void Reset() {
    if (ptr_ != nullptr) {
      if (Props().memory_pools) {
        cudaFreeAsync(ptr_, stream_);
      } else {
        cudaStreamSynchronize(stream_);
        cudaFree(ptr_);
      }
    }
    ptr_ = nullptr;
    count_ = 0;
  }

  T* get() const { return ptr_; }
  size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  size_t count_ = 0;
  cudaStream_t stream_ = nullptr;
};

/// Device time of the kernels alone: Begin/End bracket groups of launches (never copies); the
/// elapsed times of all groups are summed at the end.
class KernelTimer {
 public:
  explicit KernelTimer(bool enabled) : enabled_(enabled) {}
  ~KernelTimer();
  KernelTimer(const KernelTimer&) = delete;
  KernelTimer& operator=(const KernelTimer&) = delete;
  cudaError_t Begin(cudaStream_t s);
  cudaError_t End(cudaStream_t s);
  /// Waits for the last End and sums the groups (0 when disabled or empty).
  cudaError_t TotalMs(double* ms);

 private:
  bool enabled_;
  std::vector<cudaEvent_t> events_;  // start, stop, start, stop, …
};

/// One op call: checks that CUDA is usable, selects device 0, owns the call's stream and timer.
/// Declare it before any DeviceBuffer of the call (buffers must die first).
class Call {
 public:
  explicit Call(const CudaOptions& opts) : opts_(opts), timer_(opts.kernel_ms != nullptr) {}
  /// kCudaError when no usable device (message: CudaQuery().reason) or the stream cannot be made.
  Status Begin(Error* err);
  /// Stores the kernel time in *opts.kernel_ms when requested; returns kOk or kCudaError.
  Status Finish(Error* err);

  cudaStream_t stream() const { return stream_.get(); }
  KernelTimer& timer() { return timer_; }
  const CudaOptions& opts() const { return opts_; }

 private:
  const CudaOptions& opts_;
  Stream stream_;
  KernelTimer timer_;
};

// ---------------------------------------------------------------------------------------------
// Device helpers (header-only, so no relocatable device code is needed).

#ifdef __CUDACC__

__device__ __forceinline__ double WarpSum(double v) {
#pragma unroll
  for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
  return v;
}

/// Σ r[c]² over the row in float64, by a whole warp (every lane gets the total). Finite floats
/// can neither overflow nor underflow a float64 sum of squares, so the result is non-finite
/// exactly when the row holds a NaN or ±Inf.
__device__ __forceinline__ double RowSumSquares(const float* __restrict__ r, int d, int lane) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int c = lane;
  for (; c + 96 < d; c += 128) {
    const double v0 = r[c], v1 = r[c + 32], v2 = r[c + 64], v3 = r[c + 96];
    s0 = fma(v0, v0, s0);
    s1 = fma(v1, v1, s1);
    s2 = fma(v2, v2, s2);
    s3 = fma(v3, v3, s3);
  }
  for (; c < d; c += 32) {
    const double v = r[c];
    s0 = fma(v, v, s0);
  }
  return WarpSum((s0 + s1) + (s2 + s3));
}

/// 1/‖r‖ from the sum of squares: 0 for zero rows (and for non-finite ones, which fail anyway).
__device__ __forceinline__ double InvNorm(double ss) { return (isfinite(ss) && ss > 0.0) ? 1.0 / sqrt(ss) : 0.0; }

#endif  // __CUDACC__

// ---------------------------------------------------------------------------------------------
// Host launchers shared between ops (each defined next to its kernel).

/// normalize_rows.cu: out[i*ld + c] = x̂_i[c] for c < d, 0 for d ≤ c < ld; lowest non-finite row
/// atomicMin'd into *bad_row. x and out are device pointers.
cudaError_t LaunchNormalize(const float* x, int64_t n, int d, float* out, int64_t ld, unsigned long long* bad_row,
                            cudaStream_t stream);

/// normalize_rows.cu: copies host x (n × d) to the device and writes its normalised rows,
/// zero-padded to RoundUp(n, kRowPad) rows × RoundUp(d, kColPad) columns, into *out. The
/// normalisation is timed by call.timer(). Non-finite rows go to the device slot *bad_row
/// (not checked here: the caller synchronises once for all operands).
Status UploadNormalized(const float* x, int64_t n, int64_t d, Call& call, DeviceBuffer<float>* out,
                        unsigned long long* bad_row, Error* err);

/// mean_pairwise_cosine_distance.cu: the O(n·d) statistics of meanPairwiseCosineDistance and
/// rowDiversity, in float64: s = Σ x̂_i (device, d values), self = Σ ‖x̂_i‖², and per row
/// 1/‖x_i‖ and ‖x̂_i‖² when `per_row`. The input stays on the device for a second pass.
struct RowStats {
  DeviceBuffer<float> x;          // n × d, the uploaded input
  DeviceBuffer<double> s;         // d
  DeviceBuffer<double> inv_norm;  // n (per_row)
  DeviceBuffer<double> self_row;  // n (per_row)
  double s2 = 0;                  // ‖s‖²
  double self = 0;
};

/// Uploads x and computes RowStats; synchronises and fails with kNonFinite ("x", lowest row).
Status ComputeRowStats(const float* x, int64_t n, int64_t d, bool per_row, Call& call, RowStats* out, Error* err);

/// cosine_similarity_matrix.cu: C[i*ldc + j] = Â_i·B̂_j for i < rows, j < cols, from padded
/// normalised operands (ld columns, rows padded to kRowPad; a points at the tile's first row).
/// tri_row0 ≥ 0 skips the 128 × 128 blocks whose every j ≤ i, where i = tri_row0 + tile row
/// (nearDuplicates only reads j > i). tf32 picks the tensor-core kernel (caller checks sm_80+).
cudaError_t LaunchSimilarityTile(const float* a, const float* b, int64_t rows, int64_t cols, int64_t ld, float* c,
                                 int64_t ldc, int64_t tri_row0, bool tf32, cudaStream_t stream);

/// True when the TF32 kernel should run: requested and the device is sm_80 or newer.
bool UseTf32(const CudaOptions& opts);

/// Blocks of `kernel` (with `threads` threads, `smem` dynamic shared bytes) that fit on the whole
/// device at once, at least 1: the grid of a grid-stride kernel whose blocks share work evenly.
int ResidentBlocks(const void* kernel, int threads, size_t smem);

/// Rows per product tile for `cols` columns: a multiple of kRowPad in [kRowPad, kMaxTileRows],
/// sized so a tile takes at most about min(2 GiB, free device memory / 2), capped at the rows
/// there are. An upper bound on device memory use, not a guarantee that it is free.
int64_t TileRows(int64_t cols, int64_t total_rows);

}  // namespace advfc::cuda::detail
