#include "http_post.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <httplib.h>

#include "flows.hpp"  // split_url

namespace microtrack::collector {

double retry_after_ms(std::string_view value) {
  if (value.empty() || value.size() > 6 || value.find_first_not_of("0123456789") != std::string_view::npos) return 0;
  double seconds = 0;
  for (const char digit : value) seconds = seconds * 10 + (digit - '0');
  return seconds * 1000;
}

PostResult post(const PostRequest& request, const std::function<bool(std::string_view piece)>& on_body) {
  PostResult result;
  const auto target = split_url(request.url);
  if (!target) {
    result.problem = "bad URL";
    return result;
  }
  httplib::Client client(target->first);
  // The chrono overloads keep the milliseconds (a seconds-only call dropped them).
  const std::chrono::milliseconds timeout(request.timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Request req;
  req.method = "POST";
  req.path = target->second;
  req.headers = httplib::Headers(request.headers.begin(), request.headers.end());
  req.headers.emplace("Content-Type", request.content_type);
  req.body.assign(request.body.data(), request.body.size());
  // The status comes before the body: a 2xx body streams to on_body, any
  // other is kept to say why.
  bool streaming = false;
  req.response_handler = [&](const httplib::Response& res) {
    streaming = on_body && res.status >= 200 && res.status < 300;
    return true;
  };
  req.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
    if (streaming) return on_body(std::string_view(data, size));
    result.body.append(data, std::min(size, kMaxKeptBody - std::min(kMaxKeptBody, result.body.size())));
    return true;
  };
  const auto res = client.send(req);
  if (!res) {
    result.problem = "no answer: " + httplib::to_string(res.error());
    return result;
  }
  result.status = res->status;
  if (result.status < 200 || result.status >= 300) result.problem = "HTTP " + std::to_string(result.status);
  result.retry_after_ms = retry_after_ms(res->get_header_value("Retry-After"));
  return result;
}

PostResult post_json(const std::string& url, const std::string& body, const http::Headers& headers,
                     int timeout_ms) {
  return post({url, body, headers, "application/json", timeout_ms});
}

}  // namespace microtrack::collector
