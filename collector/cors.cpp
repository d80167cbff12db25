#include "cors.hpp"

#include <algorithm>

namespace microtrack::collector {

std::string allowed_origin(const std::vector<std::string>& allowed, const std::string& origin) {
  const bool every_origin = allowed.empty() || std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
  if (every_origin) return origin.empty() ? "*" : origin;
  return std::find(allowed.begin(), allowed.end(), origin) != allowed.end() ? origin : "";
}

void add_cors_headers(const std::vector<std::string>& allowed, const http::Request& request, http::Response& response) {
  const std::string origin = allowed_origin(allowed, request.header("Origin"));
  if (origin.empty()) return;
  response.set_header("Access-Control-Allow-Origin", origin);
  response.set_header("Access-Control-Expose-Headers", "Retry-After, Microtrack-Compression");
  if (origin != "*") response.set_header("Vary", "Origin");  // the answer depends on the Origin
}

void answer_preflight(const http::Request& request, http::Response& response) {
  response.status = 204;
  response.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  const std::string asked = request.header("Access-Control-Request-Headers");
  response.set_header("Access-Control-Allow-Headers",
                      asked.empty() ? "Content-Type, Content-Encoding, Authorization, AnonymousId" : asked);
  response.set_header("Access-Control-Max-Age", "86400");
}

}  // namespace microtrack::collector
