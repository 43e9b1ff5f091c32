// AVX2+FMA GEMM microkernel: a 6 × 16 tile of C in 12 ymm accumulators (of 16), the classic
// Haswell-and-later shape: per k step 2 loads of packed B, 6 broadcasts of packed A, 12 FMAs.
#include <immintrin.h>

#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {
namespace {

constexpr int kMr = 6;
constexpr int kNr = 16;

void Kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m256 acc[kMr][2];
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * kMr), _MM_HINT_T0);
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      __m256 av = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
    a += kMr;
    b += kNr;
  }
  if (accumulate) {
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      float* row = c + r * ldc;
      _mm256_storeu_ps(row, _mm256_add_ps(acc[r][0], _mm256_loadu_ps(row)));
      _mm256_storeu_ps(row + 8, _mm256_add_ps(acc[r][1], _mm256_loadu_ps(row + 8)));
    }
  } else {
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      float* row = c + r * ldc;
      _mm256_storeu_ps(row, acc[r][0]);
      _mm256_storeu_ps(row + 8, acc[r][1]);
    }
  }
}

const GemmKernel kKernel{kMr, kNr, Kernel};

}  // namespace

const GemmKernel* GemmKernelAvx2() { return &kKernel; }

}  // namespace advfc::detail
