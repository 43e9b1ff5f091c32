// AVX-512F row kernels (compiled with -mavx512f; selected at run time). Tails use masked loads,
// so odd d needs no scalar loop.
#include <immintrin.h>

#include <cfloat>
#include <cmath>

#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {
namespace {

inline __mmask16 TailMask(int64_t remaining) {
  return remaining >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << remaining) - 1u);
}

inline __m512d Lo(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline __m512d Hi(__m512 v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

double SumSquares(const float* x, int64_t d) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t k = 0;
  for (; k + 32 <= d; k += 32) {
    __m512 v = _mm512_loadu_ps(x + k), w = _mm512_loadu_ps(x + k + 16);
    __m512d v0 = Lo(v), v1 = Hi(v), w0 = Lo(w), w1 = Hi(w);
    a0 = _mm512_fmadd_pd(v0, v0, a0);
    a1 = _mm512_fmadd_pd(v1, v1, a1);
    a2 = _mm512_fmadd_pd(w0, w0, a2);
    a3 = _mm512_fmadd_pd(w1, w1, a3);
  }
  for (; k < d; k += 16) {
    __m512 v = _mm512_maskz_loadu_ps(TailMask(d - k), x + k);
    __m512d v0 = Lo(v), v1 = Hi(v);
    a0 = _mm512_fmadd_pd(v0, v0, a0);
    a1 = _mm512_fmadd_pd(v1, v1, a1);
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
}

void Scale(const float* x, int64_t d, double s, float* out) {
  int64_t k = 0;
  if (s <= FLT_MAX) {
    __m512 vf = _mm512_set1_ps(static_cast<float>(s));
    for (; k + 32 <= d; k += 32) {
      _mm512_storeu_ps(out + k, _mm512_mul_ps(_mm512_loadu_ps(x + k), vf));
      _mm512_storeu_ps(out + k + 16, _mm512_mul_ps(_mm512_loadu_ps(x + k + 16), vf));
    }
    for (; k < d; k += 16) {
      __mmask16 m = TailMask(d - k);
      _mm512_mask_storeu_ps(out + k, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + k), vf));
    }
  } else {
    for (; k < d; ++k) out[k] = static_cast<float>(x[k] * s);
  }
}

void ScaleStream(const float* x, int64_t d, double s, float* out) {
  if (s > FLT_MAX) return Scale(x, d, s, out);
  const __m512 vf = _mm512_set1_ps(static_cast<float>(s));
  int64_t k = 0;
  // Streaming stores need 64-byte alignment: one masked plain store up to the first aligned one.
  const int64_t misaligned = (reinterpret_cast<uintptr_t>(out) & 63) / 4;
  if (misaligned != 0) {
    k = d < 16 - misaligned ? d : 16 - misaligned;
    const __mmask16 m = TailMask(k);
    _mm512_mask_storeu_ps(out, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x), vf));
  }
  for (; k + 16 <= d; k += 16) _mm512_stream_ps(out + k, _mm512_mul_ps(_mm512_loadu_ps(x + k), vf));
  if (k < d) {
    const __mmask16 m = TailMask(d - k);
    _mm512_mask_storeu_ps(out + k, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + k), vf));
  }
}

void StreamFence() { _mm_sfence(); }

template <int R>
void AccumulateRowsN(const float* x, int64_t d, const double* w, double* acc) {
  __m512d vw[R];
  for (int r = 0; r < R; ++r) vw[r] = _mm512_set1_pd(w[r]);
  int64_t k = 0;
  for (; k + 16 <= d; k += 16) {
    __m512d a0 = _mm512_loadu_pd(acc + k), a1 = _mm512_loadu_pd(acc + k + 8);
    for (int r = 0; r < R; ++r) {
      __m512 v = _mm512_loadu_ps(x + r * d + k);
      a0 = _mm512_fmadd_pd(Lo(v), vw[r], a0);
      a1 = _mm512_fmadd_pd(Hi(v), vw[r], a1);
    }
    _mm512_storeu_pd(acc + k, a0);
    _mm512_storeu_pd(acc + k + 8, a1);
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
  __m512d a[R][2];
  for (int r = 0; r < R; ++r) a[r][0] = a[r][1] = _mm512_setzero_pd();
  int64_t k = 0;
  for (; k + 16 <= d; k += 16) {
    __m512d s0 = _mm512_loadu_pd(s + k), s1 = _mm512_loadu_pd(s + k + 8);
    for (int r = 0; r < R; ++r) {
      __m512 v = _mm512_loadu_ps(x + r * d + k);
      a[r][0] = _mm512_fmadd_pd(Lo(v), s0, a[r][0]);
      a[r][1] = _mm512_fmadd_pd(Hi(v), s1, a[r][1]);
    }
  }
  for (int r = 0; r < R; ++r) {
    double t = _mm512_reduce_add_pd(_mm512_add_pd(a[r][0], a[r][1]));
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
  const __m512 lowest = _mm512_set1_ps(-INFINITY);
  __m512 m0 = lowest, m1 = lowest;
  int64_t k = 0;
  for (; k + 32 <= count; k += 32) {
    m0 = _mm512_max_ps(m0, _mm512_loadu_ps(x + k));
    m1 = _mm512_max_ps(m1, _mm512_loadu_ps(x + k + 16));
  }
  for (; k < count; k += 16) m0 = _mm512_max_ps(m0, _mm512_mask_loadu_ps(lowest, TailMask(count - k), x + k));
  return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

const RowKernels kKernels{SumSquares, Scale, ScaleStream, StreamFence, AccumulateRows, DotRows, MaxValue};

}  // namespace

const RowKernels* RowKernelsAvx512() { return &kKernels; }

}  // namespace advfc::detail
