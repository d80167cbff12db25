// The store backends: which one a --db URL opens; PostgreSQL and ClickHouse
// giving the same JSON as SQLite for the same calls, and what several
// collectors sharing one database rely on. The [postgres] cases run when
// MICROTRACK_TEST_PG names a database (scripts/with-postgres.sh), the
// [clickhouse] ones when MICROTRACK_TEST_CLICKHOUSE names a server
// (scripts/with-clickhouse.sh); without it each says it was skipped.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "iso_time.hpp"
#include "live_collector.hpp"  // track_event()
#include "pg_connection.hpp"
#include "store.hpp"
#include "test_stores.hpp"

namespace {

using collector_test::fresh_clickhouse_database_url;
using collector_test::fresh_postgres_schema_url;
using collector_test::open_or_fail;
using collector_test::testing_clickhouse;
using collector_test::testing_postgres;
using collector_test::track_event;
namespace mc = microtrack::collector;
using nlohmann::json;

const double kNowMs = *mc::parse_iso8601_ms("2026-11-27T10:00:15.000Z");

// Varied events: three kinds, two days, skewed clocks, NULL columns, a
// userId-only visitor, repeats within and across batches.
void seed(mc::Store& store) {
  std::vector<json> first, second;
  for (int i = 0; i < 12; ++i) {
    json event = track_event("t" + std::to_string(i), i % 3 ? "scroll_depth" : "purchase");
    event["anonymousId"] = "anon-" + std::to_string(i % 4);
    event["timestamp"] = mc::format_iso8601_ms(kNowMs - 3600'000.0 * 20 * (i % 2) - 1000 * i);
    event["properties"] = {{"percent", 25 * (i % 4)}, {"price", 9.5}, {"tags", {"a", "ü"}}};
    first.push_back(event);
  }
  first.push_back(first[3]);  // a repeat within the batch
  json page = {{"type", "page"}, {"name", "Home"}, {"messageId", "p1"}, {"anonymousId", "anon-9"},
               {"timestamp", "2026-11-27T09:59:00.000Z"}, {"properties", {{"path", "/"}}}};
  json identify = {{"type", "identify"}, {"messageId", "i1"}, {"userId", "u7"},
                   {"timestamp", "2026-11-27T09:58:00Z"}, {"context", {{"traits", {{"plan", "pro"}}}}}};
  json no_context = track_event("t-bare", "signup");
  no_context.erase("context");
  no_context.erase("anonymousId");
  no_context["sentAt"] = "2026-11-27T10:00:20.000Z";  // its own clock, 5 s ahead
  second = {page, identify, no_context, first[0], first[5]};  // two repeats across batches
  REQUIRE(store.insert_batch(first, std::string("2026-11-27T10:00:05.000Z"), kNowMs).error.empty());
  REQUIRE(store.insert_batch(second, std::nullopt, kNowMs + 1000).error.empty());
}

// Everything a store answers about the seeded data, as one JSON value.
json answers(mc::Store& store) {
  json out;
  std::string error;
  for (const bool newest : {false, true})
    for (const auto& [event, type] : {std::pair{"", ""}, std::pair{"purchase", ""}, std::pair{"", "page"},
                                      std::pair{"scroll_depth", "track"}}) {
      mc::EventQuery query;
      query.event = event;
      query.type = type;
      query.newest_first = newest;
      query.limit = 7;
      out["query"].push_back(*store.query(query, error));
    }
  for (const auto& [from, to] : {std::pair{"", ""}, std::pair{"2026-11-27T00:00:00.000Z", ""},
                                 std::pair{"", "2026-11-27T10:00:01.000Z"},
                                 std::pair{"2026-11-26T14:00:00.000Z", "2026-11-27T09:59:59.000Z"}}) {
    out["totals"].push_back(*store.totals({from, to}, error));
    mc::ScanFilter filter{{"purchase", "signup"}, true, true};
    json rows = json::array();
    REQUIRE(store.scan({from, to}, filter, [&](mc::EventRow&& row) {
      rows.push_back({row.id, row.type, row.event, row.anonymous_id, row.user_id, row.session_id, row.time_ms,
                      row.properties, row.context});
    }, error));
    std::sort(rows.begin(), rows.end());
    out["scan"].push_back(rows);
  }
  INFO(error);
  REQUIRE(error.empty());
  return out;
}

// Erasure, export and retention on three batches received on three days;
// everything they answer as one JSON value. With `deliveries`, each event
// has a webhook call queued (a ClickHouse store keeps no delivery log).
json privacy_answers(mc::Store& store, bool deliveries) {
  std::function<std::vector<mc::NewDelivery>(const mc::json_scan::Object&)> queue;
  if (deliveries) queue = [](const auto&) { return std::vector<mc::NewDelivery>{{"hook", "http://127.0.0.1:9/", "{}"}}; };
  const auto store_at = [&](std::vector<json> events, const char* received) {
    std::vector<std::string> texts;
    for (const json& event : events) texts.push_back(event.dump());
    std::vector<mc::json_scan::Object> objects;
    for (const std::string& text : texts) objects.push_back(mc::json_scan::Object::of(text));
    REQUIRE(store.insert_events(objects, std::nullopt, *mc::parse_iso8601_ms(received), queue).accepted ==
            static_cast<int>(events.size()));
  };
  json ip = track_event("with-ip");
  ip["context"]["ip"] = "203.0.113.9";  // never stored
  store_at({track_event("old-1"), track_event("old-2")}, "2026-10-01T12:00:00.000Z");
  store_at({track_event("mid"), ip}, "2026-11-04T10:00:00.000Z");
  json other = track_event("other");
  other["anonymousId"] = "anon-2";
  other.erase("userId");
  store_at({other, track_event("new")}, "2026-12-01T08:00:00.000Z");
  json out;
  std::string error;
  const auto as_json = [](const std::optional<mc::Erased>& erased) {
    return erased ? json{erased->events, erased->deliveries} : json(nullptr);
  };
  out["export"] = *store.visitor_events({"", "u42"}, 3, error);
  out["expired"] = as_json(store.delete_received_before("2026-11-04T10:00:00.000Z", error));
  out["erased_by_user"] = as_json(store.erase_visitor({"", "u42"}, error));
  out["erased_nobody"] = as_json(store.erase_visitor({"", ""}, error));
  out["left"] = *store.query(mc::EventQuery{}, error);
  out["log"] = *store.delivery_log(100, error);
  INFO(error);
  REQUIRE(error.empty());
  return out;
}

}  // namespace

TEST_CASE("The --db URL picks the store, and log lines never show its password") {
  std::string error;
  CHECK(mc::Store::open("sqlite::memory:", error));
  CHECK(mc::Store::open(":memory:", error));
  CHECK_FALSE(mc::Store::open("mysql://root@127.0.0.1/events", error));
  CHECK_THAT(error, Catch::Contains("unknown store URL scheme \"mysql\""));
  CHECK_FALSE(mc::Store::open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", error));
  CHECK_FALSE(error.empty());
  CHECK_FALSE(mc::Store::open("clickhouse://127.0.0.1:1/none?timeout_ms=2000", error));
  CHECK_THAT(error, Catch::StartsWith("ClickHouse: no answer"));
  CHECK_FALSE(mc::Store::open("clickhouse://127.0.0.1:port/none", error));
  CHECK_THAT(error, Catch::Contains("numeric port"));

  CHECK(mc::url_for_logs("postgresql://mt:s3cret@db.internal:5432/events") ==
        "postgresql://mt:***@db.internal:5432/events");
  CHECK(mc::url_for_logs("postgresql://mt@db/events?sslmode=require&password=s3cret") ==
        "postgresql://mt@db/events?sslmode=require&password=***");
  CHECK(mc::url_for_logs("postgresql://db/events") == "postgresql://db/events");
  CHECK(mc::url_for_logs("clickhouse://mt:s3cret@ch.internal:8123/events") == "clickhouse://mt:***@ch.internal:8123/events");
  CHECK(mc::url_for_logs("data/events.db") == "data/events.db");
}

TEST_CASE("SQLite and PostgreSQL give identical JSON for the same events", "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  auto sqlite = open_or_fail(":memory:");
  auto postgres = open_or_fail(fresh_postgres_schema_url());
  seed(*sqlite);
  seed(*postgres);
  const json expected = answers(*sqlite);
  CHECK(expected["query"][0].size() == 7);  // the data set is not empty
  CHECK(expected["totals"][0]["total"] == 15);
  CHECK(answers(*postgres).dump() == expected.dump());
}

TEST_CASE("SQLite and PostgreSQL erase, export and expire the same events", "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const auto run = [](mc::Store& store) { return privacy_answers(store, true); };
  auto sqlite = open_or_fail(":memory:");
  auto postgres = open_or_fail(fresh_postgres_schema_url());
  const json expected = run(*sqlite);
  CHECK(expected["export"].size() == 3);
  CHECK(expected["export"][2]["context"].contains("ip") == false);
  CHECK(expected["expired"] == json{2, 2});
  CHECK(expected["erased_by_user"] == json{3, 3});  // mid, with-ip, new
  CHECK(expected["left"].size() == 1);
  CHECK(run(*postgres).dump() == expected.dump());
}

TEST_CASE("SQLite and ClickHouse give identical JSON for the same events", "[clickhouse][stores]") {
  if (!testing_clickhouse()) {
    WARN("skipped: MICROTRACK_TEST_CLICKHOUSE is not set");
    return;
  }
  const std::string url = fresh_clickhouse_database_url();
  auto sqlite = open_or_fail(":memory:");
  auto clickhouse = open_or_fail(url);
  seed(*sqlite);
  seed(*clickhouse);
  const json expected = answers(*sqlite);
  CHECK(expected["totals"][0]["total"] == 15);
  CHECK(answers(*clickhouse).dump() == expected.dump());

  SECTION("and a store opened again on the database dedupes against it and counts ids on from the largest") {
    clickhouse.reset();
    auto reopened = open_or_fail(url);
    const auto more = reopened->insert_batch({track_event("t3"), track_event("after-reopen")}, std::nullopt, kNowMs);
    CHECK(more.duplicates == 1);
    REQUIRE(more.stored.size() == 1);
    CHECK(more.stored[0].id == 16);
    CHECK(answers(*reopened)["totals"][0]["total"] == 16);
  }
}

TEST_CASE("SQLite and ClickHouse erase, export and expire the same events", "[clickhouse][stores]") {
  if (!testing_clickhouse()) {
    WARN("skipped: MICROTRACK_TEST_CLICKHOUSE is not set");
    return;
  }
  auto sqlite = open_or_fail(":memory:");
  auto clickhouse = open_or_fail(fresh_clickhouse_database_url());
  const json expected = privacy_answers(*sqlite, false);
  CHECK(expected["erased_by_user"] == json{3, 0});
  CHECK(expected["log"].empty());
  CHECK(privacy_answers(*clickhouse, false).dump() == expected.dump());
}

TEST_CASE("Two collectors on one ClickHouse database may both store a messageId, yet answers count it once",
          "[clickhouse]") {
  if (!testing_clickhouse()) {
    WARN("skipped: MICROTRACK_TEST_CLICKHOUSE is not set");
    return;
  }
  const std::string url = fresh_clickhouse_database_url();
  auto a = open_or_fail(url);
  auto b = open_or_fail(url);
  // 4 threads x 10 batches of 10 ids out of 60: most ids arrive several times, at once.
  std::atomic<int> accepted{0}, errors{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      mc::Store& store = t % 2 ? *b : *a;
      for (int batch = 0; batch < 10; ++batch) {
        std::vector<json> events;
        for (int i = 0; i < 10; ++i) events.push_back(track_event("m" + std::to_string((batch * 10 + i * 7 + t) % 60)));
        const mc::InsertResult result = store.insert_batch(events, std::nullopt, kNowMs);
        accepted += result.accepted;
        errors += !result.error.empty();
      }
    });
  for (std::thread& sender : senders) sender.join();
  CHECK(errors == 0);
  CHECK(accepted >= 60);  // each instance's counts are exact for itself only
  std::string error;
  mc::EventQuery all;
  const auto rows = a->query(all, error);
  REQUIRE(rows);
  std::set<std::string> ids;
  for (const json& row : *rows) ids.insert(row["message_id"].get<std::string>());
  CHECK(rows->size() == 60);
  CHECK(ids.size() == 60);
  const auto totals = b->totals({}, error);
  REQUIRE(totals);
  CHECK((*totals)["total"] == 60);
  int scanned = 0;
  REQUIRE(a->scan({}, {{"hero_seen"}, false, false}, [&](mc::EventRow&&) { ++scanned; }, error));
  CHECK(scanned == 60);
}

TEST_CASE("Concurrent starts on an empty database migrate its schema once", "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string url = fresh_postgres_schema_url();
  std::atomic<int> opened{0};
  std::vector<std::thread> starts;
  for (int i = 0; i < 4; ++i)
    starts.emplace_back([&] {
      std::string error;
      if (mc::Store::open(url, error)) ++opened;
    });
  for (std::thread& start : starts) start.join();
  CHECK(opened == 4);
  std::string error;
  auto conn = mc::PgConnection::connect(url, error);
  REQUIRE(conn);
  const mc::PgResult versions = conn->exec("SELECT count(*), max(version) FROM microtrack_schema_version", {}, error);
  REQUIRE(versions);
  CHECK(mc::pg_int(versions.get(), 0, 0) == 1);
  CHECK(mc::pg_int(versions.get(), 0, 1) == 1);

  SECTION("and a collector older than the schema refuses to start") {
    REQUIRE(conn->run("INSERT INTO microtrack_schema_version (version) VALUES (99)", error));
    CHECK_FALSE(mc::Store::open(url, error));
    CHECK_THAT(error, Catch::Contains("schema version 99"));
  }
}

TEST_CASE("Two collectors on one database store each messageId once, however their batches interleave",
          "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string url = fresh_postgres_schema_url();
  auto a = open_or_fail(url);
  auto b = open_or_fail(url);
  // 4 threads x 25 batches of 10 ids out of 150: most ids arrive several times, at once.
  std::atomic<int> accepted{0}, duplicates{0}, errors{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      mc::Store& store = t % 2 ? *b : *a;
      for (int batch = 0; batch < 25; ++batch) {
        std::vector<json> events;
        for (int i = 0; i < 10; ++i) events.push_back(track_event("m" + std::to_string((batch * 10 + i * 7 + t) % 150)));
        const mc::InsertResult result = store.insert_batch(events, std::nullopt, kNowMs);
        accepted += result.accepted;
        duplicates += result.duplicates;
        errors += !result.error.empty();
      }
    });
  for (std::thread& sender : senders) sender.join();
  CHECK(errors == 0);
  CHECK(accepted == 150);
  CHECK(accepted + duplicates == 4 * 25 * 10);
  std::string error;
  mc::EventQuery all;
  all.limit = 1000;
  const auto rows = a->query(all, error);
  REQUIRE(rows);
  std::set<std::string> ids;
  for (const json& row : *rows) ids.insert(row["message_id"].get<std::string>());
  CHECK(rows->size() == 150);
  CHECK(ids.size() == 150);
}

