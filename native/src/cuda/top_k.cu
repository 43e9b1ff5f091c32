// topK: for each row of a, the k rows of b with the highest cosine similarity, best first, ties
// to the lower index of b.
//
// Row tiles of the na × nb similarity matrix (TileRows(nb) rows at a time) are computed by the
// similarity GEMM; then, for k ≤ kMaxDeviceK, one block per tile row selects on the device:
//   1. radix select of the k-th best score: scores map to order-preserving uint32 keys (−0 folded
//      onto +0, so equal floats are equal keys), four passes of 8 bits, each a 256-bin shared
//      histogram of the keys still matching the prefix found so far;
//   2. collection in index order: every key above the k-th (there are fewer than k) and the
//      lowest-indexed keys equal to it, as many as needed (an ordered block-wide compaction,
//      which is what makes ties go to the lower index);
//   3. a bitonic sort of the k candidates in shared memory by (score desc, index asc).
// Each step reads the row (nb floats) once, 5 reads in all, mostly from L2; next to the GEMM's
// 2·nb·d flops per row this is small for any realistic d.
// For k > kMaxDeviceK the tile is copied to the host and selected there with std::partial_sort
// (same order); this keeps shared memory bounded and is fine for such unusual requests.
#include <algorithm>
#include <climits>
#include <new>
#include <numeric>

#include "common.cuh"

