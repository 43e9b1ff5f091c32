// The six kernel calls of NativeBinding: read and check arguments on the JS thread, run the
// CPU or CUDA op in an AsyncWorker, write into the caller's typed arrays.
#include <string>

#include "worker.h"

namespace advfc::addon {
namespace {

std::string Label(const CallOptions& o, const char* op) { return std::string("advfc ") + (o.cuda ? "cuda" : "cpu") + " " + op; }

class NormalizeRowsWorker : public KernelWorker {
 public:
  NormalizeRowsWorker(Napi::Env env, const CallOptions& o, const float* x, int64_t n, int64_t d, float* out)
      : KernelWorker(env, "advfc.normalizeRows", Label(o, "normalizeRows")), o_(o), x_(x), n_(n), d_(d), out_(out) {}
  Status Run(Error* err) override {
    return o_.cuda ? cuda::NormalizeRows(x_, n_, d_, out_, o_.gpu, err) : NormalizeRows(x_, n_, d_, out_, o_.cpu, err);
  }

 private:
  CallOptions o_;
  const float* x_;
  int64_t n_, d_;
  float* out_;
};

class MeanPairwiseWorker : public KernelWorker {
 public:
  MeanPairwiseWorker(Napi::Env env, const CallOptions& o, const float* x, int64_t n, int64_t d)
      : KernelWorker(env, "advfc.meanPairwiseCosineDistance", Label(o, "meanPairwiseCosineDistance")),
        o_(o), x_(x), n_(n), d_(d) {}
  Status Run(Error* err) override {
    return o_.cuda ? cuda::MeanPairwiseCosineDistance(x_, n_, d_, &result_, o_.gpu, err)
                   : MeanPairwiseCosineDistance(x_, n_, d_, &result_, o_.cpu, err);
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, result_); }

 private:
  CallOptions o_;
  const float* x_;
  int64_t n_, d_;
  double result_ = 0;
};

class RowDiversityWorker : public KernelWorker {
 public:
  RowDiversityWorker(Napi::Env env, const CallOptions& o, const float* x, int64_t n, int64_t d, float* out)
      : KernelWorker(env, "advfc.rowDiversity", Label(o, "rowDiversity")), o_(o), x_(x), n_(n), d_(d), out_(out) {}
  Status Run(Error* err) override {
    return o_.cuda ? cuda::RowDiversity(x_, n_, d_, out_, o_.gpu, err) : RowDiversity(x_, n_, d_, out_, o_.cpu, err);
  }

 private:
  CallOptions o_;
  const float* x_;
  int64_t n_, d_;
  float* out_;
};

class SimilarityMatrixWorker : public KernelWorker {
 public:
  SimilarityMatrixWorker(Napi::Env env, const CallOptions& o, const float* a, int64_t na, const float* b, int64_t nb,
                         int64_t d, float* out)
      : KernelWorker(env, "advfc.cosineSimilarityMatrix", Label(o, "cosineSimilarityMatrix")),
        o_(o), a_(a), b_(b), na_(na), nb_(nb), d_(d), out_(out) {}
  Status Run(Error* err) override {
    return o_.cuda ? cuda::CosineSimilarityMatrix(a_, na_, b_, nb_, d_, out_, o_.gpu, err)
                   : CosineSimilarityMatrix(a_, na_, b_, nb_, d_, out_, o_.cpu, err);
  }

