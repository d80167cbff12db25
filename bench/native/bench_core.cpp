// Microbenchmarks of the core's hot paths, per operation, through the same
// calls the JS makes (bindings/embind.cpp): a regression here shows up
// before it reaches a browser. Time is an argument everywhere in the core, so
// each benchmark advances a fake clock by 1 ms per operation.
#include <benchmark/benchmark.h>

#include <string>

#include "microtrack/signals.hpp"
#include "microtrack/tracker.hpp"

namespace {

using microtrack::SendTrigger;
using microtrack::Signals;
using microtrack::Tracker;

// The demo's config (web-demo/site/mt-init.js): every detector on; batchSize
// is the default 20 unless a benchmark says otherwise.
const std::string kConfigTail = R"(,"collector":"http://127.0.0.1:9/v1/batch",
  "visibility":[{"name":"pricing_teaser","selector":"#pricing-teaser"}],
  "goals":[{"name":"visited_pricing","path":"/pricing.html"},
           {"name":"article_read","all":[{"event":"scroll_depth","where":{"percent":75}},{"engagedMs":20000}],"path":"/blog/*"}]})";
std::string config(int batch_size = 20) { return "{\"batchSize\":" + std::to_string(batch_size) + kConfigTail; }
const char* kEnvironment = R"({"context":{"userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
  "locale":"en-GB","timezone":"Europe/Oslo","screen":{"width":1280,"height":720}},"doNotTrack":false})";
const char* kUrl = "http://127.0.0.1:8080/?utm_source=newsletter&utm_medium=email&utm_campaign=nov";
const char* kProps = R"({"i":"mtb1x123","plan":"annual","price":129.5,"tags":["a","b"]})";

// The tracker and the detectors' layer its event calls go through, kept as
// bindings/embind.cpp keeps them, after the first page view.
struct Core {
  explicit Core(double now, int batch_size = 20)
      : tracker(config(batch_size), kEnvironment, "", 42, now), signals(tracker, now) {
    signals.page_view(kUrl, "Fjordbrew — the smart grinder", "", "{}", true, now);
    tracker.take_messages();
  }
  Tracker tracker;
  Signals signals;
};

// Sends and acknowledges everything queued (what a fast collector does).
void drain(Tracker& t, double now) {
  for (;;) {
    auto batch = t.next_batch(now, SendTrigger::Flush);
    if (batch.id == 0) break;
    t.on_send_result(batch.id, 200, -1, now);
  }
  t.take_messages();
}

// init: config + environment parsed, ids drawn, the first page view built.
void BM_Start(benchmark::State& state) {
  double now = 1.7e12;
  for (auto _ : state) {
    Core core(now);
    benchmark::DoNotOptimize(core.tracker.active());
    now += 1;
  }
}
BENCHMARK(BM_Start);

// track(name, props) -> the event built, serialized and queued. The queue is
// drained (untimed) every 20 events, as the default batchSize would.
void BM_TrackToQueued(benchmark::State& state) {
  double now = 1.7e12;
  Core core(now);
  Tracker& t = core.tracker;
  drain(t, now);
  int n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(core.signals.track("bench_click", kProps, now));
    now += 1;
    if (++n == 20) {
      state.PauseTiming();
      drain(t, now);
      n = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrackToQueued);

// A scroll sample that reaches no new threshold (the common case: one per
// animation frame while scrolling).
void BM_ScrollSampleNoThreshold(benchmark::State& state) {
  double now = 1.7e12;
  Core core(now);
  drain(core.tracker, now);
  double top = 0;
  for (auto _ : state) {
    // stays below 25 % of a 20,000 px document (viewport 720)
    benchmark::DoNotOptimize(core.signals.on_scroll(top, 720, 20000, now));
    top = top >= 4000 ? 0 : top + 7;
    now += 1;
  }
}
BENCHMARK(BM_ScrollSampleNoThreshold);

// A page view followed by one scroll sample at the bottom, which fires all
// five scroll_depth events (25, 50, 75, 90, 100).
void BM_PageViewThenScrollToBottom(benchmark::State& state) {
  double now = 1.7e12;
  Core core(now);
  Tracker& t = core.tracker;
  drain(t, now);
  int n = 0;
  for (auto _ : state) {
    core.signals.page_view(kUrl, "Fjordbrew", "", "{}", true, now);
    benchmark::DoNotOptimize(core.signals.on_scroll(20000 - 720, 720, 20000, now));
    now += 1;
    if (++n == 3) {
      state.PauseTiming();
      drain(t, now);
      n = 0;
      state.ResumeTiming();
    }
  }
}
BENCHMARK(BM_PageViewThenScrollToBottom);

// nextBatch + onSendResult(200) for a batch of N queued track events: the
// §4 body is built and the events leave the queue. N = 20 is the default
// batchSize, 500 the largest.
void BM_BatchSerialize(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  double now = 1.7e12;
  Core core(now, n);
  Tracker& t = core.tracker;
  drain(t, now);
  std::size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < n; ++i) core.signals.track("bench_click", kProps, now);
    t.take_messages();
    now += 1;
    state.ResumeTiming();
    auto batch = t.next_batch(now, SendTrigger::Flush);
    bytes += batch.body.size();
    t.on_send_result(batch.id, 200, -1, now);
    benchmark::DoNotOptimize(batch);
  }
  state.counters["body_bytes"] = benchmark::Counter(static_cast<double>(bytes) / state.iterations());
}
BENCHMARK(BM_BatchSerialize)->Arg(20)->Arg(500);

// The core's whole share of the browser run (node bench/run.mjs): 1,000
// track calls in one go, then the default batches (20 events) built and
// acknowledged one after another until the queue is empty.
void BM_Track1000ThenDeliver(benchmark::State& state) {
  double now = 1.7e12;
  Core core(now);
  Tracker& t = core.tracker;
  drain(t, now);
  int requests = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) core.signals.track("bench_click", kProps, now);
    for (;;) {
      auto batch = t.next_batch(now, SendTrigger::Flush);
      if (batch.id == 0) break;
      t.on_send_result(batch.id, 200, -1, now);
      ++requests;
    }
    t.take_messages();
    now += 1000;
  }
  state.counters["requests"] = benchmark::Counter(static_cast<double>(requests) / state.iterations());
}
BENCHMARK(BM_Track1000ThenDeliver)->Unit(benchmark::kMillisecond);

// snapshot(): the JS persists the unsent queue to localStorage once per task
// that queued events; its cost grows with the queue.
void BM_SnapshotQueue(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  double now = 1.7e12;
  Core core(now);
  drain(core.tracker, now);
  for (int i = 0; i < n; ++i) core.signals.track("bench_click", kProps, now);
  for (auto _ : state) benchmark::DoNotOptimize(core.tracker.snapshot(true));
}
BENCHMARK(BM_SnapshotQueue)->Arg(20)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
