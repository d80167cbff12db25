// Flows: webhook rules, their retry policy and the delivery log, against a
// local webhook receiver. The worker's retries run on a fast-forward clock:
// each schedule is a list of literal waits, and nothing sleeps for them.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "fast_forward_clock.hpp"
#include "flows.hpp"
#include "live_collector.hpp"
#include "receiver.hpp"

using namespace collector_test;

namespace {

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
  return options;
}

// A flow worker over an in-memory store on a fast-forward clock that starts
// at the collector's test time (kReceivedAt).
struct FlowBench {
  std::unique_ptr<mc::Store> store;
  std::shared_ptr<FastForwardClock> clock = std::make_shared<FastForwardClock>(t0());
  std::vector<mc::FlowRule> rules;
  std::unique_ptr<mc::FlowRunner> runner;

  static double t0() { return *mc::parse_iso8601_ms(kReceivedAt); }

  FlowBench(std::vector<mc::FlowRule> rules_, mc::FlowOptions options) : rules(std::move(rules_)) {
    store = open_test_store();  // SQLite, or PostgreSQL (test_stores.hpp)
    runner = std::make_unique<mc::FlowRunner>(*store, options, clock, nullptr);
    // The worker's first pass, over an empty log, ends before anything is
    // stored: else a delivery stored between its read and its look at the
    // next due time is seen as missed (a 1 ms wait) and the waits differ.
    REQUIRE(clock->wait_until([&] { return clock->forever_waits() >= 1; }));
  }
  ~FlowBench() { runner->stop(); }

  // Stores the events as the ingest route does, with their deliveries, now.
  void receive(const std::vector<json>& events) {
    const std::string text = json(events).dump();
    const auto objects = mc::json_scan::elements(text);
    const auto stored = store->insert_events(objects, std::nullopt, clock->now_ms(), [&](const mc::json_scan::Object& e) {
      return mc::deliveries_for(rules, json::parse(e.text), kReceivedAt);
    });
    REQUIRE(stored.error.empty());
    runner->wake();
  }

  json log() {
    std::string error;
    return *store->delivery_log(100, error);
  }

  // The delivery log once `n` rows are no longer pending.
  json settled(std::size_t n) {
    json rows;
    const bool settled = clock->wait_until([&] {
      rows = log();
      std::size_t done = 0;
      for (const json& row : rows) done += row["status"] != "pending";
      return done >= n;
    });
    REQUIRE(settled);
    return rows;
  }
};

mc::FlowOptions retry_options() {
  mc::FlowOptions options;
  options.retry_base_ms = 1000;
  options.retry_max_ms = 60'000;
  options.max_attempts = 4;
  return options;
}

std::vector<double> ms(std::initializer_list<double> waits) { return waits; }

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
    FlowBench bench(rules(R"({"flows":[{"name":"review_request","event":"purchase","url":")" +
                          receiver.url("/hooks/review") + "\"}]}"), retry_options());
    WHEN("a purchase and another event are stored, and the purchase is sent again") {
      bench.receive({track_event("buy-1", "purchase"), track_event("other", "hero_seen")});
      bench.receive({track_event("buy-1", "purchase")});  // a retry of the batch: a duplicate
      const json log = bench.settled(1);
      THEN("the webhook got it on the third attempt, after 1 s and 2 s, once per event") {
        CHECK(bench.clock->waits() == ms({1000, 2000}));
        const auto calls = receiver.calls();
        REQUIRE(calls.size() == 3);
        for (const auto& call : calls) {
          CHECK(call.path == "/hooks/review");
          CHECK(call.header("X-Microtrack-Flow") == "review_request");
          CHECK(call.header("Idempotency-Key") == "review_request:buy-1");
          const json body = json::parse(call.body);
          CHECK(body["flow"] == "review_request");
          CHECK(body["event"]["messageId"] == "buy-1");
          CHECK(body["event"]["event"] == "purchase");
          CHECK(body["receivedAt"] == kReceivedAt);
        }
        REQUIRE(log.size() == 1);
        CHECK(log[0]["flow"] == "review_request");
        CHECK(log[0]["message_id"] == "buy-1");
        CHECK(log[0]["status"] == "delivered");
        CHECK(log[0]["attempts"] == 3);
        CHECK(log[0]["last_status"] == 200);
        CHECK(log[0]["last_error"].is_null());
        CHECK(log[0]["created_at"] == kReceivedAt);
        CHECK(log[0]["updated_at"] == "2026-11-27T10:00:18.000Z");  // t0 + 1 s + 2 s
      }
    }
  }
}

TEST_CASE("A flow's retry schedule, on literal times") {
  const std::string rule = R"([{"name":"f","event":"purchase","url":"URL"}])";
  const auto bench_for = [&](const std::string& url) {
    std::string text = rule;
    text.replace(text.find("URL"), 3, url);
    return std::make_unique<FlowBench>(rules(text), retry_options());
  };
  SECTION("410 Gone: failed after one attempt, no wait") {
    Receiver receiver({410});
    auto bench = bench_for(receiver.url("/"));
    bench->receive({track_event("b1", "purchase")});
    const json log = bench->settled(1);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == "failed");
    CHECK(log[0]["attempts"] == 1);
    CHECK(log[0]["last_status"] == 410);
    CHECK(log[0]["last_error"] == "HTTP 410");
    CHECK(bench->clock->waits().empty());
  }
  SECTION("always 500: failed after max_attempts (4), waits doubling") {
    Receiver receiver({500, 500, 500, 500, 500, 500});
    auto bench = bench_for(receiver.url("/"));
    bench->receive({track_event("b1", "purchase")});
    const json log = bench->settled(1);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == "failed");
    CHECK(log[0]["attempts"] == 4);
    CHECK(log[0]["updated_at"] == "2026-11-27T10:00:22.000Z");  // t0 + 1 + 2 + 4 s
    CHECK(receiver.calls().size() == 4);
    CHECK(bench->clock->waits() == ms({1000, 2000, 4000}));
  }
  SECTION("a Retry-After longer than the backoff wins") {
    Receiver receiver({{503, "30"}, {429, "1"}});
    auto bench = bench_for(receiver.url("/"));
    bench->receive({track_event("b1", "purchase")});
    const json log = bench->settled(1);
    CHECK(log[0]["status"] == "delivered");
    CHECK(log[0]["attempts"] == 3);
    CHECK(bench->clock->waits() == ms({30'000, 2000}));
  }
  SECTION("nobody listening: retried as a network error") {
    std::string dead_url;
    { Receiver gone; dead_url = gone.url("/"); }  // a port that was just closed
    auto bench = bench_for(dead_url);
    bench->receive({track_event("b1", "purchase")});
    const json log = bench->settled(1);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == "failed");
    CHECK(log[0]["attempts"] == 4);
    CHECK(log[0]["last_status"].is_null());
    CHECK_THAT(log[0]["last_error"].get<std::string>(), Catch::StartsWith("no answer"));
    CHECK(bench->clock->waits() == ms({1000, 2000, 4000}));
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
