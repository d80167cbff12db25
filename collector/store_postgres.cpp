// The PostgreSQL store (Store::open with "postgresql://..."): several
// collector processes share one database. What makes that safe is in the
// database, not in a process: a unique messageId (ON CONFLICT DO NOTHING)
// dedupes across instances, a batch is one statement or one transaction,
// deliveries are taken with FOR UPDATE SKIP LOCKED and a lease, and the
// schema is migrated under an advisory lock by whichever instance starts
// first. Each commit NOTIFYs the ids it stored, so every instance's live
// stream shows what the others ingest (watch), and that it queued
// deliveries, so every instance's flow worker may take them
// (watch_deliveries). Answers are byte for byte
// those of the SQLite store (store.cpp): the same columns, text compared in
// "C" collation, NULLs sorted first.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "event_columns.hpp"
#include "iso_time.hpp"
#include "pg_connection.hpp"
#include "pg_listener.hpp"
#include "store_backends.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

// Schema migrations: entry i takes the schema from version i to i + 1.
// Append, never edit: a database remembers the versions it has applied.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE events (
  id                  bigserial PRIMARY KEY,  -- insertion order, as SQLite's rowid
  message_id          text COLLATE "C" NOT NULL UNIQUE,  -- the dedupe key, across instances
  type                text COLLATE "C" NOT NULL,
  event               text COLLATE "C",
  anonymous_id        text COLLATE "C",
  user_id             text COLLATE "C",
  session_id          text COLLATE "C",
  timestamp           text COLLATE "C",
  sent_at             text COLLATE "C",
  received_at         text COLLATE "C" NOT NULL,  -- retention compares it as text
  corrected_timestamp text COLLATE "C",  -- ISO-8601, as answered
  corrected_ms        bigint,            -- the same instant in epoch ms, for ranges
  properties          text,  -- JSON text as received (cast ::jsonb to query inside)
  context             text,
  raw                 text NOT NULL
);
-- Funnels (scan): track events by name, pages and identifies, in a time range.
CREATE INDEX events_by_kind_time ON events (type, event, corrected_ms);
-- Totals: every event in a time range.
CREATE INDEX events_by_time ON events (corrected_ms);
-- /api/events?event=NAME, oldest or newest first.
CREATE INDEX events_by_event ON events (event, id);

CREATE TABLE flow_deliveries (
  id              bigserial PRIMARY KEY,
  flow            text COLLATE "C" NOT NULL,
  message_id      text COLLATE "C" NOT NULL,  -- compared with events.message_id on erasure
  url             text NOT NULL,
  payload         text NOT NULL,
  status          text NOT NULL DEFAULT 'pending',  -- pending, delivered, failed
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_ms bigint NOT NULL,  -- also the end of a taker's lease
  last_status     integer,
  last_error      text,
  created_at      text COLLATE "C" NOT NULL,
  updated_at      text COLLATE "C" NOT NULL,
  UNIQUE (flow, message_id)
);
-- Only pending rows are ever looked for by time; delivered ones stay out of it.
CREATE INDEX flow_deliveries_due ON flow_deliveries (next_attempt_ms, id) WHERE status = 'pending';
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// Any constant: every collector on the database takes the same lock, so only
// one migrates at a time and the others then find nothing left to do.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7382016453)";

// A pool that covers the HTTP server's handler threads plus the flow worker.
constexpr std::size_t kMaxConnections = 8;

constexpr const char* kInsertEvents = R"sql(
INSERT INTO events (message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at,
  received_at, corrected_timestamp, properties, context, raw, corrected_ms)
SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])
  WITH ORDINALITY AS r(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, ord)
ORDER BY ord  -- ids in batch order, as SQLite's rowids
ON CONFLICT (message_id) DO NOTHING
RETURNING id, message_id
)sql";

constexpr const char* kInsertDeliveries = R"sql(
INSERT INTO flow_deliveries (flow, message_id, url, payload, next_attempt_ms, created_at, updated_at)
SELECT f, m, u, p, $5, $6, $6
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS d(f, m, u, p, ord)
ORDER BY ord
ON CONFLICT (flow, message_id) DO NOTHING
)sql";

