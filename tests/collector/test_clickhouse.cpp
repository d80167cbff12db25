// The ClickHouse client (clickhouse_http.hpp): URLs, literals and
// TabSeparated text as pure functions; streaming and errors against the
// server of scripts/with-clickhouse.sh ([clickhouse], skipped without one).
#include <catch2/catch.hpp>

#include "clickhouse_http.hpp"
#include "live_collector.hpp"
#include "test_stores.hpp"

namespace mc = microtrack::collector;

TEST_CASE("A clickhouse:// URL names the HTTP endpoint, database, user and password") {
  std::string error;
  const auto full = mc::parse_clickhouse_url("clickhouse://mt:s%40cret@db.internal:9123/events?timeout_ms=5000", error);
  REQUIRE(full);
  CHECK(full->endpoint == "http://db.internal:9123");
  CHECK(full->database == "events");
  CHECK(full->user == "mt");
  CHECK(full->password == "s@cret");
  CHECK(full->timeout_ms == 5000);

  const auto bare = mc::parse_clickhouse_url("clickhouse://127.0.0.1", error);
  REQUIRE(bare);
  CHECK(bare->endpoint == "http://127.0.0.1:8123");
  CHECK(bare->database == "default");
  CHECK(bare->user.empty());

  const auto tls = mc::parse_clickhouse_url("clickhouse+https://[::1]/analytics", error);
  REQUIRE(tls);
  CHECK(tls->endpoint == "https://[::1]:8443");
  CHECK(tls->database == "analytics");

  for (const char* bad : {"http://127.0.0.1:8123", "clickhouse://", "clickhouse://host:port/db",
                          "clickhouse://host/a/b", "clickhouse://host/db?compress=1", "clickhouse://u:%zz@host/db"}) {
    CAPTURE(bad);
    CHECK_FALSE(mc::parse_clickhouse_url(bad, error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("Literals and TabSeparated fields escape what ClickHouse reads as special") {
  CHECK(mc::ch_quote("it's") == R"('it\'s')");
  CHECK(mc::ch_quote("a\\b\n") == R"('a\\b\n')");
  CHECK(mc::ch_quote(std::string("nul\0", 4)) == R"('nul\0')");

  std::string line;
  mc::append_tsv_field(line, "tab\there");
  line += '\t';
  mc::append_tsv_field(line, "new\nline \\ back");
  line += '\t';
  CHECK(line == "tab\\there\tnew\\nline \\\\ back\t");
  std::vector<std::string> fields = {"stale", "stale", "stale", "stale"};
  mc::split_tsv_line(line, fields);
  CHECK(fields == std::vector<std::string>{"tab\there", "new\nline \\ back", ""});
  mc::split_tsv_line(R"(it\'s	\N	\0)", fields);  // as ClickHouse writes ' and NUL
  CHECK(fields == std::vector<std::string>{"it's", "N", std::string(1, '\0')});
}

TEST_CASE("ClickHouse rows stream in, and its errors are told", "[clickhouse]") {
  if (!collector_test::testing_clickhouse()) {
    WARN("skipped: MICROTRACK_TEST_CLICKHOUSE is not set");
    return;
  }
  std::string error;
  const mc::ClickHouseHttp server(*mc::parse_clickhouse_url(collector_test::clickhouse_test_url(), error));
  // Many pieces: rows cut across them are joined again.
  long long rows = 0, sum = 0;
  bool in_order = true;
  CHECK(server.select("SELECT number, concat('a\\tb', toString(number)) FROM system.numbers LIMIT 200000", 2,
                      [&](std::vector<std::string>& f) {
                        in_order = in_order && f[0] == std::to_string(rows) && f[1] == "a\tb" + f[0];
                        sum += std::stoll(f[0]);
                        ++rows;
                      }, error));
  CHECK(error.empty());
  CHECK(rows == 200000);
  CHECK(in_order);
  CHECK(sum == 200000LL * 199999 / 2);

  CHECK_FALSE(server.select("SELECT no_such_column, 1", 2, [](auto&) {}, error));
  CHECK_THAT(error, Catch::Contains("HTTP ") && Catch::Contains("no_such_column"));
  // One field where two were asked for: the line is the error.
  CHECK_FALSE(server.select("SELECT 'one field'", 2, [](auto&) {}, error));
  CHECK_THAT(error, Catch::Contains("one field"));
}

TEST_CASE("A collector with flows refuses to start on a ClickHouse store", "[clickhouse]") {
  if (!collector_test::testing_clickhouse()) {
    WARN("skipped: MICROTRACK_TEST_CLICKHOUSE is not set");
    return;
  }
  std::string error;
  auto store = mc::Store::open(collector_test::fresh_clickhouse_database_url(), error);
  REQUIRE(store);
  CHECK_FALSE(store->keeps_delivery_log());
  std::string flows_error;
  auto rules = mc::parse_flows(R"({"flows":[{"name":"f","event":"purchase","url":"http://127.0.0.1:9/"}]})", flows_error);
  REQUIRE(rules);
  mc::ServerOptions options;
  options.flows = *rules;
  mc::Collector collector(*store, options);
  CHECK(collector.start("127.0.0.1", 0, error) == 0);
  CHECK_THAT(error, Catch::Contains("--flows needs a store with a delivery log"));
  collector.finish();
}
