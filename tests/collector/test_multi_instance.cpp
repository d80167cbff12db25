// What several collectors sharing one PostgreSQL database rely on beyond
// one store's answers: a flow worker hears of the deliveries another
// collector queued, and after its link to the database was lost and is
// back, it looks at the log again and the live stream gets what was
// committed meanwhile. [postgres] cases: they run when MICROTRACK_TEST_PG
// names a database (scripts/with-postgres.sh); without it each says it was
// skipped. The whole setup (two processes, nginx, a kill) is
// tests/browser/multi-instance.test.mjs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "fast_forward_clock.hpp"
#include "flows.hpp"
#include "iso_time.hpp"
#include "live_collector.hpp"  // track_event()
#include "pg_connection.hpp"
#include "receiver.hpp"
#include "store.hpp"
#include "test_stores.hpp"

namespace {

using collector_test::FastForwardClock;
using collector_test::Receiver;
using collector_test::open_or_fail;
using collector_test::testing_postgres;
using collector_test::track_event;
namespace mc = microtrack::collector;
using nlohmann::json;

const double kNowMs = *mc::parse_iso8601_ms("2026-11-27T10:00:15.000Z");

// Stores `events` through `store`, each with one delivery to `hook`.
void insert_with_deliveries(mc::Store& store, const std::vector<json>& events, const std::string& hook) {
  std::vector<std::string> texts;
  for (const json& event : events) texts.push_back(event.dump());
  std::vector<mc::json_scan::Object> objects;
  for (const std::string& text : texts) objects.push_back(mc::json_scan::Object::of(text));
  const auto result = store.insert_events(objects, std::nullopt, kNowMs, [&](const mc::json_scan::Object&) {
    return std::vector<mc::NewDelivery>{{"hook", hook, "{}"}};
  });
  INFO(result.error);
  REQUIRE(result.accepted == static_cast<int>(events.size()));
}

// A database of the test's own, dropped when it goes: closing connections to
// it (ALLOW_CONNECTIONS) must not touch the other tests' schemas.
class OwnDatabase {
 public:
  explicit OwnDatabase(const std::string& name) : name_(name) {
    std::string error;
    admin_ = mc::PgConnection::connect(collector_test::postgres_test_url(), error);
    INFO(error);
    REQUIRE(admin_);
    REQUIRE(admin_->run("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", error));
    REQUIRE(admin_->run("CREATE DATABASE " + name_, error));
  }
  ~OwnDatabase() {
    std::string error;
    admin_->run("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", error);
  }
  // Its URL, with an application_name to find a store's connections by.
  std::string url(const std::string& application_name) const {
    const std::string base = collector_test::postgres_test_url();
    const std::size_t path = base.find('/', base.find("://") + 3);
    return base.substr(0, path) + "/" + name_ + "?application_name=" + application_name;
  }
  bool run(const std::string& sql) {
    std::string error;
    const bool ok = admin_->run(sql, error);
    if (!ok) UNSCOPED_INFO(sql << ": " << error);
    return ok;
  }
  mc::PgConnection& admin() { return *admin_; }

 private:
  const std::string name_;
  std::unique_ptr<mc::PgConnection> admin_;
};

}  // namespace

TEST_CASE("A flow worker sends the deliveries another collector queued, though its own stored nothing",
          "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string url = collector_test::fresh_postgres_schema_url();
  auto a = open_or_fail(url);  // a collector without a worker of its own (or whose worker died)
  auto b = open_or_fail(url);
  Receiver receiver;
  auto clock = std::make_shared<FastForwardClock>(kNowMs);
  mc::FlowRunner runner(*b, mc::FlowOptions{}, clock, nullptr);
  // b's worker has looked, found nothing, and sleeps until woken: nothing
  // on its own clock would ever wake it.
  REQUIRE(clock->wait_until([&] { return clock->forever_waits() >= 1; }));

  insert_with_deliveries(*a, {track_event("m1"), track_event("m2"), track_event("m3")}, receiver.url("/hook"));
  REQUIRE(clock->wait_until([&] { return receiver.calls().size() == 3 && clock->forever_waits() >= 2; }));
  std::vector<std::string> keys;
  for (const auto& call : receiver.calls()) keys.push_back(call.header("Idempotency-Key"));
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"hook:m1", "hook:m2", "hook:m3"});
  std::string error;
  const auto log = a->delivery_log(10, error);
  REQUIRE(log);
  for (const json& row : *log) CHECK(row["status"] == "delivered");
  runner.stop();
}

TEST_CASE("After its link to the database is back, a store hands out what another collector committed meanwhile, "
          "once, and tells the flow worker to look",
          "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string pid = std::to_string(::getpid());
  OwnDatabase db("mt_replay_" + pid);
  auto a = open_or_fail(db.url("mt-replay-a-" + pid));
  auto b = open_or_fail(db.url("mt-replay-b-" + pid));
  std::mutex mutex;
  std::condition_variable heard;
  std::vector<std::string> ids;
  std::atomic<int> told{0};
  b->watch([] { return true; }, [&](json rows) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const json& row : rows) ids.push_back(row["message_id"]);
    heard.notify_all();
  });
  b->watch_deliveries([&] { ++told; });
  const auto heard_ids = [&](std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    heard.wait_for(lock, std::chrono::seconds(15), [&] { return ids.size() >= n; });
    return ids;
  };
  REQUIRE(a->insert_batch({track_event("before")}, std::nullopt, kNowMs).accepted == 1);
  REQUIRE(heard_ids(1) == std::vector<std::string>{"before"});

  // b loses its link (a server restart, a network cut) and cannot get it
  // back while a commits: NOTIFY reaches nobody then.
  REQUIRE(db.run("ALTER DATABASE mt_replay_" + pid + " ALLOW_CONNECTIONS false"));
  std::string error;
  const mc::PgResult killed = db.admin().exec(
      "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = $1",
      {"mt-replay-b-" + pid}, error);
  INFO(error);
  REQUIRE(killed);
  REQUIRE(mc::pg_int(killed.get(), 0, 0) >= 1);
  const int told_before = told;
  REQUIRE(a->insert_batch({track_event("gap1"), track_event("gap2")}, std::nullopt, kNowMs).accepted == 2);
  REQUIRE(db.run("ALTER DATABASE mt_replay_" + pid + " ALLOW_CONNECTIONS true"));

  // The listener reconnects (within its 5 s backoff) and replays.
  CHECK(heard_ids(3) == std::vector<std::string>{"before", "gap1", "gap2"});
  CHECK(told > told_before);
  // And hears the next commit as before, nothing twice.
  REQUIRE(a->insert_batch({track_event("after")}, std::nullopt, kNowMs).accepted == 1);
  CHECK(heard_ids(4) == std::vector<std::string>{"before", "gap1", "gap2", "after"});
  b->watch(nullptr, nullptr);
  b->watch_deliveries(nullptr);
}
