// The Collector: owns the store's companions (live hub, flow worker,
// forwarder), the router with every route, and the HTTP server.
#include "server.hpp"

#include <chrono>

#include "cors.hpp"
#include "routes.hpp"
#include "routes_stream.hpp"
#include "static_files.hpp"

namespace microtrack::collector {
namespace {

// Every X-Forwarded-For line, in order.
std::vector<std::string> forwarded_for(const http::Request& req) {
  std::vector<std::string> lines;
  const auto [first, last] = req.headers.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) lines.push_back(it->second);
  return lines;
}

double system_now_ms() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

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
  streams_ = std::make_unique<LiveStreams>(store_, hub_, opts_.max_streams);
  // What other collectors sharing the store ingest reaches this one's live
  // stream too (PostgreSQL: LISTEN/NOTIFY; a SQLite store has no others).
  store_.watch([this] { return hub_.wanted(); }, [this](nlohmann::json rows) {
    std::vector<nlohmann::json> live;
    for (const nlohmann::json& row : rows) live.push_back(live_event_of_row(row));
    hub_.publish(std::move(live));
  });
  admin_ = std::make_unique<AdminGate>(opts_.admin, opts_.now_ms);
  rate_limiter_ = std::make_unique<RateLimiter>(opts_.rate_limit);
  if (opts_.retention.days > 0)
    retention_ = std::make_unique<RetentionWorker>(store_, opts_.retention, opts_.now_ms, opts_.log);

  // The gate first: a refused request learns nothing, not even a rate limit.
  router_.use(admin_check(*admin_));
  if (rate_limiter_->enabled()) router_.use(rate_limit_check(*rate_limiter_, opts_.rate_limit, opts_.now_ms));
  for (const http::Check& check : opts_.checks) router_.use(check);
  const Services services{store_, hub_, opts_, flows_.get(), forwarder_.get()};
  add_ingest_routes(router_, services);
  add_query_routes(router_, services);
  add_privacy_routes(router_, services);
  add_admin_routes(router_, *admin_, opts_.trusted_proxies);
  streams_->add_routes(router_);
  router_.add("OPTIONS", "*", answer_preflight);
  add_static_routes(router_, opts_.site_dir, opts_.dist_dir, opts_.dashboard_dir, warnings_);
}

Collector::~Collector() {
  stop();
  finish();
}

int Collector::start(const std::string& host, int port, std::string& error) {
  if (flows_ && !store_.keeps_delivery_log()) {
    error = "--flows needs a store with a delivery log (SQLite or PostgreSQL); a ClickHouse store has none";
    return 0;
  }
  http::ServerSettings settings;
  settings.max_body_bytes = opts_.max_body_bytes;
  settings.threads = opts_.threads;
  settings.max_connections = opts_.max_connections;
  settings.timeout_s = opts_.timeout_s;
  // Every answer, errors and static files included, carries the CORS headers
  // (the SDK must be able to read a 413) and, under /dashboard, its policy.
  settings.decorate = [this](const http::Request& req, http::Response& res) {
    add_cors_headers(opts_.cors_origins, req, res);
    add_dashboard_policy(req, res);
  };
  if (opts_.log && opts_.log_requests) settings.log = opts_.log;
  settings.client_address = [this](const http::Request& req) {
    return client_address(req.peer_address, forwarded_for(req), opts_.trusted_proxies);
  };
  server_ = std::make_unique<http::Server>(std::move(settings), [this](const http::Request& req, http::Response& res) {
    router_.dispatch(req, res);
  });
  const int bound = server_->start(host, port, error);
  if (bound == 0) server_.reset();
  return bound;
}

void Collector::stop() {
  hub_.close();
  if (server_) server_->stop();
}

std::optional<Erased> Collector::sweep_retention(std::string& error) {
  return retention_ ? retention_->sweep_if_due(error) : std::nullopt;
}

void Collector::finish() {
  // Once: main.cpp closes the store between finish() and ~Collector.
  if (watching_.exchange(false)) store_.watch(nullptr, nullptr);
  if (flows_) flows_->stop();
  if (forwarder_) forwarder_->stop();
}

}  // namespace microtrack::collector
