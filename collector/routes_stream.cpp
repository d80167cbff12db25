#include "routes_stream.hpp"

#include <string>

#include "params.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

// One Server-Sent Events message.
std::string sse_message(const LiveEvent& event) {
  return "id: " + std::to_string(event.seq) + "\nevent: event\ndata: " +
         event.data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

// A stored row (Store::query) as a stream message: the event as received
// plus what the server added, like a live one, but without an id.
std::string sse_backlog_message(const json& row) {
  return "event: event\ndata: " + live_event_of_row(row).dump(-1, ' ', false, json::error_handler_t::replace) +
         "\n\n";
}

// The newest `count` stored events, oldest first, as the stream shows them
// (they are not in the hub's ring: it fills only while someone listens).
std::string backlog_messages(Store& store, long long count) {
  if (count <= 0) return "";
  EventQuery newest;
  newest.limit = static_cast<int>(count);
  newest.newest_first = true;
  std::string error, out;
  const auto rows = store.query(newest, error);
  if (rows)
    for (auto row = rows->rbegin(); row != rows->rend(); ++row) out += sse_backlog_message(*row);
  return out;
}

// One open stream: what the hub publishes after `position`, read whenever
// the server asks (never blocking), and a comment on each heartbeat that
// found nothing to send.
class LiveStream : public http::BodyStream {
 public:
  LiveStream(EventHub& hub, std::uint64_t position, std::string greeting)
      : hub_(hub), position_(position), seen_beats_(hub.beats()), out_(std::move(greeting)) {}
  ~LiveStream() override {
    if (subscription_) hub_.unsubscribe(subscription_);
    hub_.leave();
  }

  void start(std::function<void()> wake) override { subscription_ = hub_.subscribe(std::move(wake)); }

  Status read(std::string& out) override {
    if (!out_.empty()) {
      out.swap(out_);  // the greeting and backlog
      return Status::more;
    }
    if (hub_.closed()) return Status::end;
    for (const LiveEvent& event : hub_.wait_after(position_, 0)) {
      out += sse_message(event);
      position_ = event.seq;
    }
    const std::uint64_t beats = hub_.beats();
    if (out.empty() && beats != seen_beats_) out = ": ping\n\n";
    seen_beats_ = beats;
    return out.empty() ? Status::wait : Status::more;
  }

 private:
  EventHub& hub_;
  std::uint64_t position_;
  std::uint64_t seen_beats_;
  std::string out_;
  std::uint64_t subscription_ = 0;
};

}  // namespace

LiveStreams::LiveStreams(Store& store, EventHub& hub, std::size_t max_streams, std::chrono::milliseconds ping_interval)
    : store_(store), hub_(hub), max_streams_(max_streams) {
  heartbeat_ = std::thread([this, ping_interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_.wait_for(lock, ping_interval, [this] { return stop_; })) {
      lock.unlock();
      hub_.beat();
      lock.lock();
    }
  });
}

LiveStreams::~LiveStreams() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  stopping_.notify_all();
  heartbeat_.join();
}

void LiveStreams::add_routes(http::Router& router) {
  router.add("GET", "/api/stream", [this](const http::Request& req, http::Response& res) { open(req, res); });
}

void LiveStreams::open(const http::Request& req, http::Response& res) {
  if (!hub_.try_join(max_streams_))
    return res.set_error(503, "too many live streams (at most " + std::to_string(max_streams_) + ")");
  std::uint64_t after = hub_.last_seq();
  std::string replay;
  // A reconnect (Last-Event-ID) resumes from the ring; a new stream may
  // start with the newest stored events.
  const std::string last_id = req.header("Last-Event-ID");
  if (!last_id.empty() && last_id.find_first_not_of("0123456789") == std::string::npos && last_id.size() < 19) {
    after = std::min<std::uint64_t>(std::stoull(last_id), after);
  } else {
    long long backlog = 0;
    if (!read_int_param(req, res, "backlog", 0, 500, backlog)) {
      hub_.leave();
      return;
    }
    replay = backlog_messages(store_, backlog);
  }
  res.set_header("Content-Type", "text/event-stream");
  res.set_header("Cache-Control", "no-cache");
  res.stream = std::make_shared<LiveStream>(hub_, after, "retry: 2000\n: microtrack live stream\n\n" + replay);
}

}  // namespace microtrack::collector
