#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>
#include <filesystem>
#include <string>

#include <sqlite3.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "iso_time.hpp"
#include "live_collector.hpp"  // track_event()
#include "store.hpp"

namespace {

using collector_test::track_event;
using microtrack::collector::EventQuery;
using microtrack::collector::parse_iso8601_ms;
using microtrack::collector::Store;
using nlohmann::json;

const double kNowMs = *parse_iso8601_ms("2026-11-27T10:00:15.000Z");

// The backend under test (test_stores.hpp): SQLite in memory, or PostgreSQL.
std::unique_ptr<Store> memory_store() { return collector_test::open_test_store(); }

json all_rows(Store& store) {
  std::string error;
  const auto rows = store.query(EventQuery{}, error);
  REQUIRE(rows);
  return *rows;
}

}  // namespace

TEST_CASE("The store counts duplicates within a batch and across batches", "[stores]") {
  auto store = memory_store();
  auto first = store->insert_batch({track_event("m1"), track_event("m2"), track_event("m1")}, std::nullopt, kNowMs);
  CHECK(first.error.empty());
  CHECK(first.accepted == 2);
  CHECK(first.duplicates == 1);

  auto retry = store->insert_batch({track_event("m2"), track_event("m3")}, std::nullopt, kNowMs);
  CHECK(retry.accepted == 1);
  CHECK(retry.duplicates == 1);
  CHECK(all_rows(*store).size() == 3);
}

TEST_CASE("One store counts each messageId once however its batches interleave", "[stores]") {
  auto store = memory_store();
  // 4 threads x 10 batches of 10 ids out of 60: most ids arrive several times, at once.
  std::atomic<int> accepted{0}, duplicates{0}, errors{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      for (int batch = 0; batch < 10; ++batch) {
        std::vector<json> events;
        for (int i = 0; i < 10; ++i) events.push_back(track_event("m" + std::to_string((batch * 10 + i * 7 + t) % 60)));
        const auto result = store->insert_batch(events, std::nullopt, kNowMs);
        accepted += result.accepted;
        duplicates += result.duplicates;
        errors += !result.error.empty();
      }
    });
  for (std::thread& sender : senders) sender.join();
  CHECK(errors == 0);
  CHECK(accepted == 60);
  CHECK(accepted + duplicates == 4 * 10 * 10);
  CHECK(all_rows(*store).size() == 60);
}

TEST_CASE("A batch is one transaction: when one insert fails none of the batch is kept", "[stores]") {
  auto store = memory_store();
  json no_id = track_event("ignored");
  no_id.erase("messageId");  // validation would reject it; here it breaks NOT NULL
  const auto result = store->insert_batch({track_event("m1"), no_id}, std::nullopt, kNowMs);
  CHECK_FALSE(result.error.empty());
  CHECK(result.accepted == 0);
  CHECK(all_rows(*store).empty());

  // and the store is usable afterwards: the transaction was rolled back, not left open
  CHECK(store->insert_batch({track_event("m1")}, std::nullopt, kNowMs).accepted == 1);
}

TEST_CASE("An event's own sentAt wins over the batch's when correcting the timestamp", "[stores]") {
  auto store = memory_store();
  json own = track_event("own");
  own["sentAt"] = "2026-11-27T10:00:14.000Z";  // 1 s behind the server
  store->insert_batch({own, track_event("batch")}, std::string("2026-11-27T10:00:05.000Z"), kNowMs);
  const json rows = all_rows(*store);
  CHECK(rows[0]["sent_at"] == "2026-11-27T10:00:14.000Z");
  CHECK(rows[0]["corrected_timestamp"] == "2026-11-27T10:00:01.000Z");
  CHECK(rows[1]["sent_at"] == "2026-11-27T10:00:05.000Z");
  CHECK(rows[1]["corrected_timestamp"] == "2026-11-27T10:00:10.000Z");
}

TEST_CASE("A file-backed store runs in WAL mode and keeps its events after reopening") {
  const auto dir = std::filesystem::temp_directory_path() / ("mt-store-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "events.db").string();
  {
    std::string error;
    auto store = Store::open(path, error);
    REQUIRE(store);
    CHECK(store->insert_batch({track_event("m1")}, std::nullopt, kNowMs).accepted == 1);
  }
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  {
    std::string error;
    auto store = Store::open(path, error);
    REQUIRE(store);
    CHECK(all_rows(*store).size() == 1);
    CHECK(store->insert_batch({track_event("m1")}, std::nullopt, kNowMs).duplicates == 1);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("The raw column does not repeat properties and context, yet query() gives the whole event back") {
  const auto dir = std::filesystem::temp_directory_path() / ("mt-raw-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "events.db").string();
  json track = track_event("t1");
  json no_context = track_event("t2");
  no_context.erase("context");
  no_context["properties"] = nullptr;  // a null stays in raw
  json identify = {{"type", "identify"}, {"messageId", "i1"}, {"userId", "u"}, {"timestamp", "2026-11-27T10:00:00Z"},
                   {"traits", {{"plan", "pro"}}}, {"context", {{"locale", "nb-NO"}}}};
  {
    std::string error;
    auto store = Store::open(path, error);
    REQUIRE(store);
    REQUIRE(store->insert_batch({track, no_context, identify}, std::nullopt, kNowMs).accepted == 3);
    const json rows = all_rows(*store);
    CHECK(rows[0]["raw"] == track);
    CHECK(rows[1]["raw"] == no_context);
    CHECK(rows[2]["raw"] == identify);
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT raw FROM events ORDER BY rowid", -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<json> raws;
  while (sqlite3_step(stmt) == SQLITE_ROW) raws.push_back(json::parse(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  REQUIRE(raws.size() == 3);
  CHECK_FALSE(raws[0].contains("properties"));
  CHECK_FALSE(raws[0].contains("context"));
  CHECK(raws[0]["event"] == "hero_seen");
  CHECK(raws[1].contains("properties"));
  CHECK(raws[2].contains("traits"));
  CHECK_FALSE(raws[2].contains("context"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("Events from clocks far off (before 1970, after 2105) are stored and found by range", "[stores]") {
  auto store = memory_store();
  json past = track_event("past");
  past["timestamp"] = "1969-12-31T23:59:59.000Z";
  json future = track_event("future");
  future["timestamp"] = "2300-01-01T00:00:00.000Z";  // past what a ClickHouse Date holds
  REQUIRE(store->insert_batch({past, future, track_event("now")}, std::nullopt, kNowMs).accepted == 3);
  std::string error;
  const auto total = [&](const char* from, const char* to) {
    const auto totals = store->totals({from, to}, error);
    INFO(error);
    REQUIRE(totals);
    return (*totals)["total"].get<int>();
  };
  CHECK(total("", "") == 3);
  CHECK(total("", "1970-01-01T00:00:00.000Z") == 1);
  CHECK(total("2299-12-31T00:00:00.000Z", "") == 1);
  CHECK(total("2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z") == 1);
  const json rows = all_rows(*store);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1]["corrected_timestamp"] == "2300-01-01T00:00:00.000Z");
}
