#include <algorithm>

#include "cpu/detail/row_stats.h"

namespace advfc {

using namespace detail;

Status RowDiversity(const float* x, int64_t n, int64_t d, float* out, const Options& opts, Error* err) {
  if (Status s = CheckShape(n, d, "x", err); s != Status::kOk) return s;
  return Guarded(err, [&]() -> Status {
    if (n == 0) return Status::kOk;
    const RowKernels& rk = RowKernelsFor(LevelFor(opts));
    const int threads = ThreadsFor(opts, static_cast<double>(n) * d, kMinRowElementsPerThread);
    RowStats stats;
    // Pass 1 keeps each row's inverse norm, so pass 2 needs no second norm computation.
    if (Status s = ComputeRowStats(rk, x, n, d, threads, true, opts.cancel, &stats, err); s != Status::kOk) return s;
    if (n == 1) {
      out[0] = 0.0f;
      return Status::kOk;
    }
    const double inv_pairs = 1.0 / static_cast<double>(n - 1);
    const double* s = stats.s.data();
    std::atomic<bool> aborted{false};
    const int64_t poll = PollRows(d);
    ParallelFor(threads, threads, [&](int64_t w, int) {
      int64_t begin, end;
      RowRange(n, threads, static_cast<int>(w), &begin, &end);
      int64_t since_poll = poll;
      Prefetcher prefetch(x + begin * d, x + end * d);
      for (int64_t i = begin; i < end; i += kRowGroup) {
        if (since_poll >= poll) {
          since_poll = 0;
          if (Cancelled(opts.cancel)) {
            aborted.store(true, std::memory_order_relaxed);
            return;
          }
        }
        const int rows = static_cast<int>(std::min<int64_t>(kRowGroup, end - i));
        since_poll += rows;
        prefetch.Ahead(x + (i + rows) * d);
        double dots[kRowGroup];
        rk.dot_rows(x + i * d, d, rows, s, dots);
        for (int r = 0; r < rows; ++r) {
          const double inv = stats.inv_norm[i + r];
          // x̂_i·s − ‖x̂_i‖² = Σ_{j≠i} cos(x_i, x_j); a zero row has cos 0 with everything.
          const double others = inv == 0 ? 0.0 : inv * dots[r] - stats.self_row[i + r];
          out[i + r] = static_cast<float>(1.0 - others * inv_pairs);
        }
      }
    });
    if (aborted.load()) return FailAborted(err);
    return Status::kOk;
  });
}

}  // namespace advfc
