// Who may see the data: the admin gate as a router check, and the
// dashboard's login and logout (the gate itself is admin_auth.cpp).
#include <string>

#include "routes.hpp"

namespace microtrack::collector {
namespace {

bool has_prefix(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

http::Check admin_check(AdminGate& gate) {
  return [&gate](const http::Request& req, http::Response& res) {
    // A CORS preflight carries no credential by design and answers nothing.
    if (req.method == "OPTIONS") return false;
    if (has_prefix(req.path, "/api/")) {
      if (req.path == "/api/health") return false;  // a liveness probe: {"ok":true} and counters, no events
      return !gate.admit(req, res, AdminArea::api);
    }
    if (req.path == "/dashboard" || has_prefix(req.path, "/dashboard/")) {
      if (AdminGate::public_dashboard_path(req.path) || req.path == "/dashboard/logout") return false;
      return !gate.admit(req, res, AdminArea::page);
    }
    return false;
  };
}

void add_admin_routes(http::Router& router, AdminGate& gate, const TrustedProxies& trusted) {
  // Secure cookies when the visitor reached the proxy over https.
  const auto secure = [&trusted](const http::Request& req) {
    return forwarded_https(req.peer_address, req.header("X-Forwarded-Proto"), trusted);
  };
  router.add("GET", "/dashboard/login",
             [&gate](const http::Request& req, http::Response& res) { gate.login_page(req, res); });
  router.add("POST", "/dashboard/login",
             [&gate, secure](const http::Request& req, http::Response& res) { gate.login(req, res, secure(req)); });
  router.add("POST", "/dashboard/logout",
             [&gate, secure](const http::Request& req, http::Response& res) { gate.logout(res, secure(req)); });
}

}  // namespace microtrack::collector
