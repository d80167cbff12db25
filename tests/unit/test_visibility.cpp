// VisibilityTimer (CONTRACT §3 element_visible): an element counts once it
// has stayed at its rule's threshold for minVisibleMs without interruption,
// once per page view. Time is a literal timeline.
#include <set>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "microtrack/visibility.hpp"

using microtrack::VisibilityRule;
using microtrack::VisibilityTimer;
using microtrack::VisibleElements;

namespace {

const double t0 = 1'700'000'000'000;
constexpr int kPricing = 0;  // rule 0: 1 000 ms
constexpr int kHero = 1;     // rule 1: 3 000 ms
constexpr int kCard = 7;     // the adapter's number for an element
constexpr int kOtherCard = 8;

microtrack::Vector<VisibilityRule> make_rules() {
  VisibilityRule pricing;
  pricing.name = "pricing_table";
  pricing.selector = "#pricing";
  pricing.min_visible_ms = 1000;
  VisibilityRule hero;
  hero.name = "hero";
  hero.selector = ".hero";
  hero.min_visible_ms = 3000;
  microtrack::Vector<VisibilityRule> rules;
  rules.push_back(std::move(pricing));
  rules.push_back(std::move(hero));
  return rules;
}

// (rule, visible_ms) pairs, for whole-list comparisons.
std::vector<std::pair<int, double>> fired(const VisibleElements& elements) {
  std::vector<std::pair<int, double>> out;
  for (const auto& e : elements) out.emplace_back(e.rule, e.visible_ms);
  return out;
}
using Fired = std::vector<std::pair<int, double>>;

// An absolute time to within half a millisecond (Approx's default relative
// epsilon would hide seconds at epoch-ms magnitudes).
Approx at_ms(double expected) { return Approx(expected).epsilon(0).margin(0.5); }

}  // namespace

