#pragma once
// --retention-days N: events (and the webhook log) older than N days, by the
// server's receivedAt, are deleted — once at start-up, then every hour.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "store.hpp"

namespace microtrack::collector {

struct RetentionOptions {
  int days = 0;                    // 0 = keep everything
  double interval_ms = 3'600'000;  // between sweeps
};

// When a sweep is due and where it cuts, on an injected clock (pure).
class RetentionSchedule {
 public:
  explicit RetentionSchedule(RetentionOptions options) : options_(options) {}
  // The cutoff (stored form, "2026-11-27T10:00:00.000Z": now - days) when a
  // sweep is due at now_ms — the first call, then once `interval_ms` has
  // passed since the last sweep — else nothing. Never due without `days`.
  std::optional<std::string> due(double now_ms);

 private:
  RetentionOptions options_;
  std::optional<double> last_ms_;
};

// Sweeps on its own thread: at start, then every interval (or when woken),
// until destroyed. Each sweep logs one line when it deleted something.
class RetentionWorker {
 public:
  RetentionWorker(Store& store, RetentionOptions options, std::function<double()> now_ms,
                  std::function<void(const std::string&)> log);
  ~RetentionWorker();
  RetentionWorker(const RetentionWorker&) = delete;
  RetentionWorker& operator=(const RetentionWorker&) = delete;

  // One sweep now if one is due by the clock (also what the thread does).
  // Nothing when none was due; `error` is set on a database error.
  std::optional<Erased> sweep_if_due(std::string& error);

 private:
  void run();

  Store& store_;
  std::function<double()> now_ms_;
  std::function<void(const std::string&)> log_;
  RetentionOptions options_;
  std::mutex mutex_;
  RetentionSchedule schedule_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace microtrack::collector
