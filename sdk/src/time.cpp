#include "microtrack/time.hpp"

#include <cmath>
#include <cstdint>

#include "microtrack/digits.hpp"

namespace microtrack {

String iso8601_utc(double epoch_ms) {
  // Whole ms (floored like Date does), then whole days and the ms into the
  // last one: exact in doubles for every date a Date can hold, and 32-bit
  // integers from there on are smaller wasm than 64-bit ones.
  const double ms = std::floor(epoch_ms);
  const double days_f = std::floor(ms / 86400000);
  const int days = static_cast<int>(days_f);
  const int ms_of_day = static_cast<int>(ms - days_f * 86400000);

  // Howard Hinnant's civil_from_days.
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int day = doy - (153 * mp + 2) / 5 + 1;
  const int month = mp < 10 ? mp + 3 : mp - 9;
  const int year = yoe + era * 400 + (month <= 2);

  String out;
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
