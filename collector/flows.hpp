#pragma once
// Flows: rules that POST a webhook when a stored event matches, e.g. a
// `purchase` asks a review service for a review request, a `form_abandon`
// of the checkout form sends a reminder. Deliveries are queued in the
// store's delivery log in the transaction that stores the event, then sent
// by one background worker with retry and backoff.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "funnel.hpp"  // FunnelStep: a flow's trigger is matched like a funnel step
#include "store.hpp"
#include "worker_clock.hpp"

namespace microtrack::collector {

struct FlowRule {
  std::string name;  // unique; in the payload and the log
  FunnelStep when;   // event name + property conditions
  std::string url;   // http:// or https:// webhook
};

// Reads rules from JSON text:
//   {"flows": [{"name": "review_request", "event": "purchase",
//               "where": {"plan": "pro"}, "url": "http://127.0.0.1:9000/hook"}]}
// (a bare array of rules works too). `where` values are strings, numbers or
// booleans. Returns nothing and sets `error` naming the rule and field.
std::optional<std::vector<FlowRule>> parse_flows(const std::string& text, std::string& error);

// The deliveries the rules ask for when `event` is stored. Payload:
// {"flow": name, "event": <the event as received>, "receivedAt": iso}.
std::vector<NewDelivery> deliveries_for(const std::vector<FlowRule>& rules, const nlohmann::json& event,
                                        const std::string& received_at);

// Retry policy, two pure functions (as the SDK's): which answers are worth
// another attempt (none, i.e. 0, network error; 408, 429, 5xx), and how long
// to wait before attempt `attempt` + 1: base_ms * 2^(attempt-1), capped at
// max_ms; a Retry-After (seconds) longer than that wins.
bool flow_should_retry(int http_status);
double flow_backoff_ms(int attempt, double base_ms, double max_ms, double retry_after_ms = 0);

struct FlowOptions {
  double retry_base_ms = 1000;
  double retry_max_ms = 3600 * 1000.0;
  int max_attempts = 8;  // then the delivery is marked failed
  int timeout_ms = 5000;  // per HTTP attempt: connecting, and each read and write (--flow-timeout-s)
};

// How long a worker holds a delivery it took (3 x timeout_ms + 1 s: connect,
// write, read, record): no other worker sharing the store sends it
// meanwhile, and any sends it once the lease ends unrecorded (its taker died).
double delivery_lease_ms(const FlowOptions& options);

// The worker. Starts a thread; wake() after queuing deliveries; stop() waits
// for the attempt in flight. Pending deliveries stay in the store across
// restarts and are sent by the next worker. It sends what is due by
// `clock`, one at a time, then waits on it until the next retry (or the end
// of another worker's lease) is due, wake(), or the store says another
// collector queued deliveries (Store::watch_deliveries).
class FlowRunner {
 public:
  FlowRunner(Store& store, FlowOptions options, std::shared_ptr<WorkerClock> clock,
             std::function<void(const std::string&)> log);
  // On real time read from `now_ms` (the server's clock).
  FlowRunner(Store& store, FlowOptions options, std::function<double()> now_ms,
             std::function<void(const std::string&)> log)
      : FlowRunner(store, options, real_time_clock(std::move(now_ms)), std::move(log)) {}
  ~FlowRunner();
  FlowRunner(const FlowRunner&) = delete;
  FlowRunner& operator=(const FlowRunner&) = delete;
  void wake();
  void stop();

 private:
  void run();
  // One pass over the deliveries due now.
  struct Pass {
    bool any_due = false;
    bool read_failed = false;  // the delivery log could not be read
    bool stopped = false;      // stop() came meanwhile
  };
  Pass attempt_due();
  void attempt(const Delivery& delivery);

  Store& store_;
  const FlowOptions options_;
  std::shared_ptr<WorkerClock> clock_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// "http://host:port/path?q" -> {"http://host:port", "/path?q"}; nothing when
// it is not an http(s) URL.
std::optional<std::pair<std::string, std::string>> split_url(const std::string& url);

}  // namespace microtrack::collector
