// CPU feature detection and the per-level kernel tables.
#include <cstdlib>
#include <cstring>
#include <thread>

#include "addon_support.h"
#include "cpu/detail/dispatch.h"

namespace advfc {
namespace {

bool SimdDisabledByEnv() {
  const char* v = std::getenv("ADVFC_DISABLE_SIMD");
  return v != nullptr && v[0] != '\0' && std::strcmp(v, "0") != 0;
}

// ADVFC_SIMD_MAX=scalar|avx2|avx512 caps the level (so tests and benchmarks on an AVX-512 machine
// can run the AVX2 kernels); unknown values are ignored.
SimdLevel CapFromEnv() {
  const char* v = std::getenv("ADVFC_SIMD_MAX");
  if (v == nullptr) return SimdLevel::kAvx512;
  if (std::strcmp(v, "scalar") == 0) return SimdLevel::kScalar;
  if (std::strcmp(v, "avx2") == 0 || std::strcmp(v, "avx2+fma") == 0) return SimdLevel::kAvx2Fma;
  return SimdLevel::kAvx512;
}

SimdLevel Capped(SimdLevel level) {
  SimdLevel cap = CapFromEnv();
  return static_cast<int>(level) < static_cast<int>(cap) ? level : cap;
}

SimdLevel DetectOnce() {
  if (SimdDisabledByEnv()) return SimdLevel::kScalar;
#if defined(ADVFC_HAVE_AVX2) || defined(ADVFC_HAVE_AVX512)
  // GCC's builtins also check XCR0, i.e. that the OS saves the ymm/zmm state.
  __builtin_cpu_init();
#endif
#if defined(ADVFC_HAVE_AVX512)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return Capped(SimdLevel::kAvx512);
#endif
#if defined(ADVFC_HAVE_AVX2)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Capped(SimdLevel::kAvx2Fma);
#endif
  return SimdLevel::kScalar;
}

}  // namespace

SimdLevel DetectedSimd() {
  static const SimdLevel level = DetectOnce();
  return level;
}

const char* SimdName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kAvx512:
      return "avx512";
    case SimdLevel::kAvx2Fma:
      return "avx2+fma";
    default:
      return "scalar";
  }
}

int ResolvedThreads(const Options& opts) {
  if (opts.threads > 0) return opts.threads;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

std::vector<const char*> CompiledSimdLevels() {
  std::vector<const char*> levels{SimdName(SimdLevel::kScalar)};
#if defined(ADVFC_HAVE_AVX2)
  levels.push_back(SimdName(SimdLevel::kAvx2Fma));
#endif
#if defined(ADVFC_HAVE_AVX512)
  levels.push_back(SimdName(SimdLevel::kAvx512));
#endif
  return levels;
}

namespace detail {

SimdLevel LevelFor(const Options& opts) { return opts.simd ? DetectedSimd() : SimdLevel::kScalar; }

const RowKernels& RowKernelsFor(SimdLevel level) {
#if defined(ADVFC_HAVE_AVX512)
  if (level == SimdLevel::kAvx512) return *RowKernelsAvx512();
#endif
#if defined(ADVFC_HAVE_AVX2)
  if (level == SimdLevel::kAvx2Fma || level == SimdLevel::kAvx512) return *RowKernelsAvx2();
#endif
  (void)level;
  return *RowKernelsScalar();
}

const GemmKernel& GemmKernelFor(SimdLevel level) {
#if defined(ADVFC_HAVE_AVX512)
  if (level == SimdLevel::kAvx512) return *GemmKernelAvx512();
#endif
#if defined(ADVFC_HAVE_AVX2)
  if (level == SimdLevel::kAvx2Fma || level == SimdLevel::kAvx512) return *GemmKernelAvx2();
#endif
  (void)level;
  return *GemmKernelScalar();
}

int ThreadsFor(const Options& opts, double work, double min_work_per_thread) {
  int t = ResolvedThreads(opts);
  double by_work = work / min_work_per_thread;
  if (by_work < t) t = by_work < 1 ? 1 : static_cast<int>(by_work);
  return t < 1 ? 1 : t;
}

}  // namespace detail
}  // namespace advfc
