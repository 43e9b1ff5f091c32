// Standalone benchmark of the CPU kernels (build with -DADVFC_NATIVE_BENCH=ON):
//   kernels_bench [gemm|scans|rows|all|check] [n_gemm=4096] [n_rows=262144] [d=768]
// Prints medians of several runs: GFLOP/s for the similarity matrix per SIMD level and thread
// count, GB/s for the O(n·d) ops next to the triad bandwidth (STREAM counting). `check` runs
// every compiled SIMD level's kernels (not only the best one, which is all the addon tests can
// reach on a given CPU) against float64 references and exits non-zero on a mismatch.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "advfc/kernels.h"
#include "cpu/detail/gemm.h"
#include "addon_support.h"

using namespace advfc;
using Clock = std::chrono::steady_clock;

static double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Median wall time of `reps` runs; *cpu_per_thread (if given) gets the median process CPU time
/// divided by `threads`. On a shared machine the latter shows what the code does when it has the
/// cores, since time other processes take is not counted.
static double MedianSeconds(int reps, const std::function<void()>& fn, double* cpu_per_thread = nullptr,
                            int threads = 1) {
  std::vector<double> t, c;
  fn();  // warm-up
  for (int r = 0; r < reps; ++r) {
    auto s = Clock::now();
    double c0 = ProcessCpuSeconds();
    fn();
    c.push_back((ProcessCpuSeconds() - c0) / threads);
    t.push_back(std::chrono::duration<double>(Clock::now() - s).count());
  }
  std::sort(t.begin(), t.end());
  std::sort(c.begin(), c.end());
  if (cpu_per_thread != nullptr) *cpu_per_thread = c[c.size() / 2];
  return t[t.size() / 2];
}

static std::vector<float> RandomMatrix(int64_t n, int64_t d, uint32_t seed) {
  std::vector<float> x(static_cast<size_t>(n * d));
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, 1.f);
  for (auto& v : x) v = dist(rng);
  return x;
}

static std::vector<SimdLevel> LevelsHere() {
  std::vector<SimdLevel> levels{SimdLevel::kScalar};
  if (DetectedSimd() >= SimdLevel::kAvx2Fma) levels.push_back(SimdLevel::kAvx2Fma);
  if (DetectedSimd() >= SimdLevel::kAvx512) levels.push_back(SimdLevel::kAvx512);
  return levels;
}

static void BenchGemm(int64_t n, int64_t d) {
  std::printf("cosineSimilarityMatrix %lld x %lld x %lld (GFLOP/s, flops = 2*na*nb*d, median)\n", (long long)n,
              (long long)n, (long long)d);
  std::vector<float> a = RandomMatrix(n, d, 1), b = RandomMatrix(n, d, 2), out(static_cast<size_t>(n * n));
  const double flops = 2.0 * n * n * d;
  const std::vector<SimdLevel> levels = LevelsHere();
  std::printf("  %-10s %8s %12s %12s %14s\n", "simd", "threads", "kernel", "full op", "kernel(cpu t)");
  for (SimdLevel level : levels) {
    for (int threads : {1, 2}) {
      Options opts;
      opts.threads = threads;
      const detail::GemmKernel& kernel = detail::GemmKernelFor(level);
      const detail::RowKernels& rk = detail::RowKernelsFor(level);
      detail::PackedRows pa, pb;
      Error err;
      detail::PackOperands(kernel, rk, a.data(), n, "a", b.data(), n, "b", d, threads, nullptr, &pa, &pb, &err);
      int reps = level == SimdLevel::kScalar ? 1 : 5;
      // The product alone (packing excluded), writing into `out` as the op does.
      double tk_cpu = 0;
      double tk = MedianSeconds(reps, [&] {
        detail::RunGemm(kernel, pa, pb, detail::BlockOrder::kAll, threads, nullptr,
                        [&](int, int64_t i0, int64_t j0, int64_t rows, int64_t cols, const float* c, int64_t ldc) {
                          for (int64_t r = 0; r < rows; ++r)
                            std::memcpy(out.data() + (i0 + r) * n + j0, c + r * ldc, cols * sizeof(float));
                          return true;
                        });
      }, &tk_cpu, threads);
      double tf = 0;
      if (level == DetectedSimd() || level == SimdLevel::kScalar) {
        opts.simd = level != SimdLevel::kScalar;
        tf = MedianSeconds(reps, [&] { CosineSimilarityMatrix(a.data(), n, b.data(), n, d, out.data(), opts, &err); });
      }
      std::printf("  %-10s %8d %12.1f %12s %14.1f\n", SimdName(level), threads, flops / tk / 1e9,
                  tf > 0 ? std::to_string(flops / tf / 1e9).substr(0, 6).c_str() : "-", flops / tk_cpu / 1e9);
    }
  }
}

