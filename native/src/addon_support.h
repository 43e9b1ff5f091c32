// Facts and helpers the Node-API addon reports besides the kernels of kernels.h: which SIMD
// levels were compiled in, and this machine's memory bandwidth (the limit the O(n·d) ops are
// benchmarked against). Not part of the public kernel API.
#pragma once

#include <cstdint>
#include <vector>

namespace advfc {

/// SIMD levels compiled into this build (scalar always first), whatever the CPU supports.
std::vector<const char*> CompiledSimdLevels();

/// STREAM-style triad a[i] = b[i] + s·c[i] over three float64 arrays of `bytes_per_array` each,
/// on `threads` threads (0 = hardware concurrency), each thread first-touching the part it later
/// streams. Returns the best of several repetitions in GB/s (1e9 bytes/s), counting 3 arrays of
/// traffic per repetition as STREAM does: the write-allocate read of `a` is not counted, so the
/// bus moves 4/3 of the reported figure. Throws std::bad_alloc when the arrays do not fit.
double MeasureMemoryBandwidth(int64_t bytes_per_array, int threads);

}  // namespace advfc
