// rate_limit.*: a token bucket per client, on a literal clock.
#include <catch2/catch.hpp>

#include "rate_limit.hpp"

namespace mc = microtrack::collector;

TEST_CASE("A client gets its burst at once, then the refill rate") {
  mc::RateLimiter limiter({/*requests_per_s=*/2, /*burst=*/3, /*max_clients=*/100});
  const double t0 = 1'000'000;
  struct Step {
    double at_ms;
    bool allowed;
    int retry_after_s;
  };
  // 3 at once, then one token every 500 ms.
  const Step steps[] = {
      {t0, true, 0},         {t0, true, 0},         {t0, true, 0},
      {t0, false, 1},        // empty: the next token in 500 ms, said as 1 s
      {t0 + 250, false, 1},  {t0 + 500, true, 0},   {t0 + 500, false, 1},
      {t0 + 1'000, true, 0}, {t0 + 10'000, true, 0}, {t0 + 10'000, true, 0},
      {t0 + 10'000, true, 0}, {t0 + 10'000, false, 1},  // refilled to the burst, not beyond
  };
  for (const Step& step : steps) {
    INFO("at t0 + " << step.at_ms - t0);
    const auto decision = limiter.take("198.51.100.7", step.at_ms);
    CHECK(decision.allowed == step.allowed);
    CHECK(decision.retry_after_s == step.retry_after_s);
  }
}

TEST_CASE("Retry-After says how long until the next token, in whole seconds") {
  mc::RateLimiter slow({/*requests_per_s=*/0.1, /*burst=*/1, 100});  // one per 10 s
  CHECK(slow.take("a", 0).allowed);
  CHECK(slow.take("a", 0).retry_after_s == 10);
  CHECK(slow.take("a", 2'500).retry_after_s == 8);  // 7.5 s left, rounded up
  CHECK(slow.take("a", 9'999).retry_after_s == 1);
  CHECK(slow.take("a", 10'000).allowed);
}

TEST_CASE("Clients have buckets of their own") {
  mc::RateLimiter limiter({1, 1, 100});
  CHECK(limiter.take("a", 0).allowed);
  CHECK_FALSE(limiter.take("a", 0).allowed);
  CHECK(limiter.take("b", 0).allowed);
}

TEST_CASE("A clock that steps back takes no tokens away and gives none") {
  mc::RateLimiter limiter({1, 2, 100});
  CHECK(limiter.take("a", 10'000).allowed);
  CHECK(limiter.take("a", 5'000).allowed);
  CHECK_FALSE(limiter.take("a", 5'000).allowed);
  CHECK_FALSE(limiter.take("a", 10'500).allowed);  // still measured from 10 000
  CHECK(limiter.take("a", 11'000).allowed);
}

TEST_CASE("A rate of 0 turns the limit off") {
  mc::RateLimiter off({0, 1, 100});
  CHECK_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) REQUIRE(off.take("a", 0).allowed);
  CHECK(off.tracked_clients() == 0);
}

TEST_CASE("Memory is bounded: full buckets go first, then the longest idle") {
  mc::RateLimiter limiter({/*requests_per_s=*/1, /*burst=*/5, /*max_clients=*/32});

  SECTION("clients whose buckets refilled are forgotten when room is needed") {
    for (int i = 0; i < 32; ++i) limiter.take("old-" + std::to_string(i), 0);
    CHECK(limiter.tracked_clients() == 32);
    limiter.take("new", 60'000);  // every old bucket is full again by now
    CHECK(limiter.tracked_clients() == 1);
  }
  SECTION("under a flood of active clients the count never passes the bound") {
    for (int i = 0; i < 10'000; ++i) {
      limiter.take("flood-" + std::to_string(i), i);  // 1 ms apart: none refills
      REQUIRE(limiter.tracked_clients() <= 32);
    }
  }
  SECTION("an active client that is evicted comes back with a fresh bucket, not a crash") {
    for (int i = 0; i < 5; ++i) limiter.take("busy", 0);
    CHECK_FALSE(limiter.take("busy", 0).allowed);
    for (int i = 0; i < 64; ++i) limiter.take("other-" + std::to_string(i), 1 + i);
    // "busy" was the longest idle, so it went: its next request is allowed.
    CHECK(limiter.take("busy", 100).allowed);
  }
}
