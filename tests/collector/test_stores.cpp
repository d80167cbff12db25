#include "test_stores.hpp"

#define CATCH_CONFIG_EXTERNAL_INTERFACES  // TestEventListenerBase
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include "clickhouse_http.hpp"
#include "pg_connection.hpp"

namespace collector_test {
namespace {

namespace mc = microtrack::collector;

// The schemas this process made, dropped at exit (after every test's stores
// are gone), so a long-lived test database does not fill up.
class Schemas {
 public:
  std::string create(const std::string& url) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string name = "mt_test_" + std::to_string(::getpid()) + "_" + std::to_string(names_.size() + 1);
    std::string error;
    auto conn = mc::PgConnection::connect(url, error);
    if (!conn || !conn->run("CREATE SCHEMA " + name, error))
      throw std::runtime_error("MICROTRACK_TEST_PG: cannot create schema " + name + ": " + error);
    names_.push_back(name);
    return name;
  }
  ~Schemas() {
    if (names_.empty()) return;
    std::string error;
    auto conn = mc::PgConnection::connect(postgres_test_url(), error);
    for (const std::string& name : names_)
      if (conn) conn->run("DROP SCHEMA IF EXISTS " + name + " CASCADE", error);
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> names_;
};

Schemas& schemas() {
  static Schemas instance;
  return instance;
}

// The same for ClickHouse databases.
class ClickHouseDatabases {
 public:
  std::string create() {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string name = "mt_test_" + std::to_string(::getpid()) + "_" + std::to_string(names_.size() + 1);
    std::string error;
    if (!server().run("CREATE DATABASE " + name, error, false))
      throw std::runtime_error("MICROTRACK_TEST_CLICKHOUSE: cannot create database " + name + ": " + error);
    names_.push_back(name);
    return name;
  }
  // Called when the test run ends (DropClickHouseDatabases): from a static
  // destructor it is too late, every DROP fails with "no answer: Connection".
  void drop_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string error;
    for (const std::string& name : names_)
      if (!server().run("DROP DATABASE IF EXISTS " + name, error, false))
        std::fprintf(stderr, "MICROTRACK_TEST_CLICKHOUSE: cannot drop database %s: %s\n", name.c_str(), error.c_str());
    names_.clear();
  }

 private:
  static mc::ClickHouseHttp server() {
    std::string error;
    return mc::ClickHouseHttp(mc::parse_clickhouse_url(clickhouse_test_url(), error).value());
  }
  std::mutex mutex_;
  std::vector<std::string> names_;
};

ClickHouseDatabases& clickhouse_databases() {
  static ClickHouseDatabases instance;
  return instance;
}

struct DropClickHouseDatabases : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testRunEnded(const Catch::TestRunStats& stats) override {
    clickhouse_databases().drop_all();
    TestEventListenerBase::testRunEnded(stats);
  }
};
CATCH_REGISTER_LISTENER(DropClickHouseDatabases)

}  // namespace

std::string postgres_test_url() {
  const char* url = std::getenv("MICROTRACK_TEST_PG");
  return url ? url : "";
}

std::string fresh_postgres_schema_url() {
  const std::string url = postgres_test_url();
  const std::string schema = schemas().create(url);
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

std::string clickhouse_test_url() {
  const char* address = std::getenv("MICROTRACK_TEST_CLICKHOUSE");
  if (!address || !*address) return "";
  std::string url = address;
  if (url.rfind("http://", 0) == 0) url = "clickhouse://" + url.substr(7);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string fresh_clickhouse_database_url() {
  return clickhouse_test_url() + "/" + clickhouse_databases().create();
}

std::unique_ptr<mc::Store> open_test_store() {
  const std::string url = testing_postgres()     ? fresh_postgres_schema_url()
                          : testing_clickhouse() ? fresh_clickhouse_database_url()
                                                 : ":memory:";
  std::string error;
  auto store = mc::Store::open(url, error);
  if (!store) throw std::runtime_error("store " + url + ": " + error);
  return store;
}

std::unique_ptr<microtrack::collector::Store> open_or_fail(const std::string& url) {
  std::string error;
  auto store = microtrack::collector::Store::open(url, error);
  INFO(error);
  REQUIRE(store);
  return store;
}

}  // namespace collector_test
