// The ClickHouse store (Store::open with "clickhouse://..."): events in a
// ReplacingMergeTree table for event volume, over ClickHouse's HTTP
// interface (clickhouse_http.hpp). Answers are those of the SQLite store
// (store.cpp), byte for byte on the shared test cases:
//  - A batch is one INSERT. Before it, the batch's messageIds are looked up
//    in `event_ids` (a table ordered by messageId, filled by a materialized
//    view on every insert into `events`), and those another batch of this
//    process is inserting right now are duplicates (InFlight): the
//    accepted/duplicates counts are exact for one collector process per
//    database, and batches still insert side by side. Two processes inserting the same messageId at the same
//    moment may both store it; the answers still count it once, because
//    every read is FINAL on a ReplacingMergeTree whose sorting key ends in
//    message_id (copies collapse; docs/COLLECTOR.md says when they cannot).
//  - Columns are never Nullable (18.16's Nullable has pitfalls in keys and
//    functions): a NULL is "" plus a bit in `nulls`.
//  - ids count up from the largest stored, in this process (ClickHouse has
//    no sequence): insertion order, as SQLite's rowid, for one writer.
//  - Funnels read events through scan() and are computed in funnel.cpp, as
//    on the other stores (windowFunnel cannot give the same answers; see
//    docs/COLLECTOR.md).
//  - No delivery log: flows need SQLite or PostgreSQL (Collector::start
//    refuses them here). Erasure and retention are DELETE mutations, waited
//    for, so the next answer no longer has the rows.
// Only SQL that ClickHouse 18.16 (Debian bookworm) and current releases
// both accept; docs/COLLECTOR.md lists what was avoided.
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "clickhouse_http.hpp"
#include "event_columns.hpp"
#include "iso_time.hpp"
#include "store_backends.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

constexpr const char* kSchema[] = {
    R"sql(
CREATE TABLE IF NOT EXISTS events (
  id                  UInt64,  -- insertion order, counted by the collector
  message_id          String,
  type                String,
  event               String,
  anonymous_id        String,
  user_id             String,
  session_id          String,
  timestamp           String,
  sent_at             String,
  received_at         String,  -- ISO-8601 text: retention compares it as text
  corrected_timestamp String,
  properties          String,  -- JSON text as received
  context             String,
  raw                 String,
  nulls               UInt16,  -- bit i set: column i above (from message_id) is NULL
  corrected_ms        Int64,   -- corrected_timestamp in epoch ms, for ranges
  day                 Date     -- its UTC day (1970-01-01..2105-12-31), for partitions and the index
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (type, event, day, message_id)
)sql",
    // The messageIds for the lookup before each insert, ordered by id so
    // the lookup reads a few granules; with the visitor and received_at,
    // so erasure and retention delete here what they delete in events.
    R"sql(
CREATE TABLE IF NOT EXISTS event_ids (
  message_id   String,
  anonymous_id String,
  user_id      String,
  received_at  String
) ENGINE = ReplacingMergeTree()
ORDER BY message_id
)sql",
    R"sql(
CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_writer TO event_ids
AS SELECT message_id, anonymous_id, user_id, received_at FROM events
)sql",
};

constexpr const char* kInsertInto =
    "events (id, message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at, received_at, "
    "corrected_timestamp, properties, context, raw, nulls, corrected_ms, day)";

// id, the EventColumn columns, nulls: what a query() row is made of.
constexpr const char* kRowColumns =
    "id, message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at, received_at, "
    "corrected_timestamp, properties, context, raw, nulls";
constexpr std::size_t kRowColumnCount = kEventColumnCount + 2;

constexpr int null_bit(int column) { return 1 << column; }

// A page or identify counts under its type: page names are titles, not actions.
constexpr const char* kName = "if(type = 'track', event, type)";
// A visitor: the anonymousId, else "user:" + the userId (SQLite's
// coalesce(anonymous_id, 'user:' || user_id)); counted only when one is there.
const std::string kVisitor = "if(bitAnd(nulls, " + std::to_string(null_bit(kAnonymousId)) +
                             ") = 0, anonymous_id, concat('user:', user_id))";
const std::string kHasVisitor = "bitAnd(nulls, " + std::to_string(null_bit(kAnonymousId) | null_bit(kUserId)) +
                                ") <> " + std::to_string(null_bit(kAnonymousId) | null_bit(kUserId));

