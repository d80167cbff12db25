#pragma once
// GET /api/stream[?backlog=N]: stored events as Server-Sent Events, one
// `event: event` message per event (Last-Event-ID resumes from the hub's
// ring). A stream holds no thread: the server parks it between messages and
// the hub wakes it; a heartbeat every `ping_interval` sends a comment that
// keeps proxies from closing an idle stream and shows a vanished client.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "routes.hpp"

namespace microtrack::collector {

class LiveStreams {
 public:
  // Up to `max_streams` open at once; more get 503.
  LiveStreams(Store& store, EventHub& hub, std::size_t max_streams,
              std::chrono::milliseconds ping_interval = std::chrono::seconds(10));
  ~LiveStreams();  // stops the heartbeat
  LiveStreams(const LiveStreams&) = delete;
  LiveStreams& operator=(const LiveStreams&) = delete;

  void add_routes(http::Router& router);

 private:
  void open(const http::Request& req, http::Response& res);

  Store& store_;
  EventHub& hub_;
  const std::size_t max_streams_;
  std::mutex mutex_;
  std::condition_variable stopping_;
  bool stop_ = false;
  std::thread heartbeat_;
};

}  // namespace microtrack::collector
