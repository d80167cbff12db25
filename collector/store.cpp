// The SQLite store (Store::open with a path or "sqlite:PATH"): the embedded
// default, one file, one collector process.
#include "store.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sqlite3.h>

#include "event_columns.hpp"
#include "iso_time.hpp"
#include "store_backends.hpp"

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
-- No secondary indexes: every /api query filters with "?1 = '' OR ...",
-- which SQLite cannot plan an index for, so they were written on every
-- insert and never read (EXPLAIN QUERY PLAN: SCAN events). Dropped from
-- databases made by earlier versions.
DROP INDEX IF EXISTS events_by_event;
DROP INDEX IF EXISTS events_by_time;
-- The flows' delivery log, which is also their durable queue: a row is
-- written in the transaction that stores its event, and survives restarts.
CREATE TABLE IF NOT EXISTS flow_deliveries (
  id              INTEGER PRIMARY KEY,
  flow            TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  url             TEXT NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending',  -- pending, delivered, failed
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (flow, message_id)
);
CREATE INDEX IF NOT EXISTS flow_deliveries_due ON flow_deliveries(status, next_attempt_ms);
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
constexpr const char* kSelectNewest = R"sql(
SELECT rowid, message_id, type, event, anonymous_id, user_id, session_id,
  timestamp, sent_at, received_at, corrected_timestamp, properties, context, raw
FROM events
WHERE (?1 = '' OR event = ?1) AND (?2 = '' OR type = ?2)
ORDER BY rowid DESC LIMIT ?3
)sql";

// Stored timestamps are all "YYYY-MM-DDTHH:MM:SS.mmmZ", so text order is time order.
constexpr const char* kRange = "(?1 = '' OR corrected_timestamp >= ?1) AND (?2 = '' OR corrected_timestamp < ?2)";

// Only the kinds of event asked for: track events by name (a JSON array in
// ?3, so one prepared statement serves any list), pages (?4), identifies (?5).
// No ORDER BY: the funnel groups by visitor itself, and a sort of every row
// would cost more than the funnel.
const std::string kScan = std::string(R"sql(
SELECT rowid, type, event, anonymous_id, user_id, session_id, corrected_timestamp, properties, context
FROM events WHERE )sql") + kRange + R"sql(
  AND ((type = 'track' AND event IN (SELECT value FROM json_each(?3)))
       OR (type = 'page' AND ?4) OR (type = 'identify' AND ?5))
)sql";

// A page or identify counts under its type: page names are titles, not actions.
constexpr const char* kName = "CASE type WHEN 'track' THEN event ELSE type END";
const std::string kTotalsByName = std::string("SELECT ") + kName +
    " AS name, count(*), count(DISTINCT coalesce(anonymous_id, 'user:' || user_id)) FROM events WHERE " + kRange +
    " GROUP BY name ORDER BY count(*) DESC, name";
const std::string kTotalsByDay = std::string("SELECT substr(corrected_timestamp, 1, 10) AS day, ") + kName +
    " AS name, count(*) FROM events WHERE " + kRange + " GROUP BY day, name ORDER BY day, name";
const std::string kTotalsAll = std::string(
    "SELECT count(*), count(DISTINCT coalesce(anonymous_id, 'user:' || user_id)) FROM events WHERE ") + kRange;

// Privacy operations (delete_received_before, erase_visitor, visitor_events).
// No index on received_at or the ids: these run hourly or on request, and a
// scan of the table costs less than an index written on every insert.
constexpr const char* kDeleteEventsBefore = "DELETE FROM events WHERE received_at < ?1";
constexpr const char* kDeleteDeliveriesBefore = "DELETE FROM flow_deliveries WHERE created_at < ?1";
constexpr const char* kVisitor = "((?1 <> '' AND anonymous_id = ?1) OR (?2 <> '' AND user_id = ?2))";
const std::string kEraseVisitorDeliveries =
    std::string("DELETE FROM flow_deliveries WHERE message_id IN (SELECT message_id FROM events WHERE ") + kVisitor + ")";
const std::string kEraseVisitorEvents = std::string("DELETE FROM events WHERE ") + kVisitor;
const std::string kSelectVisitor = std::string(R"sql(
SELECT rowid, message_id, type, event, anonymous_id, user_id, session_id,
  timestamp, sent_at, received_at, corrected_timestamp, properties, context, raw
FROM events WHERE )sql") + kVisitor + " ORDER BY rowid LIMIT ?3";

