// Portable GEMM microkernel (4 × 8 tile). Correctness matters here, speed is secondary; the
// compiler may still vectorise it with the baseline ISA (SSE2 on x86-64).
#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

void Kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  float acc[kMr][kNr] = {};
  for (int64_t k = 0; k < kc; ++k) {
    for (int r = 0; r < kMr; ++r) {
      float av = a[r];
      for (int j = 0; j < kNr; ++j) acc[r][j] += av * b[j];
    }
    a += kMr;
    b += kNr;
  }
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    for (int j = 0; j < kNr; ++j) row[j] = accumulate ? row[j] + acc[r][j] : acc[r][j];
  }
}

const GemmKernel kKernel{kMr, kNr, Kernel};

}  // namespace

const GemmKernel* GemmKernelScalar() { return &kKernel; }

}  // namespace advfc::detail
