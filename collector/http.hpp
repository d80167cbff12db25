#pragma once
// The collector's HTTP vocabulary: a request as the server read it and the
// response a route writes. Routes are functions of these two types, so the
// server library is known to one file only (http_server.cpp).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace microtrack::collector::http {

// Header names compare without regard to case (RFC 9110 §5.1).
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using Params = std::multimap<std::string, std::string, std::less<>>;

struct Request {
  std::string method;          // "GET", "POST", "OPTIONS", …
  std::string path;            // percent-decoded, without the query
  Params params;               // the query string, percent-decoded
  Headers headers;
  std::string body;            // after Content-Encoding: gzip is undone
  std::string peer_address;    // the socket's remote address ("127.0.0.1", "::1")
  std::string client_address;  // the visitor's: peer_address, or X-Forwarded-For when the peer is a trusted proxy

  // The first value, or "" when absent.
  std::string header(std::string_view name) const;
  std::string param(std::string_view key) const;
  bool has_param(std::string_view key) const;
  // Every value of a repeated parameter (?step=a&step=b), in order.
  std::vector<std::string> param_values(std::string_view key) const;
};

// A body written over time (Server-Sent Events). The server asks for more
// on one of its polling threads whenever the connection can take it, so
// read() must never block; between reads the connection costs no thread.
class BodyStream {
 public:
  enum class Status {
    more,  // call read() again
    wait,  // nothing now: park the connection until the wake function is called
    end,   // the body is complete (after what read() appended)
  };
  virtual ~BodyStream() = default;
  // Called once, before the first read(), with a function that makes the
  // server call read() again. It may be called from any thread, any number
  // of times, also after the connection closed (then it does nothing).
  virtual void start(std::function<void()> wake) = 0;
  // Appends what is ready to `out`.
  virtual Status read(std::string& out) = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body is this stream instead (sent chunked), and `body` is unused.
  std::shared_ptr<BodyStream> stream;

  void set_header(std::string name, std::string value);  // replaces
  // The body as compact JSON (invalid UTF-8 replaced), Content-Type application/json.
  void set_json(int status, const nlohmann::json& body);
  // {"error": message} with the status.
  void set_error(int status, const std::string& message);
  // 302 to `location`.
  void set_redirect(const std::string& location);
};

// A route, or any step that answers a request.
using Handler = std::function<void(const Request&, Response&)>;

}  // namespace microtrack::collector::http
