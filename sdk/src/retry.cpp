#include "microtrack/retry.hpp"

#include <algorithm>
#include <cstdint>

namespace microtrack {

SendOutcome classify_status(int status) {
  if (status >= 200 && status < 400) return SendOutcome::Delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return SendOutcome::Retry;
  if (status == 413) return SendOutcome::Split;
  return SendOutcome::Drop;
}

double backoff_ms(int attempt, double jitter01) {
  // A shift, not std::ldexp: libc's scalbn would come along into the wasm.
  const unsigned doublings = static_cast<unsigned>(std::max(0, std::min(attempt, 30)));
  double ceiling = std::min(kBackoffCapMs, kBackoffBaseMs * static_cast<double>(1u << doublings));
  return std::max(250.0, ceiling * jitter01);
}

double retry_delay_ms(int attempt, double jitter01, double retry_after_ms) {
  return std::min(kBackoffCapMs, std::max(backoff_ms(attempt, jitter01), retry_after_ms));
}

}  // namespace microtrack

namespace microtrack {
namespace {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {  // Howard Hinnant's
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Reads the digits at `pos`, at least one; -1 when there are none.
std::int64_t read_int(std::string_view text, std::size_t& pos) {
  std::size_t start = pos;
  std::int64_t value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 12)
    value = value * 10 + (text[pos++] - '0');
  return pos > start ? value : -1;
}

}  // namespace

double parse_retry_after_ms(std::string_view header, double now_ms) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  if (header.empty()) return -1;
  std::size_t pos = 0;
  std::int64_t seconds = read_int(header, pos);
  if (seconds >= 0 && pos == header.size()) return static_cast<double>(seconds) * 1000;

  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  pos = header.find(", ");
  if (pos == std::string_view::npos || header.size() < pos + 26) return -1;
  pos += 2;
  std::int64_t day = read_int(header, pos);
  // The month's position in this list, a multiple of 3.
  std::size_t month = std::string_view("JanFebMarAprMayJunJulAugSepOctNovDec").find(header.substr(pos + 1, 3));
  pos += 5;
  std::int64_t year = read_int(header, pos);
  ++pos;
  std::int64_t hour = read_int(header, pos);
  ++pos;
  std::int64_t minute = read_int(header, pos);
  ++pos;
  std::int64_t second = read_int(header, pos);
  if (day < 1 || day > 31 || month % 3 || month > 33 || year < 1970 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60 || header.substr(pos) != " GMT")
    return -1;
  const auto month_number = static_cast<unsigned>(month / 3 + 1);
  double at_ms = (static_cast<double>(days_from_civil(year, month_number, static_cast<unsigned>(day))) * 86400 +
                  static_cast<double>(hour * 3600 + minute * 60 + second)) * 1000;
  return std::max(0.0, at_ms - now_ms);
}

}  // namespace microtrack