constexpr const char* kEventColumns =
    "id, message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at, received_at, "
    "corrected_timestamp, properties, context, raw";

// NOTIFY payloads are at most 8000 bytes: a big batch's ids take several.
constexpr std::size_t kMaxNotifyPayload = 7900;
constexpr const char* kNotify = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";

// After the listener's link came back: at most this many of the newest
// events committed meanwhile are handed to the live stream (a dashboard's
// feed shows fewer than that; the counts are read from the tables anyway).
constexpr int kMaxReplayRows = 1000;

// query() rows from a result of kEventColumns.
json event_rows_json(const PGresult* result) {
  json rows = json::array();
  for (int r = 0; r < PQntuples(result); ++r) {
    std::optional<std::string> texts[kEventColumnCount];
    for (int column = 0; column < kEventColumnCount; ++column) texts[column] = pg_text(result, r, column + 1);
    rows.push_back(event_row_json(pg_int(result, r, 0), texts));
  }
  return rows;
}

// "<sender> <id>,<id>,..." payloads, each under kMaxNotifyPayload.
std::vector<std::string> notify_payloads(const std::string& sender, const std::vector<StoredEvent>& stored) {
  std::vector<std::string> payloads;
  for (const StoredEvent& event : stored) {
    const std::string id = std::to_string(event.id);
    if (payloads.empty() || payloads.back().size() + id.size() + 1 > kMaxNotifyPayload)
      payloads.push_back(sender + " " + id);
    else
      payloads.back() += "," + id;
  }
  return payloads;
}

// A random name for this process's store, so it can ignore its own NOTIFYs.
std::string random_sender() {
  std::random_device entropy;
  std::uniform_int_distribution<unsigned long long> pick;
  const unsigned long long value = pick(entropy);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", value);
  return text;
}

// A page or identify counts under its type: page names are titles, not actions.
constexpr const char* kName = "CASE type WHEN 'track' THEN event ELSE type END";

// Privacy: as the SQLite store's, and like it without indexes on
// received_at or the ids (these run hourly or on request; a scan costs less
// than an index written on every insert).
constexpr const char* kVisitor = "(($1 <> '' AND anonymous_id = $1) OR ($2 <> '' AND user_id = $2))";

// Takes due deliveries: rows another instance has locked are skipped, not
// waited for, and next_attempt_ms moves to the end of the lease.
constexpr const char* kTakeDeliveries = R"sql(
WITH due AS (
  SELECT id, next_attempt_ms FROM flow_deliveries
  WHERE status = 'pending' AND next_attempt_ms <= $1
  ORDER BY next_attempt_ms, id LIMIT $2
  FOR UPDATE SKIP LOCKED),
taken AS (
  UPDATE flow_deliveries d SET next_attempt_ms = $3 FROM due WHERE d.id = due.id
  RETURNING d.id, d.flow, d.message_id, d.url, d.payload, d.status, d.attempts, due.next_attempt_ms AS due_ms)
SELECT * FROM taken ORDER BY due_ms, id
)sql";

constexpr const char* kRecordAttempt = R"sql(
UPDATE flow_deliveries SET status = $2, attempts = $3, next_attempt_ms = $4,
  last_status = nullif($5::integer, 0), last_error = nullif($6, ''), updated_at = $7
WHERE id = $1
)sql";

// Epoch ms as the integer the SQLite store keeps (it truncates too).
std::string ms_text(double ms) { return std::to_string(static_cast<long long>(ms)); }

// "corrected_ms >= $n AND ..." for a range, its bounds appended to `params`;
// "TRUE" when unbounded. False when a bound is not an ISO-8601 instant.
bool range_condition(const TimeRange& range, PgParams& params, std::string& sql, std::string& error) {
  sql = "TRUE";
  for (const auto& [text, op] : {std::pair{&range.from, " >= "}, std::pair{&range.to, " < "}}) {
    if (text->empty()) continue;
    const auto ms = parse_iso8601_ms(*text);
    if (!ms) {
      error = "not an ISO-8601 time: " + *text;
      return false;
    }
    params.push_back(ms_text(std::ceil(*ms)));
    sql += std::string(" AND corrected_ms") + op + "$" + std::to_string(params.size());
  }
  return true;
}