 private:
  CallOptions o_;
  const float *a_, *b_;
  int64_t na_, nb_, d_;
  float* out_;
};

class NearDuplicatesWorker : public KernelWorker {
 public:
  NearDuplicatesWorker(Napi::Env env, const CallOptions& o, const float* x, int64_t n, int64_t d, float threshold)
      : KernelWorker(env, "advfc.nearDuplicates", Label(o, "nearDuplicates")),
        o_(o), x_(x), n_(n), d_(d), threshold_(threshold) {}
  Status Run(Error* err) override {
    return o_.cuda ? cuda::NearDuplicates(x_, n_, d_, threshold_, &pairs_, o_.gpu, err)
                   : NearDuplicates(x_, n_, d_, threshold_, &pairs_, o_.cpu, err);
  }
  Napi::Value Result(Napi::Env env) override {
    const size_t count = pairs_.size();
    auto i = Napi::Int32Array::New(env, count);
    auto j = Napi::Int32Array::New(env, count);
    auto s = Napi::Float32Array::New(env, count);
    for (size_t p = 0; p < count; ++p) {
      i[p] = pairs_[p].i;
      j[p] = pairs_[p].j;
      s[p] = pairs_[p].similarity;
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("i", i);
    result.Set("j", j);
    result.Set("similarity", s);
    return result;
  }

 private:
  CallOptions o_;
  const float* x_;
  int64_t n_, d_;
  float threshold_;
  std::vector<Pair> pairs_;
};

class TopKWorker : public KernelWorker {
 public:
  TopKWorker(Napi::Env env, const CallOptions& o, const float* a, int64_t na, const float* b, int64_t nb, int64_t d,
             int64_t k, int32_t* indices, float* scores)
      : KernelWorker(env, "advfc.topK", Label(o, "topK")),
        o_(o), a_(a), b_(b), na_(na), nb_(nb), d_(d), k_(k), indices_(indices), scores_(scores) {}
  Status Run(Error* err) override {
    return o_.cuda ? cuda::TopK(a_, na_, b_, nb_, d_, k_, indices_, scores_, o_.gpu, err)
                   : TopK(a_, na_, b_, nb_, d_, k_, indices_, scores_, o_.cpu, err);
  }

