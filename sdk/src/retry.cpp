#include "microtrack/retry.hpp"

#include <algorithm>

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

// Howard Hinnant's days_from_civil, for years from 1970 on (no negative eras).
int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int yoe = y % 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  return y / 400 * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

}  // namespace

double parse_retry_after_ms(std::string_view header, double now_ms) {
  const char* p = header.data();
  const char* end = p + header.size();
  while (p < end && *p == ' ') ++p;
  while (p < end && end[-1] == ' ') --end;

  // delay-seconds: 1 to 12 digits.
  double seconds = p == end || end - p > 12 ? -1 : 0;
  for (const char* c = p; c < end; ++c)
    seconds = seconds >= 0 && *c >= '0' && *c <= '9' ? seconds * 10 + (*c - '0') : -1;
  if (seconds >= 0) return seconds * 1000;

  // HTTP-date in IMF-fixdate, the fixed-length form senders write:
  // "Sun, 06 Nov 1994 08:49:37 GMT". From the ", " on it follows kForm, where
  // 0 is a digit and ? a letter of the month's name.
  static const char kForm[] = ", 00 ??? 0000 00:00:00 GMT";
  constexpr int kFormSize = sizeof kForm - 1;
  if (end - p < kFormSize) return -1;
  p = end - kFormSize;
  enum { kDay, kYear, kHour, kMinute, kSecond };
  int field[5] = {};
  int n = kDay;
  for (int i = 0; i < kFormSize; ++i) {
    if (kForm[i] == '0') {
      if (p[i] < '0' || p[i] > '9') return -1;
      field[n] = field[n] * 10 + (p[i] - '0');
      n += kForm[i + 1] != '0';  // the field's last digit
    } else if (kForm[i] != '?' && p[i] != kForm[i]) {
      return -1;
    }
  }
  // The month's position in this list, a multiple of 3.
  const std::size_t month = std::string_view("JanFebMarAprMayJunJulAugSepOctNovDec").find({p + 5, 3});
  if (month % 3 || month > 33 || field[kDay] < 1 || field[kDay] > 31 || field[kYear] < 1970 || field[kHour] > 23 ||
      field[kMinute] > 59 || field[kSecond] > 60)
    return -1;
  const int days = days_from_civil(field[kYear], static_cast<int>(month / 3 + 1), field[kDay]);
  const double at_ms = (days * 86400.0 + field[kHour] * 3600 + field[kMinute] * 60 + field[kSecond]) * 1000;
  return std::max(0.0, at_ms - now_ms);
}

}  // namespace microtrack
