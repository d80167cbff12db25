#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_scan.hpp"

namespace microtrack::collector {

// One event that insert_batch() stored now (not a duplicate).
struct StoredEvent {
  std::size_t index = 0;            // position in the events passed in
  std::int64_t id = 0;              // its id (SQLite: rowid)
  std::string corrected_timestamp;  // as stored (UTC, 3 decimals)
};

// What one insert_batch() did. `error` is empty on success; on failure the
// whole batch was rolled back and the counts are 0.
struct InsertResult {
  int accepted = 0;    // events stored now
  int duplicates = 0;  // events whose messageId was already stored (ignored)
  std::vector<StoredEvent> stored;  // the `accepted` ones, in order
  std::string error;
};

// A webhook call a flow asks for when an event is stored (see flows.hpp).
struct NewDelivery {
  std::string flow;     // the rule's name
  std::string url;      // POSTed to
  std::string payload;  // the JSON body
};

// A row of the delivery log (table flow_deliveries): one webhook call of a
// flow for one event, pending until delivered or given up.
struct Delivery {
  std::int64_t id = 0;
  std::string flow, message_id, url, payload;
  std::string status = "pending";  // pending, delivered, failed
  int attempts = 0;                // HTTP attempts made so far
  double next_attempt_ms = 0;      // epoch ms; only for pending
};

// Filters for query(); an empty string matches everything.
struct EventQuery {
  std::string event;  // the `event` column: a track name or a page name
  std::string type;   // page, track or identify
  int limit = 1000;   // at most this many rows
  bool newest_first = false;  // default: oldest first
};

// A time window over the corrected timestamps, as ISO-8601 strings in the
// stored form ("2026-11-27T10:00:00.000Z"): from inclusive, to exclusive;
// empty = unbounded.
struct TimeRange {
  std::string from, to;
};

// Which events scan() reads: track events with these names, and pages
// and/or identifies.
struct ScanFilter {
  std::vector<std::string> track_events;
  bool pages = false;
  bool identifies = false;
};

// What scan() hands out: the columns the analytics need, JSON parsed.
struct EventRow {
  std::int64_t id = 0;
  std::string type, event, anonymous_id, user_id, session_id;  // "" when NULL
  double time_ms = 0;  // corrected timestamp, epoch ms
  nlohmann::json properties, context;  // null when absent
};

// Whom a privacy request is about: an anonymousId or a userId (one of the
// two; an empty one is not matched).
struct Visitor {
  std::string anonymous_id, user_id;
};

// What a deletion removed.
struct Erased {
  std::int64_t events = 0;      // rows of `events`
  std::int64_t deliveries = 0;  // rows of `flow_deliveries` (webhook calls queued or logged)
};

// Where events, and the flows' delivery log, are kept. One interface, three
// places: SQLite (embedded, the default), PostgreSQL (several collector
// processes on one database), ClickHouse (event volume; no delivery log),
// chosen by the URL given to open(). Every
// backend gives the same answers to the same calls (tests/collector runs the
// same cases on each). Thread-safe: the HTTP server calls from many threads.
class Store {
 public:
  // Opens (creating or migrating the schema if needed) the store `url` names:
  //   "postgresql://..." or "postgres://..."  PostgreSQL (a libpq URL)
  //   "clickhouse://..." or "clickhouse+https://..."
  //                                            ClickHouse over HTTP (see
  //                                            parse_clickhouse_url)
  //   "sqlite:PATH" or a plain PATH            SQLite file; ":memory:" gives a
  //                                            private in-memory one
  // Returns null and sets `error` when it cannot be opened.
  static std::unique_ptr<Store> open(const std::string& url, std::string& error);

  Store() = default;
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores already validated events (see validate_event) in ONE transaction.
  // Each event is an object of a text json_scan::valid() accepted; its parts
  // are stored as those bytes, not re-serialised.
  // `batch_sent_at` is the batch's sentAt; an event's own sentAt wins over it.
  // `received_at_ms` is the server clock (Unix epoch ms) when the request came;
  // corrected_timestamp = received_at - sent_at + timestamp (CONTRACT §6), or
  // the timestamp itself when there is no valid sentAt.
  // A messageId already stored (by any collector sharing the store) is a
  // duplicate; within a batch the first one counts.
  // `deliveries_for`, when set, is asked for each event stored now; the
  // webhook calls it returns are queued in the same transaction (so an event
  // is never stored without its flows, nor the reverse).
  virtual InsertResult insert_events(
      const std::vector<json_scan::Object>& events, const std::optional<std::string>& batch_sent_at,
      double received_at_ms,
      const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>& deliveries_for = nullptr) = 0;
  // insert_events() for events given as JSON values (tests, tools).
  InsertResult insert_batch(const std::vector<nlohmann::json>& events,
                            const std::optional<std::string>& batch_sent_at, double received_at_ms);

