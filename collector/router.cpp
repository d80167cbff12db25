#include "router.hpp"

namespace microtrack::collector::http {

void Router::use(Check check) { checks_.push_back(std::move(check)); }

void Router::add(const std::string& method, const std::string& path, Handler handler) {
  routes_[method + " " + path] = std::move(handler);
}

void Router::fallback(Check handler) { fallbacks_.push_back(std::move(handler)); }

void Router::dispatch(const Request& request, Response& response) const {
  for (const Check& check : checks_)
    if (check(request, response)) return;
  // HEAD is answered as GET would be (the server sends no body).
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  for (const std::string& key : {method + " " + request.path, method + " *"}) {
    const auto route = routes_.find(key);
    if (route != routes_.end()) return route->second(request, response);
  }
  for (const Check& handler : fallbacks_)
    if (handler(request, response)) return;
  response.set_error(404, "not found: " + request.method + " " + request.path);
}

}  // namespace microtrack::collector::http
