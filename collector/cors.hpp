#pragma once
// CORS: which web pages may read the collector's answers. The SDK posts
// text/plain (no preflight), but Segment's and RudderStack's clients send
// JSON and Authorization, which browsers preflight.

#include <string>
#include <vector>

#include "http.hpp"

namespace microtrack::collector {

// The Access-Control-Allow-Origin value for a request's Origin, or "" to send
// none. An empty list or one holding "*" allows every origin: the origin is
// echoed (a page posting with credentials needs its own origin back, "*" is
// refused then), and "*" goes to requests without an Origin.
std::string allowed_origin(const std::vector<std::string>& allowed, const std::string& origin);

// Adds the CORS headers to any answer (errors included): Allow-Origin,
// Expose-Headers: Retry-After (the SDK honours it on 429/503) and Vary: Origin.
void add_cors_headers(const std::vector<std::string>& allowed, const http::Request& request, http::Response& response);

// OPTIONS on any path: 204 allowing GET/POST and the headers asked for.
void answer_preflight(const http::Request& request, http::Response& response);

}  // namespace microtrack::collector
