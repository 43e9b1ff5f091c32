// advfc diversity kernels — public C++ API (CPU backend).
//
// Layout: every matrix is row-major float32, `n` rows of `d` contiguous columns (row i starts at
// x + i*d). No alignment is required of callers. Outputs are written to caller-owned buffers of
// the sizes stated per op; inputs are never modified and must not alias outputs.
//
// Cosine similarity: cos(u, v) = u·v / (‖u‖‖v‖), and 0 when either vector is all zeros (a zero
// vector is similar to nothing, so its cosine distance 1 − cos is 1 to everything; no NaN is ever
// produced). Norms are accumulated in float64, so finite inputs of any magnitude (1e30 included)
// neither overflow nor underflow; dot products of normalised rows are accumulated in float32
// with FMA.
//
// Non-finite input (NaN, +Inf, −Inf) anywhere in an input matrix makes an op fail with
// Status::kNonFinite and `Error::row` / `Error::matrix` naming the first offending row found
// (the lowest row index of the first matrix checked: "x", or "a" then "b"). Nothing useful is
// left in the outputs then.
//
// Threads: `Options::threads` = 0 uses std::thread::hardware_concurrency(); work below a size
// threshold runs on the calling thread. Every op is safe to call from several threads at once.
// Cancellation: when `Options::cancel` is non-null the op polls it between blocks of work and
// returns Status::kAborted soon after it becomes non-zero.
//
// SIMD: AVX2+FMA code paths (and AVX-512F where the CPU has it) are picked at run time by CPU
// feature detection; the scalar path runs on any x86-64 (and any other architecture). Setting
// the environment variable ADVFC_DISABLE_SIMD=1 (read once, at first use) or
// Options::simd = false forces the scalar path. ADVFC_SIMD_MAX=scalar|avx2|avx512 caps the level
// (to run the AVX2 kernels on an AVX-512 machine).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace advfc {

enum class Status : int {
  kOk = 0,
  kNonFinite = 1,     // NaN or ±Inf in an input; see Error::matrix / Error::row
  kAborted = 2,       // Options::cancel became non-zero
  kBadArgument = 3,   // negative sizes, d == 0 with n > 0, k out of range, …; see Error::message
  kOutOfMemory = 4,
  kTooManyPairs = 5,  // nearDuplicates found more than Options::max_pairs pairs
  kCudaError = 6,     // CUDA backend only; see Error::message
};

struct Error {
  Status status = Status::kOk;
  const char* matrix = "";  // "x", "a" or "b" for kNonFinite
  int64_t row = -1;         // offending row for kNonFinite
  std::string message;      // human-readable detail for the other statuses
};

enum class SimdLevel : int { kScalar = 0, kAvx2Fma = 1, kAvx512 = 2 };

struct Options {
  int threads = 0;                           // 0 = hardware concurrency
  bool simd = true;                          // false forces the scalar path
  const std::atomic<int32_t>* cancel = nullptr;
  int64_t max_pairs = 50'000'000;            // nearDuplicates result cap
};

/// The best SIMD level this CPU supports and this build contains, after ADVFC_DISABLE_SIMD.
SimdLevel DetectedSimd();
/// "avx512", "avx2+fma" or "scalar".
const char* SimdName(SimdLevel level);
/// Threads an op uses for `opts` (resolves threads = 0).
int ResolvedThreads(const Options& opts);

/// out (n × d) = each row of x divided by its L2 norm; zero rows stay zero.
Status NormalizeRows(const float* x, int64_t n, int64_t d, float* out, const Options& opts, Error* err);

/// Mean over all pairs i < j of the cosine distance 1 − cos(x_i, x_j): the scalar of Eq. 6.
/// O(n·d) through Σ_{i<j} cos(x_i, x_j) = (‖Σ_i x̂_i‖² − z) / 2, z = number of non-zero rows,
/// with Σ_i x̂_i accumulated in float64. n = 0 and n = 1 give 0.
Status MeanPairwiseCosineDistance(const float* x, int64_t n, int64_t d, double* out, const Options& opts, Error* err);

/// out[i] (n values) = mean over j ≠ i of 1 − cos(x_i, x_j) = 1 − (x̂_i·s − ‖x̂_i‖²) / (n − 1), with
/// s = Σ_j x̂_j. O(n·d). n = 1 gives out[0] = 0; n = 0 writes nothing.
Status RowDiversity(const float* x, int64_t n, int64_t d, float* out, const Options& opts, Error* err);

/// out (na × nb, row-major) = cos(a_i, b_j). Rows are normalised first, then a blocked,
/// register-tiled A·Bᵀ product runs over them.
Status CosineSimilarityMatrix(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, float* out,
                              const Options& opts, Error* err);

struct Pair {
  int32_t i;
  int32_t j;
  float similarity;
};

/// Every pair i < j with cos(x_i, x_j) >= threshold, sorted by i then j. Never materialises the
/// n × n matrix (tiles of it are computed and scanned). More than opts.max_pairs pairs fail with
/// kTooManyPairs. threshold is any float (NaN is kBadArgument).
Status NearDuplicates(const float* x, int64_t n, int64_t d, float threshold, std::vector<Pair>* out,
                      const Options& opts, Error* err);

/// For each row of a, the k rows of b with the highest cosine similarity, best first; ties go to
/// the lower index of b. indices and scores are na × k row-major. Requires 1 <= k <= nb
/// (kBadArgument otherwise) unless na == 0.
Status TopK(const float* a, int64_t na, const float* b, int64_t nb, int64_t d, int64_t k, int32_t* indices,
            float* scores, const Options& opts, Error* err);

}  // namespace advfc
