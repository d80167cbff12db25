#pragma once
// The collector's routes, one file per concern. Each adds its routes to the
// router; none knows the server library.
//   routes_ingest.cpp  POST /v1/batch, /v1/track|page|identify (+ /v1/b|t|p|i)
//   routes_query.cpp   GET /api/events, totals, funnel, flows, health
//   routes_stream.cpp  GET /api/stream (LiveStreams, routes_stream.hpp)
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

}  // namespace microtrack::collector
