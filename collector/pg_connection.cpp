#include "pg_connection.hpp"

#include <cstdlib>

#include <poll.h>

namespace microtrack::collector {

std::optional<std::string> pg_text(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return std::nullopt;
  return std::string(PQgetvalue(result, row, column), static_cast<std::size_t>(PQgetlength(result, row, column)));
}

std::int64_t pg_int(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return 0;
  return std::strtoll(PQgetvalue(result, row, column), nullptr, 10);
}

std::string pg_text_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\0')
      out += "\xEF\xBF\xBD";
    else
      out += c;
  }
  return out;
}

std::string pg_text_array(const std::vector<std::optional<std::string_view>>& values) {
  std::string out = "{";
  for (const auto& value : values) {
    if (out.size() > 1) out += ',';
    if (!value) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (const char c : *value) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\0')
        out += "\xEF\xBF\xBD";
      else
        out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string pg_bigint_array(const std::vector<std::optional<std::int64_t>>& values) {
  std::string out = "{";
  for (const auto& value : values) {
    if (out.size() > 1) out += ',';
    out += value ? std::to_string(*value) : "NULL";
  }
  out += '}';
  return out;
}

std::unique_ptr<PgConnection> PgConnection::connect(const std::string& url, std::string& error) {
  // Defaults before the URL (it may override them), the encoding after (our
  // text is UTF-8 whatever the server's default).
  const char* keys[] = {"application_name", "connect_timeout", "dbname", "client_encoding", nullptr};
  const char* values[] = {"microtrack-collector", "10", url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  std::unique_ptr<PgConnection> connection(new PgConnection(conn));
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    error = conn ? connection->last_error() : "out of memory";
    return nullptr;
  }
  // The server's NOTICEs ("relation already exists, skipping") are not ours to print.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

std::string PgConnection::last_error() const {
  std::string message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

bool PgConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::still_open() {
  // An idle pooled connection has asked nothing (and LISTENs to nothing), so
  // whatever waits on its socket is the server's goodbye or EOF.
  pollfd socket = {PQsocket(conn_), POLLIN, 0};
  return !broken() && ::poll(&socket, 1, 0) == 0;
}

namespace {

std::vector<const char*> param_pointers(const PgParams& params) {
  std::vector<const char*> pointers;
  pointers.reserve(params.size());
  for (const auto& param : params) pointers.push_back(param ? param->c_str() : nullptr);
  return pointers;
}

}  // namespace

PgResult PgConnection::exec(const std::string& sql, const PgParams& params, std::string& error) {
  PgResult result;
  if (params.empty()) {
    result.reset(PQexec(conn_, sql.c_str()));
  } else {
    const auto pointers = param_pointers(params);
    result.reset(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, pointers.data(),
                              nullptr, nullptr, 0));
  }
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  error = last_error();
  return nullptr;
}

bool PgConnection::stream(const std::string& sql, const PgParams& params,
                          const std::function<void(const PGresult*)>& visit, std::string& error) {
  const auto pointers = param_pointers(params);
  if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, pointers.data(), nullptr,
                         nullptr, 0) ||
      !PQsetSingleRowMode(conn_)) {
    error = last_error();
    return false;
  }
  // Every result must be read, even after a failure, before the connection
  // can run anything else; PQgetResult returns null at the end.
  bool ok = true;
  for (PgResult result(PQgetResult(conn_)); result; result.reset(PQgetResult(conn_))) {
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_SINGLE_TUPLE) {
      if (ok) visit(result.get());
    } else if (status != PGRES_TUPLES_OK && ok) {
      error = last_error();
      ok = false;
    }
  }
  return ok;
}

PgPool::Lease::~Lease() {
  if (conn_ && pool_) pool_->give_back(std::move(conn_));
}

PgPool::Lease PgPool::take(std::string& error) {
  std::unique_lock<std::mutex> lock(mutex_);
  freed_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  while (!idle_.empty()) {
    std::unique_ptr<PgConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->still_open()) return Lease(this, std::move(conn));
    --open_;  // closed by the server: a new one below instead of an error
  }
  ++open_;  // reserved while connecting, without the lock held
  lock.unlock();
  std::unique_ptr<PgConnection> conn = PgConnection::connect(url_, error);
  if (!conn) {
    lock.lock();
    --open_;
    freed_.notify_one();
  }
  return Lease(this, std::move(conn));
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn) {
  // A connection left inside a transaction or without a server is closed,
  // and the next take() opens a fresh one.
  const bool reusable = !conn->broken() && PQtransactionStatus(conn->raw()) == PQTRANS_IDLE;
  if (!reusable) conn.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  if (reusable)
    idle_.push_back(std::move(conn));
  else
    --open_;
  freed_.notify_one();
}

PgTransaction::~PgTransaction() {
  std::string ignored;
  if (open_) conn_.run("ROLLBACK", ignored);
}

bool PgTransaction::commit(std::string& error) {
  open_ = !conn_.run("COMMIT", error);
  return !open_;
}

}  // namespace microtrack::collector
