#include "server.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include <sys/socket.h>

#include "base64.hpp"
#include "funnel.hpp"
#include "iso_time.hpp"
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

// The body, checked as JSON but not parsed (see json_scan), or nothing after
// answering 413/400 itself. The size is checked here too: httplib limits
// Content-Length, but neither a gunzipped body nor a chunked one. The result
// points into req.body.
std::optional<json_scan::Object> read_json_body(const Request& req, Response& res, std::size_t max_body_bytes) {
  if (req.body.size() > max_body_bytes) {
    send_error(res, 413, too_big_message(max_body_bytes));
    return std::nullopt;
  }
  if (!json_scan::valid(req.body)) {
    send_error(res, 400, "body is not valid JSON");
    return std::nullopt;
  }
  return json_scan::Object::of(json_scan::trim(req.body));
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


bool has_prefix(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

// The writeKey a request names: the body's, then Basic auth's user, then ?writeKey=.
std::vector<std::string> offered_write_keys(const Request& req, const json_scan::Object& body) {
  std::vector<std::string> keys;
  if (auto key = body.string_at("writeKey")) keys.push_back(std::move(*key));
  const std::string auth = req.get_header_value("Authorization");
  if (has_prefix(auth, "Basic ")) {
    if (const auto decoded = base64_decode(auth.substr(6))) keys.push_back(decoded->substr(0, decoded->find(':')));
  }
  if (req.has_param("writeKey")) keys.push_back(req.get_param_value("writeKey"));
  return keys;
}

bool write_key_accepted(const ServerOptions& options, const Request& req, const json_scan::Object& body) {
  if (options.write_keys.empty()) return true;
  for (const auto& offered : offered_write_keys(req, body))
    for (const auto& key : options.write_keys)
      if (offered == key) return true;
  return false;
}

// ?from= / ?to= as a date ("2026-11-27") or a date-time with a zone, into
// the stored form; false after answering 400.
bool read_range(const Request& req, Response& res, TimeRange& range) {
  for (auto [key, out] : {std::pair{"from", &range.from}, std::pair{"to", &range.to}}) {
    if (!req.has_param(key)) continue;
    std::string text = req.get_param_value(key);
    if (text.size() == 10) text += "T00:00:00Z";
    const auto ms = parse_iso8601_ms(text);
    if (!ms) {
      send_error(res, 400, std::string(key) + " must be a date (2026-11-27) or an ISO-8601 date-time with a zone");
      return false;
    }
    *out = format_iso8601_ms(*ms);
  }
  return true;
}

bool read_int_param(const Request& req, Response& res, const char* key, long long min, long long max, long long& out) {
  if (!req.has_param(key)) return true;
  const std::string text = req.get_param_value(key);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    send_error(res, 400, std::string(key) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  out = value;
  return true;
}

// One Server-Sent Events message.
std::string sse_message(const LiveEvent& event) {
  return "id: " + std::to_string(event.seq) + "\nevent: event\ndata: " +
         event.data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

// A stored row (Store::query) as a stream message: the event as received
// plus what the server added, like a live one, but without an id.
std::string sse_backlog_message(const json& row) {
  json event = row.value("raw", json::object());
  if (!event.is_object()) event = json::object();
  event["id"] = row.value("id", json());
  event["receivedAt"] = row.value("received_at", json());
  event["correctedTimestamp"] = row.value("corrected_timestamp", json());
  return "event: event\ndata: " + event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

constexpr const char* kDashboardCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

Collector::Collector(Store& store, ServerOptions options) : store_(store), opts_(std::move(options)) {
  if (!opts_.now_ms) opts_.now_ms = system_now_ms;
  if (!opts_.flows.empty()) flows_ = std::make_unique<FlowRunner>(store_, opts_.flow_options, opts_.now_ms, opts_.log);
  if (opts_.forward) {
    std::string error;
    forwarder_ = std::make_unique<Forwarder>(*opts_.forward, opts_.log, error);
    if (!error.empty()) {
      warnings_.push_back(error + "; not forwarding");
      forwarder_.reset();
    }
  }
  routes();
}

Collector::~Collector() {
  stop();
  finish();
}

void Collector::stop() {
  hub_.close();
  svr_.stop();
}

void Collector::finish() {
  if (flows_) flows_->stop();
  if (forwarder_) forwarder_->stop();
}

void Collector::ingest(std::vector<json_scan::Object>&& events, const std::optional<std::string>& sent_at,
                       Response& res, const std::string& route_type) {
  std::vector<json_scan::Object> valid;
  json rejected = json::array();
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto reason = validate_event(events[i]);
    if (!reason && !route_type.empty() && events[i].string_at("type") != route_type)
      reason = "type must be " + route_type + " on /v1/" + route_type;
    if (reason)
      rejected.push_back({{"index", i}, {"error", *reason}});
    else
      valid.push_back(std::move(events[i]));
  }
  const double now = opts_.now_ms();
  const std::string received_at = format_iso8601_ms(now);
  // Flows, forwarding and the live stream work on nlohmann::json: only when
  // one is on is a stored event parsed into one.
  const auto parsed = [](const json_scan::Object& event) { return json::parse(event.text, nullptr, false); };
  std::function<std::vector<NewDelivery>(const json_scan::Object&)> flow_deliveries;
  if (flows_)
    flow_deliveries = [&](const json_scan::Object& event) {
      return deliveries_for(opts_.flows, parsed(event), received_at);
    };
  InsertResult result = store_.insert_events(valid, sent_at, now, flow_deliveries);
  if (!result.error.empty()) return send_error(res, 500, "storage failed: " + result.error);

  if (!result.stored.empty()) {
    if (forwarder_) {
      std::vector<json> relay;
      relay.reserve(result.stored.size());
      for (const StoredEvent& stored : result.stored) {
        json event = parsed(valid[stored.index]);
        if (!event.contains("originalTimestamp")) event["originalTimestamp"] = *timestamp_of(valid[stored.index])->string();
        event["timestamp"] = stored.corrected_timestamp;
        event.erase("sentAt");
        relay.push_back(std::move(event));
      }
      if (!forwarder_->enqueue(relay) && opts_.log) opts_.log("forward: could not spool a batch of " + std::to_string(relay.size()));
    }
    if (flows_) flows_->wake();
  }
  // The live stream gets the events themselves with what the server added;
  // only while someone listens.
  if (!result.stored.empty() && hub_.wanted()) {
    std::vector<json> live;
    live.reserve(result.stored.size());
    for (const StoredEvent& stored : result.stored) {
      json event = parsed(valid[stored.index]);
      event["id"] = stored.id;
      event["receivedAt"] = received_at;
      event["correctedTimestamp"] = stored.corrected_timestamp;
      live.push_back(std::move(event));
    }
    hub_.publish(std::move(live));
  }
  send_json(res, 200, {{"accepted", result.accepted}, {"duplicates", result.duplicates}, {"rejected", rejected}});
}

void Collector::routes() {
  ServerOptions& opts = opts_;
  httplib::Server& svr = svr_;
  const int threads = std::max(2, opts.threads);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  svr.set_keep_alive_max_count(opts.keep_alive_max_count);
  // httplib writes a response's headers and body separately: with Nagle on,
  // the body waits for the client's delayed ACK (40 ms on Linux) each time.
  svr.set_tcp_nodelay(true);
  svr.set_payload_max_length(opts.max_body_bytes);
  // httplib's default also sets SO_REUSEPORT, which lets a second collector
  // bind the same port and silently take half the traffic. Keep only
  // SO_REUSEADDR (a restart may rebind while old sockets sit in TIME_WAIT).
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  // --- ingestion ---------------------------------------------------------
  const auto batch_route = [this](const Request& req, Response& res) {
    auto body = read_json_body(req, res, opts_.max_body_bytes);
    if (!body) return;
    if (!write_key_accepted(opts_, req, *body)) return send_error(res, 401, "writeKey missing or not accepted");
    const json_scan::Value* batch = body->find("batch");
    if (!body->is_object() || !batch || !batch->is_array())
      return send_error(res, 400, "body must be a JSON object with a \"batch\" array");
    ingest(json_scan::elements(batch->text), body->string_at("sentAt"), res, "");
  };
  svr.Post("/v1/batch", batch_route);
  svr.Post("/v1/b", batch_route);
  for (const std::string type : {"track", "page", "identify"}) {
    const auto single_route = [this, type](const Request& req, Response& res) {
      auto event = read_json_body(req, res, opts_.max_body_bytes);
      if (!event) return;
      if (!write_key_accepted(opts_, req, *event)) return send_error(res, 401, "writeKey missing or not accepted");
      if (!event->is_object()) return send_error(res, 400, "body must be one event, a JSON object");
      // Without a type, the route's, written into the text that is stored.
      std::string typed;
      if (!event->find("type")) {
        typed = "{\"type\":\"" + type + "\"" + (event->members.empty() ? "}" : "," + std::string(event->text.substr(1)));
        *event = json_scan::Object::of(typed);
      }
      // The event's own sentAt is read by the store; there is no batch one.
      std::vector<json_scan::Object> events;
      events.push_back(std::move(*event));
      ingest(std::move(events), std::nullopt, res, type);
    };
    svr.Post("/v1/" + type, single_route);
    svr.Post("/v1/" + type.substr(0, 1), single_route);  // analytics.js: /v1/t, /v1/p, /v1/i
  }

  // --- query API ---------------------------------------------------------
  svr.Get("/api/events", [this](const Request& req, Response& res) {
    EventQuery query;
    query.event = req.get_param_value("event");
    query.type = req.get_param_value("type");
    query.newest_first = req.get_param_value("order") == "desc";
    long long limit = query.limit;
    if (!read_int_param(req, res, "limit", 0, 100000, limit)) return;
    query.limit = static_cast<int>(limit);
    std::string error;
    const auto rows = store_.query(query, error);
    if (!rows) return send_error(res, 500, "query failed: " + error);
    send_json(res, 200, {{"events", *rows}});
  });
  svr.Get("/api/totals", [this](const Request& req, Response& res) {
    TimeRange range;
    if (!read_range(req, res, range)) return;
    std::string error;
    const auto totals = store_.totals(range, error);
    if (!totals) return send_error(res, 500, "query failed: " + error);
    send_json(res, 200, *totals);
  });
  svr.Get("/api/funnel", [this](const Request& req, Response& res) {
    std::vector<FunnelStep> steps;
    const std::size_t count = req.get_param_value_count("step");
    if (count == 0 || count > 20) return send_error(res, 400, "give 1 to 20 step= parameters, e.g. step=page:path=/");
    for (std::size_t i = 0; i < count; ++i) {
      std::string error;
      auto step = parse_step(req.get_param_value("step", i), error);
      if (!step) return send_error(res, 400, error);
      steps.push_back(std::move(*step));
    }
    long long window_ms = 30 * 60 * 1000;
    if (!read_int_param(req, res, "window_ms", 1, 366LL * 24 * 3600 * 1000, window_ms)) return;
    TimeRange range;
    if (!read_range(req, res, range)) return;
    const std::string by = req.get_param_value("by");
    if (!by.empty() && by != "source" && by != "medium" && by != "name" && by != "campaign")
      return send_error(res, 400, "by must be source, medium, name or campaign");

    std::vector<EventRow> rows;
    std::string error;
    // Only events that can match some step are read (by kind in SQL, by
    // conditions here) and kept in memory.
    ScanFilter filter;
    for (const FunnelStep& step : steps) {
      if (step.event == "page")
        filter.pages = true;
      else if (step.event == "identify")
        filter.identifies = true;
      else
        filter.track_events.push_back(step.event);
    }
    const bool ok = store_.scan(range, filter, [&](EventRow&& row) {
      for (const FunnelStep& step : steps)
        if (step_matches(step, row)) return rows.push_back(std::move(row));
    }, error);
    if (!ok) return send_error(res, 500, "query failed: " + error);
    const auto outcomes = funnel_outcomes(steps, std::move(rows), static_cast<double>(window_ms));
    json answer = funnel_report(steps, outcomes);
    answer["window_ms"] = window_ms;
    if (!by.empty()) answer["groups"] = *funnel_by_campaign(steps, outcomes, by);
    send_json(res, 200, answer);
  });
  svr.Get("/api/stream", [this](const Request& req, Response& res) {
    if (!hub_.try_join(opts_.max_streams))
      return send_error(res, 503, "too many live streams (at most " + std::to_string(opts_.max_streams) + ")");
    std::uint64_t after = hub_.last_seq();
    long long backlog = 0;
    // The newest stored events, oldest first, as the stream shows them but
    // without an id (they are not in the live ring: it fills only while
    // someone listens). A reconnect (Last-Event-ID) resumes from the ring.
    std::string replay;
    const std::string last_id = req.get_header_value("Last-Event-ID");
    if (!last_id.empty() && last_id.find_first_not_of("0123456789") == std::string::npos && last_id.size() < 19) {
      after = std::min<std::uint64_t>(std::stoull(last_id), after);
    } else if (read_int_param(req, res, "backlog", 0, 500, backlog)) {
      if (backlog > 0) {
        EventQuery newest;
        newest.limit = static_cast<int>(backlog);
        newest.newest_first = true;
        std::string error;
        const auto rows = store_.query(newest, error);
        if (rows)
          for (auto row = rows->rbegin(); row != rows->rend(); ++row) replay += sse_backlog_message(*row);
      }
    } else {
      hub_.leave();
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    auto position = std::make_shared<std::uint64_t>(after);
    auto started = std::make_shared<bool>(false);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, position, started, replay](std::size_t, httplib::DataSink& sink) {
          if (!*started) {
            *started = true;
            const std::string hello = "retry: 2000\n: microtrack live stream\n\n" + replay;
            return sink.write(hello.data(), hello.size());
          }
          // A comment every 10 s keeps proxies from closing an idle stream
          // and shows a vanished client (the write fails), freeing the slot.
          const auto events = hub_.wait_after(*position, 10'000);
          if (hub_.closed()) {
            sink.done();
            return true;
          }
          std::string out;
          for (const LiveEvent& event : events) {
            out += sse_message(event);
            *position = event.seq;
          }
          if (out.empty()) out = ": ping\n\n";
          return sink.write(out.data(), out.size());
        },
        [this](bool) { hub_.leave(); });
  });
  svr.Get("/api/flows", [this](const Request& req, Response& res) {
    long long limit = 100;
    if (!read_int_param(req, res, "limit", 0, 10000, limit)) return;
    json rules = json::array();
    for (const FlowRule& rule : opts_.flows) {
      json where = json::object();
      for (const auto& condition : rule.when.where) where[condition.key] = condition.value;
      rules.push_back({{"name", rule.name}, {"event", rule.when.event}, {"where", where}, {"url", rule.url}});
    }
    std::string error;
    const auto log = store_.delivery_log(static_cast<int>(limit), error);
    if (!log) return send_error(res, 500, "query failed: " + error);
    send_json(res, 200, {{"flows", rules}, {"deliveries", *log}});
  });
  svr.Get("/api/health", [this](const Request&, Response& res) {
    json health = {{"ok", true}};
    if (forwarder_) {
      const ForwardStats stats = forwarder_->stats();
      health["forward"] = {{"spooled_batches", stats.spooled_batches}, {"spooled_bytes", stats.spooled_bytes},
                           {"sent_batches", stats.sent_batches},       {"dropped_batches", stats.dropped_batches},
                           {"last_status", stats.last_status}};
    }
    send_json(res, 200, health);
  });

  // --- CORS --------------------------------------------------------------
  // The SDK posts text/plain (no preflight), but fetch() with other headers
  // (Segment's and RudderStack's clients send JSON and Authorization) does
  // preflight; answer for any path.
  svr.Options(R"(.*)", [](const Request& req, Response& res) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    const std::string asked = req.get_header_value("Access-Control-Request-Headers");
    res.set_header("Access-Control-Allow-Headers",
                   asked.empty() ? "Content-Type, Content-Encoding, Authorization, AnonymousId" : asked);
    res.set_header("Access-Control-Max-Age", "86400");
  });
  svr.set_pre_routing_handler([](const Request&, Response&) {
    request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Runs for every response, errors and static files included.
  svr.set_post_routing_handler([this](const Request& req, Response& res) {
    if (has_prefix(req.path, "/dashboard")) res.set_header("Content-Security-Policy", kDashboardCsp);
    const std::string origin = allowed_origin(opts_, req.get_header_value("Origin"));
    if (origin.empty()) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    // The SDK honours Retry-After on 429/503; a cross-origin page can only read it when exposed.
    res.set_header("Access-Control-Expose-Headers", "Retry-After");
    if (origin != "*") res.set_header("Vary", "Origin");  // the answer depends on the Origin
  });

  // --- errors and logging ------------------------------------------------
  // httplib's own errors (404, 413 from Content-Length, 400 on a broken
  // request) come with an empty body: give them the same JSON shape.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // a route already answered
    std::string message = "HTTP " + std::to_string(res.status);
    if (res.status == 404) message = "not found: " + req.method + " " + req.path;
    if (res.status == 413) message = too_big_message(opts_.max_body_bytes);
    send_json(res, res.status, {{"error", message}});
    return httplib::Server::HandlerResponse::Handled;
  }));
  if (opts.log && opts.log_requests)
    svr.set_logger([this](const Request& req, const Response& res) { opts_.log(log_line(req, res)); });

  // --- static files ------------------------------------------------------
  svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");  // streaming compile needs it
  svr.set_file_extension_and_mimetype_mapping("js", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("ts", "text/plain; charset=utf-8");  // microtrack.d.ts, not MPEG-TS
  svr.set_file_extension_and_mimetype_mapping("svg", "image/svg+xml");
  // no-cache: a rebuilt dist/ or an edited demo page shows on the next reload.
  const httplib::Headers revalidate = {{"Cache-Control", "no-cache"}};
  // Most specific first: httplib tries mount points in order.
  const std::pair<std::string, std::string> mounts[] = {
      {"/dashboard/", opts.dashboard_dir}, {"/dist/", opts.dist_dir}, {"/", opts.site_dir}};
  for (const auto& [mount, dir] : mounts) {
    if (dir.empty()) continue;
    if (!svr.set_mount_point(mount, dir, revalidate)) {
      warnings_.push_back("folder " + dir + " not found; nothing served at " + mount);
      continue;
    }
    if (mount == "/dashboard/")
      svr.Get("/dashboard", [](const Request&, Response& res) { res.set_redirect("/dashboard/"); });
  }
}

}  // namespace microtrack::collector