// The `day` column of an instant: its UTC date, held within what a Date
// holds in every ClickHouse version (a client's clock may say 2300).
std::string day_of(std::optional<double> ms) {
  constexpr double kFirstOutOfRangeMs = 4291747200000.0;  // 2106-01-01T00:00:00Z
  if (!ms || *ms < 0) return "1970-01-01";
  if (*ms >= kFirstOutOfRangeMs) return "2105-12-31";
  return format_iso8601_ms(*ms).substr(0, 10);
}

std::int64_t to_int(const std::string& text) { return std::strtoll(text.c_str(), nullptr, 10); }

// "corrected_ms >= N AND day >= ..." for a range ("1" when unbounded); the
// day bounds follow from the ms ones and let the index skip granules.
// False when a bound is not an ISO-8601 instant.
bool range_condition(const TimeRange& range, std::string& sql, std::string& error) {
  sql = "1";
  for (const auto& [text, is_from] : {std::pair{&range.from, true}, std::pair{&range.to, false}}) {
    if (text->empty()) continue;
    const auto ms = parse_iso8601_ms(*text);
    if (!ms) {
      error = "not an ISO-8601 time: " + *text;
      return false;
    }
    const double bound = std::ceil(*ms);  // as the other stores, which keep whole ms
    sql += std::string(" AND corrected_ms ") + (is_from ? ">= " : "< ") + std::to_string(static_cast<long long>(bound)) +
           " AND day " + (is_from ? ">= " : "<= ") + "toDate(" + ch_quote(day_of(bound)) + ")";
  }
  if (sql != "1") sql += " AND bitAnd(nulls, " + std::to_string(null_bit(kCorrectedTimestamp)) + ") = 0";
  return true;
}

// "anonymous_id = 'a' OR user_id = 'u'" for the ids given; "" when none is.
std::string visitor_condition(const Visitor& visitor) {
  std::string sql;
  if (!visitor.anonymous_id.empty()) sql = "anonymous_id = " + ch_quote(visitor.anonymous_id);
  if (!visitor.user_id.empty()) sql += (sql.empty() ? "" : " OR ") + ("user_id = " + ch_quote(visitor.user_id));
  return sql;
}

// One row of kInsertInto, TabSeparated.
void append_insert_row(std::string& out, std::uint64_t id, const EventColumns& row) {
  out += std::to_string(id);
  int nulls = 0;
  for (int column = 0; column < kEventColumnCount; ++column) {
    out += '\t';
    if (row.columns[column])
      append_tsv_field(out, *row.columns[column]);
    else
      nulls |= null_bit(column);
  }
  const long long corrected_ms = row.corrected_ms ? std::llround(*row.corrected_ms) : 0;
  out += '\t' + std::to_string(nulls) + '\t' + std::to_string(corrected_ms) + '\t' + day_of(row.corrected_ms) + '\n';
}

// A query() row from the fields of kRowColumns.
json event_row(const std::vector<std::string>& fields) {
  const auto nulls = to_int(fields[kEventColumnCount + 1]);
  std::optional<std::string> texts[kEventColumnCount];
  for (int column = 0; column < kEventColumnCount; ++column)
    if (!(nulls & null_bit(column))) texts[column] = fields[column + 1];
  return event_row_json(to_int(fields[0]), texts);
}

// The messageIds this process's batches are inserting right now. A batch
// claims its new ones before its lookup and lets go once its INSERT has
// answered: an id another batch holds is a duplicate (that batch stores it,
// or fails and its sender retries), so two batches of one process never both
// store an id, and yet their lookups and INSERTs run side by side.
class InFlight {
 public:
  InFlight(std::mutex& mutex, std::unordered_set<std::string>& ids) : mutex_(mutex), ids_(ids) {}
  ~InFlight() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& id : mine_) ids_.erase(id);
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  // Claims each of `ids` no other batch holds; true at the positions claimed.
  std::vector<bool> claim(const std::vector<std::string_view>& ids) {
    std::vector<bool> claimed;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string_view id : ids) {
      claimed.push_back(ids_.emplace(id).second);
      if (claimed.back()) mine_.emplace_back(id);
    }
    return claimed;
  }

 private:
  std::mutex& mutex_;
  std::unordered_set<std::string>& ids_;
  std::vector<std::string> mine_;
};

