#include <cstring>

#include "cpu/detail/gemm.h"

namespace advfc {

using namespace detail;

Status CosineSimilarityMatrix(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, float* out,
                              const Options& opts, Error* err) {
  if (Status s = CheckShape(na, d, "a", err); s != Status::kOk) return s;
  if (Status s = CheckShape(nb, d, "b", err); s != Status::kOk) return s;
  return Guarded(err, [&]() -> Status {
    const SimdLevel level = LevelFor(opts);
    const GemmKernel& kernel = GemmKernelFor(level);
    const int threads = GemmThreads(opts, na, nb, d);
    PackedRows pa, pb;
    if (Status s = PackOperands(kernel, RowKernelsFor(level), a, na, "a", b, nb, "b", d, threads, opts.cancel, &pa,
                                &pb, err);
        s != Status::kOk)
      return s;
    Status s = RunGemm(kernel, pa, pb, BlockOrder::kAll, threads, opts.cancel,
                       [&](int, int64_t i0, int64_t j0, int64_t rows, int64_t cols, const float* c, int64_t ldc) {
                         for (int64_t r = 0; r < rows; ++r)
                           std::memcpy(out + (i0 + r) * nb + j0, c + r * ldc, static_cast<size_t>(cols) * sizeof(float));
                         return true;
                       });
    return s == Status::kOk ? s : FailAborted(err);
  });
}

}  // namespace advfc