// kInsertEvents' parameters for the rows at `sent`: one array per column.
PgParams insert_params(const std::vector<EventColumns>& rows, const std::vector<std::size_t>& sent) {
  PgParams params;
  for (int column = 0; column < kEventColumnCount; ++column) {
    std::vector<std::optional<std::string_view>> values;
    for (const std::size_t i : sent) values.push_back(rows[i].columns[column]);
    params.push_back(pg_text_array(values));
  }
  std::vector<std::optional<std::int64_t>> corrected_ms;
  for (const std::size_t i : sent)
    corrected_ms.push_back(rows[i].corrected_ms ? std::optional<std::int64_t>(std::llround(*rows[i].corrected_ms))
                                                : std::nullopt);
  params.push_back(pg_bigint_array(corrected_ms));
  return params;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url) : url_(url), pool_(url, kMaxConnections) {}
  // Creates or migrates the schema; learns the schema's NOTIFY channel.
  bool migrate(std::string& error);

  InsertResult insert_events(const std::vector<json_scan::Object>& events,
                             const std::optional<std::string>& batch_sent_at, double received_at_ms,
                             const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>&
                                 deliveries_for) override;
  std::optional<json> query(const EventQuery& query, std::string& error) override;
  bool scan(const TimeRange& range, const ScanFilter& filter, const std::function<void(EventRow&&)>& visit,
            std::string& error) override;
  std::optional<json> totals(const TimeRange& range, std::string& error) override;
  std::optional<Erased> delete_received_before(const std::string& cutoff, std::string& error) override;
  std::optional<Erased> erase_visitor(const Visitor& visitor, std::string& error) override;
  std::optional<json> visitor_events(const Visitor& visitor, int limit, std::string& error) override;
  std::vector<Delivery> take_due_deliveries(double now_ms, int limit, double lease_ms, std::string& error) override;
  std::optional<double> next_delivery_ms() override;
  bool record_attempt(std::int64_t id, const std::string& status, int attempts, double next_attempt_ms,
                      int http_status, const std::string& error_text, double now_ms, std::string& error) override;
  std::optional<json> delivery_log(int limit, std::string& error) override;
  void watch(std::function<bool()> wanted, std::function<void(json rows)> on_rows) override;
  void watch_deliveries(std::function<void()> on_change) override;

 private:
  // Runs the DELETE of deliveries, then of events, in one transaction.
  std::optional<Erased> delete_both(const std::string& deliveries_sql, const std::string& events_sql,
                                    const PgParams& params, std::string& error);
  // Runs one statement on a pooled connection.
  PgResult exec(const std::string& sql, const PgParams& params, std::string& error);
  bool queue_deliveries(PgConnection& conn, const std::vector<NewDelivery>& deliveries,
                        const std::vector<std::string_view>& message_ids, double received_at_ms,
                        const std::string& received_at, std::string& error);
  // NOTIFYs the ids of `stored` (delivered if the transaction commits).
  bool notify(PgConnection& conn, const std::vector<StoredEvent>& stored, std::string& error);
  // Starts listening on both channels, once.
  void start_listener();
  // A NOTIFY from some instance: its events to the watcher, or news of
  // deliveries to the flow worker.
  void on_notification(const std::string& channel, const std::string& payload);
  void on_events_notified(const std::string& payload);
  // The listener's link is back: tells the flow worker to look, and hands the
  // watcher the events committed since the newest one seen.
  void on_listener_reconnect();
  void note_seen(std::int64_t id);

  const std::string url_;
  PgPool pool_;
  const std::string sender_ = random_sender();
  // Per schema (NOTIFY is database-wide): the ids of stored events, and
  // "deliveries were queued".
  std::string events_channel_, deliveries_channel_;
  std::mutex watch_mutex_;  // held while the watcher runs
  std::function<bool()> wanted_;
  std::function<void(json)> on_rows_;
  std::mutex deliveries_mutex_;  // held while on_deliveries_ runs
  std::function<void()> on_deliveries_;
  // The highest event id this store stored or was told of: where a replay
  // after a reconnect starts.
  std::atomic<std::int64_t> last_seen_id_{0};
  // The ids the last replay handed out (under watch_mutex_): a NOTIFY of
  // the same commit may still come, and must not hand them out again.
  std::unordered_set<std::int64_t> replayed_;
  std::mutex listener_mutex_;
  std::unique_ptr<PgListener> listener_;  // last: stopped before the rest goes
};

