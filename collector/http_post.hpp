#pragma once
// The collector's one outgoing HTTP call: POST a body (a flow's webhook and
// the forwarder's relay upstream send JSON; the ClickHouse store sends SQL
// and rows and reads rows back), read the status, Retry-After and the answer.
// Failures are values, never exceptions.

#include <functional>
#include <string>
#include <string_view>

#include "http.hpp"  // http::Headers

namespace microtrack::collector {

struct PostResult {
  int status = 0;             // the HTTP status; 0 when no answer came
  double retry_after_ms = 0;  // the answer's Retry-After (seconds) in ms; 0 when absent or not seconds
  std::string problem;        // "" for a 2xx; else "HTTP 503", "no answer: Read", "bad URL"
  std::string body;           // the answer's body (up to kMaxKeptBody), unless a 2xx one went to `on_body`
  bool ok() const { return problem.empty(); }
};

// What post() sends.
struct PostRequest {
  std::string url;        // http:// or https://, with path and query
  std::string_view body;  // must outlive the call
  http::Headers headers;
  std::string content_type = "application/json";
  int timeout_ms = 10'000;  // bounds connecting, and each read and each write
};

// The most of an answer's body PostResult::body keeps; the rest is dropped.
constexpr std::size_t kMaxKeptBody = 1 << 20;

// POSTs `request`. A 2xx answer's body goes to `on_body` piece by piece as
// it arrives, when given (return false to stop reading: the result is then
// "no answer: Canceled"); any other body is kept in PostResult::body.
PostResult post(const PostRequest& request, const std::function<bool(std::string_view piece)>& on_body = nullptr);

// post() of `body` as application/json to an http:// or https:// `url` with
// `headers`. `timeout_ms` bounds connecting, and each read and each write.
PostResult post_json(const std::string& url, const std::string& body, const http::Headers& headers,
                     int timeout_ms);

// A Retry-After value in delay-seconds ("120") as ms; 0 for anything else
// (an HTTP date, garbage, or more than 999,999 s).
double retry_after_ms(std::string_view value);

}  // namespace microtrack::collector
