#include "retention.hpp"

#include <chrono>

#include "iso_time.hpp"

namespace microtrack::collector {

std::optional<std::string> RetentionSchedule::due(double now_ms) {
  if (options_.days <= 0) return std::nullopt;
  // A clock that steps back does not postpone the next sweep forever.
  if (last_ms_ && now_ms >= *last_ms_ && now_ms - *last_ms_ < options_.interval_ms) return std::nullopt;
  last_ms_ = now_ms;
  return format_iso8601_ms(now_ms - options_.days * 86'400'000.0);
}

RetentionWorker::RetentionWorker(Store& store, RetentionOptions options, std::function<double()> now_ms,
                                 std::function<void(const std::string&)> log)
    : store_(store), now_ms_(std::move(now_ms)), log_(std::move(log)), options_(options), schedule_(options) {
  if (options_.days > 0) thread_ = std::thread([this] { run(); });
}

RetentionWorker::~RetentionWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::optional<Erased> RetentionWorker::sweep_if_due(std::string& error) {
  // Held through the deletion: a caller that finds no sweep due knows the
  // last one is complete.
  std::lock_guard<std::mutex> lock(mutex_);
  const std::optional<std::string> cutoff = schedule_.due(now_ms_());
  if (!cutoff) return std::nullopt;
  auto erased = store_.delete_received_before(*cutoff, error);
  if (log_ && !erased) log_("retention: sweep failed: " + error);
  if (log_ && erased && (erased->events || erased->deliveries))
    log_("retention: deleted " + std::to_string(erased->events) + " events and " + std::to_string(erased->deliveries) +
         " webhook log rows received before " + *cutoff);
  return erased;
}

void RetentionWorker::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    lock.unlock();
    std::string error;
    sweep_if_due(error);
    lock.lock();
    // Real time between sweeps; the schedule's clock decides whether one is due.
    wake_.wait_for(lock, std::chrono::duration<double, std::milli>(options_.interval_ms), [&] { return stop_; });
  }
}

}  // namespace microtrack::collector