class ClickHouseStore final : public Store {
 public:
  explicit ClickHouseStore(ClickHouseTarget target) : db_(std::move(target)) {}
  // Creates the database and tables if missing; learns the largest id.
  bool open(std::string& error);

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
  bool keeps_delivery_log() const override { return false; }
  std::vector<Delivery> take_due_deliveries(double, int, double, std::string&) override { return {}; }
  std::optional<double> next_delivery_ms() override { return std::nullopt; }
  bool record_attempt(std::int64_t, const std::string&, int, double, int, const std::string&, double,
                      std::string& error) override {
    error = "a ClickHouse store keeps no delivery log (flows need SQLite or PostgreSQL)";
    return false;
  }
  std::optional<json> delivery_log(int, std::string&) override { return json::array(); }

 private:
  // Which of `ids` are stored already (in event_ids).
  bool find_stored(const std::vector<std::string_view>& ids, std::unordered_set<std::string>& found,
                   std::string& error) const;
  // query() rows: SELECT kRowColumns FROM events FINAL `rest`.
  std::optional<json> event_rows(const std::string& rest, std::string& error) const;
  // count() of one SELECT ... `from_where`.
  std::optional<std::int64_t> count(const std::string& from_where, std::string& error) const;
  // Deletes from both tables where `where` holds, and waits until the
  // mutations are done; Erased.events = the rows answers counted before.
  std::optional<Erased> delete_where(const std::string& where, std::string& error);
  bool wait_for_mutations(std::string& error) const;

  ClickHouseHttp db_;
  std::mutex ingest_mutex_;  // next_id_ and in_flight_
  std::uint64_t next_id_ = 1;
  std::unordered_set<std::string> in_flight_;  // see InFlight
  std::mutex delete_mutex_;  // one erasure or retention sweep at a time
};

bool ClickHouseStore::open(std::string& error) {
  if (!db_.run("CREATE DATABASE IF NOT EXISTS `" + db_.target().database + "`", error, false)) return false;
  for (const char* statement : kSchema)
    if (!db_.run(statement, error)) return false;
  return db_.select("SELECT max(id), count() FROM events", 2, [&](std::vector<std::string>& fields) {
    next_id_ = static_cast<std::uint64_t>(to_int(fields[0])) + 1;
  }, error);
}

bool ClickHouseStore::find_stored(const std::vector<std::string_view>& ids, std::unordered_set<std::string>& found,
                                  std::string& error) const {
  std::string list;
  for (const std::string_view id : ids) list += (list.empty() ? "" : ",") + ch_quote(id);
  return db_.select("SELECT DISTINCT message_id, 1 FROM event_ids WHERE message_id IN (" + list + ")", 2,
                    [&](std::vector<std::string>& fields) { found.insert(std::move(fields[0])); }, error);
}

InsertResult ClickHouseStore::insert_events(
    const std::vector<json_scan::Object>& events, const std::optional<std::string>& batch_sent_at,
    double received_at_ms,
    const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>& deliveries_for) {
  const std::string received_at = format_iso8601_ms(received_at_ms);
  std::vector<EventColumns> rows(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    make_event_columns(rows[i], events[i], batch_sent_at, received_at_ms, received_at);
  const auto failed = [](std::string error) {
    InsertResult failure;
    failure.error = std::move(error);
    return failure;  // nothing was inserted
  };
  // First occurrences only; a repeat within the batch is a duplicate.
  InsertResult result;
  std::unordered_set<std::string_view> seen;
  std::vector<std::size_t> firsts;
  std::vector<std::string_view> ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto id = rows[i].columns[kMessageId];
    if (!id) return failed("events.message_id may not be NULL");  // as SQLite's NOT NULL: the whole batch
    if (!seen.insert(*id).second) {
      ++result.duplicates;
      continue;
    }
    firsts.push_back(i);
    ids.push_back(*id);
  }
  InFlight in_flight(ingest_mutex_, in_flight_);
  const std::vector<bool> claimed = in_flight.claim(ids);
  std::vector<std::string_view> lookup;
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (claimed[k]) lookup.push_back(ids[k]);
  std::string error;
  std::unordered_set<std::string> stored_before;
  if (!lookup.empty() && !find_stored(lookup, stored_before, error)) return failed(error);
  std::vector<std::size_t> fresh;
  for (std::size_t k = 0; k < firsts.size(); ++k) {
    if (!claimed[k] || stored_before.count(std::string(ids[k]))) {
      ++result.duplicates;
      continue;
    }
    if (deliveries_for && !deliveries_for(events[firsts[k]]).empty())
      return failed("a ClickHouse store keeps no delivery log (flows need SQLite or PostgreSQL)");
    fresh.push_back(firsts[k]);
  }
  if (fresh.empty()) return result;
  std::uint64_t id;
  {
    std::lock_guard<std::mutex> lock(ingest_mutex_);
    id = next_id_;
    next_id_ += fresh.size();
  }
  const std::uint64_t first_id = id, end_id = id + fresh.size();
  std::string data;
  for (const std::size_t index : fresh) {
    append_insert_row(data, id, rows[index]);
    result.stored.push_back({index, static_cast<std::int64_t>(id++),
                             std::string(rows[index].columns[kCorrectedTimestamp].value_or(""))});
  }
  if (!db_.insert(kInsertInto, data, error)) {
    std::lock_guard<std::mutex> lock(ingest_mutex_);
    if (next_id_ == end_id) next_id_ = first_id;  // unused, unless a later batch took ids meanwhile
    return failed(error);
  }
  result.accepted = static_cast<int>(result.stored.size());
  return result;
}

