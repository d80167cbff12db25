#pragma once
// The collector's routes, one file per concern. Each adds its routes to the
// router; none knows the server library.
//   routes_ingest.cpp  POST /v1/batch, /v1/track|page|identify (+ /v1/b|t|p|i)
//   routes_query.cpp   GET /api/events, totals, funnel, flows, health
//   routes_stream.cpp  GET /api/stream (LiveStreams, routes_stream.hpp)
//   routes_privacy.cpp DELETE /api/visitors, GET /api/visitors/export
//   routes_admin.cpp   the admin gate, /dashboard/login and logout
//   cors.cpp, static_files.cpp: preflight and headers; the static folders

#include "flows.hpp"
#include "forward.hpp"
#include "live.hpp"
#include "router.hpp"
#include "server.hpp"
#include "store.hpp"

namespace microtrack::collector {

// What the routes work on; owned by the Collector, which outlives them.
struct Services {
  Store& store;
  EventHub& hub;
  const ServerOptions& options;  // now_ms is always set
  FlowRunner* flows = nullptr;      // null without flow rules
  Forwarder* forwarder = nullptr;  // null when not forwarding
};

void add_ingest_routes(http::Router& router, const Services& services);
void add_query_routes(http::Router& router, const Services& services);
// DELETE /api/visitors and GET /api/visitors/export (routes_privacy.cpp).
void add_privacy_routes(http::Router& router, const Services& services);
// GET/POST /dashboard/login, POST /dashboard/logout (routes_admin.cpp).
void add_admin_routes(http::Router& router, AdminGate& gate, const TrustedProxies& trusted);

// The admin gate before /api/* (but /api/health and CORS preflights) and
// /dashboard* (but its login page and what that loads) (routes_admin.cpp).
http::Check admin_check(AdminGate& gate);
// The per-client rate limit before the ingest routes (routes_ingest.cpp).
http::Check rate_limit_check(RateLimiter& limiter, const RateLimitOptions& options, std::function<double()> now_ms);

}  // namespace microtrack::collector
