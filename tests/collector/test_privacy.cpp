// Privacy operations of the store (retention, erasure, export), the
// retention schedule, and what is (not) stored per event.
#include <catch2/catch.hpp>

#include <atomic>

#include "iso_time.hpp"
#include "live_collector.hpp"  // track_event()
#include "retention.hpp"
#include "store.hpp"

namespace {

using collector_test::track_event;
using microtrack::collector::parse_iso8601_ms;
using nlohmann::json;
namespace mc = microtrack::collector;

double at(const char* iso) { return *parse_iso8601_ms(iso); }

// The backend under test (test_stores.hpp): SQLite in memory, or PostgreSQL.
std::unique_ptr<mc::Store> memory_store() { return collector_test::open_test_store(); }

json event_for(const std::string& message_id, const std::string& anonymous_id, const std::string& user_id = "") {
  json event = track_event(message_id);
  event["anonymousId"] = anonymous_id;
  if (user_id.empty())
    event.erase("userId");
  else
    event["userId"] = user_id;
  return event;
}

// Stores events received at `received`, each with one webhook call queued
// (when the store keeps a delivery log: ClickHouse does not).
void store_at(mc::Store& store, const std::vector<json>& events, const char* received) {
  std::vector<std::string> texts;
  for (const json& event : events) texts.push_back(event.dump());
  std::vector<mc::json_scan::Object> objects;
  for (const std::string& text : texts) objects.push_back(mc::json_scan::Object::of(text));
  std::function<std::vector<mc::NewDelivery>(const mc::json_scan::Object&)> queue;
  if (store.keeps_delivery_log())
    queue = [](const mc::json_scan::Object&) { return std::vector<mc::NewDelivery>{{"hook", "http://127.0.0.1:9/", "{}"}}; };
  const auto result = store.insert_events(objects, std::nullopt, at(received), queue);
  INFO(result.error);
  REQUIRE(result.error.empty());
  REQUIRE(result.accepted == static_cast<int>(events.size()));
}

std::vector<std::string> message_ids(mc::Store& store) {
  std::string error;
  const auto rows = store.query({}, error);
  REQUIRE(rows);
  std::vector<std::string> ids;
  for (const json& row : *rows) ids.push_back(row["message_id"]);
  return ids;
}

// Webhook rows a store queues for `events` events: one each, or none.
std::int64_t deliveries_for(const mc::Store& store, std::int64_t events) { return store.keeps_delivery_log() ? events : 0; }

std::size_t delivery_count(mc::Store& store) {
  std::string error;
  const auto log = store.delivery_log(1000, error);
  REQUIRE(log);
  return log->size();
}

}  // namespace

TEST_CASE("Retention deletes events and webhook rows received before the cutoff", "[stores]") {
  auto store = memory_store();
  store_at(*store, {event_for("old-1", "a"), event_for("old-2", "b")}, "2026-10-01T12:00:00.000Z");
  store_at(*store, {event_for("edge", "a")}, "2026-11-04T10:00:00.000Z");
  store_at(*store, {event_for("new", "a")}, "2026-12-01T08:00:00.000Z");

  std::string error;
  const auto erased = store->delete_received_before("2026-11-04T10:00:00.000Z", error);
  REQUIRE(erased);
  CHECK(erased->events == 2);
  CHECK(erased->deliveries == deliveries_for(*store, 2));
  CHECK(message_ids(*store) == std::vector<std::string>{"edge", "new"});  // the cutoff itself is kept
  CHECK(delivery_count(*store) == static_cast<std::size_t>(deliveries_for(*store, 2)));

  const auto again = store->delete_received_before("2026-11-04T10:00:00.000Z", error);
  REQUIRE(again);
  CHECK(again->events == 0);
}

TEST_CASE("The retention schedule sweeps at start, then every interval, cutting N days back") {
  mc::RetentionSchedule schedule({/*days=*/30, /*interval_ms=*/3'600'000});
  struct Step {
    const char* now;
    const char* cutoff;  // "" = not due
  };
  const Step steps[] = {
      {"2026-12-04T10:00:00.000Z", "2026-11-04T10:00:00.000Z"},  // at start
      {"2026-12-04T10:30:00.000Z", ""},
      {"2026-12-04T10:59:59.999Z", ""},
      {"2026-12-04T11:00:00.000Z", "2026-11-04T11:00:00.000Z"},
      {"2026-12-04T11:00:01.000Z", ""},
      {"2026-12-04T09:00:00.000Z", "2026-11-04T09:00:00.000Z"},  // the clock stepped back: not stuck
      {"2026-12-05T09:00:00.000Z", "2026-11-05T09:00:00.000Z"},
  };
  for (const Step& step : steps) {
    INFO(step.now);
    const auto cutoff = schedule.due(at(step.now));
    CHECK(cutoff.value_or("") == step.cutoff);
  }
  SECTION("without days, never") {
    mc::RetentionSchedule off({0, 3'600'000});
    CHECK_FALSE(off.due(at("2026-12-04T10:00:00.000Z")));
  }
}

