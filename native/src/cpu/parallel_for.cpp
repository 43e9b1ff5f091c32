// A per-call fork/join pool. Threads are created per op rather than kept in a global pool so
// that concurrent callers (several AsyncWorkers at once) never contend for or deadlock on shared
// workers; ops only go parallel above a work threshold that dwarfs the thread start-up cost.
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "cpu/detail/dispatch.h"

namespace advfc::detail {

void ParallelFor(int64_t tasks, int threads, const std::function<void(int64_t, int)>& fn) {
  if (tasks <= 0) return;
  if (threads > tasks) threads = static_cast<int>(tasks);
  if (threads <= 1) {
    for (int64_t t = 0; t < tasks; ++t) fn(t, 0);
    return;
  }
  std::atomic<int64_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](int worker) {
    try {
      for (int64_t t = next.fetch_add(1, std::memory_order_relaxed); t < tasks;
           t = next.fetch_add(1, std::memory_order_relaxed))
        fn(t, worker);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(tasks, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (int w = 1; w < threads; ++w) {
    try {
      pool.emplace_back(work, w);
    } catch (const std::system_error&) {
      break;  // out of threads: the ones started (and this one) finish the work
    }
  }
  work(0);
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace advfc::detail
