// Flows: webhook rules, their retry policy and the delivery log, against a
// local webhook receiver.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "flows.hpp"
#include "live_collector.hpp"

using namespace collector_test;

namespace {

double wall_ms() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// A webhook endpoint on a free port that answers with scripted statuses
// (then 200) and records what it got.
class Receiver {
 public:
  struct Call {
    std::string path, body, flow_header, idempotency_key;
  };
  explicit Receiver(std::deque<int> statuses = {}) : statuses_(std::move(statuses)) {
    svr_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      calls_.push_back({req.path, req.body, req.get_header_value("X-Microtrack-Flow"),
                        req.get_header_value("Idempotency-Key")});
      res.status = 200;
      if (!statuses_.empty()) {
        res.status = statuses_.front();
        statuses_.pop_front();
      }
      res.set_content("{}", "application/json");
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    svr_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  httplib::Server svr_;
  std::mutex mutex_;
  std::deque<int> statuses_;
  std::vector<Call> calls_;
  int port_ = 0;
  std::thread thread_;
};

std::vector<mc::FlowRule> rules(const std::string& text) {
  std::string error;
  auto parsed = mc::parse_flows(text, error);
  INFO(error);
  REQUIRE(parsed);
  return *parsed;
}

mc::ServerOptions flow_options(std::vector<mc::FlowRule> flows) {
  mc::ServerOptions options;
  options.flows = std::move(flows);
  options.now_ms = wall_ms;  // the worker schedules retries on the real clock
  options.flow_options.retry_base_ms = 20;
  options.flow_options.max_attempts = 4;
  return options;
}

// Polls /api/flows until the delivery log has `n` rows that are not pending.
json settled_deliveries(const LiveCollector& server, std::size_t n) {
  json log;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    log = json::parse(server.get("/api/flows")->body)["deliveries"];
    std::size_t settled = 0;
    for (const json& row : log) settled += row["status"] != "pending";
    if (settled >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return log;
}

}  // namespace

TEST_CASE("Flow rules are read from JSON, and each mistake is named") {
  const auto ok = rules(R"({"flows": [
      {"name": "review_request", "event": "purchase", "url": "http://127.0.0.1:9/hook"},
      {"name": "checkout_reminder", "event": "form_abandon", "where": {"form_id": "checkout", "fields_filled": 2, "goal": true},
       "url": "https://hooks.example/remind"}]})");
  REQUIRE(ok.size() == 2);
  CHECK(ok[1].when.label() == "form_abandon fields_filled=2 form_id=checkout goal=true");
  CHECK(rules(R"([{"name":"a","event":"page","url":"http://x/"}])").size() == 1);  // a bare array

  const std::vector<std::pair<const char*, const char*>> bad = {
      {"{", "not valid JSON"},
      {R"({"rules": []})", "expected {\"flows\""},
      {R"({"flows": {}})", "must be an array"},
      {R"({"flows": [1]})", "flows[0] must be an object"},
      {R"({"flows": [{"event":"purchase","url":"http://x/"}]})", "flows[0].name"},
      {R"({"flows": [{"name":"a","event":"p","url":"http://x/"},{"name":"a","event":"p","url":"http://x/"}]})", "flows[1].name"},
      {R"({"flows": [{"name":"a","url":"http://x/"}]})", "flows[0].event"},
      {R"({"flows": [{"name":"a","event":"p","url":"ftp://x/"}]})", "flows[0].url"},
      {R"({"flows": [{"name":"a","event":"p","url":"http://x/","where":[]}]})", "flows[0].where must be an object"},
      {R"({"flows": [{"name":"a","event":"p","url":"http://x/","where":{"k":{}}}]})", "flows[0].where.k"},
  };
  for (const auto& [text, message] : bad) {
    CAPTURE(text);
    std::string error;
    CHECK_FALSE(mc::parse_flows(text, error));
    CHECK_THAT(error, Catch::Contains(message));
  }
}

TEST_CASE("Flow retry: which answers are retried, and how long to wait") {
  CHECK(mc::flow_should_retry(0));  // no answer
  CHECK(mc::flow_should_retry(408));
  CHECK(mc::flow_should_retry(429));
  CHECK(mc::flow_should_retry(500));
  CHECK(mc::flow_should_retry(503));
  CHECK_FALSE(mc::flow_should_retry(400));
  CHECK_FALSE(mc::flow_should_retry(404));
  CHECK_FALSE(mc::flow_should_retry(410));

  CHECK(mc::flow_backoff_ms(1, 1000, 60'000) == 1000);
  CHECK(mc::flow_backoff_ms(2, 1000, 60'000) == 2000);
  CHECK(mc::flow_backoff_ms(3, 1000, 60'000) == 4000);
  CHECK(mc::flow_backoff_ms(7, 1000, 60'000) == 60'000);   // 64 s, capped
  CHECK(mc::flow_backoff_ms(40, 1000, 60'000) == 60'000);
  CHECK(mc::flow_backoff_ms(1, 1000, 60'000, 5000) == 5000);  // Retry-After longer: it wins
  CHECK(mc::flow_backoff_ms(3, 1000, 60'000, 500) == 4000);
}

TEST_CASE("split_url separates origin and path") {
  CHECK(mc::split_url("http://127.0.0.1:9000/hooks/a?x=1") == std::make_pair(std::string("http://127.0.0.1:9000"), std::string("/hooks/a?x=1")));
  CHECK(mc::split_url("https://hooks.example") == std::make_pair(std::string("https://hooks.example"), std::string("/")));
  CHECK_FALSE(mc::split_url("hooks.example/a"));
  CHECK_FALSE(mc::split_url("http:///a"));
}

SCENARIO("A purchase triggers a review request, retried until the webhook takes it") {
  GIVEN("a review_request flow on purchase and a receiver that fails twice with 503") {
    Receiver receiver({503, 503});
    LiveCollector server(flow_options(rules(R"({"flows":[{"name":"review_request","event":"purchase","url":")" +
                                            receiver.url("/hooks/review") + "\"}]}")));
    WHEN("a purchase and another event are stored, and the purchase is sent again") {
      server.post("/v1/batch", batch_of({track_event("buy-1", "purchase"), track_event("other", "hero_seen")}));
      server.post("/v1/batch", batch_of({track_event("buy-1", "purchase")}));  // a retry of the batch
      const json log = settled_deliveries(server, 1);
      THEN("the webhook got it on the third attempt, once per event, and the log says so") {
        const auto calls = receiver.calls();
        REQUIRE(calls.size() == 3);
        for (const auto& call : calls) {
          CHECK(call.path == "/hooks/review");
          CHECK(call.flow_header == "review_request");
          CHECK(call.idempotency_key == "review_request:buy-1");
          const json body = json::parse(call.body);
          CHECK(body["flow"] == "review_request");
          CHECK(body["event"]["messageId"] == "buy-1");
          CHECK(body["event"]["event"] == "purchase");
          CHECK(body["receivedAt"].is_string());
        }
        REQUIRE(log.size() == 1);
        CHECK(log[0]["flow"] == "review_request");
        CHECK(log[0]["message_id"] == "buy-1");
        CHECK(log[0]["status"] == "delivered");
        CHECK(log[0]["attempts"] == 3);
        CHECK(log[0]["last_status"] == 200);
        CHECK(log[0]["last_error"].is_null());
      }
    }
  }
}

TEST_CASE("A delivery is given up after a 4xx, or after the last attempt") {
  SECTION("410 Gone: failed after one attempt") {
    Receiver receiver({410});
    LiveCollector server(flow_options(rules(R"([{"name":"f","event":"purchase","url":")" + receiver.url("/") + "\"}]")));
    server.post("/v1/batch", batch_of({track_event("b1", "purchase")}));
    const json log = settled_deliveries(server, 1);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == "failed");
    CHECK(log[0]["attempts"] == 1);
    CHECK(log[0]["last_status"] == 410);
    CHECK(log[0]["last_error"] == "HTTP 410");
  }
  SECTION("always 500: failed after max_attempts (4)") {
    Receiver receiver({500, 500, 500, 500, 500, 500});
    LiveCollector server(flow_options(rules(R"([{"name":"f","event":"purchase","url":")" + receiver.url("/") + "\"}]")));
    server.post("/v1/batch", batch_of({track_event("b1", "purchase")}));
    const json log = settled_deliveries(server, 1);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == "failed");
    CHECK(log[0]["attempts"] == 4);
    CHECK(receiver.calls().size() == 4);
  }
  SECTION("nobody listening: retried as a network error") {
    std::string dead_url;
    { Receiver gone; dead_url = gone.url("/"); }  // a port that was just closed
    LiveCollector server(flow_options(rules(R"([{"name":"f","event":"purchase","url":")" + dead_url + "\"}]")));
    server.post("/v1/batch", batch_of({track_event("b1", "purchase")}));
    const json log = settled_deliveries(server, 1);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == "failed");
    CHECK(log[0]["attempts"] == 4);
    CHECK(log[0]["last_status"].is_null());
    CHECK_THAT(log[0]["last_error"].get<std::string>(), Catch::StartsWith("no answer"));
  }
}

TEST_CASE("A flow's where conditions pick the events: a form_abandon on checkout sends a reminder") {
  Receiver receiver;
  LiveCollector server(flow_options(rules(R"([{"name":"checkout_reminder","event":"form_abandon",
      "where":{"form_id":"checkout"},"url":")" + receiver.url("/remind") + "\"}]")));
  json checkout = track_event("abandon-checkout", "form_abandon");
  checkout["properties"] = {{"form_id", "checkout"}, {"last_field", "card"}};
  json newsletter = track_event("abandon-newsletter", "form_abandon");
  newsletter["properties"] = {{"form_id", "newsletter"}};
  server.post("/v1/batch", batch_of({newsletter, checkout}));
  const json log = settled_deliveries(server, 1);
  REQUIRE(log.size() == 1);
  CHECK(log[0]["message_id"] == "abandon-checkout");
  CHECK(log[0]["status"] == "delivered");
  REQUIRE(receiver.calls().size() == 1);
  CHECK(json::parse(receiver.calls()[0].body)["event"]["properties"]["last_field"] == "card");
  CHECK(json::parse(server.get("/api/flows")->body)["flows"][0] ==
        json({{"name", "checkout_reminder"}, {"event", "form_abandon"}, {"where", {{"form_id", "checkout"}}},
              {"url", receiver.url("/remind")}}));
}
