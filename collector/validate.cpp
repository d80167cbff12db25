#include "validate.hpp"

#include "iso_time.hpp"

namespace microtrack::collector {
namespace {

using json_scan::Object;
using json_scan::Value;

bool is_non_empty_string(const Object& event, const char* key) {
  const Value* value = event.find(key);
  return value && value->is_string() && value->text != "\"\"";
}

// Present and not of the wanted kind. A JSON null counts as present: the SDK
// never sends one, so a null is a bug worth reporting.
bool present_and_not(const Object& event, const char* key, bool (Value::*is_kind)() const) {
  const Value* value = event.find(key);
  return value && !(value->*is_kind)();
}

// UTF-8 characters, not bytes: continuation bytes (10xxxxxx) are not counted.
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (const unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::optional<std::string> validate_event(const Object& event) {
  if (!event.is_object()) return "event must be a JSON object";

  std::string type_storage, id_storage, timestamp_storage;  // for strings with escapes
  const Value* type_value = event.find("type");
  const std::string_view type = type_value ? type_value->string_view(type_storage).value_or("") : "";
  if (type != "page" && type != "track" && type != "identify")
    return "type must be one of page, track, identify";

  if (!is_non_empty_string(event, "messageId")) return "messageId must be a non-empty string";
  if (utf8_length(*event.find("messageId")->string_view(id_storage)) > kMaxMessageIdChars)
    return "messageId must be at most " + std::to_string(kMaxMessageIdChars) + " characters";

  // A null id is "not known yet": analytics.js sends userId: null before identify().
  const auto string_or_null = [&](const char* key) {
    const Value* value = event.find(key);
    return !value || value->is_string() || value->is_null();
  };
  if (!string_or_null("anonymousId")) return "anonymousId must be a string";
  if (!string_or_null("userId")) return "userId must be a string";
  if (!is_non_empty_string(event, "anonymousId") && !is_non_empty_string(event, "userId"))
    return "anonymousId or userId must be a non-empty string";

  const Value* timestamp = timestamp_of(event);
  const auto ts = timestamp ? timestamp->string_view(timestamp_storage) : std::nullopt;
  if (!ts || !parse_iso8601_ms(*ts))
    return "timestamp must be an ISO-8601 string with a zone, like 2026-11-27T10:00:00.123Z";

  if (type == "track" && !is_non_empty_string(event, "event"))
    return "track needs event, a non-empty string";
  if (type == "page" && present_and_not(event, "name", &Value::is_string)) return "name must be a string";
  if (type == "identify" && !is_non_empty_string(event, "userId"))
    return "identify needs userId, a non-empty string";

  for (const char* key : {"properties", "traits", "context"})
    if (present_and_not(event, key, &Value::is_object)) return std::string(key) + " must be an object";

  return std::nullopt;
}

std::optional<std::string> check_limits(const Object& event, std::size_t index, const IngestLimits& limits,
                                        const json_scan::Inspection& body) {
  if (index >= limits.max_events_per_batch)
    return "event " + std::to_string(index) + " is beyond the limit of " + std::to_string(limits.max_events_per_batch) +
           " events per batch";
  if (event.text.size() > limits.max_event_bytes)
    return "event is " + std::to_string(event.text.size()) + " bytes, over the limit of " +
           std::to_string(limits.max_event_bytes);
  const bool body_within = body.utf8 && body.depth <= limits.max_depth && body.longest_string <= limits.max_string_bytes;
  if (body_within) return std::nullopt;
  const json_scan::Inspection own = json_scan::inspect(event.text, limits.max_depth);
  if (own.result == json_scan::Inspection::Result::too_deep)
    return "event nests objects and arrays deeper than " + std::to_string(limits.max_depth) + " levels";
  if (!own.utf8) return "a string in the event is not valid UTF-8";
  if (own.longest_string > limits.max_string_bytes)
    return "a string in the event is " + std::to_string(own.longest_string) + " bytes, over the limit of " +
           std::to_string(limits.max_string_bytes);
  return std::nullopt;
}

const Value* timestamp_of(const Object& event) {
  // A timestamp that is there wins, even when it is broken.
  const Value* value = event.find("timestamp");
  return value ? value : event.find("originalTimestamp");
}

}  // namespace microtrack::collector