TEST_CASE("A pending delivery is taken by one collector only, and again once its taker's lease ends", "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string url = fresh_postgres_schema_url();
  auto a = open_or_fail(url);
  auto b = open_or_fail(url);
  std::vector<json> events;
  for (int i = 0; i < 30; ++i) events.push_back(track_event("d" + std::to_string(i)));
  std::vector<std::string> texts;
  for (const json& event : events) texts.push_back(event.dump());
  std::vector<mc::json_scan::Object> objects;
  for (const std::string& text : texts) objects.push_back(mc::json_scan::Object::of(text));
  const auto result = a->insert_events(objects, std::nullopt, kNowMs, [](const mc::json_scan::Object&) {
    return std::vector<mc::NewDelivery>{{"hook", "http://127.0.0.1:9/hook", "{}"}};
  });
  REQUIRE(result.accepted == 30);

  const double lease_ms = 60'000;
  std::vector<std::int64_t> taken_by[2];
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w)
    workers.emplace_back([&, w] {
      mc::Store& store = w ? *b : *a;
      for (int round = 0; round < 20; ++round) {  // bounded: 30 rows, 4 at a time
        std::string error;
        const auto due = store.take_due_deliveries(kNowMs, 4, lease_ms, error);
        for (const mc::Delivery& d : due) taken_by[w].push_back(d.id);
      }
    });
  for (std::thread& worker : workers) worker.join();
  std::set<std::int64_t> all(taken_by[0].begin(), taken_by[0].end());
  all.insert(taken_by[1].begin(), taken_by[1].end());
  CHECK(taken_by[0].size() + taken_by[1].size() == 30);  // nothing taken twice
  CHECK(all.size() == 30);

  std::string error;
  CHECK(b->take_due_deliveries(kNowMs + lease_ms - 1, 100, lease_ms, error).empty());  // still leased
  // One is recorded as delivered; the taker of the others died: after the
  // lease they are due again, for whichever collector asks first.
  REQUIRE(a->record_attempt(*all.begin(), "delivered", 1, kNowMs + 10, 200, "", kNowMs + 10, error));
  const auto retaken = b->take_due_deliveries(kNowMs + lease_ms, 100, lease_ms, error);
  CHECK(retaken.size() == 29);
  CHECK(a->next_delivery_ms() == kNowMs + 2 * lease_ms);
}

