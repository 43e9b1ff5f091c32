// AVX2+FMA row kernels (compiled with -mavx2 -mfma; selected at run time).
#include <immintrin.h>

#include <cfloat>
#include <cmath>

#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {
namespace {

inline double HorizontalSum(__m256d v) {
  __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
  lo = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

double SumSquares(const float* x, int64_t d) {
  __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t k = 0;
  for (; k + 16 <= d; k += 16) {
    __m256d v0 = _mm256_cvtps_pd(_mm_loadu_ps(x + k));
    __m256d v1 = _mm256_cvtps_pd(_mm_loadu_ps(x + k + 4));
    __m256d v2 = _mm256_cvtps_pd(_mm_loadu_ps(x + k + 8));
    __m256d v3 = _mm256_cvtps_pd(_mm_loadu_ps(x + k + 12));
    a0 = _mm256_fmadd_pd(v0, v0, a0);
    a1 = _mm256_fmadd_pd(v1, v1, a1);
    a2 = _mm256_fmadd_pd(v2, v2, a2);
    a3 = _mm256_fmadd_pd(v3, v3, a3);
  }
  for (; k + 4 <= d; k += 4) {
    __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + k));
    a0 = _mm256_fmadd_pd(v, v, a0);
  }
  double s = HorizontalSum(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
  for (; k < d; ++k) s += static_cast<double>(x[k]) * x[k];
  return s;
}

void Scale(const float* x, int64_t d, double s, float* out) {
  int64_t k = 0;
  if (s <= FLT_MAX) {
    float f = static_cast<float>(s);
    __m256 vf = _mm256_set1_ps(f);
    for (; k + 32 <= d; k += 32) {
      _mm256_storeu_ps(out + k, _mm256_mul_ps(_mm256_loadu_ps(x + k), vf));
      _mm256_storeu_ps(out + k + 8, _mm256_mul_ps(_mm256_loadu_ps(x + k + 8), vf));
      _mm256_storeu_ps(out + k + 16, _mm256_mul_ps(_mm256_loadu_ps(x + k + 16), vf));
      _mm256_storeu_ps(out + k + 24, _mm256_mul_ps(_mm256_loadu_ps(x + k + 24), vf));
    }
    for (; k + 8 <= d; k += 8) _mm256_storeu_ps(out + k, _mm256_mul_ps(_mm256_loadu_ps(x + k), vf));
    for (; k < d; ++k) out[k] = x[k] * f;
  } else {
    for (; k < d; ++k) out[k] = static_cast<float>(x[k] * s);
  }
}

void ScaleStream(const float* x, int64_t d, double s, float* out) {
  if (s > FLT_MAX) return Scale(x, d, s, out);
  const float f = static_cast<float>(s);
  const __m256 vf = _mm256_set1_ps(f);
  int64_t k = 0;
  // Streaming stores need 32-byte alignment: plain stores up to the first aligned element.
  for (; k < d && (reinterpret_cast<uintptr_t>(out + k) & 31) != 0; ++k) out[k] = x[k] * f;
  for (; k + 8 <= d; k += 8) _mm256_stream_ps(out + k, _mm256_mul_ps(_mm256_loadu_ps(x + k), vf));
  for (; k < d; ++k) out[k] = x[k] * f;
}

void StreamFence() { _mm_sfence(); }

template <int R>
void AccumulateRowsN(const float* x, int64_t d, const double* w, double* acc) {
  __m256d vw[R];
  for (int r = 0; r < R; ++r) vw[r] = _mm256_set1_pd(w[r]);
  int64_t k = 0;
  for (; k + 8 <= d; k += 8) {
    __m256d a0 = _mm256_loadu_pd(acc + k), a1 = _mm256_loadu_pd(acc + k + 4);
    for (int r = 0; r < R; ++r) {
      a0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + r * d + k)), vw[r], a0);
      a1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + r * d + k + 4)), vw[r], a1);
    }
    _mm256_storeu_pd(acc + k, a0);
    _mm256_storeu_pd(acc + k + 4, a1);
  }
  for (; k < d; ++k)
    for (int r = 0; r < R; ++r) acc[k] += w[r] * x[r * d + k];
}

void AccumulateRows(const float* x, int64_t d, int rows, const double* w, double* acc) {
  switch (rows) {
    case 4: return AccumulateRowsN<4>(x, d, w, acc);
    case 3: return AccumulateRowsN<3>(x, d, w, acc);
    case 2: return AccumulateRowsN<2>(x, d, w, acc);
    default: return AccumulateRowsN<1>(x, d, w, acc);
  }
}

template <int R>
void DotRowsN(const float* x, int64_t d, const double* s, double* dots) {
  __m256d a[R][2];
  for (int r = 0; r < R; ++r) a[r][0] = a[r][1] = _mm256_setzero_pd();
  int64_t k = 0;
  for (; k + 8 <= d; k += 8) {
    __m256d s0 = _mm256_loadu_pd(s + k), s1 = _mm256_loadu_pd(s + k + 4);
    for (int r = 0; r < R; ++r) {
      a[r][0] = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + r * d + k)), s0, a[r][0]);
      a[r][1] = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + r * d + k + 4)), s1, a[r][1]);
    }
  }
  for (int r = 0; r < R; ++r) {
    double t = HorizontalSum(_mm256_add_pd(a[r][0], a[r][1]));
    for (int64_t q = k; q < d; ++q) t += x[r * d + q] * s[q];
    dots[r] = t;
  }
}

void DotRows(const float* x, int64_t d, int rows, const double* s, double* dots) {
  switch (rows) {
    case 4: return DotRowsN<4>(x, d, s, dots);
    case 3: return DotRowsN<3>(x, d, s, dots);
    case 2: return DotRowsN<2>(x, d, s, dots);
    default: return DotRowsN<1>(x, d, s, dots);
  }
}

float MaxValue(const float* x, int64_t count) {
  __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
  int64_t k = 0;
  for (; k + 16 <= count; k += 16) {
    m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + k));
    m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + k + 8));
  }
  m0 = _mm256_max_ps(m0, m1);
  __m128 h = _mm_max_ps(_mm256_castps256_ps128(m0), _mm256_extractf128_ps(m0, 1));
  h = _mm_max_ps(h, _mm_movehl_ps(h, h));
  h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
  float r = _mm_cvtss_f32(h);
  for (; k < count; ++k) r = x[k] > r ? x[k] : r;
  return r;
}

const RowKernels kKernels{SumSquares, Scale, ScaleStream, StreamFence, AccumulateRows, DotRows, MaxValue};

}  // namespace

const RowKernels* RowKernelsAvx2() { return &kKernels; }

}  // namespace advfc::detail
