// meanPairwiseCosineDistance, and the O(n·d) statistics it shares with rowDiversity.
//
// Σ_{i<j} cos(x_i, x_j) = (‖s‖² − Σ_i ‖x̂_i‖²) / 2 with s = Σ_i x̂_i, all in float64. Three
// launches, none with floating-point atomics, so the result is deterministic for a device:
//   1. RowStatsKernel: each block takes chunks of 32 rows; its warps compute the rows' norms
//      (one warp per row), then its threads, one per column, add the 32 scaled rows into the
//      block's column accumulator (shared memory for d ≤ 4096, else the block's slice of the
//      global partials). The second read of a chunk hits L1/L2, so DRAM sees x about once.
//   2. ColumnSumKernel: s[c] = Σ over blocks of the partials (fixed order), and Σ s[c]² per block.
//   3. StatsFinalKernel: one block sums those and the per-block Σ ‖x̂_i‖².
#include "common.cuh"

namespace advfc::cuda {
namespace detail {
namespace {

constexpr int kStatsThreads = 256;
constexpr int kStatsWarps = kStatsThreads / 32;
constexpr int kStatsRows = 32;  // rows per chunk
constexpr int kSmemMaxD = 4096;  // 32 KiB of float64 accumulators per block

__global__ void __launch_bounds__(kStatsThreads, 4)
    RowStatsKernel(const float* __restrict__ x, int64_t n, int d, double* __restrict__ partials,
                   double* __restrict__ self_partials, double* __restrict__ inv_out, double* __restrict__ self_out,
                   unsigned long long* __restrict__ bad_row, int acc_in_smem) {
  extern __shared__ double smem_acc[];
  __shared__ double inv_s[kStatsRows];
  __shared__ double self_s[kStatsWarps];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  // Each column has one owner thread (c ≡ tid mod kStatsThreads) for the whole kernel, so the
  // accumulator needs no synchronisation of its own, wherever it lives.
  double* acc = acc_in_smem ? smem_acc : partials + static_cast<int64_t>(blockIdx.x) * d;
  for (int c = tid; c < d; c += kStatsThreads) acc[c] = 0.0;
  double self = 0.0;  // lane 0: this warp's Σ ‖x̂_i‖²

  const int64_t chunks = (n + kStatsRows - 1) / kStatsRows;
  for (int64_t chunk = blockIdx.x; chunk < chunks; chunk += gridDim.x) {
    const int64_t row0 = chunk * kStatsRows;
    const int rows = n - row0 < kStatsRows ? static_cast<int>(n - row0) : kStatsRows;
    for (int rr = warp; rr < rows; rr += kStatsWarps) {
      const int64_t row = row0 + rr;
      const double ss = RowSumSquares(x + row * d, d, lane);
      const double inv = InvNorm(ss);
      const double self_i = inv > 0.0 ? ss * inv * inv : 0.0;
      if (lane == 0) {
        if (!isfinite(ss)) atomicMin(bad_row, static_cast<unsigned long long>(row));
        inv_s[rr] = inv;
        self += self_i;
        if (inv_out != nullptr) {
          inv_out[row] = inv;
          self_out[row] = self_i;
        }
      }
    }
    __syncthreads();
    for (int c = tid; c < d; c += kStatsThreads) {
      const float* p = x + row0 * d + c;
      double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      if (rows == kStatsRows) {
        // Unrolled by 16 rows: 16 loads in flight per thread, within 64 registers.
#pragma unroll 1
        for (int h = 0; h < kStatsRows; h += 16) {
          const float* q = p + static_cast<int64_t>(h) * d;
#pragma unroll
          for (int rr = 0; rr < 16; rr += 4) {
            a0 = fma(static_cast<double>(q[static_cast<int64_t>(rr) * d]), inv_s[h + rr], a0);
            a1 = fma(static_cast<double>(q[static_cast<int64_t>(rr + 1) * d]), inv_s[h + rr + 1], a1);
            a2 = fma(static_cast<double>(q[static_cast<int64_t>(rr + 2) * d]), inv_s[h + rr + 2], a2);
            a3 = fma(static_cast<double>(q[static_cast<int64_t>(rr + 3) * d]), inv_s[h + rr + 3], a3);
          }
        }
      } else {
        for (int rr = 0; rr < rows; ++rr) a0 = fma(static_cast<double>(p[static_cast<int64_t>(rr) * d]), inv_s[rr], a0);
      }
      acc[c] += (a0 + a1) + (a2 + a3);
    }
    __syncthreads();  // inv_s is rewritten by the next chunk
  }

  if (acc_in_smem)
    for (int c = tid; c < d; c += kStatsThreads) partials[static_cast<int64_t>(blockIdx.x) * d + c] = acc[c];
  if (lane == 0) self_s[warp] = self;
  __syncthreads();
  if (tid == 0) {
    double t = 0;
    for (int w = 0; w < kStatsWarps; ++w) t += self_s[w];
    self_partials[blockIdx.x] = t;
  }
}

/// Block (32, 8): 32 columns, 8 interleaved strands over the partials, fixed summation order.
__global__ void __launch_bounds__(256)
    ColumnSumKernel(const double* __restrict__ partials, int parts, int d, double* __restrict__ s,
                    double* __restrict__ block_sq) {
  __shared__ double red[8][33];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int c = blockIdx.x * 32 + tx;
  double v = 0;
  if (c < d)
    for (int p = ty; p < parts; p += 8) v += partials[static_cast<int64_t>(p) * d + c];
  red[ty][tx] = v;
  __syncthreads();
  if (ty == 0) {  // threads (0..31, 0) are warp 0
    double t = 0;
    for (int k = 0; k < 8; ++k) t += red[k][tx];
    if (c < d) s[c] = t;
    const double sq = WarpSum(c < d ? t * t : 0.0);
    if (tx == 0) block_sq[blockIdx.x] = sq;
  }
}

__global__ void __launch_bounds__(256)
    StatsFinalKernel(const double* __restrict__ block_sq, int nsq, const double* __restrict__ self_partials,
                     int nself, double* __restrict__ result) {
  __shared__ double r0[8], r1[8];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  double a = 0, b = 0;
  for (int i = tid; i < nsq; i += 256) a += block_sq[i];
  for (int i = tid; i < nself; i += 256) b += self_partials[i];
  a = WarpSum(a);
  b = WarpSum(b);
  if (lane == 0) {
    r0[warp] = a;
    r1[warp] = b;
  }
  __syncthreads();
  if (tid == 0) {
    double x = 0, y = 0;
    for (int w = 0; w < 8; ++w) {
      x += r0[w];
      y += r1[w];
    }
    result[0] = x;
    result[1] = y;
  }
}

}  // namespace

Status ComputeRowStats(const float* x, int64_t n, int64_t d, bool per_row, Call& call, RowStats* out, Error* err) {
  const cudaStream_t s = call.stream();
  out->s2 = 0;
  out->self = 0;
  if (n == 0) return Status::kOk;
  const size_t elems = static_cast<size_t>(n * d);
  const int64_t chunks = (n + kStatsRows - 1) / kStatsRows;
  const bool smem = d <= kSmemMaxD;
  const size_t smem_bytes = smem ? static_cast<size_t>(d) * sizeof(double) : 0;
  // One block per resident slot: every block gets the same share of chunks, and more blocks would
  // only add partials to sum.
  const int parts = static_cast<int>(std::min<int64_t>(
      chunks, ResidentBlocks(reinterpret_cast<const void*>(&RowStatsKernel), kStatsThreads, smem_bytes)));
  const int col_blocks = static_cast<int>((d + 31) / 32);

  DeviceBuffer<double> partials, self_partials, block_sq, result;
  DeviceBuffer<unsigned long long> bad;
  ADVFC_CUDA_TRY(out->x.Allocate(elems, s));
  ADVFC_CUDA_TRY(out->s.Allocate(static_cast<size_t>(d), s));
  if (per_row) {
    ADVFC_CUDA_TRY(out->inv_norm.Allocate(static_cast<size_t>(n), s));
    ADVFC_CUDA_TRY(out->self_row.Allocate(static_cast<size_t>(n), s));
  }
  ADVFC_CUDA_TRY(partials.Allocate(static_cast<size_t>(parts) * static_cast<size_t>(d), s));
  ADVFC_CUDA_TRY(self_partials.Allocate(static_cast<size_t>(parts), s));
  ADVFC_CUDA_TRY(block_sq.Allocate(static_cast<size_t>(col_blocks), s));
  ADVFC_CUDA_TRY(result.Allocate(2, s));
  ADVFC_CUDA_TRY(bad.Allocate(1, s));
  ADVFC_CUDA_TRY(cudaMemsetAsync(bad.get(), 0xff, sizeof(unsigned long long), s));
  ADVFC_CUDA_TRY(cudaMemcpyAsync(out->x.get(), x, elems * sizeof(float), cudaMemcpyHostToDevice, s));

  ADVFC_CUDA_TRY(call.timer().Begin(s));
  RowStatsKernel<<<parts, kStatsThreads, smem_bytes, s>>>(
      out->x.get(), n, static_cast<int>(d), partials.get(), self_partials.get(), per_row ? out->inv_norm.get() : nullptr,
      per_row ? out->self_row.get() : nullptr, bad.get(), smem ? 1 : 0);
  ADVFC_CUDA_TRY(cudaGetLastError());
  ColumnSumKernel<<<col_blocks, dim3(32, 8), 0, s>>>(partials.get(), parts, static_cast<int>(d), out->s.get(),
                                                    block_sq.get());
  ADVFC_CUDA_TRY(cudaGetLastError());
  StatsFinalKernel<<<1, 256, 0, s>>>(block_sq.get(), col_blocks, self_partials.get(), parts, result.get());
  ADVFC_CUDA_TRY(cudaGetLastError());
  ADVFC_CUDA_TRY(call.timer().End(s));

  double host_result[2] = {0, 0};
  unsigned long long host_bad = kNoRow;
  ADVFC_CUDA_TRY(cudaMemcpyAsync(host_result, result.get(), sizeof host_result, cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaMemcpyAsync(&host_bad, bad.get(), sizeof host_bad, cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  if (host_bad != kNoRow) return FailNonFinite(err, "x", static_cast<int64_t>(host_bad));
  out->s2 = host_result[0];
  out->self = host_result[1];
  return Status::kOk;
}

}  // namespace detail

Status MeanPairwiseCosineDistance(const float* x, int64_t n, int64_t d, double* out, const CudaOptions& opts,
                                  Error* err) {
  using namespace detail;
  if (Status st = CheckMatrix("meanPairwiseCosineDistance", "x", x, n, d, err); st != Status::kOk) return st;
  if (out == nullptr) return Fail(err, Status::kBadArgument, "null output for meanPairwiseCosineDistance");
  *out = 0;
  Call call(opts);
  if (Status st = call.Begin(err); st != Status::kOk) return st;
  if (n == 0) return call.Finish(err);
  if (Cancelled(opts)) return FailAborted(err);
  // n = 1 still runs, so non-finite input is reported whatever n is (as on the CPU).
  RowStats stats;
  if (Status st = ComputeRowStats(x, n, d, false, call, &stats, err); st != Status::kOk) return st;
  if (n >= 2) {
    const double pairs2 = static_cast<double>(n) * static_cast<double>(n - 1);
    *out = 1.0 - (stats.s2 - stats.self) / pairs2;
  }
  return call.Finish(err);
}

}  // namespace advfc::cuda
