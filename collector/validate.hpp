#pragma once

#include <optional>
#include <string>

#include "json_scan.hpp"

namespace microtrack::collector {

// Longest accepted messageId, in characters (a UUID has 36).
inline constexpr std::size_t kMaxMessageIdChars = 100;

// Checks one event of a batch against the wire format (CONTRACT §4).
// Returns nothing when the event can be stored, else a one-line reason that
// names the field, e.g. "messageId must be a non-empty string".
//   - type is "page", "track" or "identify"
//   - messageId is a non-empty string of at most kMaxMessageIdChars
//   - anonymousId or userId is a non-empty string (both, if present, strings
//     or null: analytics.js sends userId null until identify())
//   - timestamp (or, as RudderStack sends it, originalTimestamp) is an
//     ISO-8601 date-time with a zone
//   - track: event is a non-empty string; page: name, if present, a string
//   - identify: userId is a non-empty string
//   - properties, traits and context, if present, are objects
std::optional<std::string> validate_event(const json_scan::Object& event);

// The event's client timestamp: `timestamp`, or else `originalTimestamp`
// (RudderStack's name for it); null when neither is there. Not necessarily
// a string.
const json_scan::Value* timestamp_of(const json_scan::Object& event);

}  // namespace microtrack::collector
