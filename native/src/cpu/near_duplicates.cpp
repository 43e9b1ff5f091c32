#include <algorithm>
#include <cmath>

#include "cpu/detail/gemm.h"

namespace advfc {

using namespace detail;

Status NearDuplicates(const float* x, int64_t n, int64_t d, float threshold, std::vector<Pair>* out,
                      const Options& opts, Error* err) {
  if (Status s = CheckShape(n, d, "x", err); s != Status::kOk) return s;
  if (std::isnan(threshold)) return Fail(err, Status::kBadArgument, "threshold is NaN");
  return Guarded(err, [&]() -> Status {
    out->clear();
    const SimdLevel level = LevelFor(opts);
    const GemmKernel& kernel = GemmKernelFor(level);
    const RowKernels& rk = RowKernelsFor(level);
    // Only the upper triangle is computed: half the flops of the full product.
    const int threads = GemmThreads(opts, n, (n + 1) / 2, d);
    PackedRows pa, pb;
    if (Status s = PackOperands(kernel, rk, x, n, "x", x, n, "x", d, threads, opts.cancel, &pa, &pb,
                                err);
        s != Status::kOk)
      return s;
    std::vector<std::vector<Pair>> found(threads);
    std::atomic<int64_t> total{0};
    std::atomic<bool> too_many{false};
    const int64_t max_pairs = opts.max_pairs;
    Status s = RunGemm(
        kernel, pa, pb, BlockOrder::kUpperTriangle, threads, opts.cancel,
        [&](int worker, int64_t i0, int64_t j0, int64_t rows, int64_t cols, const float* c, int64_t ldc) {
          std::vector<Pair>& mine = found[worker];
          const size_t before = mine.size();
          for (int64_t r = 0; r < rows; ++r) {
            const int64_t i = i0 + r;
            const int64_t c0 = std::max<int64_t>(0, i + 1 - j0);  // j > i only
            if (c0 >= cols) continue;
            const float* row = c + r * ldc;
            if (rk.max_value(row + c0, cols - c0) < threshold) continue;
            for (int64_t col = c0; col < cols; ++col)
              if (row[col] >= threshold)
                mine.push_back({static_cast<int32_t>(i), static_cast<int32_t>(j0 + col), row[col]});
          }
          const int64_t added = static_cast<int64_t>(mine.size() - before);
          if (added > 0 && total.fetch_add(added, std::memory_order_relaxed) + added > max_pairs) {
            too_many.store(true, std::memory_order_relaxed);
            return false;
          }
          return true;
        });
    if (too_many.load())
      return Fail(err, Status::kTooManyPairs,
                  "more than maxPairs = " + std::to_string(max_pairs) + " pairs reach the threshold");
    if (s != Status::kOk) return FailAborted(err);
    size_t count = 0;
    for (const auto& v : found) count += v.size();
    out->reserve(count);
    for (const auto& v : found) out->insert(out->end(), v.begin(), v.end());
    std::sort(out->begin(), out->end(), [](const Pair& p, const Pair& q) { return p.i != q.i ? p.i < q.i : p.j < q.j; });
    return Status::kOk;
  });
}

}  // namespace advfc
