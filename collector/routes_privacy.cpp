// Privacy operations on one visitor (the admin gate is in front):
//   DELETE /api/visitors?anonymousId=…|userId=…        erase their events and webhook rows
//   GET    /api/visitors/export?anonymousId=…|userId=…  their events as JSON
#include <optional>
#include <string>

#include "routes.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

// Rows one export holds at most; a visitor with more gets "truncated": true.
constexpr int kMaxExportRows = 100'000;

// ?anonymousId= or ?userId= (exactly one, not empty); nothing after answering 400.
std::optional<Visitor> read_visitor(const http::Request& req, http::Response& res) {
  Visitor visitor{req.param("anonymousId"), req.param("userId")};
  if (visitor.anonymous_id.empty() == visitor.user_id.empty()) {
    res.set_error(400, "name one visitor: ?anonymousId=… or ?userId=…");
    return std::nullopt;
  }
  return visitor;
}

json visitor_json(const Visitor& visitor) {
  return visitor.anonymous_id.empty() ? json{{"userId", visitor.user_id}} : json{{"anonymousId", visitor.anonymous_id}};
}

void erase_route(const Services& services, const http::Request& req, http::Response& res) {
  const auto visitor = read_visitor(req, res);
  if (!visitor) return;
  std::string error;
  const auto erased = services.store.erase_visitor(*visitor, error);
  if (!erased) return res.set_error(500, "erasure failed: " + error);
  if (services.options.log)
    services.options.log("privacy: erased " + std::to_string(erased->events) + " events of one visitor");
  res.set_json(200, {{"visitor", visitor_json(*visitor)},
                     {"erased", {{"events", erased->events}, {"deliveries", erased->deliveries}}}});
}

void export_route(const Services& services, const http::Request& req, http::Response& res) {
  const auto visitor = read_visitor(req, res);
  if (!visitor) return;
  std::string error;
  const auto rows = services.store.visitor_events(*visitor, kMaxExportRows, error);
  if (!rows) return res.set_error(500, "export failed: " + error);
  res.set_json(200, {{"visitor", visitor_json(*visitor)},
                     {"events", *rows},
                     {"truncated", rows->size() >= static_cast<std::size_t>(kMaxExportRows)}});
  res.set_header("Content-Disposition", "attachment; filename=\"microtrack-visitor-export.json\"");
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

void add_privacy_routes(http::Router& router, const Services& services) {
  router.add("DELETE", "/api/visitors",
             [services](const http::Request& req, http::Response& res) { erase_route(services, req, res); });
  router.add("GET", "/api/visitors/export",
             [services](const http::Request& req, http::Response& res) { export_route(services, req, res); });
}

}  // namespace microtrack::collector
