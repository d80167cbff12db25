#include "test_stores.hpp"

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <unistd.h>

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

std::unique_ptr<mc::Store> open_test_store() {
  const std::string url = testing_postgres() ? fresh_postgres_schema_url() : ":memory:";
  std::string error;
  auto store = mc::Store::open(url, error);
  if (!store) throw std::runtime_error("store " + url + ": " + error);
  return store;
}

}  // namespace collector_test
