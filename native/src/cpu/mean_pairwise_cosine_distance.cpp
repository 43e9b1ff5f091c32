#include "cpu/detail/row_stats.h"

namespace advfc {

using namespace detail;

Status MeanPairwiseCosineDistance(const float* x, int64_t n, int64_t d, double* out, const Options& opts, Error* err) {
  if (Status s = CheckShape(n, d, "x", err); s != Status::kOk) return s;
  return Guarded(err, [&]() -> Status {
    *out = 0;
    const RowKernels& rk = RowKernelsFor(LevelFor(opts));
    const int threads = ThreadsFor(opts, static_cast<double>(n) * d, kMinRowElementsPerThread);
    RowStats stats;
    // n = 1 still scans its row, so non-finite input is reported whatever n is.
    if (Status s = ComputeRowStats(rk, x, n, d, threads, false, opts.cancel, &stats, err); s != Status::kOk) return s;
    if (n < 2) return Status::kOk;
    double s2 = 0;
    for (double v : stats.s) s2 += v * v;
    // Σ_{i<j} cos = (‖Σ x̂_i‖² − Σ ‖x̂_i‖²) / 2 over n(n−1)/2 pairs.
    const double pairs2 = static_cast<double>(n) * static_cast<double>(n - 1);
    *out = 1.0 - (s2 - stats.self) / pairs2;
    return Status::kOk;
  });
}

}  // namespace advfc