PgResult PostgresStore::exec(const std::string& sql, const PgParams& params, std::string& error) {
  PgPool::Lease conn = pool_.take(error);
  return conn ? conn->exec(sql, params, error) : nullptr;
}

bool PostgresStore::migrate(std::string& error) {
  PgPool::Lease conn = pool_.take(error);
  if (!conn) return false;
  PgTransaction tx(*conn, error);
  if (!tx.is_open() || !conn->run(kMigrationLock, error) ||
      !conn->run("CREATE TABLE IF NOT EXISTS microtrack_schema_version ("
                 "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                 error))
    return false;
  const PgResult current = conn->exec("SELECT coalesce(max(version), 0) FROM microtrack_schema_version", {}, error);
  if (!current) return false;
  const auto version = static_cast<int>(pg_int(current.get(), 0, 0));
  if (version > kSchemaVersion) {
    error = "the database has schema version " + std::to_string(version) + ", newer than this collector's (" +
            std::to_string(kSchemaVersion) + ")";
    return false;
  }
  // The schema's own channel (63 bytes at most, PostgreSQL's name length).
  const PgResult schema = conn->exec("SELECT current_schema()", {}, error);
  if (!schema) return false;
  const std::string schema_name = pg_text(schema.get(), 0, 0).value_or("");
  events_channel_ = ("microtrack_events." + schema_name).substr(0, 63);
  deliveries_channel_ = ("microtrack_deliveries." + schema_name).substr(0, 63);
  for (int next = version; next < kSchemaVersion; ++next) {
    if (!conn->run(kMigrations[next], error) ||
        !conn->exec("INSERT INTO microtrack_schema_version (version) VALUES ($1)", {std::to_string(next + 1)}, error))
      return false;
  }
  return tx.commit(error);
}

InsertResult PostgresStore::insert_events(
    const std::vector<json_scan::Object>& events, const std::optional<std::string>& batch_sent_at,
    double received_at_ms,
    const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>& deliveries_for) {
  const std::string received_at = format_iso8601_ms(received_at_ms);
  std::vector<EventColumns> rows(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    make_event_columns(rows[i], events[i], batch_sent_at, received_at_ms, received_at);

  // A messageId repeated within the batch is a duplicate of its first
  // occurrence: only first occurrences go to the database, which can then
  // tell which of them were stored before (by any instance).
  // Keys as the database will hold them (pg_text), to find RETURNING's ids.
  InsertResult result;
  std::unordered_map<std::string, std::size_t> first_index;
  std::vector<std::size_t> sent;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto id = rows[i].columns[kMessageId];
    if (id && !first_index.emplace(pg_text_value(*id), i).second) {
      ++result.duplicates;
      continue;
    }
    sent.push_back(i);  // a missing id goes too, and fails the batch as in SQLite (NOT NULL)
  }
  if (sent.empty()) return result;
  const PgParams params = insert_params(rows, sent);

  const auto failed = [](std::string error) {
    InsertResult failure;
    failure.error = std::move(error);
    return failure;  // ~PgTransaction rolls the whole batch back
  };
  std::string error;
  PgPool::Lease conn = pool_.take(error);
  if (!conn) return failed(error);
  PgTransaction tx(*conn, error);
  if (!tx.is_open()) return failed(error);
  const PgResult inserted = conn->exec(kInsertEvents, params, error);
  if (!inserted) return failed(error);

  for (int r = 0; r < PQntuples(inserted.get()); ++r) {
    const std::size_t index = first_index.at(PQgetvalue(inserted.get(), r, 1));
    result.stored.push_back(
        {index, pg_int(inserted.get(), r, 0), std::string(rows[index].columns[kCorrectedTimestamp].value_or(""))});
  }
  std::sort(result.stored.begin(), result.stored.end(),
            [](const StoredEvent& a, const StoredEvent& b) { return a.index < b.index; });
  // Before the commit: once these rows are visible a replay must not hand
  // them out as another instance's (if the commit fails, the ids stay unused).
  for (const StoredEvent& stored : result.stored) note_seen(stored.id);
  result.accepted = static_cast<int>(result.stored.size());
  result.duplicates += static_cast<int>(sent.size()) - result.accepted;

  if (deliveries_for) {
    std::vector<NewDelivery> deliveries;
    std::vector<std::string_view> message_ids;
    for (const StoredEvent& stored : result.stored)
      for (NewDelivery& delivery : deliveries_for(events[stored.index])) {
        deliveries.push_back(std::move(delivery));
        message_ids.push_back(*rows[stored.index].columns[kMessageId]);
      }
    if (!deliveries.empty() &&
        !queue_deliveries(*conn, deliveries, message_ids, received_at_ms, received_at, error))
      return failed(error);
  }
  // Delivered to the listeners when (and only if) the batch commits.
  if (!result.stored.empty() && !notify(*conn, result.stored, error)) return failed(error);
  if (!tx.commit(error)) return failed(error);
  return result;
}

bool PostgresStore::notify(PgConnection& conn, const std::vector<StoredEvent>& stored, std::string& error) {
  const auto payloads = notify_payloads(sender_, stored);
  const std::vector<std::optional<std::string_view>> texts(payloads.begin(), payloads.end());
  return conn.exec(kNotify, {events_channel_, pg_text_array(texts)}, error) != nullptr;
}

bool PostgresStore::queue_deliveries(PgConnection& conn, const std::vector<NewDelivery>& deliveries,
                                     const std::vector<std::string_view>& message_ids, double received_at_ms,
                                     const std::string& received_at, std::string& error) {
  std::vector<std::optional<std::string_view>> flows, urls, payloads;
  for (const NewDelivery& delivery : deliveries) {
    flows.push_back(delivery.flow);
    urls.push_back(delivery.url);
    payloads.push_back(delivery.payload);
  }
  const std::vector<std::optional<std::string_view>> ids(message_ids.begin(), message_ids.end());
  const PgParams params = {pg_text_array(flows), pg_text_array(ids), pg_text_array(urls),
                           pg_text_array(payloads), ms_text(received_at_ms), received_at};
  // Every instance's flow worker hears of them when (and if) they commit:
  // were this one to die before sending them, another takes them at once.
  return conn.exec(kInsertDeliveries, params, error) != nullptr &&
         conn.exec("SELECT pg_notify($1, $2)", {deliveries_channel_, sender_}, error) != nullptr;
}

std::optional<json> PostgresStore::query(const EventQuery& query, std::string& error) {
  PgParams params;
  std::string where;
  for (const auto& [value, column] : {std::pair{&query.event, "event"}, std::pair{&query.type, "type"}}) {
    if (value->empty()) continue;
    params.push_back(*value);
    where += std::string(where.empty() ? " WHERE " : " AND ") + column + " = $" + std::to_string(params.size());
  }
  params.push_back(query.limit < 0 ? std::nullopt : std::optional(std::to_string(query.limit)));  // NULL: all, as SQLite's -1
  const std::string sql = std::string("SELECT ") + kEventColumns + " FROM events" + where + " ORDER BY id" +
                          (query.newest_first ? " DESC" : "") + " LIMIT $" + std::to_string(params.size());
  const PgResult result = exec(sql, params, error);
  if (!result) return std::nullopt;
  return event_rows_json(result.get());
}

bool PostgresStore::scan(const TimeRange& range, const ScanFilter& filter,
                         const std::function<void(EventRow&&)>& visit, std::string& error) {
  PgParams params;
  std::string in_range;
  if (!range_condition(range, params, in_range, error)) return false;
  std::vector<std::string> kinds;
  if (!filter.track_events.empty()) {
    std::vector<std::optional<std::string_view>> names(filter.track_events.begin(), filter.track_events.end());
    params.push_back(pg_text_array(names));
    kinds.push_back("(type = 'track' AND event = ANY($" + std::to_string(params.size()) + "::text[]))");
  }
  if (filter.pages) kinds.push_back("type = 'page'");
  if (filter.identifies) kinds.push_back("type = 'identify'");
  if (kinds.empty()) return true;  // nothing asked for
  std::string sql = "SELECT id, type, event, anonymous_id, user_id, session_id, corrected_ms, properties, context "
                    "FROM events WHERE " + in_range + " AND (";
  for (std::size_t i = 0; i < kinds.size(); ++i) sql += (i ? " OR " : "") + kinds[i];
  sql += ")";
  PgPool::Lease conn = pool_.take(error);
  if (!conn) return false;
  return conn->stream(sql, params, [&](const PGresult* result) {
    EventRow row;
    row.id = pg_int(result, 0, 0);
    row.type = pg_text(result, 0, 1).value_or("");
    row.event = pg_text(result, 0, 2).value_or("");
    row.anonymous_id = pg_text(result, 0, 3).value_or("");
    row.user_id = pg_text(result, 0, 4).value_or("");
    row.session_id = pg_text(result, 0, 5).value_or("");
    row.time_ms = static_cast<double>(pg_int(result, 0, 6));
    row.properties = parse_or_null(pg_text(result, 0, 7));
    row.context = parse_or_null(pg_text(result, 0, 8));
    visit(std::move(row));
  }, error);
}

std::optional<json> PostgresStore::totals(const TimeRange& range, std::string& error) {
  PgParams params;
  std::string in_range;
  if (!range_condition(range, params, in_range, error)) return std::nullopt;
  const std::string visitors = "count(DISTINCT coalesce(anonymous_id, 'user:' || user_id))";
  const std::string name = std::string(kName) + " AS name";
  const std::string all_sql = "SELECT count(*), " + visitors + " FROM events WHERE " + in_range;
  const std::string by_name_sql = "SELECT " + name + ", count(*), " + visitors + " FROM events WHERE " + in_range +
                                  " GROUP BY 1 ORDER BY count(*) DESC, 1 NULLS FIRST";
  const std::string by_day_sql = "SELECT substr(corrected_timestamp, 1, 10) AS day, " + name +
                                 ", count(*) FROM events WHERE " + in_range +
                                 " GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST";
  PgPool::Lease conn = pool_.take(error);
  if (!conn) return std::nullopt;
  // One snapshot for the three, so the total is the sum of the parts even
  // while other instances insert.
  PgTransaction tx(*conn, error, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!tx.is_open()) return std::nullopt;
  const PgResult all = conn->exec(all_sql, params, error);
  const PgResult by_name = all ? conn->exec(by_name_sql, params, error) : nullptr;
  const PgResult by_day = by_name ? conn->exec(by_day_sql, params, error) : nullptr;
  if (!by_day || !tx.commit(error)) return std::nullopt;
  json answer = {{"events", json::array()}, {"days", json::array()},
                 {"total", pg_int(all.get(), 0, 0)}, {"visitors", pg_int(all.get(), 0, 1)}};
  for (int r = 0; r < PQntuples(by_name.get()); ++r)
    answer["events"].push_back({{"name", pg_text(by_name.get(), r, 0).value_or("")},
                                {"count", pg_int(by_name.get(), r, 1)},
                                {"visitors", pg_int(by_name.get(), r, 2)}});
  for (int r = 0; r < PQntuples(by_day.get()); ++r)
    answer["days"].push_back({{"day", pg_text(by_day.get(), r, 0).value_or("")},
                              {"name", pg_text(by_day.get(), r, 1).value_or("")},
                              {"count", pg_int(by_day.get(), r, 2)}});
  return answer;
}

std::optional<Erased> PostgresStore::delete_both(const std::string& deliveries_sql, const std::string& events_sql,
                                                 const PgParams& params, std::string& error) {
  PgPool::Lease conn = pool_.take(error);
  if (!conn) return std::nullopt;
  PgTransaction tx(*conn, error);
  if (!tx.is_open()) return std::nullopt;
  const PgResult deliveries = conn->exec(deliveries_sql, params, error);
  const PgResult events = deliveries ? conn->exec(events_sql, params, error) : nullptr;
  if (!events || !tx.commit(error)) return std::nullopt;
  Erased erased;
  erased.deliveries = std::strtoll(PQcmdTuples(deliveries.get()), nullptr, 10);
  erased.events = std::strtoll(PQcmdTuples(events.get()), nullptr, 10);
  return erased;
}

std::optional<Erased> PostgresStore::delete_received_before(const std::string& cutoff, std::string& error) {
  return delete_both("DELETE FROM flow_deliveries WHERE created_at < $1", "DELETE FROM events WHERE received_at < $1",
                     {cutoff}, error);
}

std::optional<Erased> PostgresStore::erase_visitor(const Visitor& visitor, std::string& error) {
  // Deliveries first: they are found through the events.
  return delete_both(
      std::string("DELETE FROM flow_deliveries WHERE message_id IN (SELECT message_id FROM events WHERE ") + kVisitor + ")",
      std::string("DELETE FROM events WHERE ") + kVisitor, {visitor.anonymous_id, visitor.user_id}, error);
}

std::optional<json> PostgresStore::visitor_events(const Visitor& visitor, int limit, std::string& error) {
  const PgParams params = {visitor.anonymous_id, visitor.user_id,
                           limit < 0 ? std::nullopt : std::optional(std::to_string(limit))};
  const PgResult result = exec(std::string("SELECT ") + kEventColumns + " FROM events WHERE " + kVisitor +
                                   " ORDER BY id LIMIT $3",
                               params, error);
  if (!result) return std::nullopt;
  return event_rows_json(result.get());
}

std::vector<Delivery> PostgresStore::take_due_deliveries(double now_ms, int limit, double lease_ms,
                                                         std::string& error) {
  const PgParams params = {ms_text(std::floor(now_ms)), std::to_string(limit), ms_text(now_ms + lease_ms)};
  const PgResult result = exec(kTakeDeliveries, params, error);
  std::vector<Delivery> out;
  if (!result) return out;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    Delivery d;
    d.id = pg_int(result.get(), r, 0);
    d.flow = pg_text(result.get(), r, 1).value_or("");
    d.message_id = pg_text(result.get(), r, 2).value_or("");
    d.url = pg_text(result.get(), r, 3).value_or("");
    d.payload = pg_text(result.get(), r, 4).value_or("");
    d.status = pg_text(result.get(), r, 5).value_or("");
    d.attempts = static_cast<int>(pg_int(result.get(), r, 6));
    d.next_attempt_ms = static_cast<double>(pg_int(result.get(), r, 7));
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<double> PostgresStore::next_delivery_ms() {
  std::string error;
  const PgResult result =
      exec("SELECT min(next_attempt_ms) FROM flow_deliveries WHERE status = 'pending'", {}, error);
  if (!result || PQgetisnull(result.get(), 0, 0)) return std::nullopt;
  return static_cast<double>(pg_int(result.get(), 0, 0));
}

bool PostgresStore::record_attempt(std::int64_t id, const std::string& status, int attempts, double next_attempt_ms,
                                   int http_status, const std::string& error_text, double now_ms,
                                   std::string& error) {
  const PgParams params = {std::to_string(id), status, std::to_string(attempts), ms_text(next_attempt_ms),
                           std::to_string(http_status), error_text, format_iso8601_ms(now_ms)};
  return exec(kRecordAttempt, params, error) != nullptr;
}

std::optional<json> PostgresStore::delivery_log(int limit, std::string& error) {
  const PgResult result = exec(
      "SELECT id, flow, message_id, url, status, attempts, last_status, last_error, created_at, updated_at "
      "FROM flow_deliveries ORDER BY id DESC LIMIT $1",
      {std::to_string(limit)}, error);
  if (!result) return std::nullopt;
  json rows = json::array();
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    const auto text_or_null = [&](int column) {
      const auto text = pg_text(result.get(), r, column);
      return text ? json(*text) : json(nullptr);
    };
    rows.push_back({{"id", pg_int(result.get(), r, 0)},
                    {"flow", text_or_null(1)},
                    {"message_id", text_or_null(2)},
                    {"url", text_or_null(3)},
                    {"status", text_or_null(4)},
                    {"attempts", pg_int(result.get(), r, 5)},
                    {"last_status", PQgetisnull(result.get(), r, 6) ? json(nullptr) : json(pg_int(result.get(), r, 6))},
                    {"last_error", text_or_null(7)},
                    {"created_at", text_or_null(8)},
                    {"updated_at", text_or_null(9)}});
  }
  return rows;
}

void PostgresStore::start_listener() {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  // Started once and kept: stopping it here could wait for a notification
  // being handled, which waits for a watcher's lock.
  if (listener_) return;
  listener_ = std::make_unique<PgListener>(
      url_, std::vector<std::string>{events_channel_, deliveries_channel_},
      [this](const std::string& channel, const std::string& payload) { on_notification(channel, payload); },
      [this] { on_listener_reconnect(); });
}

void PostgresStore::watch(std::function<bool()> wanted, std::function<void(json rows)> on_rows) {
  {
    std::lock_guard<std::mutex> lock(watch_mutex_);
    wanted_ = std::move(wanted);
    on_rows_ = std::move(on_rows);
    if (!on_rows_) return;
  }
  start_listener();
}

void PostgresStore::watch_deliveries(std::function<void()> on_change) {
  {
    std::lock_guard<std::mutex> lock(deliveries_mutex_);
    on_deliveries_ = std::move(on_change);
    if (!on_deliveries_) return;
  }
  start_listener();
}

void PostgresStore::note_seen(std::int64_t id) {
  std::int64_t seen = last_seen_id_.load();
  while (id > seen && !last_seen_id_.compare_exchange_weak(seen, id)) {
  }
}

void PostgresStore::on_notification(const std::string& channel, const std::string& payload) {
  const auto space = payload.find(' ');
  const std::string sender = payload.substr(0, space);
  if (sender == sender_) return;  // ours: already published, our own worker already woken
  if (channel == deliveries_channel_) {
    std::lock_guard<std::mutex> lock(deliveries_mutex_);
    if (on_deliveries_) on_deliveries_();
  } else if (space != std::string::npos) {
    on_events_notified(payload.substr(space + 1));
  }
}

void PostgresStore::on_events_notified(const std::string& ids) {
  // The ids ascend (a batch's, in order): the last is the highest.
  note_seen(std::strtoll(ids.c_str() + ids.rfind(',') + 1, nullptr, 10));
  std::lock_guard<std::mutex> lock(watch_mutex_);
  if (!on_rows_ || (wanted_ && !wanted_())) return;
  std::string error;
  const PgResult result = exec(std::string("SELECT ") + kEventColumns + " FROM events WHERE id = ANY($1::bigint[]) ORDER BY id",
                               {"{" + ids + "}"}, error);
  if (!result) return;
  json rows = event_rows_json(result.get());
  if (!replayed_.empty())
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const json& row) { return replayed_.count(row["id"]) > 0; }),
               rows.end());
  if (!rows.empty()) on_rows_(std::move(rows));
}

