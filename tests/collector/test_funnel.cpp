// Funnels and totals: the rules on literal timelines, then the query API on
// a seeded data set whose answers were counted by hand (see the table).
#include <catch2/catch.hpp>

#include "funnel.hpp"
#include "live_collector.hpp"

using namespace collector_test;
using mc::EventRow;
using mc::FunnelStep;

namespace {

const double t0 = *mc::parse_iso8601_ms("2026-11-27T10:00:00.000Z");
constexpr double kMinute = 60'000;

FunnelStep step(const std::string& text) {
  std::string error;
  auto parsed = mc::parse_step(text, error);
  REQUIRE(parsed);
  return *parsed;
}

EventRow row(std::int64_t id, const std::string& visitor, double time_ms, const std::string& type,
             const std::string& event = "", json properties = nullptr, json context = nullptr) {
  EventRow r;
  r.id = id;
  r.anonymous_id = visitor;
  r.time_ms = time_ms;
  r.type = type;
  r.event = event;
  r.properties = std::move(properties);
  r.context = std::move(context);
  return r;
}

int depth_of(const std::vector<mc::VisitorOutcome>& outcomes, const std::string& visitor) {
  for (const auto& o : outcomes)
    if (o.visitor == visitor) return o.depth;
  return 0;
}

}  // namespace

TEST_CASE("A step is parsed from name:key=value,... and labelled") {
  const FunnelStep s = step("form_start:form_id=newsletter,path=/");
  CHECK(s.event == "form_start");
  REQUIRE(s.where.size() == 2);
  CHECK(s.where[1].key == "path");
  CHECK(s.where[1].value == "/");
  CHECK(s.label() == "form_start form_id=newsletter path=/");
  CHECK(step("video_start").where.empty());

  std::string error;
  CHECK_FALSE(mc::parse_step("", error));
  CHECK_THAT(error, Catch::Contains("event name"));
  CHECK_FALSE(mc::parse_step("scroll_depth:percent", error));
  CHECK_THAT(error, Catch::Contains("key=value"));
  CHECK_FALSE(mc::parse_step("scroll_depth:=50", error));
}

TEST_CASE("A step matches by type or event name, and by property values") {
  const json props = {{"percent", 50}, {"form_id", "newsletter"}, {"goal", true}, {"ratio", 0.5}};
  const json context = {{"page", {{"path", "/checkout"}}}};
  const EventRow scroll = row(1, "v", t0, "track", "scroll_depth", props, context);
  const EventRow page = row(2, "v", t0, "page", "Home", {{"path", "/"}});

  CHECK(mc::step_matches(step("scroll_depth"), scroll));
  CHECK(mc::step_matches(step("scroll_depth:percent=50"), scroll));
  CHECK(mc::step_matches(step("scroll_depth:percent=50.0"), scroll));  // as a number
  CHECK_FALSE(mc::step_matches(step("scroll_depth:percent=75"), scroll));
  CHECK_FALSE(mc::step_matches(step("scroll_depth:percent=fifty"), scroll));
  CHECK(mc::step_matches(step("scroll_depth:goal=true"), scroll));
  CHECK_FALSE(mc::step_matches(step("scroll_depth:goal=1"), scroll));
  CHECK(mc::step_matches(step("scroll_depth:ratio=0.5"), scroll));
  CHECK(mc::step_matches(step("scroll_depth:path=/checkout"), scroll));  // from context.page
  CHECK_FALSE(mc::step_matches(step("scroll_depth:missing=1"), scroll));
  CHECK_FALSE(mc::step_matches(step("video_start"), scroll));

  CHECK(mc::step_matches(step("page"), page));  // any page, whatever its name
  CHECK(mc::step_matches(step("page:path=/"), page));
  CHECK_FALSE(mc::step_matches(step("page:path=/pricing"), page));
  CHECK_FALSE(mc::step_matches(step("Home"), page));  // a page's name is not a track event
  CHECK_FALSE(mc::step_matches(step("page"), row(3, "v", t0, "track", "page")));
}

