// Module entry of advfc_native.node: info() and the two benchmark helpers; the kernels are
// registered by kernels.cpp. The exports match NativeBinding in src/binding.ts.
#include <string>
#include <vector>

#include "addon_support.h"
#include "worker.h"

namespace advfc::addon {

void RegisterKernels(Napi::Env env, Napi::Object exports);

namespace {

/// NATIVE_CONTRACT_VERSION of binding.ts this addon implements.
constexpr int kContractVersion = 1;

std::string BuildDescription() {
  std::string s;
#if defined(__clang__)
  s = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  s = std::string("gcc ") + __VERSION__;
#elif defined(_MSC_VER)
  s = "msvc " + std::to_string(_MSC_VER);
#else
  s = "unknown compiler";
#endif
  s += std::string(", ") + ADVFC_BUILD_TYPE;
#if defined(ADVFC_WITH_CUDA)
  s += ", with CUDA";
#else
  s += ", without CUDA";
#endif
  return s;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("contractVersion", kContractVersion);
  o.Set("simd", SimdName(DetectedSimd()));
  std::vector<const char*> levels = CompiledSimdLevels();
  Napi::Array compiled = Napi::Array::New(env, levels.size());
  for (size_t i = 0; i < levels.size(); ++i) compiled.Set(static_cast<uint32_t>(i), levels[i]);
  o.Set("simdCompiled", compiled);
  o.Set("threads", ResolvedThreads(Options{}));
  const cuda::DeviceInfo& dev = cuda::CudaQuery();
  Napi::Object c = Napi::Object::New(env);
  c.Set("compiled", dev.compiled);
  c.Set("available", dev.available);
  if (!dev.available) {
    c.Set("reason", dev.reason.empty() ? std::string("no CUDA device") : dev.reason);
  } else {
    c.Set("device", dev.device);
    c.Set("computeCapability", std::to_string(dev.cc_major) + "." + std::to_string(dev.cc_minor));
    c.Set("totalMemoryBytes", static_cast<double>(dev.total_memory));
    c.Set("runtimeVersion", dev.runtime_version);
  }
  o.Set("cuda", c);
  o.Set("build", BuildDescription());
  return o;
}

class BandwidthWorker : public KernelWorker {
 public:
  BandwidthWorker(Napi::Env env, int64_t bytes, int threads)
      : KernelWorker(env, "advfc.memoryBandwidth", "advfc memoryBandwidth"), bytes_(bytes), threads_(threads) {}
  Status Run(Error*) override {
    gbps_ = MeasureMemoryBandwidth(bytes_, threads_);
    return Status::kOk;
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, gbps_); }

 private:
  int64_t bytes_;
  int threads_;
  double gbps_ = 0;
};

Napi::Value MemoryBandwidth(const Napi::CallbackInfo& info) {
  try {
    const int64_t bytes = Size(info, 0, "bytes");
    const int64_t threads = Size(info, 1, "threads");
    return (new BandwidthWorker(info.Env(), bytes, static_cast<int>(std::min<int64_t>(threads, 4096))))->Start();
  } catch (const BadArgument& e) {
    return RejectBadArgument(info.Env(), "advfc memoryBandwidth", e.message);
  }
}

/// cudaKernelTime: one call of a CUDA op with CudaOptions::kernel_ms set; outputs go to scratch.
class CudaTimeWorker : public KernelWorker {
 public:
  CudaTimeWorker(Napi::Env env, const CallOptions& o, std::string op, const float* a, int64_t na, const float* b,
                 int64_t nb, int64_t d)
      : KernelWorker(env, "advfc.cudaKernelTime", "advfc cuda " + op),
        o_(o), op_(std::move(op)), a_(a), b_(b), na_(na), nb_(nb), d_(d) {}
  Status Run(Error* err) override {
    cuda::CudaOptions opts = o_.gpu;
    opts.kernel_ms = &ms_;
    if (op_ == "normalizeRows") {
      std::vector<float> out(static_cast<size_t>(na_ * d_));
      return cuda::NormalizeRows(a_, na_, d_, out.data(), opts, err);
    }
    if (op_ == "meanPairwiseCosineDistance") {
      double mean = 0;
      return cuda::MeanPairwiseCosineDistance(a_, na_, d_, &mean, opts, err);
    }
    if (op_ == "rowDiversity") {
      std::vector<float> out(static_cast<size_t>(na_));
      return cuda::RowDiversity(a_, na_, d_, out.data(), opts, err);
    }
    std::vector<float> out(static_cast<size_t>(na_ * nb_));
    return cuda::CosineSimilarityMatrix(a_, na_, b_, nb_, d_, out.data(), opts, err);
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, ms_); }

 private:
  CallOptions o_;
  std::string op_;
  const float *a_, *b_;
  int64_t na_, nb_, d_;
  double ms_ = 0;
};

Napi::Value CudaKernelTime(const Napi::CallbackInfo& info) {
  try {
    std::string op = String(info, 0, "op");
    if (op != "normalizeRows" && op != "meanPairwiseCosineDistance" && op != "rowDiversity" &&
        op != "cosineSimilarityMatrix")
      throw BadArgument{"unknown op \"" + op + "\""};
    const int64_t na = Size(info, 2, "na"), nb = Size(info, 4, "nb"), d = Size(info, 5, "d");
    Napi::TypedArray a = Float32(info, 1, "a", Elements(na, d, "a"));
    const bool needs_b = op == "cosineSimilarityMatrix";
    Napi::TypedArray b;
    if (needs_b) {
      b = Float32(info, 3, "b", Elements(nb, d, "b"));
      Elements(na, nb, "out");
    }
    CallOptions o = ReadOptions(info, 6);
    auto* w = new CudaTimeWorker(info.Env(), o, op, DataOf<float>(a), na, needs_b ? DataOf<float>(b) : nullptr,
                                 needs_b ? nb : 0, d);
    w->Keep(a);
    if (needs_b) w->Keep(b);
    w->Keep(o.cancel_array);
    return w->Start();
  } catch (const BadArgument& e) {
    return RejectBadArgument(info.Env(), "advfc cudaKernelTime", e.message);
  }
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("memoryBandwidth", Napi::Function::New(env, MemoryBandwidth, "memoryBandwidth"));
  exports.Set("cudaKernelTime", Napi::Function::New(env, CudaKernelTime, "cudaKernelTime"));
  RegisterKernels(env, exports);
  return exports;
}

}  // namespace advfc::addon

// NODE_API_MODULE pastes the init function's name into an identifier, so it must be unqualified.
static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return advfc::addon::Init(env, exports); }

NODE_API_MODULE(advfc_native, InitModule)