constexpr const char* kInsertDelivery = R"sql(
INSERT INTO flow_deliveries (flow, message_id, url, payload, next_attempt_ms, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
ON CONFLICT(flow, message_id) DO NOTHING
)sql";
constexpr const char* kDueDeliveries = R"sql(
SELECT id, flow, message_id, url, payload, status, attempts, next_attempt_ms
FROM flow_deliveries WHERE status = 'pending' AND next_attempt_ms <= ?1
ORDER BY next_attempt_ms, id LIMIT ?2
)sql";
constexpr const char* kNextDelivery = "SELECT min(next_attempt_ms) FROM flow_deliveries WHERE status = 'pending'";
constexpr const char* kRecordAttempt = R"sql(
UPDATE flow_deliveries SET status = ?2, attempts = ?3, next_attempt_ms = ?4,
  last_status = nullif(?5, 0), last_error = nullif(?6, ''), updated_at = ?7
WHERE id = ?1
)sql";
constexpr const char* kDeliveryLog = R"sql(
SELECT id, flow, message_id, url, status, attempts, last_status, last_error, created_at, updated_at
FROM flow_deliveries ORDER BY id DESC LIMIT ?1
)sql";

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
    // Without a copy: `text` must outlive this Use (it resets the bindings).
    void bind_static(int index, const std::optional<std::string_view>& text) {
      if (text)
        sqlite3_bind_text(stmt_, index, text->data(), static_cast<int>(text->size()), SQLITE_STATIC);
      else
        sqlite3_bind_null(stmt_, index);
    }
    void bind(int index, int value) { sqlite3_bind_int(stmt_, index, value); }
    void bind(int index, sqlite3_int64 value) { sqlite3_bind_int64(stmt_, index, value); }
    void bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
    int step() { return sqlite3_step(stmt_); }
    std::optional<std::string> text(int column) const {
      const auto* p = sqlite3_column_text(stmt_, column);
      if (!p) return std::nullopt;
      return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }
    sqlite3_int64 int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    double real(int column) const { return sqlite3_column_double(stmt_, column); }
    bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

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

}  // namespace

// Checkpoints a WAL database on its own connection and thread, so copying
// WAL pages into the database file (and its fsync) does not happen inside an
// ingest transaction, under the store's lock, as SQLite's autocheckpoint
// would. Asked for by the WAL hook once the WAL holds kCheckpointPages.
// Under constant writes a checkpoint beside the writer never catches up with
// it, and SQLite starts the WAL over only once all of it is in the database;
// so after each background pass the writer copies the few frames added
// since (between two transactions), and the WAL restarts instead of growing.
class Checkpointer {
 public:
  static constexpr int kCheckpointPages = 4000;  // ~16 MB of 4 KB pages
  static constexpr int kInlinePages = 4 * kCheckpointPages;

  bool start(const std::string& path, std::string& error) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) {
      error = raw ? sqlite3_errmsg(raw) : "out of memory";
      return false;
    }
    sqlite3_busy_timeout(raw, 5000);
    // A connection opens the WAL only when it first reads; until then its
    // checkpoints do nothing (they report -1 frames).
    if (!exec(raw, "SELECT count(*) FROM sqlite_master", error)) return false;
    thread_ = std::thread([this] { run(); });
    return true;
  }
  // Installed with sqlite3_wal_hook on the writing connection.
  static int on_commit(void* self, sqlite3* writer, const char*, int wal_pages) {
    auto* checkpointer = static_cast<Checkpointer*>(self);
    if (wal_pages < kCheckpointPages) return SQLITE_OK;
    if (checkpointer->caught_up_.exchange(false) || wal_pages >= kInlinePages)
      sqlite3_wal_checkpoint_v2(writer, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    else
      checkpointer->request();
    return SQLITE_OK;
  }
  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void request() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      wanted_ = true;
    }
    wake_.notify_one();
  }
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || wanted_; });
      if (stop_) return;
      wanted_ = false;
      lock.unlock();
      // PASSIVE: copies what it can without blocking the writer or readers.
      if (sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
        caught_up_ = true;
      lock.lock();
    }
  }

  Db db_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false, stop_ = false;
  std::atomic<bool> caught_up_{false};  // a background pass ended since the writer's last one
};

class SqliteStore final : public Store {
 public:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  ~SqliteStore() override;