TEST_CASE("Funnel steps count only in order, after each other, within the window") {
  const std::vector<FunnelStep> steps = {step("page"), step("signup"), step("purchase")};
  std::vector<EventRow> events = {
      // a: all three in order
      row(1, "a", t0, "page"), row(2, "a", t0 + kMinute, "track", "signup"), row(3, "a", t0 + 2 * kMinute, "track", "purchase"),
      // b: purchase before signup: stops at signup
      row(4, "b", t0, "page"), row(5, "b", t0 + kMinute, "track", "purchase"), row(6, "b", t0 + 2 * kMinute, "track", "signup"),
      // c: signup before the page: only the page counts
      row(7, "c", t0, "track", "signup"), row(8, "c", t0 + kMinute, "page"),
      // d: purchase 31 min after the start: outside a 30 min window
      row(9, "d", t0, "page"), row(10, "d", t0 + kMinute, "track", "signup"), row(11, "d", t0 + 31 * kMinute, "track", "purchase"),
      // e: a first visit that stalls, then a second one that completes: the better run counts
      row(12, "e", t0, "page"), row(13, "e", t0 + 3 * 60 * kMinute, "page"),
      row(14, "e", t0 + 3 * 60 * kMinute + 1, "track", "signup"), row(15, "e", t0 + 3 * 60 * kMinute + 2, "track", "purchase"),
      // f: the same time: id order decides (signup stored before the page does not count)
      row(17, "f", t0, "page"), row(16, "f", t0, "track", "signup"),
      // g: never starts
      row(18, "g", t0, "track", "signup"),
  };
  const auto outcomes = mc::funnel_outcomes(steps, events, 30 * kMinute);
  CHECK(depth_of(outcomes, "a") == 3);
  CHECK(depth_of(outcomes, "b") == 2);
  CHECK(depth_of(outcomes, "c") == 1);
  CHECK(depth_of(outcomes, "d") == 2);
  CHECK(depth_of(outcomes, "e") == 3);
  CHECK(depth_of(outcomes, "f") == 1);
  CHECK(outcomes.size() == 6);  // g is not in the funnel

  SECTION("one event never fills two steps") {
    const std::vector<FunnelStep> twice = {step("page"), step("page")};
    CHECK(mc::funnel_outcomes(twice, {row(1, "x", t0, "page")}, kMinute)[0].depth == 1);
    CHECK(mc::funnel_outcomes(twice, {row(1, "x", t0, "page"), row(2, "x", t0 + 1, "page")}, kMinute)[0].depth == 2);
  }
  SECTION("the report counts visitors per step with conversion and drop-off") {
    const json report = mc::funnel_report(steps, outcomes);
    CHECK(report["visitors"] == 6);
    CHECK(report["steps"][0]["count"] == 6);
    CHECK(report["steps"][1]["count"] == 4);  // a b d e
    CHECK(report["steps"][2]["count"] == 2);  // a e
    CHECK(report["steps"][0]["conversion"] == 1.0);
    CHECK(report["steps"][1]["conversion"].get<double>() == Approx(4.0 / 6));
    CHECK(report["steps"][1]["drop_off"].get<double>() == Approx(2.0 / 6));
    CHECK(report["steps"][2]["conversion"] == 0.5);
    CHECK(report["steps"][2]["conversion_from_start"].get<double>() == Approx(2.0 / 6));
  }
  SECTION("an empty funnel has null rates, not a division by zero") {
    const json report = mc::funnel_report(steps, {});
    CHECK(report["steps"][0]["count"] == 0);
    CHECK(report["steps"][0]["conversion"].is_null());
    CHECK(report["steps"][1]["drop_off"].is_null());
  }
}

