#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <httplib.h>

#include "store.hpp"

namespace microtrack::collector {

struct ServerOptions {
  // Largest request body in bytes, before and after gzip decompression.
  std::size_t max_body_bytes = 1024 * 1024;
  // Origins allowed by CORS, e.g. "https://shop.example"; empty = all.
  std::vector<std::string> cors_origins;
  // Static folders; an empty string mounts nothing.
  std::string site_dir;       // at /
  std::string dist_dir;       // at /dist/
  std::string dashboard_dir;  // at /dashboard/
  // Server clock, Unix epoch ms, for receivedAt. Null = the system clock.
  std::function<double()> now_ms;
  // One line per request ("POST /v1/batch 200 61B 0.4ms"). Null = silent.
  std::function<void(const std::string& line)> log;
};

// Registers on `svr`:
//   POST /v1/batch                       {"batch":[event...], "sentAt"?}
//   POST /v1/track | /v1/page | /v1/identify   one event; type from the route
//        -> 200 {"accepted":N,"duplicates":D,"rejected":[{"index":i,"error":"…"}]}
//           accepted + duplicates + rejected = events sent;
//           400 {"error"} for a body that is not JSON or has no batch array,
//           413 {"error"} over max_body_bytes, 500 {"error"} on a database error
//   GET  /api/events?event=&type=&limit= -> {"events":[row...]} (see Store::query)
//   GET  /api/health                     -> {"ok":true}
//   OPTIONS *                            -> CORS preflight (204)
// plus static mounts, CORS headers and JSON error bodies on every response.
// `store` must outlive the server. Returns one warning per static folder that
// does not exist (the server runs without it).
std::vector<std::string> configure_server(httplib::Server& svr, Store& store, ServerOptions options);

}  // namespace microtrack::collector