void PostgresStore::on_listener_reconnect() {
  {
    std::lock_guard<std::mutex> lock(deliveries_mutex_);
    if (on_deliveries_) on_deliveries_();
  }
  std::lock_guard<std::mutex> lock(watch_mutex_);
  if (!on_rows_ || (wanted_ && !wanted_())) return;
  // The newest events after the last one seen, oldest first. Ids are taken
  // at insert, not at commit: a batch that took its ids before that one and
  // committed while the link was down is not found (docs/COLLECTOR.md).
  std::string error;
  const PgResult result = exec(std::string("SELECT * FROM (SELECT ") + kEventColumns +
                                   " FROM events WHERE id > $1 ORDER BY id DESC LIMIT $2) AS newest ORDER BY id",
                               {std::to_string(last_seen_id_.load()), std::to_string(kMaxReplayRows)}, error);
  replayed_.clear();
  if (!result || PQntuples(result.get()) == 0) return;
  for (int r = 0; r < PQntuples(result.get()); ++r) replayed_.insert(pg_int(result.get(), r, 0));
  note_seen(pg_int(result.get(), PQntuples(result.get()) - 1, 0));
  on_rows_(event_rows_json(result.get()));
}

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url, std::string& error) {
  auto store = std::make_unique<PostgresStore>(url);
  if (!store->migrate(error)) return nullptr;
  return store;
}

}  // namespace microtrack::collector
