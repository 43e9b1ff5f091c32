// cosineSimilarityMatrix, and the similarity-tile GEMM that nearDuplicates and topK reuse.
//
// Both operands are normalised first into zero-padded device copies (rows to a multiple of 128,
// columns to a multiple of 16; normalize_rows.cu), so the GEMM kernels below load whole 16-byte
// vectors with no bounds checks; only the final stores check rows < M and cols < N. C = Â·B̂ᵀ
// with both operands k-contiguous ("NT").
//
// FP32 (every device): 128 × 128 block tile, k step 8, 256 threads each holding an 8 × 8
// micro-tile (rows ty*4+{0..3} and 64+ty*4+{0..3}, likewise columns, so every shared-memory read
// is a conflict-free float4). Shared memory is double-buffered with a register prefetch of the
// next k step, one __syncthreads per step; the A and B tiles are stored k-major (transposed while
// storing), padded by 4 floats per row so the transposing stores are conflict-free. Accumulation
// is float32 FMA, as on the CPU.
//
// TF32 (sm_80+, CudaOptions::tf32): the same 128 × 128 block tile, k step 16, eight warps each
// computing 64 × 32 with nvcuda::wmma m16n16k8 TF32 fragments (inputs rounded to TF32, float32
// accumulation), shared memory double-buffered in natural [row][k] layout and filled with cp.async
// (the next k step's copy overlaps this one's MMAs), results staged through shared memory per
// 16 × 16 fragment for bounds-checked stores.
#include <cuda_pipeline.h>
#include <mma.h>

#include "common.cuh"

namespace advfc::cuda {
namespace detail {
namespace {

constexpr int kBM = 128, kBN = 128;
constexpr int kThreads = 256;

__device__ __forceinline__ float4 Load4(const float* p) { return __ldg(reinterpret_cast<const float4*>(p)); }

/// True when block (bm, bn) of a triangular tile holds no j > i (all of it can be skipped).
__device__ __forceinline__ bool SkipBlock(int64_t tri_row0, int bm, int bn) {
  return tri_row0 >= 0 && static_cast<int64_t>(bn) * kBN + (kBN - 1) <= tri_row0 + static_cast<int64_t>(bm) * kBM;
}

// --- FP32 SIMT kernel --------------------------------------------------------------------------

constexpr int kBK = 8;
constexpr int kSPad = 4;

__global__ void __launch_bounds__(kThreads, 2)
    SimilarityFp32Kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int M,
                         int N, int K, int64_t ldc, int64_t tri_row0, int vec_store) {
  const int bm = blockIdx.y, bn = blockIdx.x;
  if (SkipBlock(tri_row0, bm, bn)) return;

  __shared__ __align__(16) float As[2][kBK][kBM + kSPad];
  __shared__ __align__(16) float Bs[2][kBK][kBN + kSPad];

  const int tid = threadIdx.x;
  const int tx = tid & 15, ty = tid >> 4;
  // Global → shared: thread loads 4 consecutive k of one row of each operand.
  const int lr = tid >> 1, lk = (tid & 1) * 4;
  const float* a_ptr = A + (static_cast<int64_t>(bm) * kBM + lr) * K + lk;
  const float* b_ptr = B + (static_cast<int64_t>(bn) * kBN + lr) * K + lk;

  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i)
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.0f;

  float4 ra = Load4(a_ptr), rb = Load4(b_ptr);
  As[0][lk + 0][lr] = ra.x;
  As[0][lk + 1][lr] = ra.y;
  As[0][lk + 2][lr] = ra.z;
  As[0][lk + 3][lr] = ra.w;
  Bs[0][lk + 0][lr] = rb.x;
  Bs[0][lk + 1][lr] = rb.y;
  Bs[0][lk + 2][lr] = rb.z;
  Bs[0][lk + 3][lr] = rb.w;
  __syncthreads();

