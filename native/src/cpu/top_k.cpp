#include <algorithm>
#include <cmath>

#include "cpu/detail/gemm.h"

namespace advfc {

using namespace detail;

namespace {

/// "a is a worse hit than b": lower score, or the same score at a higher index.
inline bool Worse(float sa, int32_t ja, float sb, int32_t jb) { return sa < sb || (sa == sb && ja > jb); }

/// A binary heap over (scores[0..size), idx[0..size)) with the worst hit at the root; it lives
/// in the caller's output row, so no memory beyond the result is needed for any k.
struct RowHeap {
  float* scores;
  int32_t* idx;

  void Push(int64_t size, float s, int32_t j) {
    int64_t pos = size;
    while (pos > 0) {
      int64_t parent = (pos - 1) / 2;
      if (!Worse(s, j, scores[parent], idx[parent])) break;
      scores[pos] = scores[parent];
      idx[pos] = idx[parent];
      pos = parent;
    }
    scores[pos] = s;
    idx[pos] = j;
  }

  void ReplaceRoot(int64_t size, float s, int32_t j) {
    int64_t pos = 0;
    for (;;) {
      int64_t child = 2 * pos + 1;
      if (child >= size) break;
      if (child + 1 < size && Worse(scores[child + 1], idx[child + 1], scores[child], idx[child])) ++child;
      if (!Worse(scores[child], idx[child], s, j)) break;
      scores[pos] = scores[child];
      idx[pos] = idx[child];
      pos = child;
    }
    scores[pos] = s;
    idx[pos] = j;
  }
};


}  // namespace

Status TopK(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, int64_t k, int32_t* indices,
            float* scores, const Options& opts, Error* err) {
  if (Status s = CheckShape(na, d, "a", err); s != Status::kOk) return s;
  if (Status s = CheckShape(nb, d, "b", err); s != Status::kOk) return s;
  if (na > 0 && (k < 1 || k > nb))
    return Fail(err, Status::kBadArgument,
                "k = " + std::to_string(k) + " must be in [1, " + std::to_string(nb) + "] (rows of b)");
  return Guarded(err, [&]() -> Status {
    const SimdLevel level = LevelFor(opts);
    const GemmKernel& kernel = GemmKernelFor(level);
    const RowKernels& rk = RowKernelsFor(level);
    const int threads = GemmThreads(opts, na, nb, d);
    PackedRows pa, pb;
    if (Status s = PackOperands(kernel, rk, a, na, "a", b, nb, "b", d, threads, opts.cancel, &pa,
                                &pb, err);
        s != Status::kOk)
      return s;
    if (na == 0) return Status::kOk;
    // Filled heap sizes of the rows in each worker's current row block. kRowBlocks gives a row
    // block's column blocks to one worker in increasing order, so every row sees j ascending and
    // an equal score never displaces an earlier (lower) index.
    std::vector<std::vector<int64_t>> filled(threads);
    Status s = RunGemm(
        kernel, pa, pb, BlockOrder::kRowBlocks, threads, opts.cancel,
        [&](int worker, int64_t i0, int64_t j0, int64_t rows, int64_t cols, const float* c, int64_t ldc) {
          std::vector<int64_t>& size = filled[worker];
          if (j0 == 0) size.assign(static_cast<size_t>(rows), 0);
          for (int64_t r = 0; r < rows; ++r) {
            RowHeap heap{scores + (i0 + r) * k, indices + (i0 + r) * k};
            const float* row = c + r * ldc;
            int64_t col = 0;
            for (; col < cols && size[r] < k; ++col) heap.Push(size[r]++, row[col], static_cast<int32_t>(j0 + col));
            if (col == cols || rk.max_value(row + col, cols - col) <= heap.scores[0]) continue;
            for (; col < cols; ++col)
              if (row[col] > heap.scores[0]) heap.ReplaceRoot(k, row[col], static_cast<int32_t>(j0 + col));
          }
          if (j0 + cols == nb) {
            std::vector<std::pair<float, int32_t>> hits(static_cast<size_t>(k));
            for (int64_t r = 0; r < rows; ++r) {
              float* sc = scores + (i0 + r) * k;
              int32_t* ix = indices + (i0 + r) * k;
              for (int64_t q = 0; q < k; ++q) hits[q] = {sc[q], ix[q]};
              std::sort(hits.begin(), hits.end(), [](const auto& p, const auto& q) {
                return p.first != q.first ? p.first > q.first : p.second < q.second;
              });
              for (int64_t q = 0; q < k; ++q) {
                sc[q] = hits[q].first;
                ix[q] = hits[q].second;
              }
            }
          }
          return true;
        });
    return s == Status::kOk ? s : FailAborted(err);
  });
}

}  // namespace advfc
