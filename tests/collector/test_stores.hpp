#pragma once
// The store the collector's tests run on: SQLite in memory by default; when
// the environment variable MICROTRACK_TEST_PG holds a PostgreSQL URL
// (scripts/with-postgres.sh sets it), PostgreSQL, each store on a fresh
// schema of its own; else, when MICROTRACK_TEST_CLICKHOUSE holds a
// ClickHouse server's HTTP address (scripts/with-clickhouse.sh sets it),
// ClickHouse, each store in a fresh database. Every test written against
// open_test_store() thus runs on each, with the same expected answers (on
// ClickHouse, only those tagged [stores]: it keeps no delivery log, so
// flows do not run there).

#include <memory>
#include <string>

#include "store.hpp"

namespace collector_test {

// The URL of MICROTRACK_TEST_PG, or "" when it is not set.
std::string postgres_test_url();
inline bool testing_postgres() { return !postgres_test_url().empty(); }

// A new, empty PostgreSQL schema on the test database, as a URL whose
// connections use it (search_path). Dropped when the test process ends.
// Only when testing_postgres().
std::string fresh_postgres_schema_url();

// MICROTRACK_TEST_CLICKHOUSE ("http://127.0.0.1:PORT") as a clickhouse://
// URL without a database, or "" when it is not set.
std::string clickhouse_test_url();
inline bool testing_clickhouse() { return !clickhouse_test_url().empty(); }

// A new, empty database on the test ClickHouse server, as a clickhouse://
// URL. Dropped when the test process ends. Only when testing_clickhouse().
std::string fresh_clickhouse_database_url();

// A new, empty store of the backend under test. Throws std::runtime_error
// when it cannot be opened.
std::unique_ptr<microtrack::collector::Store> open_test_store();

// Store::open(url), REQUIREd to succeed (its error shown when it does not).
std::unique_ptr<microtrack::collector::Store> open_or_fail(const std::string& url);

}  // namespace collector_test
