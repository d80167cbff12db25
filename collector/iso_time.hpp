#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace microtrack::collector {

// Parses an ISO-8601 / RFC 3339 date-time into Unix epoch milliseconds.
// Accepts "2026-11-27T10:00:00.123Z", any number of fraction digits, and a
// "+01:00" / "-0530" offset instead of "Z". A date without a time, or without
// a zone, is rejected: it does not name one instant.
std::optional<double> parse_iso8601_ms(std::string_view text);

// Unix epoch milliseconds -> "2026-11-27T10:00:05.000Z" (UTC, 3 decimals).
std::string format_iso8601_ms(double epoch_ms);

}  // namespace microtrack::collector
