// Ingest routes: POST /v1/batch (alias /v1/b) and the single-event routes
// /v1/track, /v1/page, /v1/identify (aliases /v1/t, /v1/p, /v1/i as
// analytics.js names them). The server has already bounded the body and
// undone a Content-Encoding; ?compression=gzip is undone here. Any
// Content-Type is read as JSON.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "base64.hpp"
#include "gunzip.hpp"
#include "iso_time.hpp"
#include "json_scan.hpp"
#include "routes.hpp"
#include "validate.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

// The body, checked as JSON but not parsed (see json_scan), or nothing after
// answering 400. The result points into `text`. Invalid UTF-8 in a string
// does not fail the body: the event holding it is rejected alone
// (check_limits reads `inspection`).
std::optional<json_scan::Object> read_json_body(const std::string& text, http::Response& res,
                                                json_scan::Inspection& inspection) {
  inspection = json_scan::inspect(text, kMaxBodyDepth);
  if (inspection.result == json_scan::Inspection::Result::too_deep) {
    res.set_error(400, "body nests objects and arrays deeper than " + std::to_string(kMaxBodyDepth) + " levels");
    return std::nullopt;
  }
  if (inspection.result != json_scan::Inspection::Result::json) {
    res.set_error(400, "body is not valid JSON");
    return std::nullopt;
  }
  return json_scan::Object::of(json_scan::trim(text));
}

// The body as JSON text, or null after answering. ?compression=gzip marks a
// gzip body that the browser SDK sends as text/plain: a Content-Encoding
// header would make the request need a CORS preflight (CONTRACT §4). The
// bound is --max-body, on the compressed bytes (the server) and here on
// what they grow to. `plain` holds a decompressed body.
const std::string* uncompressed_body(const Services& services, const http::Request& req, http::Response& res,
                                     std::string& plain) {
  if (!req.has_param("compression")) return &req.body;
  const std::string compression = req.param("compression");
  if (compression != "gzip") {
    res.set_error(415, "compression=" + compression + " is not supported (gzip is)");
    return nullptr;
  }
  const std::size_t max_bytes = services.options.max_body_bytes;
  switch (gunzip(req.body, max_bytes, plain)) {
    case GunzipResult::ok:
      return &plain;
    case GunzipResult::too_big:
      res.set_error(413, "request body is over the limit of " + std::to_string(max_bytes) +
                             " bytes (--max-body) once decompressed");
      return nullptr;
    case GunzipResult::broken:
      break;
  }
  res.set_error(400, "body is not valid gzip (compression=gzip)");
  return nullptr;
}

bool has_prefix(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

// The writeKeys a request names: the body's, then Basic auth's user, then ?writeKey=.
std::vector<std::string> offered_write_keys(const http::Request& req, const json_scan::Object& body) {
  std::vector<std::string> keys;
  if (auto key = body.string_at("writeKey")) keys.push_back(std::move(*key));
  const std::string auth = req.header("Authorization");
  if (has_prefix(auth, "Basic ")) {
    if (const auto decoded = base64_decode(auth.substr(6))) keys.push_back(decoded->substr(0, decoded->find(':')));
  }
  if (req.has_param("writeKey")) keys.push_back(req.param("writeKey"));
  return keys;
}

bool write_key_accepted(const ServerOptions& options, const http::Request& req, const json_scan::Object& body) {
  if (options.write_keys.empty()) return true;
  for (const auto& offered : offered_write_keys(req, body))
    for (const auto& key : options.write_keys)
      if (offered == key) return true;
  return false;
}

json parsed(const json_scan::Object& event) { return json::parse(event.text, nullptr, false); }

// Moves the valid events out of `events`; each invalid one gets a line in
// `rejected` with its index and reason.
std::vector<json_scan::Object> take_valid(std::vector<json_scan::Object>& events, const std::string& route_type,
                                          const IngestLimits& limits, const json_scan::Inspection& body, json& rejected) {
  std::vector<json_scan::Object> valid;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto reason = check_limits(events[i], i, limits, body);
    if (!reason) reason = validate_event(events[i]);
    if (!reason && !route_type.empty() && events[i].string_at("type") != route_type)
      reason = "type must be " + route_type + " on /v1/" + route_type;
    if (reason)
      rejected.push_back({{"index", i}, {"error", *reason}});
    else
      valid.push_back(std::move(events[i]));
  }
  return valid;
}

// --forward: the stored events, with the corrected timestamp, to the spool.
void relay(const Services& services, const std::vector<json_scan::Object>& valid, const InsertResult& result) {
  std::vector<json> batch;
  batch.reserve(result.stored.size());
  for (const StoredEvent& stored : result.stored) {
    json event = parsed(valid[stored.index]);
    if (!event.contains("originalTimestamp")) event["originalTimestamp"] = *timestamp_of(valid[stored.index])->string();
    event["timestamp"] = stored.corrected_timestamp;
    event.erase("sentAt");
    batch.push_back(std::move(event));
  }
  if (!services.forwarder->enqueue(batch) && services.options.log)
    services.options.log("forward: could not spool a batch of " + std::to_string(batch.size()));
}

// The live stream gets the events themselves with what the server added.
void publish_live(const Services& services, const std::vector<json_scan::Object>& valid, const InsertResult& result,
                  const std::string& received_at) {
  std::vector<json> live;
  live.reserve(result.stored.size());
  for (const StoredEvent& stored : result.stored) {
    json event = parsed(valid[stored.index]);
    event["id"] = stored.id;
    event["receivedAt"] = received_at;
    event["correctedTimestamp"] = stored.corrected_timestamp;
    live.push_back(std::move(event));
  }
  services.hub.publish(std::move(live));
}

