// Packing and cache blocking for the A·Bᵀ products (GotoBLAS/BLIS loop order).
//
// Loops per block of mc rows × nc columns: for each kc slice of d, for each B micro-panel
// (kc × nr, stays in L1 while it is reused), for each A micro-panel (mr × kc, streamed from the
// mc × kc block in L2): one microkernel call. The block's results accumulate over the kc slices in
// a per-worker buffer whose row stride is padded off powers of two, so the microkernel's C rows do
// not alias in L1/L2 the way rows of a large `out` would; the finished block then goes to the
// consumer. Blocks are independent tasks, handed to threads dynamically.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "cpu/detail/gemm.h"

namespace advfc::detail {
namespace {

struct Blocking {
  int64_t mc, nc, kc;
};

Blocking BlockingFor(const GemmKernel& kernel) {
  // kc: a kc × nr B micro-panel (32 KiB for nr = 32) plus an mr × kc A micro-panel fit the 48 KiB
  // L1 of current cores. mc × kc of A (~170 KiB) and the mc × nc result block (~350 KiB) sit in
  // L2 (>= 1 MiB per core on AVX-512 parts, 256 KiB on old AVX2 ones, hence smaller blocks there).
  int64_t kc = 256;
  int64_t mc_target = kernel.nr >= 32 ? 168 : 120;
  int64_t nc_target = kernel.nr >= 32 ? 512 : 256;
  int64_t mc = (mc_target + kernel.mr - 1) / kernel.mr * kernel.mr;
  int64_t nc = (nc_target + kernel.nr - 1) / kernel.nr * kernel.nr;
  return {mc, nc, kc};
}

}  // namespace

Status PackNormalized(const RowKernels& rk, const float* x, int64_t n, int64_t d, int panel, int threads,
                      const std::atomic<int32_t>* cancel, PackedRows* out, int64_t* bad_row) {
  out->n = n;
  out->d = d;
  out->panel = panel;
  out->panels = (n + panel - 1) / panel;
  out->data = AlignedArray<float>(static_cast<size_t>(out->panels) * d * panel);
  std::atomic<int64_t> first_bad{INT64_MAX};
  std::atomic<bool> aborted{false};
  std::vector<std::unique_ptr<float[], FreeDeleter>> scratch(threads);
  ParallelFor(out->panels, threads, [&](int64_t p, int worker) {
    if (aborted.load(std::memory_order_relaxed) || p * panel > first_bad.load(std::memory_order_relaxed)) return;
    if (Cancelled(cancel)) {
      aborted.store(true, std::memory_order_relaxed);
      return;
    }
    if (!scratch[worker]) scratch[worker] = AlignedArray<float>(d);
    float* row_hat = scratch[worker].get();
    float* dst = out->data.get() + p * d * panel;
    for (int r = 0; r < panel; ++r) {
      int64_t i = p * panel + r;
      if (i >= n) {
        for (int64_t k = 0; k < d; ++k) dst[k * panel + r] = 0.0f;
        continue;
      }
      const float* row = x + i * d;
      double ss = rk.sum_squares(row, d);
      if (!std::isfinite(ss)) {
        AtomicMin(first_bad, i);
        ss = 0;
      }
      rk.scale(row, d, ss > 0 ? 1.0 / std::sqrt(ss) : 0.0, row_hat);
      for (int64_t k = 0; k < d; ++k) dst[k * panel + r] = row_hat[k];
    }
  });
  if (first_bad.load() != INT64_MAX) {
    *bad_row = first_bad.load();
    return Status::kNonFinite;
  }
  return aborted.load() ? Status::kAborted : Status::kOk;
}

Status RunGemm(const GemmKernel& kernel, const PackedRows& a, const PackedRows& b, BlockOrder order, int threads,
               const std::atomic<int32_t>* cancel, const BlockConsumer& consume) {
  const int64_t na = a.n, nb = b.n, d = a.d;
  if (na == 0 || nb == 0) return Status::kOk;
  Blocking bl = BlockingFor(kernel);
  if (order == BlockOrder::kRowBlocks && threads > 1) {
    // Each row block is one task here, so keep enough of them to occupy every thread.
    int64_t per_thread = (na + threads - 1) / threads;
    int64_t mc = (per_thread + kernel.mr - 1) / kernel.mr * kernel.mr;
    if (mc < bl.mc) bl.mc = mc;
  }
  const int64_t row_blocks = (na + bl.mc - 1) / bl.mc;
  const int64_t col_blocks = (nb + bl.nc - 1) / bl.nc;
  const int64_t ldc = bl.nc + 16;

  struct Task {
    int64_t ib, jb_begin, jb_end;
  };
  std::vector<Task> tasks;
  if (order == BlockOrder::kRowBlocks) {
    for (int64_t ib = 0; ib < row_blocks; ++ib) tasks.push_back({ib, 0, col_blocks});
  } else {
    for (int64_t ib = 0; ib < row_blocks; ++ib) {
      for (int64_t jb = 0; jb < col_blocks; ++jb) {
        int64_t i0 = ib * bl.mc;
        int64_t j_last = std::min(nb, (jb + 1) * bl.nc) - 1;
        if (order == BlockOrder::kUpperTriangle && j_last <= i0) continue;
        tasks.push_back({ib, jb, jb + 1});
      }
    }
  }

  std::atomic<bool> aborted{false};
  std::vector<std::unique_ptr<float[], FreeDeleter>> buffers(threads);
  ParallelFor(static_cast<int64_t>(tasks.size()), threads, [&](int64_t t, int worker) {
    if (!buffers[worker]) buffers[worker] = AlignedArray<float>(static_cast<size_t>(bl.mc) * ldc);
    float* cbuf = buffers[worker].get();
    const Task& task = tasks[t];
    const int64_t i0 = task.ib * bl.mc;
    const int64_t rows = std::min(bl.mc, na - i0);
    const int64_t mp = (rows + kernel.mr - 1) / kernel.mr;
    for (int64_t jb = task.jb_begin; jb < task.jb_end; ++jb) {
      if (aborted.load(std::memory_order_relaxed)) return;
      if (Cancelled(cancel)) {
        aborted.store(true, std::memory_order_relaxed);
        return;
      }
      const int64_t j0 = jb * bl.nc;
      const int64_t cols = std::min(bl.nc, nb - j0);
      const int64_t np = (cols + kernel.nr - 1) / kernel.nr;
      for (int64_t pc = 0; pc < d; pc += bl.kc) {
        const int64_t kb = std::min(bl.kc, d - pc);
        for (int64_t jp = 0; jp < np; ++jp) {
          const float* bp = b.Panel(j0 / kernel.nr + jp) + pc * kernel.nr;
          for (int64_t ip = 0; ip < mp; ++ip) {
            const float* ap = a.Panel(i0 / kernel.mr + ip) + pc * kernel.mr;
            kernel.kernel(kb, ap, bp, cbuf + ip * kernel.mr * ldc + jp * kernel.nr, ldc, pc > 0);
          }
        }
      }
      if (!consume(worker, i0, j0, rows, cols, cbuf, ldc)) {
        aborted.store(true, std::memory_order_relaxed);
        return;
      }
    }
  });
  return aborted.load() ? Status::kAborted : Status::kOk;
}

int GemmThreads(const Options& opts, int64_t na, int64_t nb, int64_t d) {
  return ThreadsFor(opts, 2.0 * static_cast<double>(na) * static_cast<double>(nb) * static_cast<double>(d),
                    kMinFlopsPerThread);
}

Status PackOperands(const GemmKernel& kernel, const RowKernels& rk, const float* a, int64_t na, const char* a_name,
                    const float* b, int64_t nb, const char* b_name, int64_t d, int threads,
                    const std::atomic<int32_t>* cancel, PackedRows* pa, PackedRows* pb, Error* err) {
  int64_t bad = -1;
  Status s = PackNormalized(rk, a, na, d, kernel.mr, threads, cancel, pa, &bad);
  if (s == Status::kNonFinite) return FailNonFinite(err, a_name, bad);
  if (s == Status::kAborted) return FailAborted(err);
  s = PackNormalized(rk, b, nb, d, kernel.nr, threads, cancel, pb, &bad);
  if (s == Status::kNonFinite) return FailNonFinite(err, b_name, bad);
  if (s == Status::kAborted) return FailAborted(err);
  return Status::kOk;
}

}  // namespace advfc::detail
