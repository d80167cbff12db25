#include "server.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include <sys/socket.h>

#include "validate.hpp"

namespace microtrack::collector {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

void send_json(Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

std::string too_big_message(std::size_t max_body_bytes) {
  return "request body is over the limit of " + std::to_string(max_body_bytes) + " bytes";
}

double system_now_ms() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// The value for Access-Control-Allow-Origin, or "" to send none.
std::string allowed_origin(const ServerOptions& options, const std::string& origin) {
  if (options.cors_origins.empty()) return origin.empty() ? "*" : origin;
  for (const auto& allowed : options.cors_origins)
    if (allowed == origin) return origin;
  return "";
}

// The body as JSON, or nothing after answering 413/400 itself. The size is
// checked here too: httplib limits Content-Length, but neither a gunzipped
// body nor a chunked one.
std::optional<json> read_json_body(const Request& req, Response& res, std::size_t max_body_bytes) {
  if (req.body.size() > max_body_bytes) {
    send_error(res, 413, too_big_message(max_body_bytes));
    return std::nullopt;
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    send_error(res, 400, "body is not valid JSON");
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> sent_at_of(const json& object) {
  const auto it = object.find("sentAt");
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Validates each event, stores the valid ones in one transaction and answers
// with the counts. `route_type` (single-event routes) must match the event's.
void ingest(Store& store, const json& events, const std::optional<std::string>& sent_at, double now_ms,
            Response& res, const std::string& route_type = "") {
  std::vector<json> valid;
  json rejected = json::array();
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto reason = validate_event(events[i]);
    if (!reason && !route_type.empty() && events[i]["type"] != route_type)
      reason = "type must be " + route_type + " on /v1/" + route_type;
    if (reason)
      rejected.push_back({{"index", i}, {"error", *reason}});
    else
      valid.push_back(events[i]);
  }
  const InsertResult result = store.insert_batch(valid, sent_at, now_ms);
  if (!result.error.empty()) return send_error(res, 500, "storage failed: " + result.error);
  send_json(res, 200, {{"accepted", result.accepted}, {"duplicates", result.duplicates}, {"rejected", rejected}});
}

// Request start, for the log line. Set in the pre-routing handler, which runs
// on the thread that then writes the response; unset for requests httplib
// rejects before routing.
thread_local std::optional<std::chrono::steady_clock::time_point> request_start;

std::string log_line(const Request& req, const Response& res) {
  char ms[32] = "-";
  if (request_start) {
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - *request_start;
    std::snprintf(ms, sizeof ms, "%.1fms", elapsed.count());
    request_start.reset();
  }
  return req.method + " " + req.path + " " + std::to_string(res.status) + " in=" + std::to_string(req.body.size()) +
         "B out=" + std::to_string(res.body.size()) + "B " + ms;
}

}  // namespace

std::vector<std::string> configure_server(httplib::Server& svr, Store& store, ServerOptions options) {
  if (!options.now_ms) options.now_ms = system_now_ms;
  // Shared by the handlers, which may outlive this call's stack frame.
  const auto opts = std::make_shared<const ServerOptions>(std::move(options));

  svr.set_payload_max_length(opts->max_body_bytes);
  // httplib's default also sets SO_REUSEPORT, which lets a second collector
  // bind the same port and silently take half the traffic. Keep only
  // SO_REUSEADDR (a restart may rebind while old sockets sit in TIME_WAIT).
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  // --- ingestion ---------------------------------------------------------
  svr.Post("/v1/batch", [&store, opts](const Request& req, Response& res) {
    const auto body = read_json_body(req, res, opts->max_body_bytes);
    if (!body) return;
    const auto batch = body->find("batch");
    if (!body->is_object() || batch == body->end() || !batch->is_array())
      return send_error(res, 400, "body must be a JSON object with a \"batch\" array");
    ingest(store, *batch, sent_at_of(*body), opts->now_ms(), res);
  });
  for (const std::string type : {"track", "page", "identify"}) {
    svr.Post("/v1/" + type, [&store, opts, type](const Request& req, Response& res) {
      auto event = read_json_body(req, res, opts->max_body_bytes);
      if (!event) return;
      if (!event->is_object()) return send_error(res, 400, "body must be one event, a JSON object");
      if (!event->contains("type")) (*event)["type"] = type;
      // The event's own sentAt is read by the store; there is no batch one.
      ingest(store, json::array({*event}), std::nullopt, opts->now_ms(), res, type);
    });
  }

  // --- query API ---------------------------------------------------------
  svr.Get("/api/events", [&store](const Request& req, Response& res) {
    EventQuery query;
    query.event = req.get_param_value("event");
    query.type = req.get_param_value("type");
    if (req.has_param("limit")) {
      const std::string text = req.get_param_value("limit");
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), query.limit);
      if (ec != std::errc() || end != text.data() + text.size() || query.limit < 0 || query.limit > 100000)
        return send_error(res, 400, "limit must be an integer from 0 to 100000");
    }
    std::string error;
    const auto rows = store.query(query, error);
    if (!rows) return send_error(res, 500, "query failed: " + error);
    send_json(res, 200, {{"events", *rows}});
  });
  svr.Get("/api/health", [](const Request&, Response& res) { send_json(res, 200, {{"ok", true}}); });

  // --- CORS --------------------------------------------------------------
  // The SDK posts text/plain (no preflight), but fetch() with other headers
  // or a gzip body does preflight; answer for any path.
  svr.Options(R"(.*)", [](const Request& req, Response& res) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    const std::string asked = req.get_header_value("Access-Control-Request-Headers");
    res.set_header("Access-Control-Allow-Headers", asked.empty() ? "Content-Type, Content-Encoding" : asked);
    res.set_header("Access-Control-Max-Age", "86400");
  });
  svr.set_pre_routing_handler([](const Request&, Response&) {
    request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Runs for every response, errors and static files included.
  svr.set_post_routing_handler([opts](const Request& req, Response& res) {
    const std::string origin = allowed_origin(*opts, req.get_header_value("Origin"));
    if (origin.empty()) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    if (origin != "*") res.set_header("Vary", "Origin");  // the answer depends on the Origin
  });

  // --- errors and logging ------------------------------------------------
  // httplib's own errors (404, 413 from Content-Length, 400 on a broken
  // request) come with an empty body: give them the same JSON shape.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([opts](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // a route already answered
    std::string message = "HTTP " + std::to_string(res.status);
    if (res.status == 404) message = "not found: " + req.method + " " + req.path;
    if (res.status == 413) message = too_big_message(opts->max_body_bytes);
    send_json(res, res.status, {{"error", message}});
    return httplib::Server::HandlerResponse::Handled;
  }));
  if (opts->log)
    svr.set_logger([opts](const Request& req, const Response& res) { opts->log(log_line(req, res)); });

  // --- static files ------------------------------------------------------
  svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");  // streaming compile needs it
  svr.set_file_extension_and_mimetype_mapping("js", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("ts", "text/plain; charset=utf-8");  // microtrack.d.ts, not MPEG-TS
  std::vector<std::string> warnings;
  // no-cache: a rebuilt dist/ or an edited demo page shows on the next reload.
  const httplib::Headers revalidate = {{"Cache-Control", "no-cache"}};
  // Most specific first: httplib tries mount points in order.
  const std::pair<std::string, std::string> mounts[] = {
      {"/dashboard/", opts->dashboard_dir}, {"/dist/", opts->dist_dir}, {"/", opts->site_dir}};
  for (const auto& [mount, dir] : mounts) {
    if (dir.empty()) continue;
    if (!svr.set_mount_point(mount, dir, revalidate)) {
      warnings.push_back("folder " + dir + " not found; nothing served at " + mount);
      continue;
    }
    if (mount == "/dashboard/")
      svr.Get("/dashboard", [](const Request&, Response& res) { res.set_redirect("/dashboard/"); });
  }
  return warnings;
}

}  // namespace microtrack::collector
