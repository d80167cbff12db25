// The local event queue and the batching rules (CONTRACT §4 limits, §5):
// when to send, what a request holds, what happens after each result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include "microtrack/vector.hpp"

#include "microtrack/config.hpp"
#include "microtrack/json.hpp"
#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

constexpr std::size_t kMaxEventBytes = 32 * 1024;        // larger events are dropped
constexpr std::size_t kMaxBodyBytes = 500 * 1000;        // a fetch request body stays under
constexpr std::size_t kMaxBeaconBodyBytes = 64 * 1000;   // a sendBeacon body stays under
// Bounds of the unsent queue besides maxQueueSize: its serialized size (what
// localStorage must hold) and the age of an event (from its timestamp).
// 3 MB: a burst of 1,000 events of 1 KB still fits (1 MB did not), and the
// stored queue stays well under the 5 M characters of localStorage that
// browsers give an origin; a failed write falls back to memory anyway.
constexpr std::size_t kMaxQueueBytes = 3000 * 1000;
constexpr double kMaxEventAgeMs = 7 * 24 * 3600 * 1000.0;

// A request for the JS transport to send. `id` 0 means "nothing to send".
struct Batch {
  double id = 0;          // a double so that it crosses into JS as a Number
  String body;            // the §4 JSON body
  int event_count = 0;
};

enum class SendTrigger {
  Auto,    // a timer fired or an event was queued: send only if the rules say so
  Flush,   // flush(): send what waits now, ignoring backoff
  Unload,  // page hidden/unloading: beacon-sized batches of all that is not in flight;
           // nothing while the collector is failing (a beacon cannot report a
           // failure, so the events stay stored for the next page instead)
};

struct QueuedEvent {
  double queued_at_ms = 0;
  String json;          // the serialized event
  double batch_id = 0;  // the batch it is in flight in, 0 = waiting (-1: being removed)
};

class Delivery {
 public:
  explicit Delivery(const Config& config);

  // Queues a serialized event. Beyond max_queue_size or kMaxQueueBytes the
  // oldest waiting events are dropped, as are events older than
  // kMaxEventAgeMs; returns how many were dropped by this call.
  std::size_t enqueue(String event_json, double now_ms);

  // The next batch to send at `now_ms` under `trigger`, or an empty Batch.
  // The events it holds are "in flight" until on_send_result reports back.
  // At most one Auto/Flush batch is in flight at a time; Unload batches
  // may be taken while one is in flight, from the events not in flight.
  Batch next_batch(double now_ms, SendTrigger trigger);

  enum class ResultAction { Delivered, WillRetry, Split, Dropped, Unknown };
  // Reports a send result: `status` is the HTTP status or 0 for a network
  // error/timeout; `retry_after_ms` < 0 when the collector sent none.
  ResultAction on_send_result(double batch_id, int status, double retry_after_ms, double now_ms,
                              double jitter01);

  // When the JS should next call next_batch(Auto): an absolute time in ms
  // (may be <= now for "at once"), or -1 when nothing waits or an Auto batch
  // is in flight (its result is the next thing to wait for).
  double next_wake_ms() const;

  std::size_t queued() const { return waiting_; }
  std::size_t in_flight() const { return events_.size() - waiting_; }
  std::size_t dropped_total() const { return dropped_total_; }

  // Every unsent event, in flight or not, in arrival order. (A beacon the
  // browser accepted is reported as 202, so its events are delivered and gone.)
  const Vector<QueuedEvent>& unsent() const { return events_; }
  // Whether a reload must still deliver this unsent event: all of them but
  // the Auto batch that was in flight, as a keepalive fetch, when the page was
  // unloaded while the collector was answering. The browser finishes that
  // request after the page is gone, just as it does a beacon; storing it too
  // would make the next page send it a second time. If the page lives on and
  // the request fails, its events wait again and are stored again.
  bool must_survive_reload(const QueuedEvent& event) const {
    return event.batch_id == 0 || event.batch_id != keepalive_at_unload_id_;
  }
  // Puts the events of a stored queue (a JSON array of serialized events)
  // back before anything queued since, due at once. Skips the items that are
  // not objects and the events whose messageId `skip_ids` lists (as
  // removed_ids() does); drops those whose "timestamp" is older than
  // kMaxEventAgeMs.
  void restore(JsonView queue, double now_ms, StringListView skip_ids = {});
  // Forgets everything queued and in flight (consent withdrawn).
  void clear();

  // The messageIds (each as its JSON string, quotes included) of the events
  // that left the queue, delivered or dropped, since forget_removed(): what
  // a copy of the queue stored at that moment must skip when it is read back.
  const StringList& removed_ids() const { return removed_ids_; }
  void forget_removed() { removed_ids_.clear(); }
  std::size_t bytes() const { return bytes_; }

 private:
  const QueuedEvent* first_waiting() const;
  std::size_t drop_oldest_waiting(double now_ms);
  // Removing events takes two steps, so that a long queue is compacted once
  // and not once per event: leave() marks an event, erase_leaving() erases
  // every marked one.
  void leave(QueuedEvent& event);
  void erase_leaving();

  const Config& config_;
  // Every unsent event in arrival order, waiting or in flight: a retried
  // batch keeps its place without any re-sorting.
  Vector<QueuedEvent> events_;
  std::size_t waiting_ = 0;
  std::size_t bytes_ = 0;  // of every event in events_
  StringList removed_ids_;
  double next_batch_id_ = 1;
  std::size_t dropped_total_ = 0;
  std::size_t split_limit_ = 0;   // after a 413: events per request at most (0 = batch_size)
  int attempt_ = 0;               // consecutive failed attempts
  double retry_at_ms_ = -1;       // no Auto send before this
  double auto_batch_id_ = 0;     // the Auto/Flush batch in flight, 0 = none
  std::size_t auto_batch_bytes_ = 0;
  double keepalive_at_unload_id_ = 0;  // see must_survive_reload
};

}  // namespace microtrack
