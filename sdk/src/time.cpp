#include "microtrack/time.hpp"

#include <cmath>
#include <cstdint>

#include "microtrack/digits.hpp"

namespace microtrack {

std::string iso8601_utc(double epoch_ms) {
  auto ms = static_cast<std::int64_t>(std::floor(epoch_ms));
  std::int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  std::int64_t ms_of_day = ms - days * 86400000;

  // Howard Hinnant's civil_from_days.
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2);

  std::string out;
  append_digits(out, year, 4);
  out += '-';
  append_digits(out, month, 2);
  out += '-';
  append_digits(out, day, 2);
  out += 'T';
  append_digits(out, ms_of_day / 3600000, 2);
  out += ':';
  append_digits(out, ms_of_day / 60000 % 60, 2);
  out += ':';
  append_digits(out, ms_of_day / 1000 % 60, 2);
  out += '.';
  append_digits(out, ms_of_day % 1000, 3);
  out += 'Z';
  return out;
}

}  // namespace microtrack
