#pragma once
// How an event maps to the columns every store keeps (table `events`), and
// how a stored row becomes the JSON the query API answers with. Shared by
// the backends, so SQLite and PostgreSQL store and give back the same thing.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_scan.hpp"

namespace microtrack::collector {

// The `events` columns, in this order, in every backend's INSERT.
enum EventColumn {
  kMessageId, kType, kEvent, kAnonymousId, kUserId, kSessionId, kTimestamp, kSentAt, kReceivedAt,
  kCorrectedTimestamp, kProperties, kContext, kRaw, kEventColumnCount
};

// The column names in EventColumn order; the first kProperties are text, the
// rest hold JSON text.
extern const char* const kEventColumnNames[kEventColumnCount];

// One event's columns, made before a store takes its lock, so the JSON work
// runs on several threads at once. Columns are views, of the request body
// (strings without escapes, JSON parts) or of `owned` (unescaped or computed
// text), so a row copies little; it is neither copied nor moved once made.
struct EventColumns {
  EventColumns() = default;
  EventColumns(const EventColumns&) = delete;
  EventColumns& operator=(const EventColumns&) = delete;
  std::optional<std::string_view> columns[kEventColumnCount];  // nullopt = NULL
  std::string owned[kEventColumnCount];
  std::optional<double> corrected_ms;  // kCorrectedTimestamp as epoch ms
};

// Fills `row` from a validated event. `batch_sent_at` is the batch's sentAt
// (an event's own wins); `received_at` is `received_at_ms` formatted.
// corrected_timestamp = received_at - sent_at + timestamp (CONTRACT §6), or
// the timestamp itself when there is no valid sentAt.
void make_event_columns(EventColumns& row, const json_scan::Object& event,
                        const std::optional<std::string>& batch_sent_at, double received_at_ms,
                        const std::string& received_at);

// A query() row from the stored texts (in EventColumn order, nullopt = NULL)
// and the row's id: {"id", message_id, ..., properties, context, raw}, JSON
// columns parsed, raw made whole again (see make_event_columns).
nlohmann::json event_row_json(std::int64_t id, const std::optional<std::string> (&texts)[kEventColumnCount]);

// JSON text -> value; null when absent or unreadable.
nlohmann::json parse_or_null(const std::optional<std::string>& text);

// Serialises without throwing, whatever the caller built (invalid UTF-8 is replaced).
std::string dump(const nlohmann::json& value);

}  // namespace microtrack::collector
