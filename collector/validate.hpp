#pragma once

#include <optional>
#include <string>

#include "json_scan.hpp"

namespace microtrack::collector {

// Longest accepted messageId, in characters (a UUID has 36).
inline constexpr std::size_t kMaxMessageIdChars = 100;

// Bounds on what one request may make the collector store (CONTRACT §4, §6).
// An event over a limit is rejected alone, with a reason; the rest of its
// batch is kept.
struct IngestLimits {
  // Events read from one batch; those after are rejected one by one. The
  // SDK's batchSize is at most 500 (CONTRACT §2).
  std::size_t max_events_per_batch = 500;
  // One event's JSON text, as sent. The SDK drops events over 32 KiB
  // (kMaxEventBytes, CONTRACT §4) before sending, so it never meets this.
  std::size_t max_event_bytes = 32 * 1024;
  // Objects and arrays inside each other, the event itself being 1: an
  // SDK event is 3 deep (context.page); properties may nest a little.
  std::size_t max_depth = 32;
  // One string, key or value, in bytes as sent (escapes as written): a long
  // URL fits, a pasted document does not.
  std::size_t max_string_bytes = 8 * 1024;
};

// Nesting no request body may pass at all: deeper is answered 400 before
// any event is read (json_scan::inspect stops there).
inline constexpr std::size_t kMaxBodyDepth = 512;

// The limits' verdict on events[index] of a request, or nothing when it is
// within them: "event 612 is beyond the limit of 500 events per batch",
// "event is 40000 bytes, over the limit of 32768", "a string in the event is
// not valid UTF-8", "event nests objects and arrays deeper than 32 levels",
// "a string in the event is 9000 bytes, over the limit of 8192".
// `body` is the whole request body's inspection: when the body as a whole is
// within the depth and string limits and valid UTF-8, every event is too,
// and the event's text is not scanned again.
std::optional<std::string> check_limits(const json_scan::Object& event, std::size_t index, const IngestLimits& limits,
                                        const json_scan::Inspection& body);

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
