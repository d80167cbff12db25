// The funnel's compact rows (funnel_rows.hpp): what FunnelRows keeps of each
// event, and that funnel_outcomes over them answers as over the events, on
// literal timelines (ties in time, the window's edge, campaigns).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "funnel_rows.hpp"
#include "live_collector.hpp"

using namespace collector_test;
using mc::Campaign;
using mc::EventRow;
using mc::FunnelRows;
using mc::FunnelStep;
using mc::VisitorOutcome;

namespace {

const double t0 = *mc::parse_iso8601_ms("2026-11-27T10:00:00.000Z");
constexpr double kMinute = 60'000;

std::vector<FunnelStep> steps_of(const std::vector<std::string>& texts) {
  std::vector<FunnelStep> steps;
  for (const std::string& text : texts) {
    std::string error;
    auto parsed = mc::parse_step(text, error);
    REQUIRE(parsed);
    steps.push_back(*parsed);
  }
  return steps;
}

EventRow row(std::int64_t id, const std::string& visitor, double time_ms, const std::string& type,
             const std::string& event = "", json properties = nullptr, const std::string& source = "") {
  EventRow r;
  r.id = id;
  r.anonymous_id = visitor;
  r.time_ms = time_ms;
  r.type = type;
  r.event = event;
  r.properties = std::move(properties);
  if (!source.empty()) r.context = {{"campaign", {{"source", source}, {"medium", "cpc"}, {"name", "winter"}}}};
  return r;
}

// Outcomes as comparable text: "visitor depth source/medium/name", in order.
std::vector<std::string> described(const std::vector<VisitorOutcome>& outcomes) {
  std::vector<std::string> lines;
  for (const VisitorOutcome& o : outcomes)
    lines.push_back(o.visitor + " " + std::to_string(o.depth) + " " + o.campaign.source + "/" + o.campaign.medium +
                    "/" + o.campaign.name);
  return lines;
}

std::vector<std::string> outcomes_of(const std::vector<FunnelStep>& steps, const std::vector<EventRow>& events,
                                     double window_ms) {
  return described(mc::funnel_outcomes(steps, events, window_ms));
}

}  // namespace

TEST_CASE("FunnelRows keeps, per matching event, its visitor, time, step bits and a start's campaign") {
  FunnelRows rows(steps_of({"page:path=/", "signup", "page"}));
  rows.add(row(1, "a", t0, "page", "", {{"path", "/"}}, "google"));  // steps 1 and 3
  rows.add(row(2, "a", t0 + 1, "page", "", {{"path", "/pricing"}}, "google"));  // step 3 only
  rows.add(row(3, "a", t0 + 2, "track", "signup"));
  rows.add(row(4, "b", t0 + 3, "track", "other"));  // no step: not kept
  rows.add(row(5, "", t0 + 4, "page", "", {{"path", "/"}}));  // no visitor: not kept
  EventRow known = row(6, "", t0 + 5, "page", "", {{"path", "/"}}, "google");
  known.user_id = "u1";
  rows.add(known);

  REQUIRE(rows.rows().size() == 4);
  CHECK(rows.rows()[0].steps == 0b101);
  CHECK(rows.rows()[1].steps == 0b100);
  CHECK(rows.rows()[2].steps == 0b010);
  CHECK(rows.rows()[2].id == 3);
  CHECK(rows.rows()[2].time_ms == t0 + 2);
  CHECK(rows.visitor(rows.rows()[0].visitor) == "a");
  CHECK(rows.rows()[1].visitor == rows.rows()[0].visitor);
  CHECK(rows.visitor(rows.rows()[3].visitor) == "user:u1");
  CHECK(rows.visitor_count() == 2);
  // The campaign is kept for step-1 events only, and once: the none entry and google.
  CHECK(rows.campaign(rows.rows()[0].campaign).source == "google");
  CHECK(rows.rows()[1].campaign == 0);
  CHECK(rows.rows()[3].campaign == rows.rows()[0].campaign);
  CHECK(rows.campaign_count() == 2);
  CHECK(rows.campaign(0).source.empty());
}

