#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace microtrack::collector {

// What one insert_batch() did. `error` is empty on success; on failure the
// whole batch was rolled back and the counts are 0.
struct InsertResult {
  int accepted = 0;    // events stored now
  int duplicates = 0;  // events whose messageId was already stored (ignored)
  std::string error;
};

// Filters for query(); an empty string matches everything.
struct EventQuery {
  std::string event;  // the `event` column: a track name or a page name
  std::string type;   // page, track or identify
  int limit = 1000;   // at most this many rows, oldest first
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
  // `batch_sent_at` is the batch's sentAt; an event's own sentAt wins over it.
  // `received_at_ms` is the server clock (Unix epoch ms) when the request came;
  // corrected_timestamp = received_at - sent_at + timestamp (CONTRACT §6), or
  // the timestamp itself when there is no valid sentAt.
  InsertResult insert_batch(const std::vector<nlohmann::json>& events,
                            const std::optional<std::string>& batch_sent_at,
                            double received_at_ms);

  // Rows in insertion order, each an object with the column names as keys:
  // id (rowid), message_id, type, event, anonymous_id, user_id, session_id,
  // timestamp, sent_at, received_at, corrected_timestamp (strings or null),
  // properties, context, raw (parsed JSON, or null).
  // Returns nothing and sets `error` on a database error.
  std::optional<nlohmann::json> query(const EventQuery& query, std::string& error);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace microtrack::collector