namespace advfc::cuda {
namespace detail {
namespace {

constexpr int kSelectThreads = 256;
constexpr int kSelectWarps = kSelectThreads / 32;
constexpr int kMaxDeviceK = 1024;

/// Order-preserving map float → uint32 (larger float, larger key); −0 and +0 map to one key.
__device__ __forceinline__ uint32_t OrderedKey(float f) {
  const uint32_t u = __float_as_uint(f == 0.0f ? 0.0f : f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

__global__ void __launch_bounds__(kSelectThreads)
    SelectKernel(const float* __restrict__ tile, int64_t ldc, int nb, int k, int32_t* __restrict__ out_idx,
                 float* __restrict__ out_score) {
  __shared__ unsigned int hist[256];
  __shared__ uint32_t cand_key[kMaxDeviceK];
  __shared__ int32_t cand_idx[kMaxDeviceK];
  __shared__ uint32_t s_prefix;
  __shared__ int s_kk;
  __shared__ int s_ngt;
  __shared__ int s_eq_base;
  __shared__ int warp_tot[kSelectWarps];

  const float* row = tile + static_cast<int64_t>(blockIdx.x) * ldc;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;

  // 1. Radix select. Invariant: the keys matching `prefix` on `mask` number at least kk, and
  //    exactly k − kk keys are above all of them.
  uint32_t prefix = 0, mask = 0;
  int kk = k;
  for (int shift = 24; shift >= 0; shift -= 8) {
    for (int b = tid; b < 256; b += kSelectThreads) hist[b] = 0;
    __syncthreads();
    for (int j = tid; j < nb; j += kSelectThreads) {
      const uint32_t key = OrderedKey(row[j]);
      if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 255u], 1u);
    }
    __syncthreads();
    if (warp == 0) {
      // Lane L scans digits 255 − 8L … 248 − 8L (descending), so lanes in order cover the
      // digits from best to worst; an inclusive scan over lanes finds the digit holding rank kk.
      unsigned c[8];
      unsigned tot = 0;
#pragma unroll
      for (int t = 0; t < 8; ++t) {
        c[t] = hist[255 - (lane * 8 + t)];
        tot += c[t];
      }
      unsigned incl = tot;
#pragma unroll
      for (int off = 1; off < 32; off <<= 1) {
        const unsigned v = __shfl_up_sync(0xffffffffu, incl, off);
        if (lane >= off) incl += v;
      }
      const unsigned excl = incl - tot;
      const unsigned want = static_cast<unsigned>(kk);
      if (excl < want && want <= incl) {  // exactly one lane
        unsigned run = excl;
        for (int t = 0; t < 8; ++t) {
          if (run + c[t] >= want) {
            const uint32_t digit = static_cast<uint32_t>(255 - (lane * 8 + t));
            s_prefix = prefix | (digit << shift);
            s_kk = static_cast<int>(want - run);
            break;
          }
          run += c[t];
        }
      }
    }
    __syncthreads();
    prefix = s_prefix;
    kk = s_kk;
    mask |= 255u << shift;
  }
  const uint32_t kth = prefix;  // the k-th best key
  const int need_eq = kk;       // how many keys equal to it make the top k
  const int n_gt = k - kk;      // keys strictly better than it (all taken)

  // 2. Collection. Keys above kth go anywhere in [0, n_gt); equal keys are ranked by index
  //    through a block-wide ordered compaction, and the first need_eq of them are taken.
  if (tid == 0) {
    s_ngt = 0;
    s_eq_base = 0;
  }
  __syncthreads();
  for (int base = 0; base < nb; base += kSelectThreads) {
    const int j = base + tid;
    const bool valid = j < nb;
    const uint32_t key = valid ? OrderedKey(row[j]) : 0u;
    if (valid && key > kth) {
      const int p = atomicAdd(&s_ngt, 1);
      cand_key[p] = key;
      cand_idx[p] = j;
    }
    const bool eq = valid && key == kth;
    const unsigned ballot = __ballot_sync(0xffffffffu, eq);
    if (lane == 0) warp_tot[warp] = __popc(ballot);
    __syncthreads();
    int pos = s_eq_base + __popc(ballot & ((1u << lane) - 1u));
    for (int w = 0; w < warp; ++w) pos += warp_tot[w];
    if (eq && pos < need_eq) {
      cand_key[n_gt + pos] = key;
      cand_idx[n_gt + pos] = j;
    }
    __syncthreads();
    if (tid == 0) {
      int t = 0;
      for (int w = 0; w < kSelectWarps; ++w) t += warp_tot[w];
      s_eq_base += t;
    }
    __syncthreads();
  }

  // 3. Bitonic sort of the k candidates (padded to a power of two with entries that sort last),
  //    "better" first: higher key, then lower index.
  int p2 = 1;
  while (p2 < k) p2 <<= 1;
  for (int i = k + tid; i < p2; i += kSelectThreads) {
    cand_key[i] = 0u;
    cand_idx[i] = INT_MAX;
  }
  __syncthreads();
  for (int size = 2; size <= p2; size <<= 1) {
    for (int stride = size >> 1; stride > 0; stride >>= 1) {
      for (int i = tid; i < p2; i += kSelectThreads) {
        const int partner = i ^ stride;
        if (partner > i) {
          const bool up = (i & size) == 0;  // this run ends up better-first
          const uint32_t ki = cand_key[i], kp = cand_key[partner];
          const int32_t ii = cand_idx[i], ip = cand_idx[partner];
          const bool partner_better = kp > ki || (kp == ki && ip < ii);
          if (partner_better == up) {
            cand_key[i] = kp;
            cand_key[partner] = ki;
            cand_idx[i] = ip;
            cand_idx[partner] = ii;
          }
        }
      }
      __syncthreads();
    }
  }

  int32_t* oi = out_idx + static_cast<int64_t>(blockIdx.x) * k;
  float* os = out_score + static_cast<int64_t>(blockIdx.x) * k;
  for (int t = tid; t < k; t += kSelectThreads) {
    const int32_t j = cand_idx[t];
    oi[t] = j;
    os[t] = row[j];
  }
}

/// The host fallback for k > kMaxDeviceK: the same order as the device path.
void SelectOnHost(const float* tile, int64_t rows, int64_t nb, int64_t k, int32_t* indices, float* scores) {
  std::vector<int32_t> order(static_cast<size_t>(nb));
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = tile + r * nb;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int32_t p, int32_t q) {
      return row[p] != row[q] ? row[p] > row[q] : p < q;
    });
    for (int64_t t = 0; t < k; ++t) {
      indices[r * k + t] = order[static_cast<size_t>(t)];
      scores[r * k + t] = row[order[static_cast<size_t>(t)]];
    }
  }
}

