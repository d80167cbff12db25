// Retry primitives (CONTRACT §5): what a status means, and how long to wait.
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "microtrack/retry.hpp"

using microtrack::backoff_ms;
using microtrack::classify_status;
using microtrack::retry_delay_ms;
using microtrack::SendOutcome;

namespace {

const char* name(SendOutcome o) {
  switch (o) {
    case SendOutcome::Delivered: return "Delivered";
    case SendOutcome::Retry: return "Retry";
    case SendOutcome::Split: return "Split";
    case SendOutcome::Drop: return "Drop";
  }
  return "?";
}

}  // namespace

TEST_CASE("classify_status maps each HTTP status to what happens to the batch", "[retry]") {
  const std::vector<std::pair<int, SendOutcome>> table{
      {200, SendOutcome::Delivered}, {201, SendOutcome::Delivered}, {202, SendOutcome::Delivered},
      {204, SendOutcome::Delivered}, {299, SendOutcome::Delivered}, {301, SendOutcome::Delivered},
      {304, SendOutcome::Delivered}, {0, SendOutcome::Retry},       {408, SendOutcome::Retry},
      {429, SendOutcome::Retry},     {500, SendOutcome::Retry},     {502, SendOutcome::Retry},
      {503, SendOutcome::Retry},     {504, SendOutcome::Retry},     {599, SendOutcome::Retry},
      {413, SendOutcome::Split},     {400, SendOutcome::Drop},      {401, SendOutcome::Drop},
      {403, SendOutcome::Drop},      {404, SendOutcome::Drop},      {405, SendOutcome::Drop},
      {409, SendOutcome::Drop},      {410, SendOutcome::Drop},      {414, SendOutcome::Drop},
      {422, SendOutcome::Drop},      {499, SendOutcome::Drop},
  };
  for (const auto& [status, expected] : table) {
    INFO("status " << status << ": expected " << name(expected) << ", got "
                   << name(classify_status(status)));
    CHECK(classify_status(status) == expected);
  }
}

TEST_CASE("A failing collector is tried again within a second, then at most five minutes apart", "[retry]") {
  const double almost_one = std::nextafter(1.0, 0.0);
  SECTION("the first retry comes within 1 s, whatever the jitter") {
    CHECK(backoff_ms(0, almost_one) < 1'000);
    CHECK(backoff_ms(0, almost_one) > 999);
  }
  SECTION("the waits double with each failure until five minutes") {
    std::vector<double> ceilings;
    for (int attempt = 0; attempt <= 10; ++attempt) ceilings.push_back(std::round(backoff_ms(attempt, almost_one)));
    CHECK(ceilings == std::vector<double>{1'000, 2'000, 4'000, 8'000, 16'000, 32'000, 64'000, 128'000, 256'000,
                                          300'000, 300'000});
  }
}

TEST_CASE("backoff_ms is full jitter over base * 2^attempt, capped, with a 250 ms floor",
          "[retry]") {
  struct Row {
    int attempt;
    double jitter01;
    double expected_ms;
  };
  const std::vector<Row> table{
      {0, 0.5, 500},        {0, 0.9, 900},        {1, 0.5, 1000},      {2, 0.5, 2000},
      {3, 0.75, 6000},      {5, 0.5, 16000},      {8, 0.5, 128000},    {9, 0.5, 150000},
      {10, 0.5, 150000},    {20, 0.5, 150000},    {0, 0.0, 250},       {0, 0.1, 250},
      {0, 0.25, 250},       {1, 0.1, 250},        {12, 0.0, 250},      {2, 0.1, 400},
  };
  for (const auto& row : table) {
    INFO("attempt " << row.attempt << ", jitter " << row.jitter01);
    CHECK(backoff_ms(row.attempt, row.jitter01) == Approx(row.expected_ms));
  }
}

TEST_CASE("backoff_ms stays below the cap and below base * 2^attempt", "[retry]") {
  const double almost_one = std::nextafter(1.0, 0.0);
  SECTION("the largest jitter") {
    for (int attempt = 0; attempt <= 12; ++attempt) {
      INFO("attempt " << attempt);
      const double limit = std::min(300'000.0, 1'000 * std::pow(2.0, attempt));  // five minutes; one second doubled
      const double d = backoff_ms(attempt, almost_one);
      CHECK(d < limit);
      CHECK(d >= 250);
    }
  }
  SECTION("a huge attempt count neither overflows nor exceeds the cap") {
    for (int attempt : {31, 32, 63, 64, 1000, std::numeric_limits<int>::max()}) {
      INFO("attempt " << attempt);
      const double d = backoff_ms(attempt, almost_one);
      CHECK(std::isfinite(d));
      CHECK(d < 300'000);
      CHECK(d > 300'000 * 0.99);
    }
  }
}

TEST_CASE("backoff_ms grows with the attempt count for a fixed jitter", "[retry]") {
  double previous = 0;
  for (int attempt = 0; attempt < 9; ++attempt) {
    const double d = backoff_ms(attempt, 0.6);
    INFO("attempt " << attempt << ": " << d);
    CHECK(d > previous);
    previous = d;
  }
}

TEST_CASE("retry_delay_ms is the larger of the backoff and Retry-After, capped", "[retry]") {
  SECTION("no Retry-After: the backoff") {
    CHECK(retry_delay_ms(0, 0.5, -1) == Approx(backoff_ms(0, 0.5)));
    CHECK(retry_delay_ms(3, 0.5, -1) == Approx(4000));
  }
  SECTION("a Retry-After longer than the backoff wins") {
    CHECK(retry_delay_ms(0, 0.5, 30000) == Approx(30000));
  }
  SECTION("a Retry-After shorter than the backoff loses") {
    CHECK(retry_delay_ms(3, 0.5, 1000) == Approx(4000));
  }
  SECTION("a Retry-After of 0 means the backoff") {
    CHECK(retry_delay_ms(1, 0.5, 0) == Approx(1000));
  }
  SECTION("a Retry-After beyond the cap is capped") {
    CHECK(retry_delay_ms(0, 0.5, 3'600'000) == Approx(300'000));
  }
  SECTION("the backoff's own floor still applies") {
    CHECK(retry_delay_ms(0, 0.0, -1) == Approx(250));
  }
}