TEST_CASE("The retention worker sweeps by its clock", "[stores]") {
  auto store = memory_store();
  store_at(*store, {event_for("old", "a")}, "2026-10-01T12:00:00.000Z");
  store_at(*store, {event_for("recent", "a")}, "2026-11-20T12:00:00.000Z");
  std::atomic<double> now{at("2026-12-04T10:00:00.000Z")};
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  mc::RetentionWorker worker(*store, {30, 3'600'000}, [&] { return now.load(); }, [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(lines_mutex);
    lines.push_back(line);
  });
  std::string error;
  worker.sweep_if_due(error);  // its own thread may have swept first; either way it is complete now
  CHECK(message_ids(*store) == std::vector<std::string>{"recent"});
  {
    std::lock_guard<std::mutex> lock(lines_mutex);
    CHECK(lines == std::vector<std::string>{"retention: deleted 1 events and " +
                                            std::to_string(deliveries_for(*store, 1)) +
                                            " webhook log rows received before 2026-11-04T10:00:00.000Z"});
  }
  now = at("2026-12-21T12:00:00.000Z");  // the recent one is 31 days old now
  const auto erased = worker.sweep_if_due(error);
  REQUIRE(erased);
  CHECK(erased->events == 1);
  CHECK(message_ids(*store).empty());
}

TEST_CASE("Erasure deletes one visitor's events and their webhook rows, nobody else's", "[stores]") {
  auto store = memory_store();
  store_at(*store,
           {event_for("a-1", "anon-a"), event_for("a-2", "anon-a", "user-7"), event_for("b-1", "anon-b"),
            event_for("c-1", "anon-c", "user-7")},
           "2026-12-01T08:00:00.000Z");
  std::string error;

  SECTION("by anonymousId") {
    const auto erased = store->erase_visitor({"anon-a", ""}, error);
    REQUIRE(erased);
    CHECK(erased->events == 2);
    CHECK(erased->deliveries == deliveries_for(*store, 2));
    CHECK(message_ids(*store) == std::vector<std::string>{"b-1", "c-1"});
    CHECK(delivery_count(*store) == static_cast<std::size_t>(deliveries_for(*store, 2)));
  }
  SECTION("by userId") {
    const auto erased = store->erase_visitor({"", "user-7"}, error);
    REQUIRE(erased);
    CHECK(erased->events == 2);
    CHECK(message_ids(*store) == std::vector<std::string>{"a-1", "b-1"});
  }
  SECTION("an unknown visitor, or none named, erases nothing") {
    CHECK(store->erase_visitor({"nobody", ""}, error)->events == 0);
    CHECK(store->erase_visitor({"", ""}, error)->events == 0);
    CHECK(message_ids(*store).size() == 4);
  }
}

TEST_CASE("Export gives one visitor's events, oldest first, as the query API shows them", "[stores]") {
  auto store = memory_store();
  store_at(*store, {event_for("a-1", "anon-a"), event_for("b-1", "anon-b")}, "2026-12-01T08:00:00.000Z");
  store_at(*store, {event_for("a-2", "anon-a", "user-7")}, "2026-12-01T09:00:00.000Z");
  std::string error;
  const auto rows = store->visitor_events({"anon-a", ""}, 1000, error);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0]["message_id"] == "a-1");
  CHECK((*rows)[1]["message_id"] == "a-2");
  CHECK((*rows)[1]["received_at"] == "2026-12-01T09:00:00.000Z");
  CHECK((*rows)[1]["raw"]["properties"] == json{{"variant", "b"}});  // the event whole again
  CHECK(store->visitor_events({"", "user-7"}, 1000, error)->size() == 1);
  CHECK(store->visitor_events({"anon-a", ""}, 1, error)->size() == 1);
}

TEST_CASE("A client's IP address is never stored, even when the event carries one", "[stores]") {
  auto store = memory_store();
  json event = event_for("ip-1", "anon-a");
  event["context"]["ip"] = "203.0.113.7";
  store_at(*store, {event}, "2026-12-01T08:00:00.000Z");
  std::string error;
  const auto rows = store->query({}, error);
  REQUIRE(rows);
  const json& row = rows->at(0);
  CHECK_FALSE(row["context"].contains("ip"));
  CHECK(row["context"]["sessionId"] == "s-1");  // the rest of the context is kept
  CHECK(row.dump().find("203.0.113.7") == std::string::npos);
}
