#include "params.hpp"

#include <charconv>

#include "iso_time.hpp"

namespace microtrack::collector {

bool read_int_param(const http::Request& req, http::Response& res, const char* key, long long min, long long max,
                    long long& out) {
  if (!req.has_param(key)) return true;
  const std::string text = req.param(key);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    res.set_error(400, std::string(key) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  out = value;
  return true;
}

bool read_range(const http::Request& req, http::Response& res, TimeRange& range) {
  for (auto [key, out] : {std::pair{"from", &range.from}, std::pair{"to", &range.to}}) {
    if (!req.has_param(key)) continue;
    std::string text = req.param(key);
    if (text.size() == 10) text += "T00:00:00Z";
    const auto ms = parse_iso8601_ms(text);
    if (!ms) {
      res.set_error(400, std::string(key) + " must be a date (2026-11-27) or an ISO-8601 date-time with a zone");
      return false;
    }
    *out = format_iso8601_ms(*ms);
  }
  return true;
}

}  // namespace microtrack::collector
