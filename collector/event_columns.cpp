#include "event_columns.hpp"

#include "iso_time.hpp"
#include "validate.hpp"  // timestamp_of

namespace microtrack::collector {

using nlohmann::json;

const char* const kEventColumnNames[kEventColumnCount] = {
    "message_id", "type",     "event",   "anonymous_id", "user_id", "session_id", "timestamp",
    "sent_at",    "received_at", "corrected_timestamp", "properties", "context", "raw"};

namespace {

// A stored JSON column: the value's bytes as received; null when absent or null.
std::optional<std::string_view> json_text(const json_scan::Value* value) {
  if (!value || value->is_null()) return std::nullopt;
  return value->text;
}

// The event's text without the top-level members named in `skip`: what the
// raw column keeps of an event whose properties and context have columns of
// their own (event_row_json puts them back), so an event's largest parts are
// stored once. Every member of a repeated key is skipped.
std::string text_without(const json_scan::Object& event, std::initializer_list<const char*> skip) {
  std::string out = "{";
  out.reserve(event.text.size());
  for (const json_scan::Member& member : event.members) {
    bool skipped = false;
    for (const char* key : skip) skipped = skipped || (key && member.key == key);
    if (skipped) continue;
    if (out.size() > 1) out += ',';
    out += member.key_text;
    out += ':';
    out += member.value.text;
  }
  out += '}';
  return out;
}

}  // namespace

void make_event_columns(EventColumns& row, const json_scan::Object& event,
                        const std::optional<std::string>& batch_sent_at, double received_at_ms,
                        const std::string& received_at) {
  auto& c = row.columns;
  // A string member into column `column` (its unescaped copy, if any, kept there too).
  const auto set_string = [&](int column, const json_scan::Object& object, const char* key) {
    const json_scan::Value* value = object.find(key);
    c[column] = value ? value->string_view(row.owned[column]) : std::nullopt;
  };
  set_string(kType, event, "type");
  if (!c[kType]) c[kType] = std::string_view();  // NOT NULL: "" as before validation
  const std::string_view type = *c[kType];
  const json_scan::Value* timestamp = timestamp_of(event);
  c[kTimestamp] = timestamp ? timestamp->string_view(row.owned[kTimestamp]) : std::nullopt;
  set_string(kSentAt, event, "sentAt");
  if (!c[kSentAt] && batch_sent_at) c[kSentAt] = *batch_sent_at;

  // Clock-skew correction: the client's clock error is sentAt - receivedAt,
  // assuming the request took no time in flight (as Snowplow and Segment do).
  const auto timestamp_ms = c[kTimestamp] ? parse_iso8601_ms(*c[kTimestamp]) : std::nullopt;
  const auto sent_ms = c[kSentAt] ? parse_iso8601_ms(*c[kSentAt]) : std::nullopt;
  if (timestamp_ms) {
    row.owned[kCorrectedTimestamp] =
        format_iso8601_ms(sent_ms ? received_at_ms - *sent_ms + *timestamp_ms : *timestamp_ms);
    c[kCorrectedTimestamp] = row.owned[kCorrectedTimestamp];
    // From the text, so the two columns agree to the millisecond.
    row.corrected_ms = parse_iso8601_ms(row.owned[kCorrectedTimestamp]);
  }

  if (type == "track") set_string(kEvent, event, "event");
  if (type == "page") set_string(kEvent, event, "name");
  const json_scan::Value* context_value = event.find("context");
  const json_scan::Object context = json_scan::Object::of(context_value ? context_value->text : "");
  set_string(kSessionId, context, "sessionId");

  set_string(kMessageId, event, "messageId");
  set_string(kAnonymousId, event, "anonymousId");
  set_string(kUserId, event, "userId");
  c[kReceivedAt] = received_at;
  // identify has traits where the others have properties: one column for
  // both. RudderStack sends them as context.traits.
  c[kProperties] = json_text(event.find(type == "identify" ? "traits" : "properties"));
  if (!c[kProperties] && type == "identify") c[kProperties] = json_text(context.find("traits"));
  c[kContext] = json_text(context_value);
  // The client's IP address is never stored: the collector adds none, and a
  // context.ip sent by a client (Segment's HTTP API allows one) is dropped.
  if (context.find("ip")) {
    row.owned[kContext] = text_without(context, {"ip"});
    c[kContext] = row.owned[kContext];
  }
  // raw: the rest of the event. A track's or page's properties and any
  // context live in their columns only (a null one stays in raw);
  // event_row_json joins them again. An identify keeps its traits in raw,
  // because its properties column may hold context.traits instead.
  row.owned[kRaw] = text_without(
      event, {type != "identify" && c[kProperties] ? "properties" : nullptr, c[kContext] ? "context" : nullptr});
  c[kRaw] = row.owned[kRaw];
}

json event_row_json(std::int64_t id, const std::optional<std::string> (&texts)[kEventColumnCount]) {
  json row = {{"id", id}};
  for (int column = 0; column < kProperties; ++column)
    row[kEventColumnNames[column]] = texts[column] ? json(*texts[column]) : json(nullptr);
  for (int column = kProperties; column < kEventColumnCount; ++column)
    row[kEventColumnNames[column]] = parse_or_null(texts[column]);
  // The event as received: raw plus the parts kept in their own columns
  // (see make_event_columns; rows stored whole by older versions get the same values).
  json& raw = row["raw"];
  if (raw.is_object()) {
    if (row["type"] != "identify" && !row["properties"].is_null()) raw["properties"] = row["properties"];
    if (!row["context"].is_null()) raw["context"] = row["context"];
  }
  return row;
}

json parse_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  json value = json::parse(*text, nullptr, false);
  return value.is_discarded() ? json(nullptr) : value;
}

// Invalid UTF-8 cannot come out of nlohmann's parser, but `replace` makes
// dump() unable to throw whatever the caller built.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace microtrack::collector
