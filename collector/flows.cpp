#include "flows.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "http_post.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

std::string string_or_empty(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const std::size_t path_start = url.find('/', scheme_end + 3);
  std::string origin = url.substr(0, path_start);
  if (origin.size() <= scheme_end + 3) return std::nullopt;  // no host
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  return std::make_pair(std::move(origin), std::move(path));
}

std::optional<std::vector<FlowRule>> parse_flows(const std::string& text, std::string& error) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    error = "flows: not valid JSON";
    return std::nullopt;
  }
  const json* list = &doc;
  if (doc.is_object()) {
    const auto it = doc.find("flows");
    if (it == doc.end()) {
      error = "flows: expected {\"flows\": [...]}";
      return std::nullopt;
    }
    list = &*it;
  }
  if (!list->is_array()) {
    error = "flows: \"flows\" must be an array";
    return std::nullopt;
  }
  std::vector<FlowRule> rules;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string where_am_i = "flows[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      error = where_am_i + " must be an object";
      return std::nullopt;
    }
    FlowRule rule;
    rule.name = string_or_empty(item, "name");
    rule.when.event = string_or_empty(item, "event");
    rule.url = string_or_empty(item, "url");
    if (rule.name.empty() || !names.insert(rule.name).second) {
      error = where_am_i + ".name must be a unique non-empty string";
      return std::nullopt;
    }
    if (rule.when.event.empty()) {
      error = where_am_i + ".event must be a non-empty string (an event name, page or identify)";
      return std::nullopt;
    }
    if (!split_url(rule.url)) {
      error = where_am_i + ".url must be an http:// or https:// URL";
      return std::nullopt;
    }
    if (const auto where = item.find("where"); where != item.end()) {
      if (!where->is_object()) {
        error = where_am_i + ".where must be an object";
        return std::nullopt;
      }
      for (const auto& [key, value] : where->items()) {
        if (value.is_string())
          rule.when.where.push_back({key, value.get<std::string>()});
        else if (value.is_number() || value.is_boolean())
          rule.when.where.push_back({key, value.dump()});
        else {
          error = where_am_i + ".where." + key + " must be a string, number or boolean";
          return std::nullopt;
        }
      }
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<NewDelivery> deliveries_for(const std::vector<FlowRule>& rules, const json& event,
                                        const std::string& received_at) {
  std::vector<NewDelivery> out;
  if (rules.empty()) return out;
  const std::string type = string_or_empty(event, "type");
  const std::string name = type == "track" ? string_or_empty(event, "event") : "";
  static const json kNull;
  const auto part = [&](const char* key) -> const json& {
    const auto it = event.find(key);
    return it == event.end() ? kNull : *it;
  };
  const json& properties = part(type == "identify" ? "traits" : "properties");
  const json& context = part("context");
  for (const FlowRule& rule : rules) {
    if (!step_matches(rule.when, type, name, properties, context)) continue;
    const json payload = {{"flow", rule.name}, {"event", event}, {"receivedAt", received_at}};
    out.push_back({rule.name, rule.url, payload.dump(-1, ' ', false, json::error_handler_t::replace)});
  }
  return out;
}

bool flow_should_retry(int http_status) {
  return http_status == 0 || http_status == 408 || http_status == 429 || http_status >= 500;
}

double delivery_lease_ms(const FlowOptions& options) { return 3.0 * options.timeout_ms + 1000; }

double flow_backoff_ms(int attempt, double base_ms, double max_ms, double retry_after_ms) {
  const double exponential = base_ms * std::pow(2.0, std::max(0, attempt - 1));
  return std::max(std::min(exponential, max_ms), retry_after_ms);
}

FlowRunner::FlowRunner(Store& store, FlowOptions options, std::shared_ptr<WorkerClock> clock,
                       std::function<void(const std::string&)> log)
    : store_(store), options_(options), clock_(std::move(clock)), log_(std::move(log)) {
  thread_ = std::thread([this] { run(); });
  // Deliveries another collector sharing the store queued: this worker may
  // send them too (one of the two takes each), and must, if that one dies.
  store_.watch_deliveries([this] { wake(); });
}

FlowRunner::~FlowRunner() { stop(); }

void FlowRunner::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void FlowRunner::stop() {
  store_.watch_deliveries(nullptr);  // returns once a wake() in flight has ended
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

FlowRunner::Pass FlowRunner::attempt_due() {
  Pass pass;
  std::string error;
  // One at a time, taken for as long as one attempt may take (connect,
  // write, read, and a second to record it), so another collector sharing
  // the store never sends it too, and sends it soon if this one dies with
  // it in hand. (Taking ten at once would hold the tenth for ten attempts'
  // time; a take is one indexed UPDATE, cheap beside the POST.)
  constexpr int kTake = 1;
  const double lease_ms = delivery_lease_ms(options_);
  const auto due = store_.take_due_deliveries(clock_->now_ms(), kTake, lease_ms, error);
  pass.read_failed = !error.empty();
  if (pass.read_failed && log_) log_("flows: reading the delivery log failed: " + error);
  pass.any_due = !due.empty();
  for (const Delivery& delivery : due) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pass.stopped = stopping_;
    }
    if (pass.stopped) break;
    attempt(delivery);
  }
  return pass;
}

void FlowRunner::run() {
  for (;;) {
    const Pass pass = attempt_due();
    if (pass.stopped) return;
    // Wait until the next retry is due, new work arrives (wake()), or stop().
    // Nothing pending: until woken, as every queued delivery wakes the
    // worker; after a failed read of the log, a minute, to read it again.
    const auto next = store_.next_delivery_ms();
    const double idle_ms = pass.read_failed ? 60'000 : WorkerClock::kForever;
    const double wait_ms = next ? std::max(*next - clock_->now_ms(), 0.0) : idle_ms;
    std::unique_lock<std::mutex> lock(mutex_);
    if (pass.any_due && wait_ms <= 0) continue;  // more due right away
    // At least 1 ms: a delivery due now that the query missed must not spin.
    clock_->wait(lock, wake_, std::max(wait_ms, 1.0), [&] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

void FlowRunner::attempt(const Delivery& delivery) {
  const http::Headers headers = {{"X-Microtrack-Flow", delivery.flow},
                                 {"Idempotency-Key", delivery.flow + ":" + delivery.message_id}};
  const PostResult result = post_json(delivery.url, delivery.payload, headers, options_.timeout_ms);
  const int attempts = delivery.attempts + 1;
  const double now = clock_->now_ms();
  std::string outcome = "delivered";
  double next = now;
  if (!result.ok()) {
    outcome = flow_should_retry(result.status) && attempts < options_.max_attempts ? "pending" : "failed";
    next = now + flow_backoff_ms(attempts, options_.retry_base_ms, options_.retry_max_ms, result.retry_after_ms);
  }
  std::string error;
  if (!store_.record_attempt(delivery.id, outcome, attempts, next, result.status, result.problem, now, error) && log_)
    log_("flows: recording a delivery failed: " + error);
  if (log_)
    log_("flows: " + delivery.flow + " " + delivery.message_id + " -> " + delivery.url + ": " +
         (result.ok() ? "HTTP " + std::to_string(result.status) : result.problem) + " (attempt " +
         std::to_string(attempts) + ", " + outcome + ")");
}

}  // namespace microtrack::collector