TEST_CASE("A collector's store hears what another stores on the same database, while someone watches",
          "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string url = fresh_postgres_schema_url();
  auto a = open_or_fail(url);
  auto b = open_or_fail(url);
  std::mutex mutex;
  std::condition_variable heard;
  std::vector<std::string> ids;
  // Nobody listens when the first NOTIFY comes, then someone does.
  std::atomic<int> asked{0};
  b->watch([&] { return asked++ > 0; }, [&](json rows) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const json& row : rows) ids.push_back(row["message_id"]);
    heard.notify_all();
  });
  REQUIRE(a->insert_batch({track_event("unwatched")}, std::nullopt, kNowMs).accepted == 1);
  REQUIRE(b->insert_batch({track_event("own")}, std::nullopt, kNowMs).accepted == 1);  // b publishes its own itself
  std::vector<json> batch;
  for (int i = 0; i < 3; ++i) batch.push_back(track_event("w" + std::to_string(i)));
  batch.push_back(track_event("own"));  // a duplicate: not stored, not told
  REQUIRE(a->insert_batch(batch, std::nullopt, kNowMs).accepted == 3);

  std::unique_lock<std::mutex> lock(mutex);
  // NOTIFYs arrive in commit order, so once the last batch is heard the rest would have been.
  heard.wait_for(lock, std::chrono::seconds(10), [&] { return ids.size() >= 3; });
  CHECK(ids == std::vector<std::string>{"w0", "w1", "w2"});
  CHECK(asked == 2);  // b's own batch was not looked at
}

