// Portable row kernels (any architecture). Also the reference the SIMD variants must match.
#include <cfloat>
#include <cmath>

#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {
namespace {

double SumSquares(const float* x, int64_t d) {
  // Four partial sums: shorter dependency chains, and the compiler may keep them in a vector.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t k = 0;
  for (; k + 4 <= d; k += 4) {
    double a = x[k], b = x[k + 1], c = x[k + 2], e = x[k + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += e * e;
  }
  for (; k < d; ++k) s0 += static_cast<double>(x[k]) * x[k];
  return (s0 + s1) + (s2 + s3);
}

void Scale(const float* x, int64_t d, double s, float* out) {
  if (s <= FLT_MAX) {
    float f = static_cast<float>(s);
    for (int64_t k = 0; k < d; ++k) out[k] = x[k] * f;
  } else {
    for (int64_t k = 0; k < d; ++k) out[k] = static_cast<float>(x[k] * s);
  }
}

void NoFence() {}

void AccumulateRows(const float* x, int64_t d, int rows, const double* w, double* acc) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + r * d;
    const double wr = w[r];
    for (int64_t k = 0; k < d; ++k) acc[k] += wr * xr[k];
  }
}

void DotRows(const float* x, int64_t d, int rows, const double* s, double* dots) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + r * d;
    double a0 = 0, a1 = 0;
    int64_t k = 0;
    for (; k + 2 <= d; k += 2) {
      a0 += xr[k] * s[k];
      a1 += xr[k + 1] * s[k + 1];
    }
    for (; k < d; ++k) a0 += xr[k] * s[k];
    dots[r] = a0 + a1;
  }
}

float MaxValue(const float* x, int64_t count) {
  // Four independent chains: a single one would wait out the latency of every compare.
  float m0 = -INFINITY, m1 = -INFINITY, m2 = -INFINITY, m3 = -INFINITY;
  int64_t k = 0;
  for (; k + 4 <= count; k += 4) {
    m0 = x[k] > m0 ? x[k] : m0;
    m1 = x[k + 1] > m1 ? x[k + 1] : m1;
    m2 = x[k + 2] > m2 ? x[k + 2] : m2;
    m3 = x[k + 3] > m3 ? x[k + 3] : m3;
  }
  for (; k < count; ++k) m0 = x[k] > m0 ? x[k] : m0;
  m0 = m1 > m0 ? m1 : m0;
  m2 = m3 > m2 ? m3 : m2;
  return m2 > m0 ? m2 : m0;
}

const RowKernels kKernels{SumSquares, Scale, Scale, NoFence, AccumulateRows, DotRows, MaxValue};

}  // namespace

const RowKernels* RowKernelsScalar() { return &kKernels; }

}  // namespace advfc::detail
