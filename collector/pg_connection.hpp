#pragma once
// libpq, made small and safe to use: a connection that runs one statement
// with text parameters and frees its results, a pool of them shared by the
// HTTP server's threads, and a transaction that rolls back unless committed.
// Errors are values: a null result and an `error` string.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

namespace microtrack::collector {

struct PgResultFree {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

// Statement parameters, all in text form; nullopt = NULL.
using PgParams = std::vector<std::optional<std::string>>;

// A cell of a result: text, or nullopt for NULL.
std::optional<std::string> pg_text(const PGresult* result, int row, int column);
// A cell holding an integer (bigint, integer, count(*)); 0 for NULL.
std::int64_t pg_int(const PGresult* result, int row, int column);

// `text` as PostgreSQL text keeps it: it cannot hold a NUL character, so one
// (only possible from a \u0000 escape in an id) becomes U+FFFD.
std::string pg_text_value(std::string_view text);

// A PostgreSQL array literal of text values ('{"a","b",NULL}') for one
// parameter that unnest() spreads over rows: a batch is one statement.
// Values as pg_text_value() gives them.
std::string pg_text_array(const std::vector<std::optional<std::string_view>>& values);
// The same for bigint values.
std::string pg_bigint_array(const std::vector<std::optional<std::int64_t>>& values);

class PgConnection {
 public:
  // `url` is a libpq URL or key=value string; the session is UTF-8.
  static std::unique_ptr<PgConnection> connect(const std::string& url, std::string& error);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` (one statement when there are params; several are fine without).
  // Null and `error` set on failure.
  PgResult exec(const std::string& sql, const PgParams& params, std::string& error);
  bool run(const std::string& sql, std::string& error) { return exec(sql, {}, error) != nullptr; }
  // Runs a query and hands each row to `visit` as it arrives, without
  // holding the whole answer in memory (libpq's single-row mode).
  bool stream(const std::string& sql, const PgParams& params, const std::function<void(const PGresult*)>& visit,
              std::string& error);
  // The link to the server is gone (the pool then drops the connection).
  bool broken() const;
  // For an idle connection: false when the server has closed it meanwhile
  // (a restart, pg_terminate_backend, idle timeouts), found without a round
  // trip: a closed link has the server's goodbye (or EOF) on its socket.
  bool still_open();
  PGconn* raw() { return conn_; }

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  std::string last_error() const;
  PGconn* conn_;
};

// Up to `max_connections` connections, opened when first needed and reused.
class PgPool {
 public:
  PgPool(std::string url, std::size_t max_connections) : url_(std::move(url)), max_(max_connections) {}
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // One connection for the holder alone, given back when it goes (or
  // closed, if it broke).
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    ~Lease();
    explicit operator bool() const { return conn_ != nullptr; }
    PgConnection* operator->() { return conn_.get(); }
    PgConnection& operator*() { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // Waits while every connection is in use. An empty Lease, with `error`
  // set, when a new connection cannot be made.
  Lease take(std::string& error);

 private:
  void give_back(std::unique_ptr<PgConnection> conn);

  const std::string url_;
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t open_ = 0;  // idle + leased
};

// BEGIN on construction; ROLLBACK when it goes uncommitted.
class PgTransaction {
 public:
  PgTransaction(PgConnection& conn, std::string& error, const char* begin = "BEGIN")
      : conn_(conn), open_(conn.run(begin, error)) {}
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  bool is_open() const { return open_; }
  bool commit(std::string& error);

 private:
  PgConnection& conn_;
  bool open_;
};

}  // namespace microtrack::collector
