// EngagementClock (CONTRACT §3 engagement): time counts only while the page
// is visible and focused and the visitor was active within idle_ms. Each test
// is a literal timeline from t0 with idle_ms = 5 000.
#include "helpers.hpp"
#include "microtrack/engagement.hpp"

using microtrack::EngagementClock;

namespace {

const double t0 = 1'700'000'000'000;
constexpr double kIdle = 5'000;

// A duration to within half a millisecond.
Approx ms(double expected) { return Approx(expected).epsilon(0).margin(0.5); }

}  // namespace

TEST_CASE("Time counts while the visitor is active within idle_ms", "[engagement]") {
  EngagementClock c(kIdle);
  c.reset(t0);
  SECTION("the page view's start counts as activity") {
    CHECK(c.engaged_ms(t0) == ms(0));
    CHECK(c.engaged_ms(t0 + 3'000) == ms(3'000));
  }
  SECTION("with no activity the count stops idle_ms after the start") {
    CHECK(c.engaged_ms(t0 + 5'000) == ms(5'000));
    CHECK(c.engaged_ms(t0 + 60'000) == ms(5'000));
  }
  SECTION("activity keeps it going") {
    c.on_activity(t0 + 4'000);
    c.on_activity(t0 + 8'000);
    CHECK(c.engaged_ms(t0 + 10'000) == ms(10'000));
    CHECK(c.engaged_ms(t0 + 20'000) == ms(13'000));  // idle from t0 + 13 000
  }
  SECTION("asking does not change the answer") {
    CHECK(c.engaged_ms(t0 + 2'000) == ms(2'000));
    CHECK(c.engaged_ms(t0 + 2'000) == ms(2'000));
  }
}

SCENARIO("A reader who pauses longer than idle_ms", "[engagement]") {
  GIVEN("a page view started at t0 with idle_ms 5 000") {
    EngagementClock c(kIdle);
    c.reset(t0);
    WHEN("the reader scrolls at 2 s, stops, and scrolls again at 30 s") {
      c.on_activity(t0 + 2'000);
      c.on_activity(t0 + 30'000);
      THEN("only 7 s before the gap and the time since the return count") {
        CHECK(c.engaged_ms(t0 + 30'000) == ms(7'000));
        CHECK(c.engaged_ms(t0 + 33'000) == ms(10'000));
      }
    }
  }
}

TEST_CASE("Hidden time does not count", "[engagement]") {
  EngagementClock c(kIdle);
  c.reset(t0);
  c.on_activity(t0 + 2'000);
  c.on_state(false, true, t0 + 3'000);  // tab hidden
  SECTION("while hidden nothing accrues, activity or not") {
    CHECK(c.engaged_ms(t0 + 4'000) == ms(3'000));
    c.on_activity(t0 + 4'500);
    CHECK(c.engaged_ms(t0 + 60'000) == ms(3'000));
  }
  SECTION("coming back counts as activity and the count resumes") {
    c.on_state(true, true, t0 + 60'000);
    CHECK(c.engaged_ms(t0 + 62'000) == ms(5'000));
    CHECK(c.engaged_ms(t0 + 100'000) == ms(8'000));  // idle from t0 + 65 000
  }
}

TEST_CASE("Time without window focus does not count", "[engagement]") {
  EngagementClock c(kIdle);
  c.reset(t0);
  c.on_state(true, false, t0 + 1'000);  // blur: another window in front
  c.on_activity(t0 + 1'500);            // e.g. a wheel event over the unfocused window
  CHECK(c.engaged_ms(t0 + 4'000) == ms(1'000));
  SECTION("focus coming back resumes the count") {
    c.on_state(true, true, t0 + 10'000);
    CHECK(c.engaged_ms(t0 + 12'000) == ms(3'000));
  }
  SECTION("hidden and unfocused together do not count either") {
    c.on_state(false, false, t0 + 5'000);
    CHECK(c.engaged_ms(t0 + 9'000) == ms(1'000));
  }
}

TEST_CASE("take() returns the count and restarts it", "[engagement]") {
  EngagementClock c(kIdle);
  c.reset(t0);
  c.on_activity(t0 + 3'000);
  CHECK(c.take(t0 + 4'000) == ms(4'000));
  CHECK(c.engaged_ms(t0 + 4'000) == ms(0));
  SECTION("the count after a take is only the time since it") {
    CHECK(c.engaged_ms(t0 + 6'000) == ms(2'000));
    CHECK(c.take(t0 + 6'000) == ms(2'000));
  }
  SECTION("a take while idle is not time counted twice") {
    CHECK(c.take(t0 + 20'000) == ms(4'000));  // idle from t0 + 8 000
    CHECK(c.take(t0 + 30'000) == ms(0));
  }
  SECTION("page_engaged_ms includes what was taken") {
    CHECK(c.page_engaged_ms(t0 + 6'000) == ms(6'000));
    c.take(t0 + 6'000);
    CHECK(c.page_engaged_ms(t0 + 7'000) == ms(7'000));
  }
}

TEST_CASE("reset starts a new page view from zero", "[engagement]") {
  EngagementClock c(kIdle);
  c.reset(t0);
  c.take(t0 + 4'000);
  CHECK(c.page_engaged_ms(t0 + 4'500) == ms(4'500));
  c.reset(t0 + 20'000);  // an SPA navigation, long after the last activity
  CHECK(c.engaged_ms(t0 + 20'000) == ms(0));
  CHECK(c.page_engaged_ms(t0 + 20'000) == ms(0));
  CHECK(c.engaged_ms(t0 + 22'000) == ms(2'000));  // the navigation was activity
  CHECK(c.page_engaged_ms(t0 + 22'000) == ms(2'000));
  SECTION("a hidden page stays hidden across a reset") {
    c.on_state(false, true, t0 + 23'000);
    c.reset(t0 + 24'000);
    CHECK(c.engaged_ms(t0 + 26'000) == ms(0));
  }
}

SCENARIO("Activity reported late, with its own time, by counts_until_ms", "[engagement]") {
  GIVEN("a page view started at t0 and activity at 1 s, reported at once") {
    EngagementClock on_time(kIdle), late(kIdle);
    on_time.reset(t0);
    late.reset(t0);
    on_time.on_activity(t0 + 1'000);
    late.on_activity(t0 + 1'000);
    CHECK(late.counts_until_ms() == t0 + 6'000);
    WHEN("activity at 3 s reaches one clock at once and the other at 5.5 s, after a read at 4 s") {
      on_time.on_activity(t0 + 3'000);
      CHECK(late.engaged_ms(t0 + 4'000) == ms(4'000));  // a heartbeat's read: the same either way
      late.take(t0 + 4'000);
      on_time.take(t0 + 4'000);
      late.on_activity(t0 + 3'000);  // handed over at t0 + 5 500, before t0 + 6 000
      THEN("both count the same, up to 3 s + idle_ms") {
        CHECK(late.counts_until_ms() == t0 + 8'000);
        CHECK(late.engaged_ms(t0 + 20'000) == ms(4'000));
        CHECK(on_time.engaged_ms(t0 + 20'000) == ms(4'000));
      }
    }
  }
}
