// CudaQuery(): the one-time, thread-safe probe of the CUDA driver and device 0.
//
// cudart is linked statically and loads libcuda.so.1 itself on first use, so a machine without a
// driver (or without a device) only makes the probe report available = false; nothing here may
// abort the process. The probe does not create a context (no device memory is taken until the
// first op runs).
#include <cstdio>
#include <mutex>

#include "common.cuh"

namespace advfc::cuda {
namespace {

std::string VersionString(int v) {  // 13000 → "13.0"
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

struct Probed {
  DeviceInfo info;
  detail::DeviceProps props;
};

void Probe(Probed* p) {
  DeviceInfo& info = p->info;
  info.compiled = true;
  info.available = false;
  info.device_index = 0;

  int runtime = 0;
  if (cudaRuntimeGetVersion(&runtime) == cudaSuccess) info.runtime_version = VersionString(runtime);

  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    int driver = 0;
    cudaDriverGetVersion(&driver);  // 0 when no driver could be loaded
    const std::string what = std::string(cudaGetErrorString(e)) + " (" + cudaGetErrorName(e) + ")";
    if (driver == 0)
      info.reason = "no NVIDIA driver found: libcuda.so.1 could not be loaded (" + what + ")";
    else if (e == cudaErrorInsufficientDriver)
      info.reason = what + ": the driver supports CUDA " + VersionString(driver) + ", this build needs " +
                    (runtime > 0 ? VersionString(runtime) : std::string("a newer one"));
    else
      info.reason = what;
    cudaGetLastError();
    return;
  }
  if (count == 0) {
    info.reason = "no CUDA device is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)";
    return;
  }

  cudaDeviceProp prop{};
  const cudaError_t pe = cudaGetDeviceProperties(&prop, 0);
  if (pe != cudaSuccess) {
    info.reason = std::string("cudaGetDeviceProperties(0) failed: ") + cudaGetErrorString(pe);
    cudaGetLastError();
    return;
  }
  info.device = prop.name;
  info.cc_major = prop.major;
  info.cc_minor = prop.minor;
  info.total_memory = static_cast<uint64_t>(prop.totalGlobalMem);
  p->props.cc_major = prop.major;
  p->props.cc_minor = prop.minor;
  p->props.sm_count = prop.multiProcessorCount > 0 ? prop.multiProcessorCount : 1;
  int pools = 0;
  if (cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, 0) != cudaSuccess) {
    pools = 0;
    cudaGetLastError();
  }
  p->props.memory_pools = pools != 0;

  if (prop.major < detail::kMinCcMajor || (prop.major == detail::kMinCcMajor && prop.minor < detail::kMinCcMinor)) {
    info.reason = "device 0 (" + info.device + ") has compute capability " + std::to_string(prop.major) + "." +
                  std::to_string(prop.minor) + "; this build needs " + std::to_string(detail::kMinCcMajor) + "." +
                  std::to_string(detail::kMinCcMinor) + " or newer";
    return;
  }
  info.available = true;
  info.reason.clear();
}

const Probed& Get() {
  static std::once_flag once;
  static Probed probed;
  std::call_once(once, [] { Probe(&probed); });
  return probed;
}

}  // namespace

const DeviceInfo& CudaQuery() { return Get().info; }

namespace detail {
const DeviceProps& Props() { return Get().props; }
}  // namespace detail

}  // namespace advfc::cuda