  const int nk = K / kBK;
  for (int kt = 0; kt < nk; ++kt) {
    const int cur = kt & 1;
    const bool more = kt + 1 < nk;
    if (more) {
      ra = Load4(a_ptr + (kt + 1) * kBK);
      rb = Load4(b_ptr + (kt + 1) * kBK);
    }
#pragma unroll
    for (int k = 0; k < kBK; ++k) {
      const float4 a0 = *reinterpret_cast<const float4*>(&As[cur][k][ty * 4]);
      const float4 a1 = *reinterpret_cast<const float4*>(&As[cur][k][64 + ty * 4]);
      const float4 b0 = *reinterpret_cast<const float4*>(&Bs[cur][k][tx * 4]);
      const float4 b1 = *reinterpret_cast<const float4*>(&Bs[cur][k][64 + tx * 4]);
      const float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      const float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (more) {
      // Buffer cur^1 was last read in step kt-1, which every thread finished before the
      // __syncthreads that ended it.
      const int nxt = cur ^ 1;
      As[nxt][lk + 0][lr] = ra.x;
      As[nxt][lk + 1][lr] = ra.y;
      As[nxt][lk + 2][lr] = ra.z;
      As[nxt][lk + 3][lr] = ra.w;
      Bs[nxt][lk + 0][lr] = rb.x;
      Bs[nxt][lk + 1][lr] = rb.y;
      Bs[nxt][lk + 2][lr] = rb.z;
      Bs[nxt][lk + 3][lr] = rb.w;
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int64_t row = static_cast<int64_t>(bm) * kBM + (i < 4 ? ty * 4 + i : 64 + ty * 4 + (i - 4));
    if (row >= M) continue;
    float* crow = C + row * ldc;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int64_t col = static_cast<int64_t>(bn) * kBN + h * 64 + tx * 4;
      if (vec_store && col + 3 < N) {
        *reinterpret_cast<float4*>(crow + col) =
            make_float4(acc[i][h * 4 + 0], acc[i][h * 4 + 1], acc[i][h * 4 + 2], acc[i][h * 4 + 3]);
      } else {
#pragma unroll
        for (int e = 0; e < 4; ++e)
          if (col + e < N) crow[col + e] = acc[i][h * 4 + e];
      }
    }
  }
}

// --- TF32 tensor-core kernel -------------------------------------------------------------------

__global__ void __launch_bounds__(kThreads, 2)
    SimilarityTf32Kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int M,
                         int N, int K, int64_t ldc, int64_t tri_row0) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  using namespace nvcuda;
  constexpr int kTcBK = 16;
  constexpr int kTcLd = kTcBK + 4;       // 20 floats: a multiple of 4 (wmma ldm); 16-row steps 32-byte aligned
  constexpr int kTcStage = kBM * kTcLd;  // floats per operand per stage
  const int bm = blockIdx.y, bn = blockIdx.x;
  if (SkipBlock(tri_row0, bm, bn)) return;

  // [stage][row][k] for A then B; reused as the epilogue's staging area.
  __shared__ __align__(128) float smem[2 * 2 * kTcStage];
  float* const As = smem;
  float* const Bs = smem + 2 * kTcStage;

  const int tid = threadIdx.x;
  const int warp = tid >> 5, lane = tid & 31;
  const int wm = warp >> 2, wn = warp & 3;  // 2 × 4 warps, each 64 rows × 32 columns

  // Global → shared with cp.async (no register staging): 128 rows × 16 k per operand = 512
  // 16-byte chunks, two per thread and operand.
  const float* a_src[2];
  const float* b_src[2];
  int soff[2];  // offset within a stage
#pragma unroll
  for (int p = 0; p < 2; ++p) {
    const int idx = tid + p * kThreads;
    const int lrow = idx >> 2, lk = (idx & 3) * 4;
    a_src[p] = A + (static_cast<int64_t>(bm) * kBM + lrow) * K + lk;
    b_src[p] = B + (static_cast<int64_t>(bn) * kBN + lrow) * K + lk;
    soff[p] = lrow * kTcLd + lk;
  }
  auto issue = [&](int kt, int stage) {
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      __pipeline_memcpy_async(As + stage * kTcStage + soff[p], a_src[p] + kt * kTcBK, 16);
      __pipeline_memcpy_async(Bs + stage * kTcStage + soff[p], b_src[p] + kt * kTcBK, 16);
    }
    __pipeline_commit();
  };

  wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[4][2];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

  const int nk = K / kTcBK;
  issue(0, 0);
  for (int kt = 0; kt < nk; ++kt) {
    const int cur = kt & 1;
    // Stage cur^1 was last read in step kt−1, finished by every thread at that step's final
    // __syncthreads. An empty group is committed on the last step so the wait count is uniform.
    if (kt + 1 < nk)
      issue(kt + 1, cur ^ 1);
    else
      __pipeline_commit();
    __pipeline_wait_prior(1);  // this thread's copies of stage cur have landed
    __syncthreads();           // and everyone else's
    const float* as = As + cur * kTcStage;
    const float* bs = Bs + cur * kTcStage;
#pragma unroll
    for (int kk = 0; kk < kTcBK; kk += 8) {
      // B̂ rows are k-contiguous: as the K × N operand that is column-major with ldm kTcLd.
      wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major> bf[2];
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        wmma::load_matrix_sync(bf[j], bs + (wn * 32 + j * 16) * kTcLd + kk, kTcLd);
#pragma unroll
        for (int t = 0; t < bf[j].num_elements; ++t) bf[j].x[t] = wmma::__float_to_tf32(bf[j].x[t]);
      }
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> af;
        wmma::load_matrix_sync(af, as + (wm * 64 + i * 16) * kTcLd + kk, kTcLd);
#pragma unroll
        for (int t = 0; t < af.num_elements; ++t) af.x[t] = wmma::__float_to_tf32(af.x[t]);
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], af, bf[j], acc[i][j]);
      }
    }
    __syncthreads();
  }

  // Every thread passed the loop's last __syncthreads: shared memory is free for staging.
  float* stage = smem + warp * 256;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      wmma::store_matrix_sync(stage, acc[i][j], 16, wmma::mem_row_major);
      __syncwarp();
      const int64_t row0 = static_cast<int64_t>(bm) * kBM + wm * 64 + i * 16;
      const int64_t col0 = static_cast<int64_t>(bn) * kBN + wn * 32 + j * 16;
