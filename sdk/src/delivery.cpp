#include "microtrack/delivery.hpp"

#include <algorithm>

#include "microtrack/json.hpp"
#include "microtrack/retry.hpp"
#include "microtrack/time.hpp"

namespace microtrack {

Delivery::Delivery(const Config& config) : config_(config) {}

namespace {
constexpr double kLeaving = -1;  // the batch_id that marks an event being removed
}  // namespace

void Delivery::leave(QueuedEvent& event) {
  event.batch_id = kLeaving;
  bytes_ -= event.json.size();
  // The events in the queue are objects the core wrote (or validated when it
  // restored them), with one messageId near the start: read up to it only.
  // (parse() + find() walked all of every leaving event: most of a send
  // result's time in the browser, bench/RESULTS.md.)
  for (JsonView::Cursor member = JsonView::of_valid(event.json).children(); member.next();)
    if (member.key_is("messageId")) {
      removed_ids_.push_back(member.value().raw());
      break;
    }
}

void Delivery::erase_leaving() {
  // std::remove_if + erase() by hand: the same moves, less wasm.
  std::size_t kept = 0;
  for (QueuedEvent& event : events_)
    if (event.batch_id != kLeaving) {
      if (&event != &events_[kept]) events_[kept] = std::move(event);
      ++kept;
    }
  while (events_.size() > kept) events_.pop_back();
}

std::size_t Delivery::drop_oldest_waiting(double now_ms) {
  // Events are in arrival order, so the oldest (and the expired) come first.
  std::size_t dropped = 0;
  for (QueuedEvent& event : events_) {
    bool over = waiting_ > config_.max_queue_size || bytes_ > kMaxQueueBytes ||
                event.queued_at_ms < now_ms - kMaxEventAgeMs;
    if (!over) break;
    if (event.batch_id != 0) continue;
    leave(event);
    --waiting_;
    ++dropped;
  }
  if (dropped) erase_leaving();
  dropped_total_ += dropped;
  return dropped;
}

std::size_t Delivery::enqueue(String event_json, double now_ms) {
  bytes_ += event_json.size();
  events_.push_back({now_ms, std::move(event_json), 0});
  ++waiting_;
  return drop_oldest_waiting(now_ms);
}

const QueuedEvent* Delivery::first_waiting() const {
  for (const auto& event : events_)
    if (event.batch_id == 0) return &event;
  return nullptr;
}

Batch Delivery::next_batch(double now_ms, SendTrigger trigger) {
  drop_oldest_waiting(now_ms);  // the age bound
  Batch batch;  // every return is this one (one empty Batch, not one per return)
  const bool unload = trigger == SendTrigger::Unload;
  if (unload) {
    if (attempt_) return batch;
    // The JS sends bodies under the beacon limit with fetch keepalive.
    if (auto_batch_bytes_ < kMaxBeaconBodyBytes) keepalive_at_unload_id_ = auto_batch_id_;
  } else if (trigger == SendTrigger::Flush) {
    if (auto_batch_id_) return batch;
  } else {
    double wake = next_wake_ms();
    if (wake < 0 || wake > now_ms) return batch;
  }
  if (!waiting_) return batch;

  batch.id = next_batch_id_++;
  String tail = "],\"sentAt\":";
  append_json_string(tail, iso8601_utc(now_ms));
  if (!config_.write_key.empty()) {
    tail += ",\"writeKey\":";
    append_json_string(tail, config_.write_key);
  }
  tail += '}';

  const double max_events = split_limit_ ? split_limit_ : config_.batch_size;
  const std::size_t max_body_bytes = unload ? kMaxBeaconBodyBytes : kMaxBodyBytes;
  String& body = batch.body;
  body = "{\"batch\":[";
  std::size_t count = 0;
  for (auto& event : events_) {
    if (event.batch_id != 0) continue;
    // Each event is at most kMaxEventBytes, so the first one always fits.
    if (count == max_events || (count && body.size() + 1 + event.json.size() + tail.size() >= max_body_bytes))
      break;
    if (count++) body += ',';
    body += event.json;
    event.batch_id = batch.id;
  }
  body += tail;
  waiting_ -= count;
  batch.event_count = static_cast<int>(count);
  if (!unload) {
    auto_batch_id_ = batch.id;
    auto_batch_bytes_ = body.size();
  }
  return batch;
}

Delivery::ResultAction Delivery::on_send_result(double batch_id, int status, double retry_after_ms,
                                                double now_ms, double jitter01) {
  if (batch_id == auto_batch_id_) auto_batch_id_ = 0;
  if (batch_id == keepalive_at_unload_id_) keepalive_at_unload_id_ = 0;
  std::size_t count = 0;
  for (const QueuedEvent& event : events_) count += event.batch_id == batch_id;
  if (!count || batch_id == 0) return ResultAction::Unknown;
  SendOutcome outcome = classify_status(status);
  // A single event the collector finds too large: nothing left to split.
  if (outcome == SendOutcome::Split && count == 1) outcome = SendOutcome::Drop;
  // The batch ends: its events are removed (delivered, dropped) or wait again.
  const bool remove = outcome != SendOutcome::Retry && outcome != SendOutcome::Split;
  for (QueuedEvent& event : events_)
    if (event.batch_id == batch_id) {
      if (remove) {
        leave(event);
      } else {
        event.batch_id = 0;
        ++waiting_;
      }
    }
  if (remove) erase_leaving();

  switch (outcome) {
    case SendOutcome::Delivered:
      attempt_ = 0;
      retry_at_ms_ = -1;
      if (split_limit_ && count >= split_limit_) split_limit_ = 0;  // fits again: back to normal
      return ResultAction::Delivered;
    case SendOutcome::Retry:
      retry_at_ms_ = now_ms + retry_delay_ms(attempt_++, jitter01, retry_after_ms);
      drop_oldest_waiting(now_ms);
      return ResultAction::WillRetry;
    case SendOutcome::Split:
      split_limit_ = count / 2;
      return ResultAction::Split;
    case SendOutcome::Drop:
      break;
  }
  dropped_total_ += count;
  return ResultAction::Dropped;
}

double Delivery::next_wake_ms() const {
  const QueuedEvent* oldest = first_waiting();
  if (!oldest || auto_batch_id_) return -1;  // a result in flight reschedules
  double due = oldest->queued_at_ms + (waiting_ >= config_.batch_size ? 0 : config_.flush_interval_ms);
  return due > retry_at_ms_ ? due : retry_at_ms_;
}

void Delivery::restore(JsonView queue, double now_ms, StringListView skip_ids) {
  // The age bound by the events' timestamps: ISO-8601 UTC text in one
  // format sorts as time does, so no date parsing is needed.
  const String oldest = iso8601_utc(now_ms - kMaxEventAgeMs);
  // The restored events, then those queued here (older ones go first).
  Vector<QueuedEvent> events;
  for (auto item = queue.children(); item.next();) {
    JsonView event = item.value();
    std::string_view id = event.find("messageId").raw();
    if (!event.is_object() || (!id.empty() && skip_ids.contains(id))) continue;
    String timestamp = event.find("timestamp").as_string();
    if (!timestamp.empty() && timestamp < oldest) {
      ++dropped_total_;
      continue;
    }
    // Due at once: they have waited at least a page load already.
    bytes_ += event.raw().size();
    ++waiting_;
    events.push_back({now_ms - config_.flush_interval_ms, String(event.raw()), 0});
  }
  for (QueuedEvent& event : events_) events.push_back(std::move(event));
  events_.swap(events);
  drop_oldest_waiting(now_ms);
}

void Delivery::clear() {
  events_.clear();
  bytes_ = 0;
  waiting_ = 0;
  auto_batch_id_ = 0;
  keepalive_at_unload_id_ = 0;
  attempt_ = 0;
  retry_at_ms_ = -1;
}

}  // namespace microtrack