  InsertResult insert_events(const std::vector<json_scan::Object>& events,
                             const std::optional<std::string>& batch_sent_at, double received_at_ms,
                             const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>&
                                 deliveries_for) override;
  std::optional<nlohmann::json> query(const EventQuery& query, std::string& error) override;
  bool scan(const TimeRange& range, const ScanFilter& filter, const std::function<void(EventRow&&)>& visit,
            std::string& error) override;
  std::optional<nlohmann::json> totals(const TimeRange& range, std::string& error) override;
  std::optional<Erased> delete_received_before(const std::string& cutoff, std::string& error) override;
  std::optional<Erased> erase_visitor(const Visitor& visitor, std::string& error) override;
  std::optional<nlohmann::json> visitor_events(const Visitor& visitor, int limit, std::string& error) override;
  std::vector<Delivery> take_due_deliveries(double now_ms, int limit, double lease_ms, std::string& error) override;
  std::optional<double> next_delivery_ms() override;
  bool record_attempt(std::int64_t id, const std::string& status, int attempts, double next_attempt_ms,
                      int http_status, const std::string& error_text, double now_ms, std::string& error) override;
  std::optional<nlohmann::json> delivery_log(int limit, std::string& error) override;

 private:
  std::unique_ptr<Impl> impl_;
};

struct SqliteStore::Impl {
  // Declared first, so destroyed last: its thread stops after the
  // statements and the main connection are gone (closing the last
  // connection then checkpoints what is left).
  std::unique_ptr<Checkpointer> checkpointer;
  Db db;
  Statement insert, select, select_newest, scan, totals_by_name, totals_by_day, totals_all;
  Statement insert_delivery, due_deliveries, next_delivery, record_attempt, delivery_log;
  Statement delete_events_before, delete_deliveries_before, erase_visitor_deliveries, erase_visitor_events,
      select_visitor;
  std::mutex mutex;
};

