// Signals: the detectors' layer over a Tracker. Each call's answer holds the
// events it accepted, goals included (goals see every event), in order.
#include <string>

#include "helpers.hpp"
#include "microtrack/signals.hpp"
#include "microtrack/tracker.hpp"

using microtrack::Signals;
using microtrack::Tracker;
using nlohmann::json;

namespace {

const double t0 = 1'700'000'000'000;
const std::string kEnv = R"({"userAgent":"UA","locale":"en","timezone":"UTC","screenWidth":1,"screenHeight":1})";
const std::string kConfig =
    R"({"collector":"/v1/batch","goals":[{"name":"signed_up","event":"form_submit","where":{"form_id":"signup"}},)"
    R"({"name":"visited_pricing","path":"/pricing"}]})";

json events(const std::string& answer) {
  json j = mt_test::require_json(answer);
  REQUIRE(j.is_array());
  return j;
}

}  // namespace

SCENARIO("A Signals call answers with its events and the goals they reach", "[signals]") {
  GIVEN("a tracker with an event goal and a path goal") {
    Tracker tracker(kConfig, kEnv, "", 7, t0);
    Signals s(tracker, t0);
    WHEN("the page view is on /pricing") {
      json e = events(s.page_view("https://shop.example.com/pricing", "Pricing", "", "", true, t0));
      THEN("the page event comes first, then the path goal") {
        REQUIRE(e.size() == 2);
        CHECK(e[0]["type"] == "page");
        CHECK(e[1]["event"] == "visited_pricing");
        CHECK(e[1]["properties"] == json{{"goal", true}, {"trigger", "path"}});
      }
    }
    WHEN("a form on the page is edited and submitted") {
      s.page_view("https://shop.example.com/", "Home", "", "", true, t0);
      events(s.form_edit(1, "signup", "signup", "email", "email", true, t0 + 100));
      json e = events(s.form_submit(1, "signup", "signup", "", t0 + 200));
      THEN("form_submit, then the event goal it reached") {
        REQUIRE(e.size() == 2);
        CHECK(e[0]["event"] == "form_submit");
        CHECK(e[1]["event"] == "signed_up");
        CHECK(e[1]["properties"]["trigger"] == "event");
      }
    }
    WHEN("the page has no listener (echo off)") {
      s.set_echo(false);
      THEN("a call that accepted events answers \"\", one that accepted none \"[]\"; goals still fire") {
        CHECK(s.page_view("https://shop.example.com/pricing", "Pricing", "", "", true, t0) == "");
        CHECK(s.on_scroll(0, 800, 800, t0 + 10) == "[]");
        std::size_t queued = 0;
        for (microtrack::Batch b; (b = tracker.next_batch(t0 + 20, microtrack::SendTrigger::Flush)).id;) {
          queued += static_cast<std::size_t>(b.event_count);
          tracker.on_send_result(b.id, 200, -1, t0 + 21);
        }
        CHECK(queued == 2);  // the page view and the path goal
      }
    }
  }
}

SCENARIO("An SPA navigation answers with the page left's events, then the new page's", "[signals]") {
  const std::string config = R"({"collector":"/v1/batch","engagement":true})";
  for (bool echo : {true, false}) {
    GIVEN(std::string(echo ? "echo on" : "echo off")) {
      Tracker tracker(config, kEnv, "", 7, t0);
      Signals s(tracker, t0);
      s.set_echo(echo);
      s.page_view("https://app.example.com/", "App", "", "", true, t0);
      s.form_edit(1, "settings", "", "name", "text", true, t0 + 100);
      std::string answer = s.navigate("https://app.example.com/log", "Log", 0, t0 + 1000);
      THEN("form_abandon and engagement of the page left, then the new page view") {
        if (!echo) {
          CHECK(answer == "");
        } else {
          json e = events(answer);
          REQUIRE(e.size() == 3);
          CHECK(e[0]["event"] == "form_abandon");
          CHECK(e[1]["event"] == "engagement");
          CHECK(e[2]["type"] == "page");
          CHECK(e[2]["context"]["page"]["referrer"] == "https://app.example.com/");
        }
      }
    }
  }
}