 private:
  CallOptions o_;
  const float *a_, *b_;
  int64_t na_, nb_, d_, k_;
  int32_t* indices_;
  float* scores_;
};

/// Wraps a binding body: BadArgument becomes a promise rejected with ADVFC_BAD_ARGUMENT.
template <typename Body>
Napi::Value Guard(const Napi::CallbackInfo& info, const char* op, Body&& body) {
  try {
    return body();
  } catch (const BadArgument& e) {
    return RejectBadArgument(info.Env(), std::string("advfc ") + op, e.message);
  }
}

Napi::Value NormalizeRowsJs(const Napi::CallbackInfo& info) {
  return Guard(info, "normalizeRows", [&]() -> Napi::Value {
    const int64_t n = Size(info, 1, "n"), d = Size(info, 2, "d");
    const int64_t len = Elements(n, d, "x");
    Napi::TypedArray x = Float32(info, 0, "x", len), out = Float32(info, 3, "out", len);
    CallOptions o = ReadOptions(info, 4);
    auto* w = new NormalizeRowsWorker(info.Env(), o, DataOf<float>(x), n, d, DataOf<float>(out));
    w->Keep(x);
    w->Keep(out);
    w->Keep(o.cancel_array);
    return w->Start();
  });
}

Napi::Value MeanPairwiseJs(const Napi::CallbackInfo& info) {
  return Guard(info, "meanPairwiseCosineDistance", [&]() -> Napi::Value {
    const int64_t n = Size(info, 1, "n"), d = Size(info, 2, "d");
    Napi::TypedArray x = Float32(info, 0, "x", Elements(n, d, "x"));
    CallOptions o = ReadOptions(info, 3);
    auto* w = new MeanPairwiseWorker(info.Env(), o, DataOf<float>(x), n, d);
    w->Keep(x);
    w->Keep(o.cancel_array);
    return w->Start();
  });
}

Napi::Value RowDiversityJs(const Napi::CallbackInfo& info) {
  return Guard(info, "rowDiversity", [&]() -> Napi::Value {
    const int64_t n = Size(info, 1, "n"), d = Size(info, 2, "d");
    Napi::TypedArray x = Float32(info, 0, "x", Elements(n, d, "x")), out = Float32(info, 3, "out", n);
    CallOptions o = ReadOptions(info, 4);
    auto* w = new RowDiversityWorker(info.Env(), o, DataOf<float>(x), n, d, DataOf<float>(out));
    w->Keep(x);
    w->Keep(out);
    w->Keep(o.cancel_array);
    return w->Start();
  });
}

Napi::Value SimilarityMatrixJs(const Napi::CallbackInfo& info) {
  return Guard(info, "cosineSimilarityMatrix", [&]() -> Napi::Value {
    const int64_t na = Size(info, 1, "na"), nb = Size(info, 3, "nb"), d = Size(info, 4, "d");
    Napi::TypedArray a = Float32(info, 0, "a", Elements(na, d, "a")), b = Float32(info, 2, "b", Elements(nb, d, "b"));
    Napi::TypedArray out = Float32(info, 5, "out", Elements(na, nb, "out"));
    CallOptions o = ReadOptions(info, 6);
    auto* w = new SimilarityMatrixWorker(info.Env(), o, DataOf<float>(a), na, DataOf<float>(b), nb, d,
                                         DataOf<float>(out));
    w->Keep(a);
    w->Keep(b);
    w->Keep(out);
    w->Keep(o.cancel_array);
    return w->Start();
  });
}

Napi::Value NearDuplicatesJs(const Napi::CallbackInfo& info) {
  return Guard(info, "nearDuplicates", [&]() -> Napi::Value {
    const int64_t n = Size(info, 1, "n"), d = Size(info, 2, "d");
    const double threshold = Number(info, 3, "threshold");
    Napi::TypedArray x = Float32(info, 0, "x", Elements(n, d, "x"));
    CallOptions o = ReadOptions(info, 4);
    auto* w = new NearDuplicatesWorker(info.Env(), o, DataOf<float>(x), n, d, static_cast<float>(threshold));
    w->Keep(x);
    w->Keep(o.cancel_array);
    return w->Start();
  });
}

Napi::Value TopKJs(const Napi::CallbackInfo& info) {
  return Guard(info, "topK", [&]() -> Napi::Value {
    const int64_t na = Size(info, 1, "na"), nb = Size(info, 3, "nb"), d = Size(info, 4, "d"), k = Size(info, 5, "k");
    Napi::TypedArray a = Float32(info, 0, "a", Elements(na, d, "a")), b = Float32(info, 2, "b", Elements(nb, d, "b"));
    Napi::TypedArray indices = Int32(info, 6, "indices", Elements(na, k, "indices"));
    Napi::TypedArray scores = Float32(info, 7, "scores", Elements(na, k, "scores"));
    CallOptions o = ReadOptions(info, 8);
    auto* w = new TopKWorker(info.Env(), o, DataOf<float>(a), na, DataOf<float>(b), nb, d, k, DataOf<int32_t>(indices),
                             DataOf<float>(scores));
    w->Keep(a);
    w->Keep(b);
    w->Keep(indices);
    w->Keep(scores);
    w->Keep(o.cancel_array);
    return w->Start();
  });
}

}  // namespace

void RegisterKernels(Napi::Env env, Napi::Object exports) {
  exports.Set("normalizeRows", Napi::Function::New(env, NormalizeRowsJs, "normalizeRows"));
  exports.Set("meanPairwiseCosineDistance", Napi::Function::New(env, MeanPairwiseJs, "meanPairwiseCosineDistance"));
  exports.Set("rowDiversity", Napi::Function::New(env, RowDiversityJs, "rowDiversity"));
  exports.Set("cosineSimilarityMatrix", Napi::Function::New(env, SimilarityMatrixJs, "cosineSimilarityMatrix"));
  exports.Set("nearDuplicates", Napi::Function::New(env, NearDuplicatesJs, "nearDuplicates"));
  exports.Set("topK", Napi::Function::New(env, TopKJs, "topK"));
}

}  // namespace advfc::addon