static void BenchScans(int64_t n, int64_t d) {
  std::vector<float> x = RandomMatrix(n, d, 5);
  const int64_t k = 10;
  std::vector<int32_t> idx(static_cast<size_t>(n * k));
  std::vector<float> sc(static_cast<size_t>(n * k));
  std::printf("nearDuplicates (upper triangle, flops = n*n*d) and topK k=%lld (flops = 2*n*n*d), n = %lld, d = %lld\n",
              (long long)k, (long long)n, (long long)d);
  for (int threads : {1, 2}) {
    Options opts;
    opts.threads = threads;
    Error err;
    std::vector<Pair> pairs;
    double tn = MedianSeconds(3, [&] { NearDuplicates(x.data(), n, d, 0.3f, &pairs, opts, &err); });
    double tk = MedianSeconds(3, [&] { TopK(x.data(), n, x.data(), n, d, k, idx.data(), sc.data(), opts, &err); });
    std::printf("  %s threads %d: nearDuplicates %.1f GFLOP/s (%zu pairs), topK %.1f GFLOP/s\n", SimdName(DetectedSimd()),
                threads, 1.0 * n * n * d / tn / 1e9, pairs.size(), 2.0 * n * n * d / tk / 1e9);
  }
}

static double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

static void BenchRows(int64_t n, int64_t d) {
  const double bytes = static_cast<double>(n) * d * sizeof(float);
  std::printf("O(n*d) ops, n = %lld, d = %lld (%.0f MB input). GB/s = arrays streamed x bytes / time:\n"
              "normalizeRows 2 arrays (read x, write out), mean 1, rowDiversity 2 (x read twice).\n"
              "The triad runs right before each round on arrays of the input's size; the machine is\n"
              "shared, so medians and bests of 7 rounds are shown, ratio = median op / median triad.\n",
              (long long)n, (long long)d, bytes / 1e6);
  std::vector<float> x = RandomMatrix(n, d, 3), out(static_cast<size_t>(n * d)), rd(static_cast<size_t>(n));
  for (int threads : {1, 2}) {
    for (bool simd : {false, true}) {
      Options opts;
      opts.threads = threads;
      opts.simd = simd;
      Error err;
      double mean = 0;
      std::vector<double> triad, norm, mpcd, rowd;
      for (int round = 0; round < 7; ++round) {
        triad.push_back(MeasureMemoryBandwidth(static_cast<int64_t>(bytes), threads));
        auto time = [](const std::function<void()>& fn) {
          auto s = Clock::now();
          fn();
          return std::chrono::duration<double>(Clock::now() - s).count();
        };
        norm.push_back(2 * bytes / time([&] { NormalizeRows(x.data(), n, d, out.data(), opts, &err); }) / 1e9);
        mpcd.push_back(bytes / time([&] { MeanPairwiseCosineDistance(x.data(), n, d, &mean, opts, &err); }) / 1e9);
        rowd.push_back(2 * bytes / time([&] { RowDiversity(x.data(), n, d, rd.data(), opts, &err); }) / 1e9);
      }
      const double t = Median(triad);
      std::printf("  threads %d %-8s triad %5.1f (best %5.1f) | normalizeRows %5.1f (best %5.1f) %.2fx"
                  " | mean %5.1f (best %5.1f) %.2fx | rowDiversity %5.1f (best %5.1f) %.2fx\n",
                  threads, simd ? SimdName(DetectedSimd()) : "scalar", t, *std::max_element(triad.begin(), triad.end()),
                  Median(norm), *std::max_element(norm.begin(), norm.end()), Median(norm) / t, Median(mpcd),
                  *std::max_element(mpcd.begin(), mpcd.end()), Median(mpcd) / t, Median(rowd),
                  *std::max_element(rowd.begin(), rowd.end()), Median(rowd) / t);
    }
  }
}

