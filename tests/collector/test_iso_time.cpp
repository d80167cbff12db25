#include <catch2/catch.hpp>

#include "iso_time.hpp"

using microtrack::collector::format_iso8601_ms;
using microtrack::collector::parse_iso8601_ms;

TEST_CASE("ISO-8601 date-times parse to Unix epoch milliseconds") {
  struct Row {
    const char* text;
    double ms;
  };
  const Row rows[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00:00.001Z", 1},
      {"2026-11-27T10:00:00.123Z", 1795773600123},
      {"2026-11-27t10:00:00.123z", 1795773600123},
      {"2026-11-27 10:00:00.123Z", 1795773600123},
      {"2026-11-27T11:00:00.123+01:00", 1795773600123},
      {"2026-11-27T04:30:00.123-0530", 1795773600123},
      {"2026-11-27T10:00:00.1234567Z", 1795773600123.4567},
      {"2024-02-29T00:00:00Z", 1709164800000},
      {"1969-12-31T23:59:59.500Z", -500},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    const auto ms = parse_iso8601_ms(row.text);
    REQUIRE(ms);
    CHECK(*ms == Approx(row.ms).margin(1e-3));
  }
}

TEST_CASE("Strings that do not name one instant are not ISO-8601 date-times") {
  for (const char* text : {"", "yesterday", "2026-11-27", "2026-11-27T10:00:00", "2026-11-27T10:00Z",
                           "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-27T24:00:00Z",
                           "2026-11-27T10:00:00.Z", "2026-11-27T10:00:00Zjunk", "2026-11-27T10:00:00+1:00",
                           "1795773600123", "26-11-27T10:00:00Z"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_iso8601_ms(text));
  }
}

TEST_CASE("Epoch milliseconds format as UTC with three decimals") {
  CHECK(format_iso8601_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601_ms(1795773600123) == "2026-11-27T10:00:00.123Z");
  CHECK(format_iso8601_ms(1795773600123.6) == "2026-11-27T10:00:00.124Z");
  CHECK(format_iso8601_ms(-500) == "1969-12-31T23:59:59.500Z");
  CHECK(format_iso8601_ms(*parse_iso8601_ms("2024-02-29T23:59:59.999+00:00")) == "2024-02-29T23:59:59.999Z");
}