std::optional<json> ClickHouseStore::event_rows(const std::string& rest, std::string& error) const {
  json rows = json::array();
  const bool ok = db_.select(std::string("SELECT ") + kRowColumns + " FROM events FINAL " + rest, kRowColumnCount,
                             [&](std::vector<std::string>& fields) { rows.push_back(event_row(fields)); }, error);
  if (!ok) return std::nullopt;
  return rows;
}

std::optional<json> ClickHouseStore::query(const EventQuery& query, std::string& error) {
  std::string where;
  for (const auto& [value, column] : {std::pair{&query.event, "event"}, std::pair{&query.type, "type"}})
    if (!value->empty()) where += std::string(where.empty() ? "WHERE " : " AND ") + column + " = " + ch_quote(*value);
  const char* order = query.newest_first ? " DESC" : "";
  // message_id breaks ties between equal ids (two collectors counting alike).
  std::string rest = where + " ORDER BY id" + order + ", message_id" + order;
  if (query.limit >= 0) rest += " LIMIT " + std::to_string(query.limit);  // < 0: all, as SQLite's -1
  return event_rows(rest, error);
}

bool ClickHouseStore::scan(const TimeRange& range, const ScanFilter& filter,
                           const std::function<void(EventRow&&)>& visit, std::string& error) {
  std::string in_range;
  if (!range_condition(range, in_range, error)) return false;
  std::string kinds;
  if (!filter.track_events.empty()) {
    std::string names;
    for (const std::string& name : filter.track_events) names += (names.empty() ? "" : ",") + ch_quote(name);
    kinds = "(type = 'track' AND event IN (" + names + "))";
  }
  if (filter.pages) kinds += std::string(kinds.empty() ? "" : " OR ") + "type = 'page'";
  if (filter.identifies) kinds += std::string(kinds.empty() ? "" : " OR ") + "type = 'identify'";
  if (kinds.empty()) return true;  // nothing asked for
  const std::string sql =
      "SELECT id, type, event, anonymous_id, user_id, session_id, corrected_ms, properties, context, nulls "
      "FROM events FINAL WHERE " + in_range + " AND (" + kinds + ")";
  return db_.select(sql, 10, [&](std::vector<std::string>& fields) {
    const auto nulls = to_int(fields[9]);
    EventRow row;
    row.id = to_int(fields[0]);
    row.type = std::move(fields[1]);
    row.event = std::move(fields[2]);
    row.anonymous_id = std::move(fields[3]);
    row.user_id = std::move(fields[4]);
    row.session_id = std::move(fields[5]);
    row.time_ms = static_cast<double>(to_int(fields[6]));
    if (!(nulls & null_bit(kProperties))) row.properties = parse_or_null(fields[7]);
    if (!(nulls & null_bit(kContext))) row.context = parse_or_null(fields[8]);
    visit(std::move(row));
  }, error);
}

