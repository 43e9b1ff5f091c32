// rowDiversity: out[i] = 1 − (x̂_i·s − ‖x̂_i‖²) / (n − 1), s = Σ_j x̂_j.
//
// Pass 1 is the shared row statistics (mean_pairwise_cosine_distance.cu), which keep each row's
// 1/‖x_i‖ and ‖x̂_i‖²; pass 2 is one warp per row taking the float64 dot product of the raw row
// with s (s stays in L1/L2: every warp reads it). Two reads of x in all: s needs every row
// before any row's share can be formed.
#include "common.cuh"

namespace advfc::cuda {
namespace detail {
namespace {

constexpr int kThreads = 256;
constexpr int kRowsPerBlock = kThreads / 32;

__global__ void __launch_bounds__(kThreads)
    RowDiversityKernel(const float* __restrict__ x, int64_t n, int d, const double* __restrict__ s,
                       const double* __restrict__ inv_norm, const double* __restrict__ self_row, double inv_pairs,
                       float* __restrict__ out) {
  const int lane = threadIdx.x & 31;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * kRowsPerBlock;
  for (int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + (threadIdx.x >> 5); row < n;
       row += warps) {
    const float* r = x + row * d;
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int c = lane;
    for (; c + 96 < d; c += 128) {
      a0 = fma(static_cast<double>(r[c]), s[c], a0);
      a1 = fma(static_cast<double>(r[c + 32]), s[c + 32], a1);
      a2 = fma(static_cast<double>(r[c + 64]), s[c + 64], a2);
      a3 = fma(static_cast<double>(r[c + 96]), s[c + 96], a3);
    }
    for (; c < d; c += 32) a0 = fma(static_cast<double>(r[c]), s[c], a0);
    const double dot = WarpSum((a0 + a1) + (a2 + a3));
    if (lane == 0) {
      const double inv = inv_norm[row];
      // x̂_i·s − ‖x̂_i‖² = Σ_{j≠i} cos(x_i, x_j); a zero row has cos 0 with everything.
      const double others = inv == 0.0 ? 0.0 : inv * dot - self_row[row];
      out[row] = static_cast<float>(1.0 - others * inv_pairs);
    }
  }
}

}  // namespace
}  // namespace detail

Status RowDiversity(const float* x, int64_t n, int64_t d, float* out, const CudaOptions& opts, Error* err) {
  using namespace detail;
  if (Status st = CheckMatrix("rowDiversity", "x", x, n, d, err); st != Status::kOk) return st;
  if (n > 0 && out == nullptr) return Fail(err, Status::kBadArgument, "null output for rowDiversity");
  Call call(opts);
  if (Status st = call.Begin(err); st != Status::kOk) return st;
  if (n == 0) return call.Finish(err);
  if (Cancelled(opts)) return FailAborted(err);

  RowStats stats;
  if (Status st = ComputeRowStats(x, n, d, true, call, &stats, err); st != Status::kOk) return st;
  if (n == 1) {
    out[0] = 0.0f;
    return call.Finish(err);
  }
  if (Cancelled(opts)) return FailAborted(err);

  const cudaStream_t s = call.stream();
  DeviceBuffer<float> dout;
  ADVFC_CUDA_TRY(dout.Allocate(static_cast<size_t>(n), s));
  const int64_t want = (n + kRowsPerBlock - 1) / kRowsPerBlock;
  const int blocks = static_cast<int>(
      std::min<int64_t>(want, ResidentBlocks(reinterpret_cast<const void*>(&RowDiversityKernel), kThreads, 0)));
  ADVFC_CUDA_TRY(call.timer().Begin(s));
  RowDiversityKernel<<<blocks, kThreads, 0, s>>>(stats.x.get(), n, static_cast<int>(d), stats.s.get(),
                                                 stats.inv_norm.get(), stats.self_row.get(),
                                                 1.0 / static_cast<double>(n - 1), dout.get());
  ADVFC_CUDA_TRY(cudaGetLastError());
  ADVFC_CUDA_TRY(call.timer().End(s));
  ADVFC_CUDA_TRY(cudaMemcpyAsync(out, dout.get(), static_cast<size_t>(n) * sizeof(float), cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  return call.Finish(err);
}

}  // namespace advfc::cuda