std::unique_ptr<Store> open_sqlite_store(const std::string& path, std::string& error) {
  auto impl = std::make_unique<SqliteStore::Impl>();
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
  // A 32 MB page cache keeps the indexes' hot pages in memory.
  if (!exec(db, "PRAGMA cache_size=-32768", error) || !exec(db, kSchema, error)) return nullptr;
  // Checkpoints in the background (see Checkpointer), every ~16 MB of WAL
  // instead of 4 MB: index pages touched by many batches are copied once.
  if (file_backed) {
    impl->checkpointer = std::make_unique<Checkpointer>();
    if (!impl->checkpointer->start(path, error)) return nullptr;
    sqlite3_wal_hook(db, &Checkpointer::on_commit, impl->checkpointer.get());
  }
  const std::pair<Statement*, const char*> statements[] = {
      {&impl->insert, kInsert},
      {&impl->select, kSelect},
      {&impl->select_newest, kSelectNewest},
      {&impl->scan, kScan.c_str()},
      {&impl->totals_by_name, kTotalsByName.c_str()},
      {&impl->totals_by_day, kTotalsByDay.c_str()},
      {&impl->totals_all, kTotalsAll.c_str()},
      {&impl->insert_delivery, kInsertDelivery},
      {&impl->due_deliveries, kDueDeliveries},
      {&impl->next_delivery, kNextDelivery},
      {&impl->record_attempt, kRecordAttempt},
      {&impl->delivery_log, kDeliveryLog},
      {&impl->delete_events_before, kDeleteEventsBefore},
      {&impl->delete_deliveries_before, kDeleteDeliveriesBefore},
      {&impl->erase_visitor_deliveries, kEraseVisitorDeliveries.c_str()},
      {&impl->erase_visitor_events, kEraseVisitorEvents.c_str()},
      {&impl->select_visitor, kSelectVisitor.c_str()},
  };
  for (const auto& [statement, sql] : statements)
    if (!statement->prepare(db, sql, error)) return nullptr;
  return std::make_unique<SqliteStore>(std::move(impl));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
// Statements are members of Impl declared after the Db, so they are finalized
// first and sqlite3_close() then succeeds.
SqliteStore::~SqliteStore() = default;

namespace {

// The rows of a SELECT of the events columns (kSelect's order) as query()
// describes them.
std::optional<json> event_rows(Statement::Use& select, sqlite3* db, std::string& error) {
  json rows = json::array();
  int rc;
  while ((rc = select.step()) == SQLITE_ROW) {
    std::optional<std::string> texts[kEventColumnCount];
    for (int column = 0; column < kEventColumnCount; ++column) texts[column] = select.text(column + 1);
    rows.push_back(event_row_json(select.int64(0), texts));
  }
  if (rc == SQLITE_DONE) return rows;
  error = sqlite3_errmsg(db);
  return std::nullopt;
}

// Runs `first` then `second` (two DELETEs bound by `bind`) in one
// transaction; their changes as events (second) and deliveries (first).
template <class Bind>
std::optional<Erased> delete_both(sqlite3* db, Statement& deliveries, Statement& events, Bind bind, std::string& error) {
  Transaction tx(db, error);
  if (!tx.is_open()) return std::nullopt;
  Erased erased;
  for (auto [statement, count] : {std::pair{&deliveries, &erased.deliveries}, std::pair{&events, &erased.events}}) {
    Statement::Use use(*statement);
    bind(use);
    if (use.step() != SQLITE_DONE) {
      error = sqlite3_errmsg(db);
      return std::nullopt;
    }
    *count = sqlite3_changes(db);
  }
  if (!tx.commit(error)) return std::nullopt;
  return erased;
}

}  // namespace

std::optional<Erased> SqliteStore::delete_received_before(const std::string& cutoff, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return delete_both(impl_->db.get(), impl_->delete_deliveries_before, impl_->delete_events_before,
                     [&](Statement::Use& use) { use.bind(1, cutoff); }, error);
}

std::optional<Erased> SqliteStore::erase_visitor(const Visitor& visitor, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  // Deliveries first: they are found through the events.
  return delete_both(impl_->db.get(), impl_->erase_visitor_deliveries, impl_->erase_visitor_events,
                     [&](Statement::Use& use) {
                       use.bind(1, visitor.anonymous_id);
                       use.bind(2, visitor.user_id);
                     },
                     error);
}

std::optional<json> SqliteStore::visitor_events(const Visitor& visitor, int limit, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use select(impl_->select_visitor);
  select.bind(1, visitor.anonymous_id);
  select.bind(2, visitor.user_id);
  select.bind(3, limit);
  return event_rows(select, impl_->db.get(), error);
}

InsertResult SqliteStore::insert_events(const std::vector<json_scan::Object>& events,
                                  const std::optional<std::string>& batch_sent_at, double received_at_ms,
                                  const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>&
                                      deliveries_for) {
  const std::string received_at = format_iso8601_ms(received_at_ms);
  std::vector<EventColumns> rows(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    make_event_columns(rows[i], events[i], batch_sent_at, received_at_ms, received_at);

  InsertResult result;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Transaction tx(impl_->db.get(), result.error);
  if (!tx.is_open()) return result;
  const auto failed = [&] {
    InsertResult failure;
    failure.error = sqlite3_errmsg(impl_->db.get());
    return failure;  // ~Transaction rolls the whole batch back
  };
  for (std::size_t index = 0; index < events.size(); ++index) {
    const EventColumns& row = rows[index];
    {
      Statement::Use insert(impl_->insert);
      for (int column = 0; column < kEventColumnCount; ++column) insert.bind_static(column + 1, row.columns[column]);
      if (insert.step() != SQLITE_DONE) return failed();
    }
    if (sqlite3_changes(impl_->db.get()) != 1) {
      ++result.duplicates;
      continue;  // a duplicate already triggered its flows
    }
    ++result.accepted;
    result.stored.push_back(
        {index, sqlite3_last_insert_rowid(impl_->db.get()), std::string(row.columns[kCorrectedTimestamp].value_or(""))});
    if (!deliveries_for) continue;
    for (const NewDelivery& delivery : deliveries_for(events[index])) {
      Statement::Use queue(impl_->insert_delivery);
      queue.bind(1, delivery.flow);
      queue.bind_static(2, row.columns[kMessageId]);
      queue.bind(3, delivery.url);
      queue.bind(4, delivery.payload);
      queue.bind(5, static_cast<sqlite3_int64>(received_at_ms));
      queue.bind(6, received_at);
      if (queue.step() != SQLITE_DONE) return failed();
    }
  }
  if (!tx.commit(result.error)) {
    InsertResult failure;
    failure.error = result.error;
    return failure;
  }
  return result;
}

std::optional<json> SqliteStore::query(const EventQuery& query, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use select(query.newest_first ? impl_->select_newest : impl_->select);
  select.bind(1, query.event);
  select.bind(2, query.type);
  select.bind(3, query.limit);
  return event_rows(select, impl_->db.get(), error);
}

bool SqliteStore::scan(const TimeRange& range, const ScanFilter& filter, const std::function<void(EventRow&&)>& visit,
                 std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use scan(impl_->scan);
  scan.bind(1, range.from);
  scan.bind(2, range.to);
  scan.bind(3, dump(json(filter.track_events)));
  scan.bind(4, filter.pages ? 1 : 0);
  scan.bind(5, filter.identifies ? 1 : 0);
  int rc;
  while ((rc = scan.step()) == SQLITE_ROW) {
    EventRow row;
    row.id = scan.int64(0);
    row.type = scan.text(1).value_or("");
    row.event = scan.text(2).value_or("");
    row.anonymous_id = scan.text(3).value_or("");
    row.user_id = scan.text(4).value_or("");
    row.session_id = scan.text(5).value_or("");
    row.time_ms = parse_iso8601_ms(scan.text(6).value_or("")).value_or(0);
    row.properties = parse_or_null(scan.text(7));
    row.context = parse_or_null(scan.text(8));
    visit(std::move(row));
  }
  if (rc == SQLITE_DONE) return true;
  error = sqlite3_errmsg(impl_->db.get());
  return false;
}

std::optional<json> SqliteStore::totals(const TimeRange& range, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  json answer = {{"events", json::array()}, {"days", json::array()}, {"total", 0}, {"visitors", 0}};
  int rc;
  {
    Statement::Use all(impl_->totals_all);
    all.bind(1, range.from);
    all.bind(2, range.to);
    if ((rc = all.step()) == SQLITE_ROW) {
      answer["total"] = all.int64(0);
      answer["visitors"] = all.int64(1);
      rc = SQLITE_DONE;
    }
  }
  if (rc == SQLITE_DONE) {
    Statement::Use by_name(impl_->totals_by_name);
    by_name.bind(1, range.from);
    by_name.bind(2, range.to);
    while ((rc = by_name.step()) == SQLITE_ROW)
      answer["events"].push_back(
          {{"name", by_name.text(0).value_or("")}, {"count", by_name.int64(1)}, {"visitors", by_name.int64(2)}});
  }
  if (rc == SQLITE_DONE) {
    Statement::Use by_day(impl_->totals_by_day);
    by_day.bind(1, range.from);
    by_day.bind(2, range.to);
    while ((rc = by_day.step()) == SQLITE_ROW)
      answer["days"].push_back(
          {{"day", by_day.text(0).value_or("")}, {"name", by_day.text(1).value_or("")}, {"count", by_day.int64(2)}});
  }
  if (rc == SQLITE_DONE) return answer;
  error = sqlite3_errmsg(impl_->db.get());
  return std::nullopt;
}

// No lease needed: one process owns a SQLite file, and its one flow worker
// is the only taker.
std::vector<Delivery> SqliteStore::take_due_deliveries(double now_ms, int limit, double, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use due(impl_->due_deliveries);
  due.bind(1, now_ms);
  due.bind(2, limit);
  std::vector<Delivery> out;
  int rc;
  while ((rc = due.step()) == SQLITE_ROW) {
    Delivery d;
    d.id = due.int64(0);
    d.flow = due.text(1).value_or("");
    d.message_id = due.text(2).value_or("");
    d.url = due.text(3).value_or("");
    d.payload = due.text(4).value_or("");
    d.status = due.text(5).value_or("");
    d.attempts = static_cast<int>(due.int64(6));
    d.next_attempt_ms = due.real(7);
    out.push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) error = sqlite3_errmsg(impl_->db.get());
  return out;
}

std::optional<double> SqliteStore::next_delivery_ms() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use next(impl_->next_delivery);
  if (next.step() != SQLITE_ROW || next.is_null(0)) return std::nullopt;
  return next.real(0);
}

bool SqliteStore::record_attempt(std::int64_t id, const std::string& status, int attempts, double next_attempt_ms,
                           int http_status, const std::string& error_text, double now_ms, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use update(impl_->record_attempt);
  update.bind(1, static_cast<sqlite3_int64>(id));
  update.bind(2, status);
  update.bind(3, attempts);
  update.bind(4, static_cast<sqlite3_int64>(next_attempt_ms));
  update.bind(5, http_status);
  update.bind(6, error_text);
  update.bind(7, format_iso8601_ms(now_ms));
  if (update.step() == SQLITE_DONE) return true;
  error = sqlite3_errmsg(impl_->db.get());
  return false;
}

std::optional<json> SqliteStore::delivery_log(int limit, std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Statement::Use log(impl_->delivery_log);
  log.bind(1, limit);
  json rows = json::array();
  int rc;
  while ((rc = log.step()) == SQLITE_ROW) {
    const auto text_or_null = [&](int column) { const auto t = log.text(column); return t ? json(*t) : json(nullptr); };
    rows.push_back({{"id", log.int64(0)},
                    {"flow", text_or_null(1)},
                    {"message_id", text_or_null(2)},
                    {"url", text_or_null(3)},
                    {"status", text_or_null(4)},
                    {"attempts", log.int64(5)},
                    {"last_status", log.is_null(6) ? json(nullptr) : json(log.int64(6))},
                    {"last_error", text_or_null(7)},
                    {"created_at", text_or_null(8)},
                    {"updated_at", text_or_null(9)}});
  }
  if (rc == SQLITE_DONE) return rows;
  error = sqlite3_errmsg(impl_->db.get());
  return std::nullopt;
}

}  // namespace microtrack::collector
