#pragma once
// LISTEN on PostgreSQL channels, on a connection and a thread of its own:
// each notification's channel and payload go to `on_payload`, on that
// thread. Once constructed (and connected) it hears every later commit's
// NOTIFY. When the link breaks it reconnects (after 0.1 s, 0.2 s, ... at most
// 5 s between tries); NOTIFY is fire and forget, so what was notified
// meanwhile is lost: `on_reconnect` is then called (on that thread, once
// LISTEN runs again) for the owner to look up what it may have missed.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pg_connection.hpp"

namespace microtrack::collector {

class PgListener {
 public:
  using OnPayload = std::function<void(const std::string& channel, const std::string& payload)>;
  PgListener(std::string url, std::vector<std::string> channels, OnPayload on_payload,
             std::function<void()> on_reconnect);
  // Stops at once (a pipe wakes the thread), after a payload in hand is handled.
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

 private:
  std::unique_ptr<PgConnection> connect_and_listen();  // null when it cannot
  void run(std::shared_ptr<PgConnection> conn);
  void listen_on(PgConnection& conn);
  // Waits for `fd` to be readable (-1: for nothing) up to `timeout_ms` (-1:
  // forever); false once stopping.
  bool wait_for(int fd, int timeout_ms);

  const std::string url_;
  const std::vector<std::string> channels_;
  const OnPayload on_payload_;
  const std::function<void()> on_reconnect_;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace microtrack::collector
