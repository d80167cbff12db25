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
  std::int64_t id = 0;              // its rowid
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

// The SQLite event store: table `events`, one row per messageId.
// Thread-safe: calls are serialised, because the HTTP server runs handlers on
// a thread pool and one SQLite transaction cannot be shared by two threads.
class Store {
 public:
  // Opens (creating if needed) the database at `path`; ":memory:" gives a
  // private in-memory one. File databases use WAL so readers (the dashboard,
  // the sqlite3 shell) never block ingestion. Returns null and sets `error`
  // when the file cannot be opened or the schema cannot be created.
  static std::unique_ptr<Store> open(const std::string& path, std::string& error);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores already validated events (see validate_event) in ONE transaction.
  // Each event is an object of a text json_scan::valid() accepted; its parts
  // are stored as those bytes, not re-serialised.
  // `batch_sent_at` is the batch's sentAt; an event's own sentAt wins over it.
  // `received_at_ms` is the server clock (Unix epoch ms) when the request came;
  // corrected_timestamp = received_at - sent_at + timestamp (CONTRACT §6), or
  // the timestamp itself when there is no valid sentAt.
  // `deliveries_for`, when set, is asked for each event stored now; the
  // webhook calls it returns are queued in the same transaction (so an event
  // is never stored without its flows, nor the reverse).
  InsertResult insert_events(const std::vector<json_scan::Object>& events,
                             const std::optional<std::string>& batch_sent_at,
                             double received_at_ms,
                             const std::function<std::vector<NewDelivery>(const json_scan::Object& event)>&
                                 deliveries_for = nullptr);
  // insert_events() for events given as JSON values (tests, tools).
  InsertResult insert_batch(const std::vector<nlohmann::json>& events,
                            const std::optional<std::string>& batch_sent_at, double received_at_ms);

  // Rows in insertion order, each an object with the column names as keys:
  // id (rowid), message_id, type, event, anonymous_id, user_id, session_id,
  // timestamp, sent_at, received_at, corrected_timestamp (strings or null),
  // properties (an identify's traits, or its context.traits as RudderStack
  // sends them), context, raw (the event as received, parsed; the column
  // itself holds it without a track's or page's properties and without the
  // context, which have their own columns).
  // Returns nothing and sets `error` on a database error.
  std::optional<nlohmann::json> query(const EventQuery& query, std::string& error);

  // Calls `visit` for every event in `range` that `filter` lets through, in
  // no particular order. False on a database error.
  bool scan(const TimeRange& range, const ScanFilter& filter, const std::function<void(EventRow&&)>& visit,
            std::string& error);

  // Counts in `range` by name (a track's event; "page"; "identify"):
  // {"events":[{"name","count","visitors"}...] (most frequent first),
  //  "days":[{"day":"2026-11-27","name","count"}...] (by day, then name),
  //  "total": N, "visitors": V}. Visitors are distinct anonymousIds (or userIds).
  std::optional<nlohmann::json> totals(const TimeRange& range, std::string& error);

  // --- privacy ---------------------------------------------------------------
  // Retention: deletes the events received before `cutoff` (server time, the
  // stored form "2026-11-27T10:00:00.000Z") and the delivery-log rows created
  // before it, in one transaction.
  std::optional<Erased> delete_received_before(const std::string& cutoff, std::string& error);
  // Erasure: deletes the visitor's events (by anonymousId, or by userId) and
  // the delivery-log rows of those events, in one transaction.
  std::optional<Erased> erase_visitor(const Visitor& visitor, std::string& error);
  // Export: the visitor's events as query() gives rows, oldest first, at
  // most `limit`.
  std::optional<nlohmann::json> visitor_events(const Visitor& visitor, int limit, std::string& error);

  // --- the delivery log (flows) -------------------------------------------
  // Pending deliveries due at `now_ms`, oldest first, at most `limit`.
  std::vector<Delivery> due_deliveries(double now_ms, int limit, std::string& error);
  // The earliest next_attempt_ms of a pending delivery, if any.
  std::optional<double> next_delivery_ms();
  // Records one attempt's outcome: status "pending" (retry at
  // next_attempt_ms), "delivered" or "failed"; http_status 0 = no answer.
  bool record_attempt(std::int64_t id, const std::string& status, int attempts, double next_attempt_ms,
                      int http_status, const std::string& error_text, double now_ms, std::string& error);
  // The log, newest first: [{"id","flow","message_id","url","status",
  // "attempts","last_status","last_error","created_at","updated_at"}...].
  std::optional<nlohmann::json> delivery_log(int limit, std::string& error);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace microtrack::collector