#pragma unroll
      for (int t = 0; t < 8; ++t) {
        const int e = lane + 32 * t;
        const int64_t r = row0 + (e >> 4), c = col0 + (e & 15);
        if (r < M && c < N) C[r * ldc + c] = stage[e];
      }
      __syncwarp();
    }
  }
#endif
}

}  // namespace

cudaError_t LaunchSimilarityTile(const float* a, const float* b, int64_t rows, int64_t cols, int64_t ld, float* c,
                                 int64_t ldc, int64_t tri_row0, bool tf32, cudaStream_t stream) {
  if (rows == 0 || cols == 0) return cudaSuccess;
  const dim3 grid(static_cast<unsigned>((cols + kBN - 1) / kBN), static_cast<unsigned>((rows + kBM - 1) / kBM));
  if (tf32) {
    SimilarityTf32Kernel<<<grid, kThreads, 0, stream>>>(a, b, c, static_cast<int>(rows), static_cast<int>(cols),
                                                        static_cast<int>(ld), ldc, tri_row0);
  } else {
    const int vec = (ldc % 4 == 0 && reinterpret_cast<uintptr_t>(c) % 16 == 0) ? 1 : 0;
    SimilarityFp32Kernel<<<grid, kThreads, 0, stream>>>(a, b, c, static_cast<int>(rows), static_cast<int>(cols),
                                                        static_cast<int>(ld), ldc, tri_row0, vec);
  }
  return cudaGetLastError();
}

}  // namespace detail

Status CosineSimilarityMatrix(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, float* out,
                              const CudaOptions& opts, Error* err) {
  using namespace detail;
  constexpr const char* kOp = "cosineSimilarityMatrix";
  if (Status st = CheckMatrix(kOp, "a", a, na, d, err); st != Status::kOk) return st;
  if (Status st = CheckMatrix(kOp, "b", b, nb, d, err); st != Status::kOk) return st;
  if (na > 0 && nb > 0 && out == nullptr) return Fail(err, Status::kBadArgument, "null output for cosineSimilarityMatrix");
  Call call(opts);
  if (Status st = call.Begin(err); st != Status::kOk) return st;
  if (Cancelled(opts)) return FailAborted(err);

  const cudaStream_t s = call.stream();
  const int64_t ld = RoundUp(std::max<int64_t>(d, 1), kColPad);
  // Both operands are checked even when the other is empty (as on the CPU).
  DeviceBuffer<unsigned long long> bad;
  DeviceBuffer<float> an, bn, tile;
  ADVFC_CUDA_TRY(bad.Allocate(2, s));
  ADVFC_CUDA_TRY(cudaMemsetAsync(bad.get(), 0xff, 2 * sizeof(unsigned long long), s));
  if (Status st = UploadNormalized(a, na, d, call, &an, bad.get(), err); st != Status::kOk) return st;
  if (Status st = UploadNormalized(b, nb, d, call, &bn, bad.get() + 1, err); st != Status::kOk) return st;
  unsigned long long host_bad[2] = {kNoRow, kNoRow};
  ADVFC_CUDA_TRY(cudaMemcpyAsync(host_bad, bad.get(), sizeof host_bad, cudaMemcpyDeviceToHost, s));
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  if (host_bad[0] != kNoRow) return FailNonFinite(err, "a", static_cast<int64_t>(host_bad[0]));
  if (host_bad[1] != kNoRow) return FailNonFinite(err, "b", static_cast<int64_t>(host_bad[1]));
  if (na == 0 || nb == 0) return call.Finish(err);

  // Row tiles of the output, each computed then copied straight into its rows of `out`.
  const bool tf32 = UseTf32(opts);
  const int64_t tile_rows = TileRows(nb, na);
  ADVFC_CUDA_TRY(tile.Allocate(static_cast<size_t>(std::min(tile_rows, na) * nb), s));
  for (int64_t r0 = 0; r0 < na; r0 += tile_rows) {
    if (Cancelled(opts)) return FailAborted(err);
    const int64_t rows = std::min(tile_rows, na - r0);
    ADVFC_CUDA_TRY(call.timer().Begin(s));
    ADVFC_CUDA_TRY(LaunchSimilarityTile(an.get() + r0 * ld, bn.get(), rows, nb, ld, tile.get(), nb, -1, tf32, s));
    ADVFC_CUDA_TRY(call.timer().End(s));
    ADVFC_CUDA_TRY(cudaMemcpyAsync(out + r0 * nb, tile.get(), static_cast<size_t>(rows * nb) * sizeof(float),
                                   cudaMemcpyDeviceToHost, s));
  }
  ADVFC_CUDA_TRY(cudaStreamSynchronize(s));
  return call.Finish(err);
}

}  // namespace advfc::cuda
