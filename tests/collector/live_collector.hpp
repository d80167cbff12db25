#pragma once
// A collector serving on 127.0.0.1:<free port> with a fresh store (SQLite
// in memory, or PostgreSQL: see test_stores.hpp) and a fixed clock, for the
// lifetime of the object.

#include <memory>
#include <stdexcept>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "iso_time.hpp"
#include "server.hpp"
#include "store.hpp"
#include "test_stores.hpp"

namespace collector_test {

using nlohmann::json;
namespace mc = microtrack::collector;

// The server's clock in every test: receivedAt of every request.
inline const std::string kReceivedAt = "2026-11-27T10:00:15.000Z";

class LiveCollector {
 public:
  // port 0: any free port. `store_url`: a store to share with another
  // collector (see test_stores.hpp); by default a fresh one of its own.
  explicit LiveCollector(mc::ServerOptions options = {}, int port = 0, const std::string& store_url = "") {
    std::string error;
    store_ = store_url.empty() ? open_test_store() : mc::Store::open(store_url, error);
    if (!store_) throw std::runtime_error("store: " + error);
    if (!options.now_ms) options.now_ms = [] { return *mc::parse_iso8601_ms(kReceivedAt); };
    collector_ = std::make_unique<mc::Collector>(*store_, std::move(options));
    // The server runs on its own polling threads from here on.
    port_ = collector_->start("127.0.0.1", port, error);
    if (port_ <= 0) throw std::runtime_error("cannot start: " + error);
  }
  ~LiveCollector() {
    collector_->stop();
    collector_->finish();
  }
  LiveCollector(const LiveCollector&) = delete;
  LiveCollector& operator=(const LiveCollector&) = delete;

  httplib::Client client() const { return httplib::Client("127.0.0.1", port_); }
  const std::vector<std::string>& warnings() const { return collector_->warnings(); }
  mc::Store& store() { return *store_; }
  mc::Collector& collector() { return *collector_; }
  int port() const { return port_; }

  // POSTs JSON the way the SDK does: text/plain, so browsers skip the preflight.
  httplib::Result post(const std::string& path, const json& body) const {
    return client().Post(path.c_str(), body.dump(), "text/plain;charset=UTF-8");
  }
  httplib::Result get(const std::string& path) const { return client().Get(path.c_str()); }

  // GET /api/events<query>, returning the "events" array.
  json events(const std::string& query = "") const {
    const auto res = get("/api/events" + query);
    if (!res || res->status != 200) throw std::runtime_error("GET /api/events failed");
    return json::parse(res->body).at("events");
  }

 private:
  std::unique_ptr<mc::Store> store_;
  std::unique_ptr<mc::Collector> collector_;
  int port_ = 0;
};

// A valid track event as the SDK sends it.
inline json track_event(const std::string& message_id, const std::string& name = "hero_seen") {
  return {{"type", "track"},
          {"event", name},
          {"messageId", message_id},
          {"anonymousId", "anon-1"},
          {"userId", "u42"},
          {"timestamp", "2026-11-27T10:00:00.000Z"},
          {"properties", {{"variant", "b"}}},
          {"context",
           {{"library", {{"name", "microtrack"}, {"version", "0.1.0"}}},
            {"page", {{"path", "/"}, {"url", "https://shop.example/"}}},
            {"sessionId", "s-1"}}}};
}

inline json batch_of(json events, const std::string& sent_at = "2026-11-27T10:00:05.000Z") {
  return {{"batch", std::move(events)}, {"sentAt", sent_at}, {"writeKey", "wk"}};
}

}  // namespace collector_test
