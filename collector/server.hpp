#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admin_auth.hpp"
#include "client_address.hpp"
#include "flows.hpp"
#include "forward.hpp"
#include "http.hpp"
#include "http_server.hpp"
#include "live.hpp"
#include "rate_limit.hpp"
#include "retention.hpp"
#include "router.hpp"
#include "store.hpp"
#include "validate.hpp"

namespace microtrack::collector {

class LiveStreams;  // routes_stream.hpp

struct ServerOptions {
  // Largest request body in bytes, before and after gzip decompression.
  std::size_t max_body_bytes = 1024 * 1024;
  // Origins allowed by CORS, e.g. "https://shop.example"; empty or "*" = all.
  std::vector<std::string> cors_origins;
  // Accepted writeKeys; empty = no check. A request names its key as the
  // body's "writeKey", as the user of HTTP Basic auth (Segment's and
  // RudderStack's way), or as ?writeKey=. Without an accepted one: 401.
  std::vector<std::string> write_keys;
  // Static folders; an empty string mounts nothing.
  std::string site_dir;       // at /
  std::string dist_dir;       // at /dist/
  std::string dashboard_dir;  // at /dashboard/ (with a strict Content-Security-Policy)
  // HTTP polling threads (epoll). Connections, idle or not, and live
  // streams do not hold one; requests are handled on them.
  int threads = 4;
  // Connections open at once; past it a new one is closed at once.
  std::size_t max_connections = 20000;
  // Seconds a connection may stay silent (slow headers or body, idle
  // keep-alive) before it is closed.
  int timeout_s = 15;
  // Live streams (GET /api/stream) open at once; more get 503.
  std::size_t max_streams = 4;
  // The admin credential for the query API, the live stream and the
  // dashboard (admin_auth.hpp); without a token, loopback clients only.
  AdminOptions admin;
  // Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed
  // (--trusted-proxies); empty = none, the socket's peer is the client.
  TrustedProxies trusted_proxies;
  // Requests per client address on the ingest routes (429 + Retry-After).
  RateLimitOptions rate_limit;
  // Per-event limits on ingest (each over-limit event rejected alone).
  IngestLimits limits;
  // --retention-days: older events and webhook rows are deleted hourly.
  RetentionOptions retention;
  // Checks run before every route, in order (see http::Router::use): one
  // that answers (returns true) stops the request there.
  std::vector<http::Check> checks;
  // Webhook rules (--flows) and their retry policy.
  std::vector<FlowRule> flows;
  FlowOptions flow_options;
  // --forward: relay accepted batches upstream.
  std::optional<ForwardOptions> forward;
  // Server clock, Unix epoch ms, for receivedAt. Null = the system clock.
  std::function<double()> now_ms;
  // One line per request ("POST /v1/batch 200 61B 0.4ms") and per flow or
  // forward attempt. Null = silent.
  std::function<void(const std::string& line)> log;
  bool log_requests = true;  // false: only flow and forward lines
};

// The collector service: the routes below (routes_*.cpp, cors.cpp,
// static_files.cpp) on its own http::Server, the live event hub, the flow
// worker and the forwarder.
//
//   POST /v1/batch                       {"batch":[event...], "sentAt"?, "writeKey"?}
//   POST /v1/track | /v1/page | /v1/identify   one event; type from the route
//   POST /v1/b | /v1/t | /v1/p | /v1/i   the same, as Segment's analytics.js names them
//        -> 200 {"accepted":N,"duplicates":D,"rejected":[{"index":i,"error":"…"}]}
//           accepted + duplicates + rejected = events sent;
//           400 {"error"} for a body that is not JSON or has no batch array,
//           401 without an accepted writeKey (when keys are configured),
//           413 {"error"} over max_body_bytes, 500 {"error"} on a database error
//   GET  /api/events?event=&type=&limit=&order=desc -> {"events":[row...]} (see Store::query)
//   GET  /api/totals?from=&to=           -> Store::totals
//   GET  /api/funnel?step=page:path=/&step=scroll_depth:percent=50[&window_ms=1800000]
//                   [&from=&to=][&by=source|medium|name|campaign]
//                                        -> funnel_report (+ "groups": funnel_by_campaign)
//   GET  /api/stream[?backlog=N]         -> Server-Sent Events, one `event: event` per
//                                           stored event (Last-Event-ID resumes)
//   GET  /api/flows                      -> {"flows":[rule...], "deliveries":[log row...]}
//   GET  /api/health                     -> {"ok":true, "forward"?:{counters}} (public: a liveness probe)
//   DELETE /api/visitors?anonymousId=|userId=        -> {"erased":{"events","deliveries"}}
//   GET  /api/visitors/export?anonymousId=|userId=   -> {"visitor":{…},"events":[row...]}
//   GET  /dashboard/login, POST /dashboard/login (form: token), POST /dashboard/logout
//   OPTIONS *                            -> CORS preflight (204)
// plus static mounts, CORS headers and JSON error bodies on every response.
// Every /api/ route but health, and the dashboard but its login page, need
// the admin credential (AdminGate); the ingest routes are rate limited per
// client address (RateLimiter) and check IngestLimits per event.
class Collector {
 public:
  // `store` must outlive the collector.
  Collector(Store& store, ServerOptions options);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Adds a check run before every route (after those in options.checks);
  // call before start().
  void use(http::Check check) { router_.use(std::move(check)); }

  // Binds host:port (0 = any free port) and serves on the polling threads,
  // returning at once. Returns the port, or 0 with `error` set (e.g. the
  // port is taken: a second collector cannot share one).
  int start(const std::string& host, int port, std::string& error);
  // One line per problem that the service runs without: a static folder
  // that does not exist, a spool folder that cannot be made.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Graceful stop, from any thread (not a handler): live streams end, no new
  // connections are accepted, and it returns once the requests in flight are
  // answered. A batch is committed before it is answered, so every batch
  // answered 200 is stored.
  void stop();
  // After stop(): stops the flow worker and the forwarder (their queues are
  // on disk and resume on the next start) and stops watching the store for
  // other collectors' events. Also done by the destructor.
  void finish();

  // Connections open now.
  std::size_t open_connections() const { return server_ ? server_->open_connections() : 0; }

  const AdminGate& admin() const { return *admin_; }
  // A retention sweep now, if one is due by the clock (the worker's thread
  // does the same every hour). Nothing when none was due or retention is off.
  std::optional<Erased> sweep_retention(std::string& error);

 private:
  Store& store_;
  std::atomic<bool> watching_{true};  // store_.watch() set, until finish()
  ServerOptions opts_;
  EventHub hub_;
  std::unique_ptr<FlowRunner> flows_;
  std::unique_ptr<Forwarder> forwarder_;
  std::unique_ptr<LiveStreams> streams_;
  std::unique_ptr<AdminGate> admin_;
  std::unique_ptr<RateLimiter> rate_limiter_;
  std::unique_ptr<RetentionWorker> retention_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::string> warnings_;
};

}  // namespace microtrack::collector
