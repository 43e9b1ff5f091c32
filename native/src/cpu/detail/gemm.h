// The blocked A·Bᵀ engine behind cosineSimilarityMatrix, nearDuplicates and topK: rows are
// normalised once into packed panels, then cache-sized blocks of the product are computed by the
// ISA's microkernel and handed, finished, to a consumer (copy out, threshold scan, top-k).
#pragma once

#include <cstdint>
#include <functional>

#include "cpu/detail/dispatch.h"

namespace advfc::detail {

/// Rows of a matrix, L2-normalised, packed into panels of `panel` rows laid out [d][panel] so a
/// microkernel reads one k step as `panel` contiguous floats. Rows past n are zero.
struct PackedRows {
  std::unique_ptr<float[], FreeDeleter> data;
  int64_t n = 0;
  int64_t d = 0;
  int panel = 1;
  int64_t panels = 0;
  const float* Panel(int64_t p) const { return data.get() + p * d * panel; }
};

/// Normalises and packs x (n × d). Returns kNonFinite with *bad_row = the lowest row holding
/// NaN/±Inf, or kAborted; kOk otherwise.
Status PackNormalized(const RowKernels& rk, const float* x, int64_t n, int64_t d, int panel, int threads,
                      const std::atomic<int32_t>* cancel, PackedRows* out, int64_t* bad_row);

enum class BlockOrder {
  kAll,            // every (row block, column block), in any order, on any worker
  kUpperTriangle,  // only blocks holding some j > i (for pairs i < j of one matrix)
  kRowBlocks,      // one task per row block: its column blocks run in increasing order on one worker
};

/// Called once per finished block: rows [i0, i0 + rows) × columns [j0, j0 + cols) of A·Bᵀ at
/// c (row stride ldc). The buffer is the worker's and is reused after the call returns.
/// Returning false stops the product early (RunGemm then returns kAborted).
using BlockConsumer =
    std::function<bool(int worker, int64_t i0, int64_t j0, int64_t rows, int64_t cols, const float* c, int64_t ldc)>;

/// Runs the product of packed A (panels of kernel.mr) and packed B (panels of kernel.nr).
/// Returns kAborted if the cancel flag was seen or a consumer returned false (some blocks then
/// never reach the consumer).
Status RunGemm(const GemmKernel& kernel, const PackedRows& a, const PackedRows& b, BlockOrder order, int threads,
               const std::atomic<int32_t>* cancel, const BlockConsumer& consume);

/// Threads worth using for an na × nb × d product.
int GemmThreads(const Options& opts, int64_t na, int64_t nb, int64_t d);

/// Packs a (and b unless null) for `kernel`, reporting non-finite rows as matrix names a_name
/// then b_name. The common prologue of the three product ops.
Status PackOperands(const GemmKernel& kernel, const RowKernels& rk, const float* a, int64_t na, const char* a_name,
                    const float* b, int64_t nb, const char* b_name, int64_t d, int threads,
                    const std::atomic<int32_t>* cancel, PackedRows* pa, PackedRows* pb, Error* err);

}  // namespace advfc::detail
