// iso8601_utc: epoch ms -> the §4 timestamp form, always UTC, 3 decimals.
#include <string>

#include "helpers.hpp"
#include "microtrack/time.hpp"

using microtrack::iso8601_utc;

TEST_CASE("iso8601_utc writes UTC with exactly three decimals", "[time]") {
  SECTION("the epoch") { CHECK(iso8601_utc(0) == "1970-01-01T00:00:00.000Z"); }
  SECTION("a whole second") { CHECK(iso8601_utc(1'700'000'000'000) == "2023-11-14T22:13:20.000Z"); }
  SECTION("milliseconds are zero-padded") {
    CHECK(iso8601_utc(1'700'000'000'007) == "2023-11-14T22:13:20.007Z");
    CHECK(iso8601_utc(1'700'000'000'050) == "2023-11-14T22:13:20.050Z");
  }
  SECTION("the CONTRACT example") {
    CHECK(iso8601_utc(1'795'773'600'123) == "2026-11-27T10:00:00.123Z");
  }
}

TEST_CASE("iso8601_utc follows the Gregorian calendar", "[time]") {
  SECTION("a leap day") { CHECK(iso8601_utc(1'709'210'096'789) == "2024-02-29T12:34:56.789Z"); }
  SECTION("the last millisecond of a year") {
    CHECK(iso8601_utc(946'684'799'999) == "1999-12-31T23:59:59.999Z");
  }
  SECTION("2000 is a leap year's first day") {
    CHECK(iso8601_utc(946'684'800'000) == "2000-01-01T00:00:00.000Z");
  }
  SECTION("2100 is not a leap year") {
    CHECK(iso8601_utc(4'107'542'400'000) == "2100-03-01T00:00:00.000Z");
  }
}

TEST_CASE("iso8601_utc drops fractions of a millisecond like Date does", "[time]") {
  // new Date(1700000000123.9).toISOString() === "2023-11-14T22:13:20.123Z"
  CHECK(iso8601_utc(1'700'000'000'123.9) == "2023-11-14T22:13:20.123Z");
  SECTION("a fraction just below the next second never writes four digits") {
    const microtrack::String s = iso8601_utc(1'700'000'000'999.9996);
    INFO(s);
    CHECK(mt_test::is_iso8601_ms(s));
    CHECK(s == "2023-11-14T22:13:20.999Z");
  }
}