TEST_CASE("funnel_outcomes over compact rows answers as over the events") {
  const std::vector<FunnelStep> steps = steps_of({"page", "signup", "purchase"});
  // The timeline of test_funnel.cpp's "in order, after each other, within the window", with campaigns.
  const std::vector<EventRow> events = {
      row(1, "a", t0, "page", "", nullptr, "google"), row(2, "a", t0 + kMinute, "track", "signup"),
      row(3, "a", t0 + 2 * kMinute, "track", "purchase"),
      row(4, "b", t0, "page"), row(5, "b", t0 + kMinute, "track", "purchase"), row(6, "b", t0 + 2 * kMinute, "track", "signup"),
      row(7, "c", t0, "track", "signup"), row(8, "c", t0 + kMinute, "page"),
      row(9, "d", t0, "page"), row(10, "d", t0 + kMinute, "track", "signup"), row(11, "d", t0 + 31 * kMinute, "track", "purchase"),
      // e: the first visit (from google) stalls, the second (from bing) completes: bing
      row(12, "e", t0, "page", "", nullptr, "google"), row(13, "e", t0 + 180 * kMinute, "page", "", nullptr, "bing"),
      row(14, "e", t0 + 180 * kMinute + 1, "track", "signup"), row(15, "e", t0 + 180 * kMinute + 2, "track", "purchase"),
      row(17, "f", t0, "page"), row(16, "f", t0, "track", "signup"),
      row(18, "g", t0, "track", "signup"),
  };
  const std::vector<std::string> expected = {"a 3 google/cpc/winter", "b 2 //", "c 1 //",
                                             "d 2 //", "e 3 bing/cpc/winter", "f 1 //"};
  CHECK(outcomes_of(steps, events, 30 * kMinute) == expected);

  // The same rows added by hand, matched already, in another order.
  FunnelRows rows(steps);
  const Campaign google{"google", "cpc", "winter"}, bing{"bing", "cpc", "winter"};
  rows.add("g", t0, 18, 0b010);
  rows.add("f", t0, 16, 0b010);
  rows.add("f", t0, 17, 0b001);
  rows.add("e", t0 + 180 * kMinute + 2, 15, 0b100);
  rows.add("e", t0 + 180 * kMinute + 1, 14, 0b010);
  rows.add("e", t0 + 180 * kMinute, 13, 0b001, bing);
  rows.add("e", t0, 12, 0b001, google);
  rows.add("d", t0, 9, 0b001);
  rows.add("d", t0 + kMinute, 10, 0b010);
  rows.add("d", t0 + 31 * kMinute, 11, 0b100);
  rows.add("c", t0 + kMinute, 8, 0b001);
  rows.add("c", t0, 7, 0b010);
  rows.add("b", t0 + 2 * kMinute, 6, 0b010);
  rows.add("b", t0 + kMinute, 5, 0b100);
  rows.add("b", t0, 4, 0b001);
  rows.add("a", t0 + 2 * kMinute, 3, 0b100);
  rows.add("a", t0 + kMinute, 2, 0b010);
  rows.add("a", t0, 1, 0b001, google);
  CHECK(described(mc::funnel_outcomes(rows, 30 * kMinute)) == expected);
}

TEST_CASE("Compact rows keep the window's edge, ties and the earliest of equal runs") {
  const std::vector<FunnelStep> steps = steps_of({"page", "signup"});
  SECTION("a step exactly at the window's end counts, one millisecond later does not") {
    CHECK(outcomes_of(steps, {row(1, "x", t0, "page"), row(2, "x", t0 + kMinute, "track", "signup")}, kMinute) ==
          std::vector<std::string>{"x 2 //"});
    CHECK(outcomes_of(steps, {row(1, "x", t0, "page"), row(2, "x", t0 + kMinute + 1, "track", "signup")}, kMinute) ==
          std::vector<std::string>{"x 1 //"});
  }
  SECTION("at the same time and id, the order given decides") {
    CHECK(outcomes_of(steps, {row(1, "x", t0, "page"), row(1, "x", t0, "track", "signup")}, kMinute) ==
          std::vector<std::string>{"x 2 //"});
    CHECK(outcomes_of(steps, {row(1, "x", t0, "track", "signup"), row(1, "x", t0, "page")}, kMinute) ==
          std::vector<std::string>{"x 1 //"});
  }
  SECTION("among equally deep runs the earliest start gives the campaign") {
    CHECK(outcomes_of(steps, {row(2, "x", t0 + 5 * kMinute, "page", "", nullptr, "bing"),
                              row(1, "x", t0, "page", "", nullptr, "google")},
                      kMinute) == std::vector<std::string>{"x 1 google/cpc/winter"});
  }
  SECTION("one event matching two steps fills one of them") {
    const std::vector<FunnelStep> twice = steps_of({"page", "page"});
    CHECK(outcomes_of(twice, {row(1, "x", t0, "page")}, kMinute) == std::vector<std::string>{"x 1 //"});
    FunnelRows rows(twice);
    rows.add("x", t0, 1, 0b11);
    rows.add("x", t0 + 1, 2, 0b11);
    CHECK(described(mc::funnel_outcomes(rows, kMinute)) == std::vector<std::string>{"x 2 //"});
  }
  SECTION("bits past the steps are ignored; no steps, no outcomes") {
    FunnelRows rows(steps);
    rows.add("x", t0, 1, 0b100);
    CHECK(rows.rows().empty());
    CHECK(mc::funnel_outcomes(FunnelRows(std::vector<FunnelStep>{}), kMinute).empty());
  }
}

TEST_CASE("FunnelRows takes at most 32 steps") {
  CHECK_NOTHROW(FunnelRows(std::vector<FunnelStep>(32, FunnelStep{"page", {}})));
  CHECK_THROWS_AS(FunnelRows(std::vector<FunnelStep>(33, FunnelStep{"page", {}})), std::invalid_argument);
}
