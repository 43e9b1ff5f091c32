#include "cpu/detail/row_stats.h"

#include <algorithm>
#include <cmath>

namespace advfc::detail {

Status ComputeRowStats(const RowKernels& rk, const float* x, int64_t n, int64_t d, int threads, bool per_row,
                       const std::atomic<int32_t>* cancel, RowStats* out, Error* err) {
  out->s.assign(static_cast<size_t>(d), 0.0);
  out->self = 0;
  if (per_row) {
    out->inv_norm = AlignedArray<double>(n);
    out->self_row = AlignedArray<double>(n);
  }
  if (n == 0) return Status::kOk;
  std::vector<std::vector<double>> partial_s(threads);
  std::vector<double> partial_self(threads, 0.0);
  std::atomic<int64_t> first_bad{INT64_MAX};
  std::atomic<bool> aborted{false};
  const int64_t poll = PollRows(d);
  ParallelFor(threads, threads, [&](int64_t w, int) {
    int64_t begin, end;
    RowRange(n, threads, static_cast<int>(w), &begin, &end);
    // Worker 0 accumulates straight into the result; the others into their own vectors.
    std::vector<double>& acc = w == 0 ? out->s : partial_s[w];
    if (w != 0) acc.assign(static_cast<size_t>(d), 0.0);
    double self = 0;
    int64_t since_poll = poll;
    Prefetcher prefetch(x + begin * d, x + end * d);
    for (int64_t i = begin; i < end; i += kRowGroup) {
      if (since_poll >= poll) {
        since_poll = 0;
        if (aborted.load(std::memory_order_relaxed) || i > first_bad.load(std::memory_order_relaxed)) break;
        if (Cancelled(cancel)) {
          aborted.store(true, std::memory_order_relaxed);
          break;
        }
      }
      const int rows = static_cast<int>(std::min<int64_t>(kRowGroup, end - i));
      since_poll += rows;
      prefetch.Ahead(x + (i + rows) * d);
      double inv[kRowGroup];
      int good = 0;
      for (; good < rows; ++good) {
        const double ss = rk.sum_squares(x + (i + good) * d, d);
        if (!std::isfinite(ss)) {
          AtomicMin(first_bad, i + good);
          break;
        }
        inv[good] = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;
        const double self_i = ss * inv[good] * inv[good];
        self += self_i;
        if (per_row) {
          out->inv_norm[i + good] = inv[good];
          out->self_row[i + good] = self_i;
        }
      }
      if (good < rows) break;
      // The group's rows were just read, so this second read hits L1.
      rk.accumulate_rows(x + i * d, d, rows, inv, acc.data());
    }
    partial_self[w] = self;
  });
  if (first_bad.load() != INT64_MAX) return FailNonFinite(err, "x", first_bad.load());
  if (aborted.load()) return FailAborted(err);
  for (int w = 0; w < threads; ++w) {
    out->self += partial_self[w];
    if (w > 0)
      for (int64_t k = 0; k < d; ++k) out->s[k] += partial_s[w][k];
  }
  return Status::kOk;
}

}  // namespace advfc::detail
