// AVX-512F GEMM microkernel: a 14 × 32 tile of C in 28 zmm accumulators. Per k step it loads two
// zmm of packed B and broadcasts 14 values of packed A straight from memory into the FMAs
// ({1to16} operands), so 28 FMAs need 16 loads: within the two load ports of cores with two
// 512-bit FMA units, which then stay busy.
#include <immintrin.h>

#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {
namespace {

constexpr int kMr = 14;
constexpr int kNr = 32;

void Kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m512 acc[kMr][2];
#pragma GCC unroll 14
  for (int r = 0; r < kMr; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * kMr), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int r = 0; r < kMr; ++r) {
      __m512 av = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
    }
    a += kMr;
    b += kNr;
  }
  if (accumulate) {
#pragma GCC unroll 14
    for (int r = 0; r < kMr; ++r) {
      float* row = c + r * ldc;
      _mm512_storeu_ps(row, _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row)));
      _mm512_storeu_ps(row + 16, _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16)));
    }
  } else {
#pragma GCC unroll 14
    for (int r = 0; r < kMr; ++r) {
      float* row = c + r * ldc;
      _mm512_storeu_ps(row, acc[r][0]);
      _mm512_storeu_ps(row + 16, acc[r][1]);
    }
  }
}

const GemmKernel kKernel{kMr, kNr, Kernel};

}  // namespace

const GemmKernel* GemmKernelAvx512() { return &kKernel; }

}  // namespace advfc::detail
