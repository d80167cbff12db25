#pragma once
// The backends behind Store::open (store_open.cpp); each in its own file.

#include <memory>
#include <string>

#include "store.hpp"

namespace microtrack::collector {

// store.cpp: a SQLite file at `path` (":memory:" = private, not kept).
std::unique_ptr<Store> open_sqlite_store(const std::string& path, std::string& error);

// store_postgres.cpp: PostgreSQL at a libpq URL ("postgresql://...").
std::unique_ptr<Store> open_postgres_store(const std::string& url, std::string& error);

// store_clickhouse.cpp: ClickHouse's HTTP interface at "clickhouse://...".
std::unique_ptr<Store> open_clickhouse_store(const std::string& url, std::string& error);

}  // namespace microtrack::collector
