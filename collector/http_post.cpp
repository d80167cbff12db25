#include "http_post.hpp"

#include <chrono>

#include <httplib.h>

#include "flows.hpp"  // split_url

namespace microtrack::collector {

double retry_after_ms(std::string_view value) {
  if (value.empty() || value.size() > 6 || value.find_first_not_of("0123456789") != std::string_view::npos) return 0;
  double seconds = 0;
  for (const char digit : value) seconds = seconds * 10 + (digit - '0');
  return seconds * 1000;
}

PostResult post_json(const std::string& url, const std::string& body, const http::Headers& headers,
                     int timeout_ms) {
  PostResult result;
  const auto target = split_url(url);
  if (!target) {
    result.problem = "bad URL";
    return result;
  }
  httplib::Client client(target->first);
  // The chrono overloads keep the milliseconds (a seconds-only call dropped them).
  const std::chrono::milliseconds timeout(timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  const httplib::Headers sent(headers.begin(), headers.end());
  const auto res = client.Post(target->second.c_str(), sent, body, "application/json");
  if (!res) {
    result.problem = "no answer: " + httplib::to_string(res.error());
    return result;
  }
  result.status = res->status;
  if (result.status < 200 || result.status >= 300) result.problem = "HTTP " + std::to_string(result.status);
  result.retry_after_ms = retry_after_ms(res->get_header_value("Retry-After"));
  return result;
}

}  // namespace microtrack::collector
