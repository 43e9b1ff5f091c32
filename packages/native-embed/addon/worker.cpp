#include "worker.h"

#include <cmath>
#include <exception>
#include <limits>

namespace advfc::addon {

static_assert(sizeof(std::atomic<int32_t>) == sizeof(int32_t) && std::atomic<int32_t>::is_always_lock_free,
              "the cancel flag is read in place from an Int32Array");

KernelWorker::KernelWorker(Napi::Env env, const char* name, std::string label)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)), label_(std::move(label)) {}

void KernelWorker::Keep(Napi::Value value) {
  if (!value.IsEmpty() && value.IsObject()) refs_.push_back(Napi::Persistent(value.As<Napi::Object>()));
}

Napi::Value KernelWorker::Start() {
  Napi::Promise promise = deferred_.Promise();
  Queue();
  return promise;
}

Napi::Value KernelWorker::Result(Napi::Env env) { return env.Undefined(); }

void KernelWorker::Execute() {
  try {
    status_ = Run(&err_);
  } catch (const std::bad_alloc&) {
    status_ = err_.status = Status::kOutOfMemory;
    err_.message = "out of memory";
  } catch (const std::exception& e) {
    SetError(e.what());
  }
}

void KernelWorker::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (status_ != Status::kOk) {
    deferred_.Reject(MakeKernelError(env, label_, err_));
  } else {
    deferred_.Resolve(Result(env));
  }
  refs_.clear();
}

void KernelWorker::OnError(const Napi::Error& e) {
  Napi::HandleScope scope(Env());
  deferred_.Reject(e.Value());
  refs_.clear();
}

namespace {

const char* CodeOf(Status s) {
  switch (s) {
    case Status::kNonFinite:
      return "ADVFC_NON_FINITE";
    case Status::kAborted:
      return "ADVFC_ABORTED";
    case Status::kTooManyPairs:
      return "ADVFC_TOO_MANY_PAIRS";
    case Status::kOutOfMemory:
      return "ADVFC_OUT_OF_MEMORY";
    case Status::kCudaError:
      return "ADVFC_CUDA";
    default:
      return "ADVFC_BAD_ARGUMENT";
  }
}

}  // namespace

Napi::Value MakeKernelError(Napi::Env env, const std::string& label, const Error& err) {
  std::string detail = err.message;
  if (err.status == Status::kNonFinite && detail.empty())
    detail = std::string("non-finite value (NaN or ±Inf) in input ") + err.matrix + " at row " + std::to_string(err.row);
  if (detail.empty()) detail = "failed";
  Napi::Error e = Napi::Error::New(env, label + ": " + detail);
  Napi::Object o = e.Value();
  o.Set("code", CodeOf(err.status));
  if (err.status == Status::kNonFinite) {
    o.Set("matrix", err.matrix);
    o.Set("row", static_cast<double>(err.row));
  }
  return o;
}

Napi::Value RejectBadArgument(Napi::Env env, const std::string& label, const std::string& message) {
  Error err;
  err.status = Status::kBadArgument;
  err.message = message;
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(MakeKernelError(env, label, err));
  return deferred.Promise();
}

double Number(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber())
    throw BadArgument{std::string("expected a number for ") + name};
  return info[index].As<Napi::Number>().DoubleValue();
}

int64_t Size(const Napi::CallbackInfo& info, size_t index, const char* name) {
  double v = Number(info, index, name);
  if (!(v >= 0) || v != std::floor(v) || v > 9007199254740991.0)
    throw BadArgument{std::string("expected a non-negative integer for ") + name + ", got " + std::to_string(v)};
  return static_cast<int64_t>(v);
}

std::string String(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsString())
    throw BadArgument{std::string("expected a string for ") + name};
  return info[index].As<Napi::String>().Utf8Value();
}

int64_t Elements(int64_t n, int64_t d, const char* name) {
  if (d != 0 && n > std::numeric_limits<int64_t>::max() / 4 / d)
    throw BadArgument{std::string("size of ") + name + " overflows"};
  return n * d;
}

namespace {

Napi::TypedArray Typed(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min_length,
                       napi_typedarray_type type, const char* type_name) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != type)
    throw BadArgument{std::string("expected a ") + type_name + " for " + name};
  Napi::TypedArray a = info[index].As<Napi::TypedArray>();
  if (static_cast<int64_t>(a.ElementLength()) < min_length)
    throw BadArgument{std::string(name) + " has " + std::to_string(a.ElementLength()) + " elements, needs " +
                      std::to_string(min_length)};
  return a;
}

}  // namespace

Napi::TypedArray Float32(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min_length) {
  return Typed(info, index, name, min_length, napi_float32_array, "Float32Array");
}

Napi::TypedArray Int32(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min_length) {
  return Typed(info, index, name, min_length, napi_int32_array, "Int32Array");
}

CallOptions ReadOptions(const Napi::CallbackInfo& info, size_t index) {
  CallOptions o;
  if (info.Length() <= index || info[index].IsUndefined()) return o;
  if (!info[index].IsObject()) throw BadArgument{"expected an options object"};
  Napi::Object opts = info[index].As<Napi::Object>();
  Napi::Value backend = opts.Get("backend");
  if (backend.IsString()) {
    std::string b = backend.As<Napi::String>().Utf8Value();
    if (b != "cpu" && b != "cuda") throw BadArgument{"backend must be \"cpu\" or \"cuda\", got \"" + b + "\""};
    o.cuda = b == "cuda";
  }
  Napi::Value threads = opts.Get("threads");
  if (threads.IsNumber()) {
    double t = threads.As<Napi::Number>().DoubleValue();
    o.cpu.threads = t >= 1 && t <= 4096 ? static_cast<int>(t) : 0;
  }
  Napi::Value simd = opts.Get("simd");
  if (simd.IsBoolean()) o.cpu.simd = simd.As<Napi::Boolean>().Value();
  Napi::Value tf32 = opts.Get("tf32");
  if (tf32.IsBoolean()) o.gpu.tf32 = tf32.As<Napi::Boolean>().Value();
  Napi::Value max_pairs = opts.Get("maxPairs");
  if (max_pairs.IsNumber()) {
    double m = max_pairs.As<Napi::Number>().DoubleValue();
    int64_t v = !(m >= 0) ? 0 : m >= 9.2e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(m);
    o.cpu.max_pairs = o.gpu.max_pairs = v;
  }
  Napi::Value cancel = opts.Get("cancel");
  if (cancel.IsTypedArray()) {
    Napi::TypedArray c = cancel.As<Napi::TypedArray>();
    if (c.TypedArrayType() != napi_int32_array || c.ElementLength() < 1)
      throw BadArgument{"cancel must be an Int32Array of at least one element"};
    // The flag is polled in place from the worker thread; JS writes it (Atomics.store) through a
    // SharedArrayBuffer, and the reference keeps that memory alive until the promise settles.
    o.cancel_array = c;
    auto* flag = reinterpret_cast<const std::atomic<int32_t>*>(DataOf<int32_t>(c));
    o.cpu.cancel = o.gpu.cancel = flag;
  }
  return o;
}

}  // namespace advfc::addon
