#include "live.hpp"

#include <chrono>

namespace microtrack::collector {

nlohmann::json live_event_of_row(const nlohmann::json& row) {
  nlohmann::json event = row.value("raw", nlohmann::json::object());
  if (!event.is_object()) event = nlohmann::json::object();
  event["id"] = row.value("id", nlohmann::json());
  event["receivedAt"] = row.value("received_at", nlohmann::json());
  event["correctedTimestamp"] = row.value("corrected_timestamp", nlohmann::json());
  return event;
}

bool EventHub::wanted_locked() const {
  return streams_ > 0 || (someone_left_ && std::chrono::steady_clock::now() - last_left_ < linger_);
}

bool EventHub::wanted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !closed_ && wanted_locked();
}

void EventHub::publish(std::vector<nlohmann::json> data) {
  if (data.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || !wanted_locked()) return;
    for (nlohmann::json& text : data) {
      ring_.push_back({++last_seq_, std::move(text)});
      if (ring_.size() > ring_size_) ring_.pop_front();
    }
  }
  changed_.notify_all();
  wake_subscribers();
}

std::vector<LiveEvent> EventHub::wait_after(std::uint64_t after, int timeout_ms, std::size_t max) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return closed_ || last_seq_ > after; });
  std::vector<LiveEvent> out;
  if (closed_) return out;
  // Sequence numbers in the ring are consecutive: index by arithmetic.
  std::size_t first = 0;
  if (!ring_.empty() && after >= ring_.front().seq) first = static_cast<std::size_t>(after - ring_.front().seq + 1);
  if (ring_.size() - std::min(first, ring_.size()) > max) first = ring_.size() - max;
  for (std::size_t i = first; i < ring_.size(); ++i) out.push_back(ring_[i]);
  return out;
}

std::uint64_t EventHub::last_seq() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_seq_;
}

void EventHub::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  wake_subscribers();
}

bool EventHub::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

bool EventHub::try_join(std::size_t max_streams) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || streams_ >= max_streams) return false;
  ++streams_;
  return true;
}

void EventHub::leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  --streams_;
  last_left_ = std::chrono::steady_clock::now();
  someone_left_ = true;
}

std::uint64_t EventHub::subscribe(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscribers_.emplace(++next_subscription_, std::move(wake));
  return next_subscription_;
}

void EventHub::unsubscribe(std::uint64_t subscription) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscribers_.erase(subscription);
}

void EventHub::beat() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++beats_;
  }
  wake_subscribers();
}

std::uint64_t EventHub::beats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return beats_;
}

// A wake function may take locks of its own (the server's), so none of the
// hub's is held while it runs.
void EventHub::wake_subscribers() {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, wake] : subscribers_) wakes.push_back(wake);
  }
  for (const auto& wake : wakes) wake();
}

}  // namespace microtrack::collector