// Validates, stores in one transaction, then hands the stored events to the
// forwarder, the flow worker and the live stream, and answers.
void ingest(const Services& services, std::vector<json_scan::Object>&& events, const std::optional<std::string>& sent_at,
            const json_scan::Inspection& body, http::Response& res, const std::string& route_type) {
  json rejected = json::array();
  const std::vector<json_scan::Object> valid = take_valid(events, route_type, services.options.limits, body, rejected);
  const double now = services.options.now_ms();
  const std::string received_at = format_iso8601_ms(now);
  // Flows, forwarding and the live stream work on nlohmann::json: only when
  // one is on is a stored event parsed into one.
  std::function<std::vector<NewDelivery>(const json_scan::Object&)> flow_deliveries;
  if (services.flows)
    flow_deliveries = [&](const json_scan::Object& event) {
      return deliveries_for(services.options.flows, parsed(event), received_at);
    };
  const InsertResult result = services.store.insert_events(valid, sent_at, now, flow_deliveries);
  if (!result.error.empty()) return res.set_error(500, "storage failed: " + result.error);
  if (!result.stored.empty()) {
    if (services.forwarder) relay(services, valid, result);
    if (services.flows) services.flows->wake();
    if (services.hub.wanted()) publish_live(services, valid, result, received_at);  // only while someone listens
  }
  res.set_json(200, {{"accepted", result.accepted}, {"duplicates", result.duplicates}, {"rejected", rejected}});
  // Tells the SDK this collector reads ?compression=gzip (CONTRACT §6): it
  // sends plain JSON until a collector says so, so that Segment-compatible
  // pipelines that do not know the parameter keep getting what they read.
  res.set_header("Microtrack-Compression", "gzip");
}

// What both ingest routes read first: the body, decompressed and checked as
// JSON, from a client whose writeKey is accepted. `object` points into
// `plain` or into the request, so an IngestBody stays where it was read.
struct IngestBody {
  std::string plain;  // a decompressed body
  json_scan::Inspection inspection;
  std::optional<json_scan::Object> object;
};

// False after answering.
bool read_ingest_body(const Services& services, const http::Request& req, http::Response& res, IngestBody& body) {
  const std::string* text = uncompressed_body(services, req, res, body.plain);
  if (!text) return false;
  body.object = read_json_body(*text, res, body.inspection);
  if (!body.object) return false;
  if (write_key_accepted(services.options, req, *body.object)) return true;
  res.set_error(401, "writeKey missing or not accepted");
  return false;
}

void batch_route(const Services& services, const http::Request& req, http::Response& res) {
  IngestBody read;
  if (!read_ingest_body(services, req, res, read)) return;
  const json_scan::Object& body = *read.object;
  const json_scan::Value* batch = body.find("batch");
  if (!body.is_object() || !batch || !batch->is_array())
    return res.set_error(400, "body must be a JSON object with a \"batch\" array");
  ingest(services, json_scan::elements(batch->text), body.string_at("sentAt"), read.inspection, res, "");
}

void single_route(const Services& services, const std::string& type, const http::Request& req, http::Response& res) {
  IngestBody read;
  if (!read_ingest_body(services, req, res, read)) return;
  auto& event = read.object;
  const json_scan::Inspection& inspection = read.inspection;
  if (!event->is_object()) return res.set_error(400, "body must be one event, a JSON object");
  // Without a type, the route's, written into the text that is stored.
  std::string typed;
  if (!event->find("type")) {
    typed = "{\"type\":\"" + type + "\"" + (event->members.empty() ? "}" : "," + std::string(event->text.substr(1)));
    *event = json_scan::Object::of(typed);
  }
  // The event's own sentAt is read by the store; there is no batch one.
  std::vector<json_scan::Object> events;
  events.push_back(std::move(*event));
  ingest(services, std::move(events), std::nullopt, inspection, res, type);
}

}  // namespace

http::Check rate_limit_check(RateLimiter& limiter, const RateLimitOptions& options, std::function<double()> now_ms) {
  return [&limiter, options, now_ms](const http::Request& req, http::Response& res) {
    if (req.method != "POST" || req.path.rfind("/v1/", 0) != 0) return false;
    const auto decision = limiter.take(limit_key(req.client_address), now_ms());
    if (decision.allowed) return false;
    // The SDK keeps the batch and sends it again after Retry-After (CONTRACT §5).
    char limit[64];
    std::snprintf(limit, sizeof limit, "at most %g per second, %g at once", options.requests_per_s, options.burst);
    res.set_error(429, "too many requests from this address (" + std::string(limit) + "); retry in " +
                           std::to_string(decision.retry_after_s) + " s");
    res.set_header("Retry-After", std::to_string(decision.retry_after_s));
    return true;
  };
}

void add_ingest_routes(http::Router& router, const Services& services) {
  const auto batch = [services](const http::Request& req, http::Response& res) { batch_route(services, req, res); };
  router.add("POST", "/v1/batch", batch);
  router.add("POST", "/v1/b", batch);
  for (const std::string type : {"track", "page", "identify"}) {
    const auto single = [services, type](const http::Request& req, http::Response& res) {
      single_route(services, type, req, res);
    };
    router.add("POST", "/v1/" + type, single);
    router.add("POST", "/v1/" + type.substr(0, 1), single);  // analytics.js: /v1/t, /v1/p, /v1/i
  }
}

}  // namespace microtrack::collector
