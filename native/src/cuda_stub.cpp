// The CUDA backend of a build without nvcc: every op reports kCudaError, so callers can always
// link advfc::cuda and decide at run time from CudaQuery().
#include "advfc/cuda.h"

namespace advfc::cuda {
namespace {

Status NotBuilt(Error* err) {
  if (err != nullptr) {
    err->status = Status::kCudaError;
    err->message = "built without CUDA";
  }
  return Status::kCudaError;
}

}  // namespace

const DeviceInfo& CudaQuery() {
  static const DeviceInfo info = [] {
    DeviceInfo d;
    d.compiled = false;
    d.available = false;
    d.reason = "advfc_native was built without CUDA (nvcc not found at build time)";
    return d;
  }();
  return info;
}

Status NormalizeRows(const float*, int64_t, int64_t, float*, const CudaOptions&, Error* err) { return NotBuilt(err); }

Status MeanPairwiseCosineDistance(const float*, int64_t, int64_t, double*, const CudaOptions&, Error* err) {
  return NotBuilt(err);
}

Status RowDiversity(const float*, int64_t, int64_t, float*, const CudaOptions&, Error* err) { return NotBuilt(err); }

Status CosineSimilarityMatrix(const float*, int64_t, const float*, int64_t, int64_t, float*, const CudaOptions&,
                              Error* err) {
  return NotBuilt(err);
}

Status NearDuplicates(const float*, int64_t, int64_t, float, std::vector<Pair>*, const CudaOptions&, Error* err) {
  return NotBuilt(err);
}

Status TopK(const float*, int64_t, const float*, int64_t, int64_t, int64_t, int32_t*, float*, const CudaOptions&,
            Error* err) {
  return NotBuilt(err);
}

}  // namespace advfc::cuda
