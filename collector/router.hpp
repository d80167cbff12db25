#pragma once
// Method + path -> handler, with checks that run before every route.

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http.hpp"

namespace microtrack::collector::http {

// A check run before the routes (authentication, rate limits): returns true
// when it answered the request itself, and then no route runs.
using Check = std::function<bool(const Request&, Response&)>;

class Router {
 public:
  // Checks run in the order added, before any route. Add them before the
  // server starts (the router is read-only while serving).
  void use(Check check);
  // `path` is matched exactly; "*" matches every path for that method. A GET
  // route also answers HEAD.
  void add(const std::string& method, const std::string& path, Handler handler);
  // Tried, in order, for a request no route matched (static files): returns
  // true when it answered.
  void fallback(Check handler);

  // Answers the request: a check, a route, a fallback, or a JSON 404.
  void dispatch(const Request& request, Response& response) const;

 private:
  std::vector<Check> checks_;
  std::unordered_map<std::string, Handler> routes_;  // "METHOD path"
  std::vector<Check> fallbacks_;
};

}  // namespace microtrack::collector::http
