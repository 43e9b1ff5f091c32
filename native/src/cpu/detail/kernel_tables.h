// Function tables of the per-ISA kernels. This header is included by the files compiled with
// -mavx2/-mavx512f, so it must stay free of inline functions and templates from the standard
// library: an inline function instantiated in an AVX file could be the copy the linker keeps,
// and then run on a CPU without AVX.
#pragma once

#include <cstdint>

namespace advfc::detail {

/// Rows handled per call by the grouped row kernels.
constexpr int kRowGroup = 4;

struct RowKernels {
  /// Σ x[k]² accumulated in float64. NaN/±Inf anywhere makes the result non-finite, which is
  /// how every op detects non-finite input without a separate pass.
  double (*sum_squares)(const float* x, int64_t d);
  /// out[k] = x[k] * s (float32 result). s may exceed FLT_MAX (tiny subnormal rows); the product
  /// is then formed in float64.
  void (*scale)(const float* x, int64_t d, double s, float* out);
  /// As scale, but with non-temporal stores where out is aligned for them: for outputs far larger
  /// than the caches, this saves the read-for-ownership of every output line (a third of the
  /// traffic of a read-x/write-out pass). Call stream_fence once after the last call.
  void (*scale_stream)(const float* x, int64_t d, double s, float* out);
  void (*stream_fence)();
  /// acc[k] += Σ_r w[r] · x[r·d + k] in float64 over `rows` (1..kRowGroup) consecutive rows.
  /// Several rows per call so that the float64 accumulator is loaded and stored once per group.
  void (*accumulate_rows)(const float* x, int64_t d, int rows, const double* w, double* acc);
  /// dots[r] = Σ_k x[r·d + k] · s[k] in float64 for `rows` (1..kRowGroup) consecutive rows,
  /// sharing each load of s between the rows.
  void (*dot_rows)(const float* x, int64_t d, int rows, const double* s, double* dots);
  /// max(x[0..count)), −∞ for count = 0; x holds no NaN. The pre-check by which nearDuplicates
  /// and topK skip whole row segments of a result block.
  float (*max_value)(const float* x, int64_t count);
};

/// C[r][c] (+)= Σ_k A[k][r] * B[k][c] for an mr × nr tile; A is packed [kc][mr], B [kc][nr], both
/// 64-byte aligned; C row stride ldc floats. accumulate = false overwrites C.
using GemmMicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                                 bool accumulate);

struct GemmKernel {
  int mr;
  int nr;
  GemmMicroKernel kernel;
};

const RowKernels* RowKernelsScalar();
const GemmKernel* GemmKernelScalar();
#if defined(ADVFC_HAVE_AVX2)
const RowKernels* RowKernelsAvx2();
const GemmKernel* GemmKernelAvx2();
#endif
#if defined(ADVFC_HAVE_AVX512)
const RowKernels* RowKernelsAvx512();
const GemmKernel* GemmKernelAvx512();
#endif

}  // namespace advfc::detail