SCENARIO("An element is visible once it stays in view for minVisibleMs", "[visibility]") {
  GIVEN("a pricing table rule of 1 000 ms and the table scrolled into view") {
    const auto rules = make_rules();
    VisibilityTimer timer(rules);
    timer.on_change(kPricing, kCard, true, t0);

    WHEN("less than 1 000 ms has passed") {
      THEN("it is not due") {
        CHECK(fired(timer.due(t0 + 999)) == Fired{});
      }
    }
    WHEN("exactly 1 000 ms has passed") {
      THEN("it is due, with how long it was visible") {
        CHECK(fired(timer.due(t0 + 1'000)) == Fired{{kPricing, 1'000}});
      }
    }
    WHEN("the first check comes late") {
      THEN("visible_ms is the whole uninterrupted time") {
        CHECK(fired(timer.due(t0 + 2'500)) == Fired{{kPricing, 2'500}});
      }
    }
    WHEN("it scrolls out of view after 600 ms and back in") {
      timer.on_change(kPricing, kCard, false, t0 + 600);
      timer.on_change(kPricing, kCard, true, t0 + 2'000);
      THEN("the clock restarted: 600 + 700 ms is not enough") {
        CHECK(fired(timer.due(t0 + 2'700)) == Fired{});
      }
      AND_THEN("1 000 ms after coming back it is due") {
        CHECK(fired(timer.due(t0 + 3'000)) == Fired{{kPricing, 1'000}});
      }
    }
    WHEN("it scrolls out of view before anyone checks") {
      timer.on_change(kPricing, kCard, false, t0 + 1'500);
      THEN("it was never due at a check, so nothing fires") {
        CHECK(fired(timer.due(t0 + 5'000)) == Fired{});
      }
    }
  }
}

TEST_CASE("A repeated 'visible' report does not restart the clock", "[visibility]") {
  const auto rules = make_rules();
  VisibilityTimer timer(rules);
  timer.on_change(kPricing, kCard, true, t0);
  timer.on_change(kPricing, kCard, true, t0 + 800);  // a threshold crossed upwards again
  CHECK(fired(timer.due(t0 + 1'000)) == Fired{{kPricing, 1'000}});
}

TEST_CASE("An element fires once per page view", "[visibility]") {
  const auto rules = make_rules();
  VisibilityTimer timer(rules);
  timer.on_change(kPricing, kCard, true, t0);
  REQUIRE(timer.due(t0 + 1'000).size() == 1);
  SECTION("a later check while still visible") { CHECK(fired(timer.due(t0 + 9'000)) == Fired{}); }
  SECTION("leaving and coming back for long enough") {
    timer.on_change(kPricing, kCard, false, t0 + 2'000);
    timer.on_change(kPricing, kCard, true, t0 + 3'000);
    CHECK(fired(timer.due(t0 + 10'000)) == Fired{});
    CHECK(timer.next_deadline_ms() == -1);
  }
  SECTION("reset starts a new page view in which it fires again") {
    timer.reset();
    CHECK(fired(timer.due(t0 + 9'000)) == Fired{});
    timer.on_change(kPricing, kCard, true, t0 + 9'000);
    CHECK(fired(timer.due(t0 + 10'000)) == Fired{{kPricing, 1'000}});
  }
}

TEST_CASE("Elements are timed independently", "[visibility]") {
  const auto rules = make_rules();
  VisibilityTimer timer(rules);
  SECTION("two elements of one rule") {
    timer.on_change(kPricing, kCard, true, t0);
    timer.on_change(kPricing, kOtherCard, true, t0 + 500);
    timer.on_change(kPricing, kCard, false, t0 + 700);  // only the first is interrupted
    CHECK(fired(timer.due(t0 + 1'500)) == Fired{{kPricing, 1'000}});
    CHECK(fired(timer.due(t0 + 3'000)) == Fired{});
  }
  SECTION("the same element under two rules, each with its own minVisibleMs") {
    timer.on_change(kPricing, kCard, true, t0);
    timer.on_change(kHero, kCard, true, t0);
    CHECK(fired(timer.due(t0 + 1'000)) == Fired{{kPricing, 1'000}});
    CHECK(fired(timer.due(t0 + 2'999)) == Fired{});
    CHECK(fired(timer.due(t0 + 3'000)) == Fired{{kHero, 3'000}});
  }
  SECTION("several due at one check are all returned") {
    timer.on_change(kPricing, kCard, true, t0);
    timer.on_change(kPricing, kOtherCard, true, t0 + 200);
    CHECK(fired(timer.due(t0 + 1'500)) == Fired{{kPricing, 1'500}, {kPricing, 1'300}});
  }
}

TEST_CASE("next_deadline_ms is when the next element becomes due", "[visibility]") {
  const auto rules = make_rules();
  VisibilityTimer timer(rules);
  SECTION("nothing watched") { CHECK(timer.next_deadline_ms() == -1); }
  SECTION("only hidden elements") {
    timer.on_change(kPricing, kCard, false, t0);
    CHECK(timer.next_deadline_ms() == -1);
  }
  SECTION("the earliest of several") {
    timer.on_change(kHero, kCard, true, t0);              // due at t0 + 3 000
    timer.on_change(kPricing, kOtherCard, true, t0 + 500);  // due at t0 + 1 500
    CHECK(timer.next_deadline_ms() == at_ms(t0 + 1'500));
    AND_THEN("once that one fired, the next") {
      REQUIRE(timer.due(t0 + 1'500).size() == 1);
      CHECK(timer.next_deadline_ms() == at_ms(t0 + 3'000));
    }
  }
  SECTION("an interruption moves the deadline") {
    timer.on_change(kPricing, kCard, true, t0);
    CHECK(timer.next_deadline_ms() == at_ms(t0 + 1'000));
    timer.on_change(kPricing, kCard, false, t0 + 400);
    CHECK(timer.next_deadline_ms() == -1);
    timer.on_change(kPricing, kCard, true, t0 + 2'000);
    CHECK(timer.next_deadline_ms() == at_ms(t0 + 3'000));
  }
}

TEST_CASE("A rule index the config does not have is ignored", "[visibility]") {
  const auto rules = make_rules();
  VisibilityTimer timer(rules);
  timer.on_change(2, kCard, true, t0);
  timer.on_change(-1, kCard, true, t0);
  CHECK(timer.next_deadline_ms() == -1);
  CHECK(fired(timer.due(t0 + 100'000)) == Fired{});
}

TEST_CASE("Elements beyond the 64 first of a page view are not watched", "[visibility]") {
  const auto rules = make_rules();
  VisibilityTimer timer(rules);
  for (int element = 0; element < 64; ++element) timer.on_change(kPricing, element, true, t0);
  timer.on_change(kPricing, 64, true, t0);
  const VisibleElements due = timer.due(t0 + 1'000);
  CHECK(due.size() == 64);
  CHECK(timer.next_deadline_ms() == -1);
}