  // Rows in insertion order, each an object with the column names as keys:
  // id, message_id, type, event, anonymous_id, user_id, session_id,
  // timestamp, sent_at, received_at, corrected_timestamp (strings or null),
  // properties (an identify's traits, or its context.traits as RudderStack
  // sends them), context, raw (the event as received, parsed; the column
  // itself holds it without a track's or page's properties and without the
  // context, which have their own columns).
  // Returns nothing and sets `error` on a database error.
  virtual std::optional<nlohmann::json> query(const EventQuery& query, std::string& error) = 0;

  // Calls `visit` for every event in `range` that `filter` lets through, in
  // no particular order. False on a database error.
  virtual bool scan(const TimeRange& range, const ScanFilter& filter, const std::function<void(EventRow&&)>& visit,
                    std::string& error) = 0;

  // Counts in `range` by name (a track's event; "page"; "identify"):
  // {"events":[{"name","count","visitors"}...] (most frequent first),
  //  "days":[{"day":"2026-11-27","name","count"}...] (by day, then name),
  //  "total": N, "visitors": V}. Visitors are distinct anonymousIds (or userIds).
  virtual std::optional<nlohmann::json> totals(const TimeRange& range, std::string& error) = 0;

  // --- privacy ---------------------------------------------------------------
  // Retention: deletes the events received before `cutoff` (server time, the
  // stored form "2026-11-27T10:00:00.000Z") and the delivery-log rows created
  // before it, in one transaction.
  virtual std::optional<Erased> delete_received_before(const std::string& cutoff, std::string& error) = 0;
  // Erasure: deletes the visitor's events (by anonymousId, or by userId) and
  // the delivery-log rows of those events, in one transaction.
  virtual std::optional<Erased> erase_visitor(const Visitor& visitor, std::string& error) = 0;
  // Export: the visitor's events as query() gives rows, oldest first, at
  // most `limit`.
  virtual std::optional<nlohmann::json> visitor_events(const Visitor& visitor, int limit, std::string& error) = 0;

  // --- the delivery log (flows) -------------------------------------------
  // False for a store without one (ClickHouse): it refuses batches that
  // queue deliveries, keeps an empty log, and a collector with flows
  // refuses to start on it.
  virtual bool keeps_delivery_log() const { return true; }
  // Takes pending deliveries due at `now_ms`, oldest first, at most `limit`:
  // no other caller (in any collector sharing the store) gets them for
  // `lease_ms`, by when the taker has recorded an attempt for each; one not
  // recorded by then (its taker died) is due again.
  virtual std::vector<Delivery> take_due_deliveries(double now_ms, int limit, double lease_ms,
                                                    std::string& error) = 0;
  // The earliest next_attempt_ms of a pending delivery, if any.
  virtual std::optional<double> next_delivery_ms() = 0;
  // Records one attempt's outcome: status "pending" (retry at
  // next_attempt_ms), "delivered" or "failed"; http_status 0 = no answer.
  virtual bool record_attempt(std::int64_t id, const std::string& status, int attempts, double next_attempt_ms,
                              int http_status, const std::string& error_text, double now_ms, std::string& error) = 0;
  // The log, newest first: [{"id","flow","message_id","url","status",
  // "attempts","last_status","last_error","created_at","updated_at"}...].
  virtual std::optional<nlohmann::json> delivery_log(int limit, std::string& error) = 0;

  // --- events other collectors store (for the live stream) ---------------
  // From now on, hands `on_rows` the query() rows (oldest first) of events
  // that other collectors sharing this store commit, on a thread of the
  // store's, whenever `wanted()` says someone listens (rows are read only
  // then). Replaces an earlier watcher; watch(nullptr, nullptr) stops, and
  // returns once a call in flight has ended. Best effort: after the store's
  // link to the database was lost and is back, it hands out what was
  // committed meanwhile as far as it can tell (PostgreSQL: docs/COLLECTOR.md,
  // "Stores"). A store only one process writes (SQLite) has nothing to tell
  // and never calls.
  virtual void watch(std::function<bool()> wanted, std::function<void(nlohmann::json rows)> on_rows) {
    (void)wanted;
    (void)on_rows;
  }
  // From now on, calls `on_change` (on a thread of the store's) when another
  // collector sharing the store queues deliveries, and when such news may
  // have been missed (the link to the database was lost and is back): a flow
  // worker waiting for its own schedule then looks at the log again. Replaces
  // an earlier watcher; watch_deliveries(nullptr) stops, and returns once a
  // call in flight has ended. A store only one process writes never calls.
  virtual void watch_deliveries(std::function<void()> on_change) { (void)on_change; }
};

// `url` fit for a log line: a password in it (user:secret@, password=) is
// replaced by ***.
std::string url_for_logs(const std::string& url);

}  // namespace microtrack::collector
