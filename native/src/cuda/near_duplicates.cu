// nearDuplicates: every pair i < j with cos(x_i, x_j) >= threshold, sorted by (i, j).
//
// The n × n matrix is never materialised: row tiles of it (TileRows(n) rows × n columns) are
// computed by the similarity GEMM with the blocks that hold no j > i skipped (about half the
// flops), then scanned on the device. The scan appends hits to a device pair buffer through one
// warp-aggregated atomicAdd per warp and step; the counter keeps counting past the buffer's
// capacity, so an overflow is detected exactly: the tile's scan is then rerun into a buffer of
// the counted size (the tile is still on the device), unless the running total already exceeds
// max_pairs (kTooManyPairs, reported as soon as the tile that crosses the limit is scanned).
// Hits arrive in no particular order; each tile's pairs are sorted on the host by (i, j), and
// tiles come in increasing i, so the concatenation is sorted.
#include <algorithm>
#include <cmath>
#include <new>

#include "common.cuh"

namespace advfc::cuda {
namespace detail {
namespace {

constexpr int kScanThreads = 256;
constexpr int kScanPerThread = 4;
constexpr int kScanCols = kScanThreads * kScanPerThread;  // columns per block

/// Grid (column chunks, tile rows). Reads only j > i, so the GEMM's skipped blocks are never read.
__global__ void __launch_bounds__(kScanThreads)
    ScanKernel(const float* __restrict__ tile, int64_t ldc, int64_t n, int64_t r0, float threshold,
               Pair* __restrict__ pairs, unsigned long long capacity, unsigned long long* __restrict__ count) {
  const int64_t i = r0 + blockIdx.y;
  const int64_t col0 = static_cast<int64_t>(blockIdx.x) * kScanCols;
  if (col0 + kScanCols <= i + 1) return;  // the whole chunk has j <= i (uniform per block)
  const float* row = tile + static_cast<int64_t>(blockIdx.y) * ldc;
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int t = 0; t < kScanPerThread; ++t) {
    const int64_t j = col0 + t * kScanThreads + threadIdx.x;
    float v = 0.0f;
    const bool hit = j > i && j < n && (v = row[j]) >= threshold;
    const unsigned mask = __ballot_sync(0xffffffffu, hit);
    if (mask == 0) continue;
    const int leader = __ffs(mask) - 1;
    unsigned long long base = 0;
    if (lane == leader) base = atomicAdd(count, static_cast<unsigned long long>(__popc(mask)));
    base = __shfl_sync(0xffffffffu, base, leader);
    if (hit) {
      const unsigned long long pos = base + __popc(mask & ((1u << lane) - 1u));
      if (pos < capacity) pairs[pos] = Pair{static_cast<int32_t>(i), static_cast<int32_t>(j), v};
    }
  }
}

cudaError_t LaunchScan(const float* tile, int64_t rows, int64_t n, int64_t r0, float threshold, Pair* pairs,
                       unsigned long long capacity, unsigned long long* count, cudaStream_t s) {
  if (cudaError_t e = cudaMemsetAsync(count, 0, sizeof(unsigned long long), s); e != cudaSuccess) return e;
  const dim3 grid(static_cast<unsigned>((n + kScanCols - 1) / kScanCols), static_cast<unsigned>(rows));
  ScanKernel<<<grid, kScanThreads, 0, s>>>(tile, n, n, r0, threshold, pairs, capacity, count);
  return cudaGetLastError();
}

Status Run(const float* x, int64_t n, int64_t d, float threshold, std::vector<Pair>* out, const CudaOptions& opts,
           Error* err) {
  Call call(opts);
  if (Status st = call.Begin(err); st != Status::kOk) return st;
  if (n == 0) return call.Finish(err);
  if (Cancelled(opts)) return FailAborted(err);

  const cudaStream_t s = call.stream();
  const int64_t ld = RoundUp(d, kColPad);
  DeviceBuffer<unsigned long long> bad, count;
  DeviceBuffer<float> xn, tile;
  DeviceBuffer<Pair> pairs;
  ADVFC_CUDA_TRY(bad.Allocate(1, s));
  ADVFC_CUDA_TRY(cudaMemsetAsync(bad.get(), 0xff, sizeof(unsigned long long), s));
  if (Status st = UploadNormalized(x, n, d, call, &xn, bad.get(), err); st != Status::kOk) return st;
  unsigned long long host_bad = kNoRow;
  ADVFC_CUDA_TRY(cudaMemcpyAsync(&host_bad, bad.get(), sizeof host_bad, cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  if (host_bad != kNoRow) return FailNonFinite(err, "x", static_cast<int64_t>(host_bad));
  if (n < 2) return call.Finish(err);

  const int64_t max_pairs = std::max<int64_t>(opts.max_pairs, 0);
  const bool tf32 = UseTf32(opts);
  // Rows i = n−1 has no j > i: tiles cover rows [0, n−1).
  const int64_t scan_rows = n - 1;
  const int64_t tile_rows = TileRows(n, scan_rows);
  ADVFC_CUDA_TRY(tile.Allocate(static_cast<size_t>(std::min(tile_rows, scan_rows) * n), s));
  ADVFC_CUDA_TRY(count.Allocate(1, s));
  // Start with room for up to 4 Mi pairs (48 MiB); grown to a tile's exact count when exceeded.
  unsigned long long capacity = static_cast<unsigned long long>(std::clamp<int64_t>(max_pairs, 1, int64_t{1} << 22));
  ADVFC_CUDA_TRY(pairs.Allocate(static_cast<size_t>(capacity), s));

  int64_t total = 0;
  std::vector<Pair> found;
  for (int64_t r0 = 0; r0 < scan_rows; r0 += tile_rows) {
    if (Cancelled(opts)) return FailAborted(err);
    const int64_t rows = std::min(tile_rows, scan_rows - r0);
    ADVFC_CUDA_TRY(call.timer().Begin(s));
    ADVFC_CUDA_TRY(LaunchSimilarityTile(xn.get() + r0 * ld, xn.get(), rows, n, ld, tile.get(), n, r0, tf32, s));
    ADVFC_CUDA_TRY(LaunchScan(tile.get(), rows, n, r0, threshold, pairs.get(), capacity, count.get(), s));
    ADVFC_CUDA_TRY(call.timer().End(s));
    unsigned long long hits = 0;
    ADVFC_CUDA_TRY(cudaMemcpyAsync(&hits, count.get(), sizeof hits, cudaMemcpyDeviceToHost, s));
    ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
    if (hits == 0) continue;
    if (static_cast<unsigned long long>(total) + hits > static_cast<unsigned long long>(max_pairs)) {
      out->clear();
      return Fail(err, Status::kTooManyPairs,
                  "more than maxPairs = " + std::to_string(max_pairs) + " pairs reach the threshold");
    }
    if (hits > capacity) {
      // Every hit fits max_pairs: grow to exactly this tile's count and scan the tile again.
      capacity = hits;
      ADVFC_CUDA_TRY(pairs.Allocate(static_cast<size_t>(capacity), s));
      ADVFC_CUDA_TRY(call.timer().Begin(s));
      ADVFC_CUDA_TRY(LaunchScan(tile.get(), rows, n, r0, threshold, pairs.get(), capacity, count.get(), s));
      ADVFC_CUDA_TRY(call.timer().End(s));
    }
    found.resize(static_cast<size_t>(hits));
    ADVFC_CUDA_TRY(cudaMemcpyAsync(found.data(), pairs.get(), static_cast<size_t>(hits) * sizeof(Pair),
                                   cudaMemcpyDeviceToHost, s));
    ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
    std::sort(found.begin(), found.end(),
              [](const Pair& p, const Pair& q) { return p.i != q.i ? p.i < q.i : p.j < q.j; });
    out->insert(out->end(), found.begin(), found.end());
    total += static_cast<int64_t>(hits);
  }
  return call.Finish(err);
}

}  // namespace
}  // namespace detail

Status NearDuplicates(const float* x, int64_t n, int64_t d, float threshold, std::vector<Pair>* out,
                      const CudaOptions& opts, Error* err) {
  using namespace detail;
  if (Status st = CheckMatrix("nearDuplicates", "x", x, n, d, err); st != Status::kOk) return st;
  if (std::isnan(threshold)) return Fail(err, Status::kBadArgument, "threshold is NaN");
  if (out == nullptr) return Fail(err, Status::kBadArgument, "null output for nearDuplicates");
  out->clear();
  Status st;
  try {
    st = Run(x, n, d, threshold, out, opts, err);
  } catch (const std::bad_alloc&) {
    st = Fail(err, Status::kOutOfMemory, "out of host memory for the pairs");
  }
  // Only a complete result is left in *out.
  if (st != Status::kOk) out->clear();
  return st;
}

}  // namespace advfc::cuda
