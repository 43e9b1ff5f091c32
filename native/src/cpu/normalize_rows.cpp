#include <algorithm>
#include <cmath>

#include "cpu/detail/row_stats.h"

namespace advfc {

using namespace detail;

namespace {
constexpr double kStreamingBytes = 32.0 * 1024 * 1024;
}  // namespace

Status NormalizeRows(const float* x, int64_t n, int64_t d, float* out, const Options& opts, Error* err) {
  if (Status s = CheckShape(n, d, "x", err); s != Status::kOk) return s;
  return Guarded(err, [&]() -> Status {
    if (n == 0) return Status::kOk;
    const RowKernels& rk = RowKernelsFor(LevelFor(opts));
    const int threads = ThreadsFor(opts, static_cast<double>(n) * d, kMinRowElementsPerThread);
    // An output this large leaves the caches anyway: stream it past them (see scale_stream).
    const bool stream = static_cast<double>(n) * d * sizeof(float) >= kStreamingBytes;
    std::atomic<int64_t> first_bad{INT64_MAX};
    std::atomic<bool> aborted{false};
    const int64_t poll = PollRows(d);
    ParallelFor(threads, threads, [&](int64_t w, int) {
      int64_t begin, end;
      RowRange(n, threads, static_cast<int>(w), &begin, &end);
      Prefetcher prefetch(x + begin * d, x + end * d);
      for (int64_t i = begin; i < end; ++i) {
        prefetch.Ahead(x + (i + 1) * d);
        if ((i - begin) % poll == 0) {
          if (aborted.load(std::memory_order_relaxed) || i > first_bad.load(std::memory_order_relaxed)) break;
          if (Cancelled(opts.cancel)) {
            aborted.store(true, std::memory_order_relaxed);
            break;
          }
        }
        const float* row = x + i * d;
        double ss = rk.sum_squares(row, d);
        if (!std::isfinite(ss)) {
          AtomicMin(first_bad, i);
          break;
        }
        // Single pass over memory: the row is still in L1 for the scaling.
        (stream ? rk.scale_stream : rk.scale)(row, d, ss > 0 ? 1.0 / std::sqrt(ss) : 0.0, out + i * d);
      }
      if (stream) rk.stream_fence();
    });
    if (first_bad.load() != INT64_MAX) return FailNonFinite(err, "x", first_bad.load());
    if (aborted.load()) return FailAborted(err);
    return Status::kOk;
  });
}

}  // namespace advfc
