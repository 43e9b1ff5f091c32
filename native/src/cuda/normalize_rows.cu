// normalizeRows, and the normalise-and-pad step of the product ops.
//
// One warp per row (grid-stride over rows): the warp sums the row's squares in float64 (lanes
// read consecutive floats, so every load is a full 128-byte line), reduces with shuffles, then
// scales the row, which is still in L1/L2, and writes it. Memory traffic is one read and one
// write of the matrix, the minimum for this op.
#include <cfloat>

#include "common.cuh"

namespace advfc::cuda {
namespace detail {
namespace {

constexpr int kThreads = 256;
constexpr int kRowsPerBlock = kThreads / 32;

__global__ void __launch_bounds__(kThreads)
    NormalizeKernel(const float* __restrict__ x, int64_t n, int d, float* __restrict__ out, int64_t ld,
                    unsigned long long* __restrict__ bad_row) {
  const int lane = threadIdx.x & 31;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * kRowsPerBlock;
  for (int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + (threadIdx.x >> 5); row < n;
       row += warps) {
    const float* r = x + row * d;
    const double ss = RowSumSquares(r, d, lane);
    if (!isfinite(ss) && lane == 0) atomicMin(bad_row, static_cast<unsigned long long>(row));
    const double inv = InvNorm(ss);
    float* o = out + row * ld;
    // Same rounding as the CPU kernels: a float multiply when the scale fits a float, else
    // float64 (rows of denormals, whose inverse norm exceeds FLT_MAX).
    if (inv <= FLT_MAX) {
      const float f = static_cast<float>(inv);
#pragma unroll 4
      for (int c = lane; c < d; c += 32) o[c] = r[c] * f;
    } else {
#pragma unroll 4
      for (int c = lane; c < d; c += 32) o[c] = static_cast<float>(static_cast<double>(r[c]) * inv);
    }
    for (int64_t c = d + lane; c < ld; c += 32) o[c] = 0.0f;
  }
}

}  // namespace

cudaError_t LaunchNormalize(const float* x, int64_t n, int d, float* out, int64_t ld, unsigned long long* bad_row,
                            cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  const int64_t want = (n + kRowsPerBlock - 1) / kRowsPerBlock;
  const int blocks = static_cast<int>(
      std::min<int64_t>(want, ResidentBlocks(reinterpret_cast<const void*>(&NormalizeKernel), kThreads, 0)));
  NormalizeKernel<<<blocks, kThreads, 0, stream>>>(x, n, d, out, ld, bad_row);
  return cudaGetLastError();
}

Status UploadNormalized(const float* x, int64_t n, int64_t d, Call& call, DeviceBuffer<float>* out,
                        unsigned long long* bad_row, Error* err) {
  const cudaStream_t s = call.stream();
  const int64_t ld = RoundUp(std::max<int64_t>(d, 1), kColPad);
  const int64_t rows = RoundUp(n, kRowPad);
  ADVFC_CUDA_TRY(out->Allocate(static_cast<size_t>(rows * ld), s));
  if (rows == 0) return Status::kOk;
  DeviceBuffer<float> raw;  // freed in stream order, after the kernel that reads it
  ADVFC_CUDA_TRY(raw.Allocate(static_cast<size_t>(n * d), s));
  ADVFC_CUDA_TRY(cudaMemcpyAsync(raw.get(), x, static_cast<size_t>(n * d) * sizeof(float), cudaMemcpyHostToDevice, s));
  ADVFC_CUDA_TRY(call.timer().Begin(s));
  ADVFC_CUDA_TRY(LaunchNormalize(raw.get(), n, static_cast<int>(d), out->get(), ld, bad_row, s));
  if (rows > n)
    ADVFC_CUDA_TRY(cudaMemsetAsync(out->get() + n * ld, 0, static_cast<size_t>((rows - n) * ld) * sizeof(float), s));
  ADVFC_CUDA_TRY(call.timer().End(s));
  return Status::kOk;
}

}  // namespace detail

Status NormalizeRows(const float* x, int64_t n, int64_t d, float* out, const CudaOptions& opts, Error* err) {
  using namespace detail;
  if (Status st = CheckMatrix("normalizeRows", "x", x, n, d, err); st != Status::kOk) return st;
  if (n > 0 && out == nullptr) return Fail(err, Status::kBadArgument, "null output for normalizeRows");
  Call call(opts);
  if (Status st = call.Begin(err); st != Status::kOk) return st;
  if (n == 0) return call.Finish(err);
  if (Cancelled(opts)) return FailAborted(err);

  const cudaStream_t s = call.stream();
  const size_t elems = static_cast<size_t>(n * d);
  DeviceBuffer<float> dx, dout;
  DeviceBuffer<unsigned long long> dbad;
  ADVFC_CUDA_TRY(dx.Allocate(elems, s));
  ADVFC_CUDA_TRY(dout.Allocate(elems, s));
  ADVFC_CUDA_TRY(dbad.Allocate(1, s));
  ADVFC_CUDA_TRY(cudaMemsetAsync(dbad.get(), 0xff, sizeof(unsigned long long), s));
  ADVFC_CUDA_TRY(cudaMemcpyAsync(dx.get(), x, elems * sizeof(float), cudaMemcpyHostToDevice, s));
  ADVFC_CUDA_TRY(call.timer().Begin(s));
  ADVFC_CUDA_TRY(LaunchNormalize(dx.get(), n, static_cast<int>(d), dout.get(), d, dbad.get(), s));
  ADVFC_CUDA_TRY(call.timer().End(s));
  unsigned long long bad = kNoRow;
  ADVFC_CUDA_TRY(cudaMemcpyAsync(&bad, dbad.get(), sizeof bad, cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  if (bad != kNoRow) return FailNonFinite(err, "x", static_cast<int64_t>(bad));
  ADVFC_CUDA_TRY(cudaMemcpyAsync(out, dout.get(), elems * sizeof(float), cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  return call.Finish(err);
}

}  // namespace advfc::cuda
