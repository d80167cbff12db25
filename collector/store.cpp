#include "store.hpp"

#include <mutex>

#include <sqlite3.h>

#include "iso_time.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  message_id          TEXT PRIMARY KEY NOT NULL,  -- NOT NULL: SQLite would allow NULL keys otherwise
  type                TEXT NOT NULL,
  event               TEXT,
  anonymous_id        TEXT,
  user_id             TEXT,
  session_id          TEXT,
  timestamp           TEXT,
  sent_at             TEXT,
  received_at         TEXT NOT NULL,
  corrected_timestamp TEXT,
  properties          TEXT,
  context             TEXT,
  raw                 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_event ON events(event);
)sql";

// Dedupe: a retried batch (same messageIds) must neither fail nor double
// count. ON CONFLICT(message_id) DO NOTHING rather than INSERT OR IGNORE,
// which would also silently drop rows that break NOT NULL.
constexpr const char* kInsert = R"sql(
INSERT INTO events (message_id, type, event, anonymous_id, user_id,
  session_id, timestamp, sent_at, received_at, corrected_timestamp,
  properties, context, raw)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT(message_id) DO NOTHING
)sql";

// '' means "no filter", so one prepared statement serves every combination.
constexpr const char* kSelect = R"sql(
SELECT rowid, message_id, type, event, anonymous_id, user_id, session_id,
  timestamp, sent_at, received_at, corrected_timestamp, properties, context, raw
FROM events
WHERE (?1 = '' OR event = ?1) AND (?2 = '' OR type = ?2)
ORDER BY rowid LIMIT ?3
)sql";

constexpr const char* kTextColumns[] = {"message_id", "type", "event", "anonymous_id", "user_id",
                                        "session_id", "timestamp", "sent_at", "received_at",
                                        "corrected_timestamp"};
constexpr const char* kJsonColumns[] = {"properties", "context", "raw"};

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;

bool exec(sqlite3* db, const char* sql, std::string& error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  error = message ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return false;
}

// A prepared statement, finalized when it goes away. Reused across calls, so
// every use goes through a Use, which resets it and clears its bindings after.
class Statement {
 public:
  bool prepare(sqlite3* db, const char* sql, std::string& error) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
      error = sqlite3_errmsg(db);
      return false;
    }
    stmt_.reset(raw);
    return true;
  }
  sqlite3_stmt* get() const { return stmt_.get(); }

  class Use {
   public:
    explicit Use(Statement& s) : stmt_(s.get()) {}
    ~Use() {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

    // 1-based like SQLite; an empty optional binds NULL.
    void bind(int index, const std::optional<std::string>& text) {
      if (text)
        sqlite3_bind_text(stmt_, index, text->data(), static_cast<int>(text->size()), SQLITE_TRANSIENT);
      else
        sqlite3_bind_null(stmt_, index);
    }
    void bind(int index, int value) { sqlite3_bind_int(stmt_, index, value); }
    int step() { return sqlite3_step(stmt_); }
    std::optional<std::string> text(int column) const {
      const auto* p = sqlite3_column_text(stmt_, column);
      if (!p) return std::nullopt;
      return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }
    sqlite3_int64 int64(int column) const { return sqlite3_column_int64(stmt_, column); }

   private:
    sqlite3_stmt* stmt_;
  };

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// Rolls back unless committed, so an early return never leaves a transaction open.
class Transaction {
 public:
  Transaction(sqlite3* db, std::string& error) : db_(db), open_(exec(db, "BEGIN IMMEDIATE", error)) {}
  ~Transaction() {
    std::string ignored;
    if (open_) exec(db_, "ROLLBACK", ignored);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  bool is_open() const { return open_; }
  bool commit(std::string& error) {
    open_ = !exec(db_, "COMMIT", error);
    return !open_;
  }

 private:
  sqlite3* db_;
  bool open_;
};

std::optional<std::string> string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Invalid UTF-8 cannot come out of nlohmann's parser, but `replace` makes
// dump() unable to throw whatever the caller built.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::optional<std::string> json_text_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return dump(*it);
}

}  // namespace

struct Store::Impl {
  Db db;
  Statement insert;
  Statement select;
  std::mutex mutex;
};