TEST_CASE("A PostgreSQL store carries on when the server closed its connections", "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  // A name of its own, so only this store's connections are closed (tests run in parallel).
  const std::string name = "mt-test-" + std::to_string(::getpid());
  const std::string url = fresh_postgres_schema_url() + "&application_name=" + name;
  auto store = open_or_fail(url);
  REQUIRE(store->insert_batch({track_event("before")}, std::nullopt, kNowMs).accepted == 1);
  // What a server restart or an idle timeout does to the pooled connections.
  std::string error;
  auto admin = mc::PgConnection::connect(url, error);
  REQUIRE(admin);
  // The timeout (ms) makes pg_terminate_backend wait until each one is gone.
  const mc::PgResult killed = admin->exec(
      "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
      "WHERE application_name = $1 AND pid <> pg_backend_pid()",
      {name}, error);
  INFO(error);
  REQUIRE(killed);
  CHECK(mc::pg_int(killed.get(), 0, 0) >= 1);
  const auto after = store->insert_batch({track_event("after")}, std::nullopt, kNowMs);
  INFO(after.error);
  CHECK(after.error.empty());
  CHECK(after.accepted == 1);
  mc::EventQuery all;
  const auto rows = store->query(all, error);
  REQUIRE(rows);
  CHECK(rows->size() == 2);
}
