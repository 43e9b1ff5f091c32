// Internal helpers shared by the CPU ops: kernel selection, threading, errors, buffers.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>

#include "advfc/kernels.h"
#include "cpu/detail/kernel_tables.h"

namespace advfc::detail {

/// The SIMD level an op runs at: DetectedSimd(), or scalar when opts.simd is false.
SimdLevel LevelFor(const Options& opts);
const RowKernels& RowKernelsFor(SimdLevel level);
const GemmKernel& GemmKernelFor(SimdLevel level);

/// Below these amounts of work per thread, spawning a thread costs more than it saves.
constexpr double kMinRowElementsPerThread = 1 << 17;  // O(n·d) ops: 512 KiB of float32
constexpr double kMinFlopsPerThread = 2e7;            // GEMM ops: ~0.2 ms at 100 GFLOP/s

/// Threads to use for `work` units given opts.threads and a minimum per thread (at least 1).
int ThreadsFor(const Options& opts, double work, double min_work_per_thread);

/// Runs fn(task, worker) for every task in [0, tasks) on `threads` threads (the calling thread
/// is worker 0); tasks are handed out in increasing order from a shared counter. An exception
/// thrown by fn is rethrown here after all workers stop.
void ParallelFor(int64_t tasks, int threads, const std::function<void(int64_t task, int worker)>& fn);

inline bool Cancelled(const std::atomic<int32_t>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed) != 0;
}

inline Status Fail(Error* err, Status status, std::string message) {
  if (err != nullptr) {
    err->status = status;
    err->message = std::move(message);
  }
  return status;
}

inline Status FailNonFinite(Error* err, const char* matrix, int64_t row) {
  if (err != nullptr) {
    err->status = Status::kNonFinite;
    err->matrix = matrix;
    err->row = row;
    err->message = std::string("non-finite value (NaN or ±Inf) in input ") + matrix + " at row " +
                   std::to_string(row);
  }
  return Status::kNonFinite;
}

inline Status FailAborted(Error* err) { return Fail(err, Status::kAborted, "aborted by the cancel flag"); }

/// Lowers `target` to `value` if smaller (first non-finite row across workers).
inline void AtomicMin(std::atomic<int64_t>& target, int64_t value) {
  int64_t cur = target.load(std::memory_order_relaxed);
  while (value < cur && !target.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

/// 64-byte aligned, uninitialised array of trivially constructible T; throws std::bad_alloc.
template <typename T>
std::unique_ptr<T[], FreeDeleter> AlignedArray(size_t count) {
  size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  return std::unique_ptr<T[], FreeDeleter>(static_cast<T*>(p));
}

/// Validates the sizes common to every op.
inline Status CheckShape(int64_t n, int64_t d, const char* what, Error* err) {
  if (n < 0 || d < 0) return Fail(err, Status::kBadArgument, std::string("negative size for ") + what);
  if (n > 0 && d == 0) return Fail(err, Status::kBadArgument, std::string("d = 0 with rows in ") + what);
  if (n > INT32_MAX) return Fail(err, Status::kBadArgument, std::string("more than 2^31-1 rows in ") + what);
  return Status::kOk;
}

/// Runs an op body, turning allocation and thread-creation failures into statuses.
template <typename Body>
Status Guarded(Error* err, Body&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(err, Status::kOutOfMemory, "out of memory");
  } catch (const std::exception& e) {
    return Fail(err, Status::kBadArgument, std::string("internal error: ") + e.what());
  }
}

}  // namespace advfc::detail