std::unique_ptr<Store> Store::open(const std::string& path, std::string& error) {
  auto impl = std::make_unique<Impl>();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  impl->db.reset(raw);  // sqlite3_open hands out a handle even on failure
  if (rc != SQLITE_OK) {
    error = raw ? sqlite3_errmsg(raw) : "out of memory";
    return nullptr;
  }
  sqlite3* db = impl->db.get();
  sqlite3_busy_timeout(db, 5000);  // another process (a reader) may hold the lock briefly
  const bool file_backed = path != ":memory:" && !path.empty();
  // WAL + synchronous=NORMAL: durable across process crashes, one fsync per
  // checkpoint instead of per batch.
  if (file_backed && !(exec(db, "PRAGMA journal_mode=WAL", error) && exec(db, "PRAGMA synchronous=NORMAL", error)))
    return nullptr;
  if (!exec(db, kSchema, error) || !impl->insert.prepare(db, kInsert, error) || !impl->select.prepare(db, kSelect, error))
    return nullptr;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
// Statements are members of Impl declared after the Db, so they are finalized
// first and sqlite3_close() then succeeds.
Store::~Store() = default;

InsertResult Store::insert_batch(const std::vector<json>& events, const std::optional<std::string>& batch_sent_at,
                                 double received_at_ms) {
  InsertResult result;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Transaction tx(impl_->db.get(), result.error);
  if (!tx.is_open()) return result;

  const std::string received_at = format_iso8601_ms(received_at_ms);
  for (const json& event : events) {
    const std::string type = string_at(event, "type").value_or("");
    const auto timestamp = string_at(event, "timestamp");
    auto sent_at = string_at(event, "sentAt");
    if (!sent_at) sent_at = batch_sent_at;

    // Clock-skew correction: the client's clock error is sentAt - receivedAt,
    // assuming the request took no time in flight (as Snowplow and Segment do).
    std::optional<std::string> corrected;
    const auto timestamp_ms = timestamp ? parse_iso8601_ms(*timestamp) : std::nullopt;
    const auto sent_ms = sent_at ? parse_iso8601_ms(*sent_at) : std::nullopt;
    if (timestamp_ms) corrected = format_iso8601_ms(sent_ms ? received_at_ms - *sent_ms + *timestamp_ms : *timestamp_ms);

    std::optional<std::string> name;
    if (type == "track") name = string_at(event, "event");
    if (type == "page") name = string_at(event, "name");
    const auto context = event.find("context");
    const auto session_id = context != event.end() && context->is_object() ? string_at(*context, "sessionId") : std::nullopt;

    Statement::Use insert(impl_->insert);
    insert.bind(1, string_at(event, "messageId"));
    insert.bind(2, type);
    insert.bind(3, name);
    insert.bind(4, string_at(event, "anonymousId"));
    insert.bind(5, string_at(event, "userId"));
    insert.bind(6, session_id);
    insert.bind(7, timestamp);
    insert.bind(8, sent_at);
    insert.bind(9, received_at);
    insert.bind(10, corrected);
    // identify has traits where the others have properties: one column for both.
    insert.bind(11, json_text_at(event, type == "identify" ? "traits" : "properties"));
    insert.bind(12, json_text_at(event, "context"));
    insert.bind(13, dump(event));
    if (insert.step() != SQLITE_DONE) {
      result = InsertResult{0, 0, sqlite3_errmsg(impl_->db.get())};
      return result;  // ~Transaction rolls the whole batch back
    }
    (sqlite3_changes(impl_->db.get()) == 1 ? result.accepted : result.duplicates) += 1;
  }
  if (!tx.commit(result.error)) return InsertResult{0, 0, result.error};
  return result;
}

std::optional<json> Store::query(const EventQuery& query, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use select(impl_->select);
  select.bind(1, query.event);
  select.bind(2, query.type);
  select.bind(3, query.limit);
  json rows = json::array();
  int rc;
  while ((rc = select.step()) == SQLITE_ROW) {
    json row = {{"id", select.int64(0)}};
    int column = 1;
    for (const char* name : kTextColumns) {
      const auto text = select.text(column++);
      row[name] = text ? json(*text) : json(nullptr);
    }
    for (const char* name : kJsonColumns) {
      const auto text = select.text(column++);
      row[name] = text ? json::parse(*text, nullptr, false) : json(nullptr);
      if (row[name].is_discarded()) row[name] = nullptr;
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(impl_->db.get());
    return std::nullopt;
  }
  return rows;
}

}  // namespace microtrack::collector
