#include "addon_support.h"

#include <algorithm>
#include <barrier>
#include <chrono>
#include <system_error>
#include <thread>
#include <vector>

#include "cpu/detail/dispatch.h"

namespace advfc {

double MeasureMemoryBandwidth(int64_t bytes_per_array, int threads) {
  using Clock = std::chrono::steady_clock;
  if (threads <= 0) threads = ResolvedThreads(Options{});
  const int64_t n = std::max<int64_t>(bytes_per_array / static_cast<int64_t>(sizeof(double)), 1024);
  // malloc'd, not value-initialised: pages are placed by the thread that first writes them.
  auto a = detail::AlignedArray<double>(n), b = detail::AlignedArray<double>(n), c = detail::AlignedArray<double>(n);
  constexpr int kReps = 6;
  std::vector<double> seconds(kReps, 0.0);
  std::barrier sync(threads);
  Clock::time_point start;
  auto worker = [&](int w) {
    const int64_t begin = n * w / threads, end = n * (w + 1) / threads;
    double* pa = a.get();
    const double* pb = b.get();
    const double* pc = c.get();
    for (int64_t i = begin; i < end; ++i) {
      a[i] = 0.0;
      b[i] = 1.0;
      c[i] = 2.0;
    }
    for (int rep = 0; rep < kReps; ++rep) {
      sync.arrive_and_wait();
      if (w == 0) start = Clock::now();
      sync.arrive_and_wait();
      const double s = 3.0 + rep;
      for (int64_t i = begin; i < end; ++i) pa[i] = pb[i] + s * pc[i];
      sync.arrive_and_wait();
      if (w == 0) seconds[rep] = std::chrono::duration<double>(Clock::now() - start).count();
    }
  };
  std::vector<std::thread> pool;
  int started = 1;
  for (int w = 1; w < threads; ++w) {
    try {
      pool.emplace_back(worker, w);
      ++started;
    } catch (const std::system_error&) {
      break;
    }
  }
  // Workers that could not start leave the barrier, and their share is not counted.
  for (int w = started; w < threads; ++w) sync.arrive_and_drop();
  worker(0);
  for (auto& t : pool) t.join();
  // Repetition 0 is a warm-up (TLB, clock ramp); the best of the rest is reported.
  double best = *std::min_element(seconds.begin() + 1, seconds.end());
  const int64_t counted = n * started / threads;
  return 3.0 * static_cast<double>(counted) * sizeof(double) / best / 1e9;
}

}  // namespace advfc
