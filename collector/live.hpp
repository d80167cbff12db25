#pragma once
// The live event stream behind GET /api/stream (Server-Sent Events): stored
// events are published here, each with a sequence number, and kept in a ring
// so a reconnecting dashboard (Last-Event-ID) misses nothing recent.
// Only while someone listens (and for `linger` after the last one left, so
// a reconnect finds what it missed): with no dashboard open, ingestion pays
// nothing for the stream. A new stream's backlog comes from the database.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace microtrack::collector {

// A stored row (Store::query) as the stream shows an event: the event as
// received plus what the server added (id, receivedAt, correctedTimestamp).
nlohmann::json live_event_of_row(const nlohmann::json& row);

struct LiveEvent {
  std::uint64_t seq = 0;  // 1, 2, 3, ... in publish order
  nlohmann::json data;    // the event; serialised by each stream (cheaper at ingest)
};

class EventHub {
 public:
  explicit EventHub(std::size_t ring_size = 500, std::chrono::milliseconds linger = std::chrono::seconds(60))
      : ring_size_(ring_size), linger_(linger) {}

  // Whether publish() would keep anything: a stream is open or left lately.
  bool wanted() const;

  // Appends events and wakes the waiting streams (nothing when !wanted()).
  void publish(std::vector<nlohmann::json> data);

  // Events with seq > `after`, at most `max` of the newest; waits up to
  // `timeout_ms` for one when there is none. Empty on timeout or once closed.
  std::vector<LiveEvent> wait_after(std::uint64_t after, int timeout_ms, std::size_t max = 500);

  // The newest seq so far (0 before any).
  std::uint64_t last_seq() const;

  // Ends every stream: waiters return at once, now and later.
  void close();
  bool closed() const;

  // Streams currently open, to cap them.
  bool try_join(std::size_t max_streams);
  void leave();

  // For streams that do not wait in wait_after (the server parks them):
  // `wake` is called, outside the hub's lock, after each publish(), beat()
  // and close() until unsubscribed.
  std::uint64_t subscribe(std::function<void()> wake);
  void unsubscribe(std::uint64_t subscription);
  // A heartbeat: counts up and wakes the subscribers, so each stream can
  // send a keep-alive comment (and find out its client left).
  void beat();
  std::uint64_t beats() const;

 private:
  bool wanted_locked() const;

  const std::size_t ring_size_;
  const std::chrono::milliseconds linger_;
  std::chrono::steady_clock::time_point last_left_{};
  bool someone_left_ = false;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<LiveEvent> ring_;
  std::uint64_t last_seq_ = 0;
  bool closed_ = false;
  std::size_t streams_ = 0;
  std::map<std::uint64_t, std::function<void()>> subscribers_;
  std::uint64_t next_subscription_ = 0;
  std::uint64_t beats_ = 0;

  void wake_subscribers();
};

}  // namespace microtrack::collector