std::optional<json> ClickHouseStore::totals(const TimeRange& range, std::string& error) {
  std::string in_range;
  if (!range_condition(range, in_range, error)) return std::nullopt;
  // Named columns in a subquery, grouped outside: GROUP BY on aliases is
  // read differently by 18.16 and current releases.
  const std::string rows = "(SELECT " + std::string(kName) + " AS name, " + kVisitor + " AS visitor, " + kHasVisitor +
                           " AS has_visitor, substring(corrected_timestamp, 1, 10) AS day_text FROM events FINAL WHERE " +
                           in_range + ")";
  json answer = {{"events", json::array()}, {"days", json::array()}, {"total", 0}, {"visitors", 0}};
  const bool ok =
      db_.select("SELECT count(), uniqExactIf(visitor, has_visitor) FROM " + rows, 2,
                 [&](std::vector<std::string>& f) {
                   answer["total"] = to_int(f[0]);
                   answer["visitors"] = to_int(f[1]);
                 }, error) &&
      db_.select("SELECT name, count() AS n, uniqExactIf(visitor, has_visitor) FROM " + rows +
                     " GROUP BY name ORDER BY n DESC, name",
                 3, [&](std::vector<std::string>& f) {
                   answer["events"].push_back({{"name", f[0]}, {"count", to_int(f[1])}, {"visitors", to_int(f[2])}});
                 }, error) &&
      db_.select("SELECT day_text, name, count() FROM " + rows + " GROUP BY day_text, name ORDER BY day_text, name",
                 3, [&](std::vector<std::string>& f) {
                   answer["days"].push_back({{"day", f[0]}, {"name", f[1]}, {"count", to_int(f[2])}});
                 }, error);
  if (!ok) return std::nullopt;
  return answer;
}

std::optional<std::int64_t> ClickHouseStore::count(const std::string& from_where, std::string& error) const {
  std::int64_t n = 0;
  if (!db_.select("SELECT count(), 1 " + from_where, 2, [&](std::vector<std::string>& f) { n = to_int(f[0]); }, error))
    return std::nullopt;
  return n;
}

bool ClickHouseStore::wait_for_mutations(std::string& error) const {
  // ClickHouse runs a mutation in the background; 18.16 has no setting to
  // wait for it (mutations_sync came later), so its progress is polled.
  constexpr auto kPoll = std::chrono::milliseconds(20);
  constexpr int kPolls = 3000;  // 60 s
  for (int poll = 0; poll < kPolls; ++poll) {
    const auto running = count("FROM system.mutations WHERE database = currentDatabase() "
                               "AND table IN ('events', 'event_ids') AND is_done = 0", error);
    if (!running) return false;
    if (*running == 0) return true;
    std::this_thread::sleep_for(kPoll);
  }
  error = "ClickHouse: a DELETE mutation was still running after 60 s (see system.mutations)";
  return false;
}

std::optional<Erased> ClickHouseStore::delete_where(const std::string& where, std::string& error) {
  std::lock_guard<std::mutex> lock(delete_mutex_);
  Erased erased;
  const auto events = count("FROM events FINAL WHERE " + where, error);
  if (!events) return std::nullopt;
  erased.events = *events;
  if (erased.events == 0) return erased;  // no mutation to rewrite parts for nothing
  if (!db_.run("ALTER TABLE events DELETE WHERE " + where, error) ||
      !db_.run("ALTER TABLE event_ids DELETE WHERE " + where, error) || !wait_for_mutations(error))
    return std::nullopt;
  return erased;
}

std::optional<Erased> ClickHouseStore::delete_received_before(const std::string& cutoff, std::string& error) {
  return delete_where("received_at < " + ch_quote(cutoff), error);
}

std::optional<Erased> ClickHouseStore::erase_visitor(const Visitor& visitor, std::string& error) {
  const std::string who = visitor_condition(visitor);
  if (who.empty()) return Erased{};
  return delete_where(who, error);
}

std::optional<json> ClickHouseStore::visitor_events(const Visitor& visitor, int limit, std::string& error) {
  const std::string who = visitor_condition(visitor);
  if (who.empty()) return json::array();
  return event_rows("WHERE " + who + " ORDER BY id, message_id" + (limit >= 0 ? " LIMIT " + std::to_string(limit) : ""),
                    error);
}

}  // namespace

std::unique_ptr<Store> open_clickhouse_store(const std::string& url, std::string& error) {
  auto target = parse_clickhouse_url(url, error);
  if (!target) return nullptr;
  auto store = std::make_unique<ClickHouseStore>(std::move(*target));
  if (!store->open(error)) return nullptr;
  return store;
}

}  // namespace microtrack::collector