// ---------------------------------------------------------------------------
// The seeded data set. Minutes after 10:00 on 2026-11-27; campaign as
// source/medium/name. Funnel: page path=/ > scroll_depth percent=50 >
// video_start > form_start form_id=newsletter > form_submit form_id=newsletter > purchase.
//
// visitor  campaign               what they did                                         depth
// v1       newsletter/email/nov   / 0, scroll25 1, scroll50 2, video 3, fs 4, fsub 5, buy 6   6
// v2       newsletter/email/nov   / 0, scroll50 1, video 2, form_start 3                     4
// v3       google/cpc/brand       / 0, scroll50 1                                            2
// v4       google/cpc/brand       / 0, 50 1, video 2, fs 3, fsub 4, buy at 40 (past 30 min)  5
// v5       -                      /pricing 0, scroll50 1 (never on /)                       -
// v6       -                      scroll50 0, then / 1 (wrong order)                         1
// v7       newsletter/email/nov   / 0, 50 1, video 2, form_start+submit of form "checkout"   3
// v8       google/cpc/brand then  / 0 (leaves); 2 h later with newsletter/email/nov:
//          newsletter/email/nov   / , 50, video, fs, fsub, buy, a minute apart               6 (newsletter)
// v9 (userId only) -              / 0                                                        1
// counts per step: 8 6 5 4 3 2
namespace {

json seeded_event(const std::string& visitor, int minute, const std::string& type, const std::string& name,
                  json properties, const json& campaign) {
  static int counter = 0;
  json event = {{"type", type},
                {"messageId", "seed-" + std::to_string(++counter)},
                {"timestamp", mc::format_iso8601_ms(t0 + minute * kMinute)},
                {"properties", std::move(properties)},
                {"context", {{"sessionId", visitor + "-s"}}}};
  if (visitor.rfind("user:", 0) == 0)
    event["userId"] = visitor.substr(5);
  else
    event["anonymousId"] = visitor;
  if (type == "track") event["event"] = name;
  if (type == "page") event["name"] = name;
  if (!campaign.is_null()) event["context"]["campaign"] = campaign;
  return event;
}

void seed(const LiveCollector& server) {
  const json nl = {{"source", "newsletter"}, {"medium", "email"}, {"name", "nov"}};
  const json gg = {{"source", "google"}, {"medium", "cpc"}, {"name", "brand"}};
  const json none = nullptr;
  const auto home = [](const std::string& v, int m, const json& c) { return seeded_event(v, m, "page", "Home", {{"path", "/"}}, c); };
  const auto scroll = [](const std::string& v, int m, int pct, const json& c) {
    return seeded_event(v, m, "track", "scroll_depth", {{"percent", pct}}, c);
  };
  const auto track = [](const std::string& v, int m, const std::string& name, const json& c, json p = json::object()) {
    return seeded_event(v, m, "track", name, std::move(p), c);
  };
  const json newsletter = {{"form_id", "newsletter"}};
  const json checkout = {{"form_id", "checkout"}};
  json events = json::array();
  const auto add = [&](json e) { events.push_back(std::move(e)); };
  add(home("v1", 0, nl)), add(scroll("v1", 1, 25, nl)), add(scroll("v1", 2, 50, nl)), add(track("v1", 3, "video_start", nl));
  add(track("v1", 4, "form_start", nl, newsletter)), add(track("v1", 5, "form_submit", nl, newsletter));
  add(track("v1", 6, "purchase", nl, {{"value", 129}}));
  add(home("v2", 0, nl)), add(scroll("v2", 1, 50, nl)), add(track("v2", 2, "video_start", nl));
  add(track("v2", 3, "form_start", nl, newsletter));
  add(home("v3", 0, gg)), add(scroll("v3", 1, 50, gg));
  add(home("v4", 0, gg)), add(scroll("v4", 1, 50, gg)), add(track("v4", 2, "video_start", gg));
  add(track("v4", 3, "form_start", gg, newsletter)), add(track("v4", 4, "form_submit", gg, newsletter));
  add(track("v4", 40, "purchase", gg));
  add(seeded_event("v5", 0, "page", "Pricing", {{"path", "/pricing"}}, none)), add(scroll("v5", 1, 50, none));
  add(scroll("v6", 0, 50, none)), add(home("v6", 1, none));
  add(home("v7", 0, nl)), add(scroll("v7", 1, 50, nl)), add(track("v7", 2, "video_start", nl));
  add(track("v7", 3, "form_start", nl, checkout)), add(track("v7", 4, "form_submit", nl, checkout));
  add(home("v8", 0, gg));
  add(home("v8", 120, nl)), add(scroll("v8", 121, 50, nl)), add(track("v8", 122, "video_start", nl));
  add(track("v8", 123, "form_start", nl, newsletter)), add(track("v8", 124, "form_submit", nl, newsletter));
  add(track("v8", 125, "purchase", nl));
  add(home("user:u9", 0, none));
  // A day later, for the per-day totals.
  add(seeded_event("v1", 24 * 60, "page", "Home", {{"path", "/"}}, nl));
  // No sentAt: the corrected timestamp is the timestamp itself.
  const auto res = server.post("/v1/batch", {{"batch", events}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  REQUIRE(json::parse(res->body)["accepted"] == events.size());
}

// Query values must be percent-encoded as a browser's URLSearchParams does:
// httplib keeps only the text after the last '=' of a parameter.
std::string funnel_url(const std::vector<std::string>& steps) {
  std::string url = "/api/funnel?";
  for (const auto& step : steps) {
    url += "step=";
    for (const char c : step) url += c == '=' ? std::string("%3D") : c == '/' ? std::string("%2F") : std::string(1, c);
    url += "&";
  }
  url.pop_back();
  return url;
}

const std::string kFunnel = funnel_url({"page:path=/", "scroll_depth:percent=50", "video_start",
                                        "form_start:form_id=newsletter", "form_submit:form_id=newsletter", "purchase"});

json get_json(const LiveCollector& server, const std::string& path) {
  const auto res = server.get(path);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

std::vector<long long> counts(const json& report) {
  std::vector<long long> out;
  for (const json& s : report["steps"]) out.push_back(s["count"].get<long long>());
  return out;
}

}  // namespace

SCENARIO("The funnel API counts visitors per step on the seeded data set", "[stores]") {
  GIVEN("nine visitors, as in the table above") {
    LiveCollector server;
    seed(server);

    WHEN("the six-step funnel is asked for with the default 30 min window") {
      const json report = get_json(server, kFunnel);
      THEN("the counts, conversion and drop-off are the hand-counted ones") {
        CHECK(counts(report) == std::vector<long long>{8, 6, 5, 4, 3, 2});
        CHECK(report["window_ms"] == 1800000);
        CHECK(report["visitors"] == 8);
        const json& s = report["steps"];
        CHECK(s[0]["label"] == "page path=/");
        CHECK(s[0]["where"] == json({{"path", "/"}}));
        CHECK(s[3]["label"] == "form_start form_id=newsletter");
        CHECK(s[1]["conversion"] == 0.75);
        CHECK(s[1]["drop_off"] == 0.25);
        CHECK(s[2]["conversion"].get<double>() == Approx(5.0 / 6));
        CHECK(s[3]["drop_off"].get<double>() == Approx(0.2));
        CHECK(s[5]["conversion"].get<double>() == Approx(2.0 / 3));
        CHECK(s[5]["conversion_from_start"] == 0.25);
      }
    }
    WHEN("the window is 1 hour") {
      THEN("v4's purchase at minute 40 counts too") {
        CHECK(counts(get_json(server, kFunnel + "&window_ms=3600000")) == std::vector<long long>{8, 6, 5, 4, 3, 3});
      }
    }
    WHEN("it is split by campaign") {
      const json report = get_json(server, kFunnel + "&by=campaign");
      const json& groups = report["groups"];
      THEN("the email campaign converts 2 of 4, the paid search 0 of 2") {
        REQUIRE(groups.size() == 3);
        CHECK(groups[0]["source"] == "newsletter");
        CHECK(groups[0]["medium"] == "email");
        CHECK(groups[0]["name"] == "nov");
        CHECK(counts(groups[0]) == std::vector<long long>{4, 4, 4, 3, 2, 2});  // v1 v2 v7 v8
        CHECK(groups[1]["source"] == "(none)");                             // ties: key order
        CHECK(counts(groups[1]) == std::vector<long long>{2, 0, 0, 0, 0, 0});  // v6 v9
        CHECK(groups[2]["source"] == "google");
        CHECK(counts(groups[2]) == std::vector<long long>{2, 2, 1, 1, 1, 0});  // v3 v4
        CHECK(counts(report) == std::vector<long long>{8, 6, 5, 4, 3, 2});   // the total still there
      }
    }
    WHEN("it is split by source only") {
      const json groups = get_json(server, kFunnel + "&by=source")["groups"];
      THEN("each group names only its source") {
        REQUIRE(groups.size() == 3);
        CHECK(groups[0]["source"] == "newsletter");
        CHECK_FALSE(groups[0].contains("medium"));
      }
    }
    WHEN("the time range leaves out v8's second visit") {
      const json report = get_json(server, kFunnel + "&from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z");
      THEN("v8 stops after the first step") { CHECK(counts(report) == std::vector<long long>{8, 5, 4, 3, 2, 1}); }
    }
    WHEN("the totals are asked for") {
      const json totals = get_json(server, "/api/totals");
      THEN("each name is counted with its visitors, and per day") {
        CHECK(totals["total"] == 37);
        CHECK(totals["visitors"] == 9);
        CHECK(totals["events"][0] == json({{"name", "page"}, {"count", 11}, {"visitors", 9}}));
        CHECK(totals["events"][1] == json({{"name", "scroll_depth"}, {"count", 9}, {"visitors", 8}}));
        json by_name;
        for (const json& e : totals["events"]) by_name[e["name"].get<std::string>()] = e["count"];
        CHECK(by_name == json({{"page", 11}, {"scroll_depth", 9}, {"video_start", 5}, {"form_start", 5},
                               {"form_submit", 4}, {"purchase", 3}}));
        CHECK(totals["days"].front() == json({{"day", "2026-11-27"}, {"name", "form_start"}, {"count", 5}}));
        CHECK(totals["days"].back() == json({{"day", "2026-11-28"}, {"name", "page"}, {"count", 1}}));
        CHECK(totals["days"].size() == 7);
      }
      THEN("a range counts only its days") {
        const json day2 = get_json(server, "/api/totals?from=2026-11-28");
        CHECK(day2["total"] == 1);
        CHECK(day2["events"] == json::array({{{"name", "page"}, {"count", 1}, {"visitors", 1}}}));
      }
    }
  }
}

TEST_CASE("The funnel and totals APIs answer 400 to bad parameters", "[stores]") {
  LiveCollector server;
  for (const char* path : {"/api/funnel", "/api/funnel?step=", "/api/funnel?step=page:oops",
                           "/api/funnel?step=page&window_ms=0", "/api/funnel?step=page&window_ms=soon",
                           "/api/funnel?step=page&by=browser", "/api/funnel?step=page&from=yesterday",
                           "/api/totals?to=2026-13-01"}) {
    CAPTURE(path);
    const auto res = server.get(path);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body).contains("error"));
  }
  CHECK(server.get("/api/funnel?step=page")->status == 200);
}