Status Run(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, int64_t k, int32_t* indices,
           float* scores, const CudaOptions& opts, Error* err) {
  Call call(opts);
  if (Status st = call.Begin(err); st != Status::kOk) return st;
  if (Cancelled(opts)) return FailAborted(err);

  const cudaStream_t s = call.stream();
  const int64_t ld = RoundUp(std::max<int64_t>(d, 1), kColPad);
  // Both operands are checked even when a is empty (as on the CPU).
  DeviceBuffer<unsigned long long> bad;
  DeviceBuffer<float> an, bn, tile, tile_scores;
  DeviceBuffer<int32_t> tile_idx;
  ADVFC_CUDA_TRY(bad.Allocate(2, s));
  ADVFC_CUDA_TRY(cudaMemsetAsync(bad.get(), 0xff, 2 * sizeof(unsigned long long), s));
  if (Status st = UploadNormalized(a, na, d, call, &an, bad.get(), err); st != Status::kOk) return st;
  if (Status st = UploadNormalized(b, nb, d, call, &bn, bad.get() + 1, err); st != Status::kOk) return st;
  unsigned long long host_bad[2] = {kNoRow, kNoRow};
  ADVFC_CUDA_TRY(cudaMemcpyAsync(host_bad, bad.get(), sizeof host_bad, cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  if (host_bad[0] != kNoRow) return FailNonFinite(err, "a", static_cast<int64_t>(host_bad[0]));
  if (host_bad[1] != kNoRow) return FailNonFinite(err, "b", static_cast<int64_t>(host_bad[1]));
  if (na == 0) return call.Finish(err);

  const bool tf32 = UseTf32(opts);
  const bool on_device = k <= kMaxDeviceK;
  const int64_t tile_rows = TileRows(nb, na);
  const int64_t alloc_rows = std::min(tile_rows, na);
  ADVFC_CUDA_TRY(tile.Allocate(static_cast<size_t>(alloc_rows * nb), s));
  std::vector<float> host_tile;
  if (on_device) {
    ADVFC_CUDA_TRY(tile_idx.Allocate(static_cast<size_t>(alloc_rows * k), s));
    ADVFC_CUDA_TRY(tile_scores.Allocate(static_cast<size_t>(alloc_rows * k), s));
  } else {
    host_tile.resize(static_cast<size_t>(alloc_rows * nb));
  }
  for (int64_t r0 = 0; r0 < na; r0 += tile_rows) {
    if (Cancelled(opts)) return FailAborted(err);
    const int64_t rows = std::min(tile_rows, na - r0);
    ADVFC_CUDA_TRY(call.timer().Begin(s));
    ADVFC_CUDA_TRY(LaunchSimilarityTile(an.get() + r0 * ld, bn.get(), rows, nb, ld, tile.get(), nb, -1, tf32, s));
    if (on_device) {
      SelectKernel<<<static_cast<unsigned>(rows), kSelectThreads, 0, s>>>(tile.get(), nb, static_cast<int>(nb),
                                                                          static_cast<int>(k), tile_idx.get(),
                                                                          tile_scores.get());
      ADVFC_CUDA_TRY(cudaGetLastError());
    }
    ADVFC_CUDA_TRY(call.timer().End(s));
    if (on_device) {
      ADVFC_CUDA_TRY(cudaMemcpyAsync(indices + r0 * k, tile_idx.get(), static_cast<size_t>(rows * k) * sizeof(int32_t),
                                     cudaMemcpyDeviceToHost, s));
      ADVFC_CUDA_TRY(cudaMemcpyAsync(scores + r0 * k, tile_scores.get(), static_cast<size_t>(rows * k) * sizeof(float),
                                     cudaMemcpyDeviceToHost, s));
    } else {
      ADVFC_CUDA_TRY(cudaMemcpyAsync(host_tile.data(), tile.get(), static_cast<size_t>(rows * nb) * sizeof(float),
                                     cudaMemcpyDeviceToHost, s));
      ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
      SelectOnHost(host_tile.data(), rows, nb, k, indices + r0 * k, scores + r0 * k);
    }
  }
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  return call.Finish(err);
}

}  // namespace
}  // namespace detail

Status TopK(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, int64_t k, int32_t* indices,
            float* scores, const CudaOptions& opts, Error* err) {
  using namespace detail;
  constexpr const char* kOp = "topK";
  if (Status st = CheckMatrix(kOp, "a", a, na, d, err); st != Status::kOk) return st;
  if (Status st = CheckMatrix(kOp, "b", b, nb, d, err); st != Status::kOk) return st;
  if (na > 0 && (k < 1 || k > nb))
    return Fail(err, Status::kBadArgument,
                "k = " + std::to_string(k) + " must be in [1, " + std::to_string(nb) + "] (rows of b)");
  if (na > 0 && (indices == nullptr || scores == nullptr)) return Fail(err, Status::kBadArgument, "null output for topK");
  try {
    return Run(a, na, b, nb, d, k, indices, scores, opts, err);
  } catch (const std::bad_alloc&) {
    return Fail(err, Status::kOutOfMemory, "out of host memory for a topK tile");
  }
}

}  // namespace advfc::cuda
