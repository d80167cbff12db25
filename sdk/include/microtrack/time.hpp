#pragma once

#include "microtrack/string.hpp"

namespace microtrack {

// Unix epoch milliseconds -> "2026-11-27T10:00:00.123Z" (UTC, always 3 decimals).
String iso8601_utc(double epoch_ms);

}  // namespace microtrack
