#pragma once
// The collector's one outgoing HTTP call: POST a JSON body (a flow's
// webhook, the forwarder's relay upstream), read the status and Retry-After.
// Failures are values, never exceptions.

#include <string>
#include <string_view>

#include "http.hpp"  // http::Headers

namespace microtrack::collector {

struct PostResult {
  int status = 0;             // the HTTP status; 0 when no answer came
  double retry_after_ms = 0;  // the answer's Retry-After (seconds) in ms; 0 when absent or not seconds
  std::string problem;        // "" for a 2xx; else "HTTP 503", "no answer: Read", "bad URL"
  bool ok() const { return problem.empty(); }
};

// POSTs `body` as application/json to an http:// or https:// `url` with
// `headers`. `timeout_ms` bounds connecting, and each read and each write.
PostResult post_json(const std::string& url, const std::string& body, const http::Headers& headers,
                     int timeout_ms);

// A Retry-After value in delay-seconds ("120") as ms; 0 for anything else
// (an HTTP date, garbage, or more than 999,999 s).
double retry_after_ms(std::string_view value);

}  // namespace microtrack::collector