static int Check() {
  int failures = 0;
  auto expect = [&](bool ok, const char* what, SimdLevel level, long long a, long long b, long long c, double err) {
    if (!ok) {
      ++failures;
      std::printf("FAIL %s [%s] shape %lld %lld %lld: error %g\n", what, SimdName(level), a, b, c, err);
    }
  };
  for (SimdLevel level : LevelsHere()) {
    const detail::RowKernels& rk = detail::RowKernelsFor(level);
    const detail::GemmKernel& gk = detail::GemmKernelFor(level);
    for (int64_t d : {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 100, 769}) {
      std::vector<float> x = RandomMatrix(4, d, static_cast<uint32_t>(d));
      std::vector<float> out(d + 16), s_f(d);
      std::vector<double> s(d), acc(d, 0.5), acc_ref(d, 0.5);
      for (int64_t k = 0; k < d; ++k) s[k] = std::sin(static_cast<double>(k));
      double ss = 0;
      for (int64_t k = 0; k < d; ++k) ss += static_cast<double>(x[k]) * x[k];
      double e = std::abs(rk.sum_squares(x.data(), d) - ss);
      expect(e <= 1e-12 * ss, "sum_squares", level, d, 0, 0, e);
      {
        float ref = -INFINITY;
        for (int64_t k = 0; k < d; ++k) ref = std::max(ref, x[k]);
        const float got = rk.max_value(x.data(), d);
        expect(got == ref, "max_value", level, d, 0, 0, got - ref);
        expect(rk.max_value(x.data(), 0) == -INFINITY, "max_value(empty)", level, 0, 0, 0, 0);
      }
      for (int offset : {0, 1, 3}) {
        for (auto scale : {rk.scale, rk.scale_stream}) {
          scale(x.data(), d, 0.25, out.data() + offset);
          rk.stream_fence();
          double worst = 0;
          for (int64_t k = 0; k < d; ++k) worst = std::max(worst, std::abs(out[offset + k] - x[k] * 0.25));
          expect(worst == 0, "scale", level, d, offset, 0, worst);
        }
      }
      for (int rows = 1; rows <= detail::kRowGroup; ++rows) {
        const double w[4] = {0.5, -1.25, 2.0, 0.125};
        rk.accumulate_rows(x.data(), d, rows, w, acc.data());
        for (int r = 0; r < rows; ++r)
          for (int64_t k = 0; k < d; ++k) acc_ref[k] += w[r] * x[r * d + k];
        double worst = 0;
        for (int64_t k = 0; k < d; ++k) worst = std::max(worst, std::abs(acc[k] - acc_ref[k]));
        expect(worst < 1e-12, "accumulate_rows", level, d, rows, 0, worst);
        double dots[4];
        rk.dot_rows(x.data(), d, rows, s.data(), dots);
        for (int r = 0; r < rows; ++r) {
          double ref = 0;
          for (int64_t k = 0; k < d; ++k) ref += x[r * d + k] * s[k];
          expect(std::abs(dots[r] - ref) < 1e-10, "dot_rows", level, d, rows, r, std::abs(dots[r] - ref));
        }
      }
    }
    const int64_t shapes[][3] = {{1, 1, 1}, {5, 7, 3}, {29, 33, 17}, {100, 70, 769}, {15, 65, 256}, {14, 32, 512},
                                 {200, 600, 300}};
    for (const auto& sh : shapes) {
      const int64_t na = sh[0], nb = sh[1], d = sh[2];
      std::vector<float> a = RandomMatrix(na, d, 7), b = RandomMatrix(nb, d, 8);
      for (int threads : {1, 2}) {
        detail::PackedRows pa, pb;
        Error err;
        detail::PackOperands(gk, rk, a.data(), na, "a", b.data(), nb, "b", d, threads, nullptr, &pa, &pb, &err);
        std::vector<float> c(static_cast<size_t>(na * nb), -7.0f);
        detail::RunGemm(gk, pa, pb, detail::BlockOrder::kAll, threads, nullptr,
                        [&](int, int64_t i0, int64_t j0, int64_t rows, int64_t cols, const float* blk, int64_t ldc) {
                          for (int64_t r = 0; r < rows; ++r)
                            for (int64_t q = 0; q < cols; ++q) c[(i0 + r) * nb + j0 + q] = blk[r * ldc + q];
                          return true;
                        });
        double worst = 0;
        for (int64_t i = 0; i < na; ++i)
          for (int64_t j = 0; j < nb; ++j) {
            double dot = 0, sa = 0, sb = 0;
            for (int64_t k = 0; k < d; ++k) {
              dot += static_cast<double>(a[i * d + k]) * b[j * d + k];
              sa += static_cast<double>(a[i * d + k]) * a[i * d + k];
              sb += static_cast<double>(b[j * d + k]) * b[j * d + k];
            }
            worst = std::max(worst, std::abs(c[i * nb + j] - dot / std::sqrt(sa * sb)));
          }
        expect(worst < 1e-5, "gemm", level, na, nb, d, worst);
      }
    }
    std::printf("check %-9s %s\n", SimdName(level), failures == 0 ? "ok" : "FAILED");
  }
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "all";
  int64_t ng = argc > 2 ? std::atoll(argv[2]) : 4096;
  int64_t nr = argc > 3 ? std::atoll(argv[3]) : 262144;
  int64_t d = argc > 4 ? std::atoll(argv[4]) : 768;
  std::printf("detected SIMD: %s, hardware threads: %d\n", SimdName(DetectedSimd()), ResolvedThreads(Options{}));
  if (what == "check") return Check();
  if (what == "gemm" || what == "all") BenchGemm(ng, d);
  if (what == "scans" || what == "all") BenchScans(ng, d);
  if (what == "rows" || what == "all") BenchRows(nr, d);
  return 0;
}
