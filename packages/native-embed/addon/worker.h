// Shared plumbing of the addon: argument readers, the error objects binding.ts documents, and
// the AsyncWorker base every kernel call runs on (a promise, inputs pinned by references).
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "advfc/cuda.h"
#include "advfc/kernels.h"

namespace advfc::addon {

/// Raised while reading arguments; the call then returns a promise rejected with
/// code "ADVFC_BAD_ARGUMENT" (a kernel call never throws synchronously).
struct BadArgument {
  std::string message;
};

/// The options object of every kernel call (NativeCallOptions in binding.ts).
struct CallOptions {
  bool cuda = false;
  Options cpu;
  cuda::CudaOptions gpu;
  Napi::Value cancel_array;  // the cancel Int32Array, to be kept alive by the worker (if given)
};

/// Base of every kernel worker: resolves or rejects its promise on the JS thread, holds a
/// reference to every JS object whose memory Execute() touches until then.
class KernelWorker : public Napi::AsyncWorker {
 public:
  KernelWorker(Napi::Env env, const char* name, std::string label);
  Napi::Promise Promise() { return deferred_.Promise(); }
  /// Keeps `value` (a typed array) alive until the promise settles; empty values are ignored.
  void Keep(Napi::Value value);
  /// Queues the worker and returns its promise.
  Napi::Value Start();

 protected:
  /// Runs off the JS thread; must not touch JS values.
  virtual Status Run(Error* err) = 0;
  /// Builds the resolution value on the JS thread (default: undefined).
  virtual Napi::Value Result(Napi::Env env);

 private:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> refs_;
  std::string label_;
  Status status_ = Status::kOk;
  Error err_;
};

/// A JS Error carrying `code` (and `matrix`, `row` for non-finite input) as binding.ts specifies.
Napi::Value MakeKernelError(Napi::Env env, const std::string& label, const Error& err);
/// A promise rejected with code "ADVFC_BAD_ARGUMENT".
Napi::Value RejectBadArgument(Napi::Env env, const std::string& label, const std::string& message);

/// Argument readers; each throws BadArgument with a message naming the argument.
int64_t Size(const Napi::CallbackInfo& info, size_t index, const char* name);
double Number(const Napi::CallbackInfo& info, size_t index, const char* name);
std::string String(const Napi::CallbackInfo& info, size_t index, const char* name);
/// A Float32Array of at least min_length elements (lengths trusted from ops.ts are still checked,
/// because a short buffer would be written out of bounds).
Napi::TypedArray Float32(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min_length);
Napi::TypedArray Int32(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min_length);
CallOptions ReadOptions(const Napi::CallbackInfo& info, size_t index);
/// n × d elements, rejecting products that overflow.
int64_t Elements(int64_t n, int64_t d, const char* name);

/// The element pointer of a typed array. Read through napi_get_typedarray_info rather than
/// ArrayBuffer().Data(): the latter fails for a SharedArrayBuffer (the cancel flag's backing).
template <typename T>
T* DataOf(const Napi::TypedArray& a) {
  void* data = nullptr;
  napi_status s = napi_get_typedarray_info(a.Env(), a, nullptr, nullptr, &data, nullptr, nullptr);
  NAPI_THROW_IF_FAILED(a.Env(), s, nullptr);
  return static_cast<T*>(data);
}

}  // namespace advfc::addon
