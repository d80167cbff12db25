// The query API: GET /api/events, /api/totals, /api/funnel, /api/flows and
// /api/health, JSON in and out, reading the store.
#include <string>
#include <vector>

#include "funnel.hpp"
#include "funnel_rows.hpp"
#include "params.hpp"
#include "routes.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

void events_route(const Services& services, const http::Request& req, http::Response& res) {
  EventQuery query;
  query.event = req.param("event");
  query.type = req.param("type");
  query.newest_first = req.param("order") == "desc";
  long long limit = query.limit;
  if (!read_int_param(req, res, "limit", 0, 100000, limit)) return;
  query.limit = static_cast<int>(limit);
  std::string error;
  const auto rows = services.store.query(query, error);
  if (!rows) return res.set_error(500, "query failed: " + error);
  res.set_json(200, {{"events", *rows}});
}

void totals_route(const Services& services, const http::Request& req, http::Response& res) {
  TimeRange range;
  if (!read_range(req, res, range)) return;
  std::string error;
  const auto totals = services.store.totals(range, error);
  if (!totals) return res.set_error(500, "query failed: " + error);
  res.set_json(200, *totals);
}

// The ?step= parameters, 1 to 20; false after answering 400.
bool read_steps(const http::Request& req, http::Response& res, std::vector<FunnelStep>& steps) {
  const std::vector<std::string> texts = req.param_values("step");
  if (texts.empty() || texts.size() > 20) {
    res.set_error(400, "give 1 to 20 step= parameters, e.g. step=page:path=/");
    return false;
  }
  for (const std::string& text : texts) {
    std::string error;
    auto step = parse_step(text, error);
    if (!step) {
      res.set_error(400, error);
      return false;
    }
    steps.push_back(std::move(*step));
  }
  return true;
}

// Only events that can match some step are read (by kind in SQL); each is
// matched against the steps as it is visited and `rows` keeps what the
// funnel needs of it (funnel_rows.hpp), not the event.
bool scan_for_steps(const Services& services, const TimeRange& range, FunnelRows& rows, std::string& error) {
  ScanFilter filter;
  for (const FunnelStep& step : rows.steps()) {
    if (step.event == "page")
      filter.pages = true;
    else if (step.event == "identify")
      filter.identifies = true;
    else
      filter.track_events.push_back(step.event);
  }
  return services.store.scan(range, filter, [&](EventRow&& row) { rows.add(row); }, error);
}

void funnel_route(const Services& services, const http::Request& req, http::Response& res) {
  std::vector<FunnelStep> steps;
  if (!read_steps(req, res, steps)) return;
  long long window_ms = 30 * 60 * 1000;
  if (!read_int_param(req, res, "window_ms", 1, 366LL * 24 * 3600 * 1000, window_ms)) return;
  TimeRange range;
  if (!read_range(req, res, range)) return;
  const std::string by = req.param("by");
  if (!by.empty() && by != "source" && by != "medium" && by != "name" && by != "campaign")
    return res.set_error(400, "by must be source, medium, name or campaign");
  FunnelRows rows(steps);
  std::string error;
  if (!scan_for_steps(services, range, rows, error)) return res.set_error(500, "query failed: " + error);
  const auto outcomes = funnel_outcomes(rows, static_cast<double>(window_ms));
  json answer = funnel_report(steps, outcomes);
  answer["window_ms"] = window_ms;
  if (!by.empty()) answer["groups"] = *funnel_by_campaign(steps, outcomes, by);
  res.set_json(200, answer);
}

void flows_route(const Services& services, const http::Request& req, http::Response& res) {
  long long limit = 100;
  if (!read_int_param(req, res, "limit", 0, 10000, limit)) return;
  json rules = json::array();
  for (const FlowRule& rule : services.options.flows) {
    json where = json::object();
    for (const auto& condition : rule.when.where) where[condition.key] = condition.value;
    rules.push_back({{"name", rule.name}, {"event", rule.when.event}, {"where", where}, {"url", rule.url}});
  }
  std::string error;
  const auto log = services.store.delivery_log(static_cast<int>(limit), error);
  if (!log) return res.set_error(500, "query failed: " + error);
  res.set_json(200, {{"flows", rules}, {"deliveries", *log}});
}

void health_route(const Services& services, http::Response& res) {
  json health = {{"ok", true}};
  if (services.forwarder) {
    const ForwardStats stats = services.forwarder->stats();
    health["forward"] = {{"spooled_batches", stats.spooled_batches}, {"spooled_bytes", stats.spooled_bytes},
                         {"sent_batches", stats.sent_batches},       {"dropped_batches", stats.dropped_batches},
                         {"last_status", stats.last_status}};
  }
  res.set_json(200, health);
}

}  // namespace

void add_query_routes(http::Router& router, const Services& services) {
  const std::pair<const char*, void (*)(const Services&, const http::Request&, http::Response&)> routes[] = {
      {"/api/events", events_route}, {"/api/totals", totals_route}, {"/api/funnel", funnel_route},
      {"/api/flows", flows_route}};
  for (const auto& [path, route] : routes)
    router.add("GET", path, [services, route = route](const http::Request& req, http::Response& res) {
      route(services, req, res);
    });
  router.add("GET", "/api/health", [services](const http::Request&, http::Response& res) { health_route(services, res); });
}

}  // namespace microtrack::collector
