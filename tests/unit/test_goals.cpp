// Goals (CONTRACT §3 "goal name" row, goals.hpp grammar): named conversions
// from selector clicks, page paths, other events, data-mt-goal declarations
// and compound `all` rules, each reached at most once per page view.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/goals.hpp"

using microtrack::glob_match;
using microtrack::Goals;
using microtrack::properties_match;
using microtrack::ReachedGoals;
using nlohmann::json;

namespace {

// "name/trigger" per reached goal, in order.
std::vector<std::string> reached(const ReachedGoals& goals) {
  std::vector<std::string> out;
  for (const auto& g : goals) out.push_back(std::string(g.name) + "/" + g.trigger);
  return out;
}
using Reached = std::vector<std::string>;

// A goals list as the config gives it (nlohmann writes the JSON text).
std::string goals_text(const json& list) { return list.dump(); }

const json kArticleRead = {{"name", "article_read"},
                           {"all", json::array({{{"event", "scroll_depth"}, {"where", {{"percent", 75}}}},
                                                {{"engagedMs", 20000}}})},
                           {"path", "/blog/*"}};

std::string scroll(int percent) { return json{{"percent", percent}}.dump(); }

}  // namespace

TEST_CASE("glob_match: '*' matches any run of characters, slashes too", "[goals]") {
  SECTION("no star is an exact match") {
    CHECK(glob_match("/pricing", "/pricing"));
    CHECK_FALSE(glob_match("/pricing", "/pricing/"));
    CHECK_FALSE(glob_match("/pricing", "/pricing-2"));
    CHECK_FALSE(glob_match("/pricing", "/Pricing"));
  }
  SECTION("a trailing star") {
    CHECK(glob_match("/blog/*", "/blog/"));
    CHECK(glob_match("/blog/*", "/blog/hello-world"));
    CHECK(glob_match("/blog/*", "/blog/2024/05/post"));
    CHECK_FALSE(glob_match("/blog/*", "/blog"));
    CHECK_FALSE(glob_match("/blog/*", "/blogs/x"));
    CHECK_FALSE(glob_match("/blog/*", "/en/blog/x"));
  }
  SECTION("a star alone matches anything, the empty path too") {
    CHECK(glob_match("*", "/"));
    CHECK(glob_match("*", "/any/thing"));
    CHECK(glob_match("*", ""));
  }
  SECTION("stars in the middle and several stars") {
    CHECK(glob_match("/shop/*/checkout", "/shop/cart-7/checkout"));
    CHECK(glob_match("/shop/*/checkout", "/shop/a/b/checkout"));
    CHECK_FALSE(glob_match("/shop/*/checkout", "/shop/a/checkout/done"));
    CHECK(glob_match("*/thanks*", "/order/thanks?x"));
    CHECK(glob_match("/a*b*c", "/aXbYc"));
    CHECK(glob_match("/a*b*c", "/abc"));
    CHECK_FALSE(glob_match("/a*b*c", "/acb"));
  }
}

TEST_CASE("properties_match compares every member of where", "[goals]") {
  SECTION("numbers by value") {
    CHECK(properties_match(R"({"percent":75})", R"({"percent":75})"));
    CHECK(properties_match(R"({"percent":75})", R"({"percent":75.0})"));
    CHECK(properties_match(R"({"percent":75.0})", R"({"percent":7.5e1})"));
    CHECK_FALSE(properties_match(R"({"percent":75})", R"({"percent":50})"));
    CHECK_FALSE(properties_match(R"({"percent":75})", R"({"percent":"75"})"));
  }
  SECTION("strings, booleans and null by JSON text") {
    CHECK(properties_match(R"({"plan":"pro"})", R"({"plan":"pro","price":49})"));
    CHECK_FALSE(properties_match(R"({"plan":"pro"})", R"({"plan":"Pro"})"));
    CHECK(properties_match(R"({"trial":true})", R"({"trial":true})"));
    CHECK_FALSE(properties_match(R"({"trial":true})", R"({"trial":false})"));
    CHECK(properties_match(R"({"coupon":null})", R"({"coupon":null})"));
  }
  SECTION("a property missing from the event fails") {
    CHECK_FALSE(properties_match(R"({"percent":75})", R"({"current_s":75})"));
    CHECK_FALSE(properties_match(R"({"coupon":null})", R"({})"));
  }
  SECTION("every member must match") {
    CHECK(properties_match(R"({"a":1,"b":"x"})", R"({"b":"x","a":1,"c":2})"));
    CHECK_FALSE(properties_match(R"({"a":1,"b":"x"})", R"({"a":1,"b":"y"})"));
  }
  SECTION("no where (or an empty one) matches any properties") {
    CHECK(properties_match("", R"({"a":1})"));
    CHECK(properties_match("{}", R"({"a":1})"));
  }
  SECTION("properties that are not valid JSON match no where") {
    CHECK_FALSE(properties_match(R"({"a":1})", R"({"a":1)"));
  }
}

TEST_CASE("A path goal is reached by a page view whose path matches", "[goals]") {
  Goals g(goals_text(json::array({{{"name", "read_blog"}, {"path", "/blog/*"}},
                                  {{"name", "saw_pricing"}, {"path", "/pricing"}},
                                  {{"name", "any_page"}, {"path", "*"}}})));
  REQUIRE(g.skipped() == 0);
  SECTION("a blog post") { CHECK(reached(g.on_page("/blog/hello")) == Reached{"read_blog/path", "any_page/path"}); }
  SECTION("the exact path") { CHECK(reached(g.on_page("/pricing")) == Reached{"saw_pricing/path", "any_page/path"}); }
  SECTION("a path no pattern names but the star") { CHECK(reached(g.on_page("/about")) == Reached{"any_page/path"}); }
  SECTION("once per page view") {
    REQUIRE(reached(g.on_page("/pricing")) == Reached{"saw_pricing/path", "any_page/path"});
    CHECK(reached(g.on_page("/pricing")) == Reached{});
  }
  SECTION("again in the next page view") {
    g.on_page("/pricing");
    g.reset();
    CHECK(reached(g.on_page("/pricing")) == Reached{"saw_pricing/path", "any_page/path"});
  }
}

TEST_CASE("A selector goal is reached by a click the adapter matched", "[goals]") {
  Goals g(goals_text(json::array({{{"name", "cta"}, {"selector", "a.cta, button[data-x=\"1\"]"}},
                                  {{"name", "pricing_seen"}, {"path", "/pricing"}},
                                  {{"name", "demo"}, {"selector", "#demo"}}})));
  REQUIRE(g.skipped() == 0);
  SECTION("selectors_json lists the selector rules with their indices") {
    MT_PARSE(list, g.selectors_json());
    CHECK(list == json::array({json::array({0, "a.cta, button[data-x=\"1\"]"}), json::array({2, "#demo"})}));
  }
  SECTION("a click fires the goal once per page view") {
    CHECK(reached(g.on_selector_click(2)) == Reached{"demo/click"});
    CHECK(reached(g.on_selector_click(2)) == Reached{});
    CHECK(reached(g.on_selector_click(0)) == Reached{"cta/click"});
    g.reset();
    CHECK(reached(g.on_selector_click(2)) == Reached{"demo/click"});
  }
  SECTION("an index that is not a selector rule is ignored") {
    CHECK(reached(g.on_selector_click(1)) == Reached{});
    CHECK(reached(g.on_selector_click(3)) == Reached{});
    CHECK(reached(g.on_selector_click(-1)) == Reached{});
  }
  SECTION("a selector goal is not a path goal") { CHECK(reached(g.on_page("/pricing")) == Reached{"pricing_seen/path"}); }
}

TEST_CASE("selectors_json is an empty list without selector rules", "[goals]") {
  SECTION("no goals") {
    MT_PARSE(list, Goals("[]").selectors_json());
    CHECK(list == json::array());
  }
  SECTION("only path goals") {
    MT_PARSE(list, Goals(R"([{"name":"p","path":"/x"}])").selectors_json());
    CHECK(list == json::array());
  }
}

TEST_CASE("A data-mt-goal declaration is reached once per name per page view", "[goals]") {
  Goals g("[]");
  SECTION("a click on a link or button") {
    CHECK(reached(g.on_declared("newsletter_signup", false)) == Reached{"newsletter_signup/click"});
    CHECK(reached(g.on_declared("newsletter_signup", false)) == Reached{});
  }
  SECTION("a form's submit") {
    CHECK(reached(g.on_declared("contact_sent", true)) == Reached{"contact_sent/submit"});
    CHECK(reached(g.on_declared("contact_sent", true)) == Reached{});
  }
  SECTION("names are independent") {
    CHECK(reached(g.on_declared("a", false)) == Reached{"a/click"});
    CHECK(reached(g.on_declared("b", true)) == Reached{"b/submit"});
  }
  SECTION("reset lets each fire again") {
    g.on_declared("newsletter_signup", true);
    g.reset();
    CHECK(reached(g.on_declared("newsletter_signup", true)) == Reached{"newsletter_signup/submit"});
  }
}

// goals.hpp: "each reached at most once per page view", also past the first 16 names.
TEST_CASE("The 17th declared goal of a page view is still reached only once", "[goals]") {
  Goals g("[]");
  for (int i = 1; i <= 16; ++i) REQUIRE(g.on_declared("add_to_cart_" + std::to_string(i), false).size() == 1);
  CHECK(reached(g.on_declared("add_to_cart_17", false)) == Reached{"add_to_cart_17/click"});
  CHECK(reached(g.on_declared("add_to_cart_17", false)) == Reached{});
}

TEST_CASE("An event goal is reached by an event whose properties match where", "[goals]") {
  Goals g(goals_text(json::array({{{"name", "watched_most"}, {"event", "video_progress"}, {"where", {{"percent", 75}}}},
                                  {{"name", "pro_click"}, {"event", "plan_selected"}, {"where", {{"plan", "pro"}}}},
                                  {{"name", "any_download"}, {"event", "file_download"}}})));
  REQUIRE(g.skipped() == 0);
  const char* path = "/";
  SECTION("a number compares by value: 75 matches 75.0") {
    CHECK(reached(g.on_event("video_progress", R"({"percent":50.0})", path)) == Reached{});
    CHECK(reached(g.on_event("video_progress", R"({"percent":75.0,"current_s":90})", path)) ==
          Reached{"watched_most/event"});
  }
  SECTION("a string compares by text") {
    CHECK(reached(g.on_event("plan_selected", R"({"plan":"basic"})", path)) == Reached{});
    CHECK(reached(g.on_event("plan_selected", R"({"plan":"pro"})", path)) == Reached{"pro_click/event"});
  }
  SECTION("a missing property fails") {
    CHECK(reached(g.on_event("plan_selected", R"({"tier":"pro"})", path)) == Reached{});
    CHECK(reached(g.on_event("plan_selected", "{}", path)) == Reached{});
  }
  SECTION("another event name with the same properties does not count") {
    CHECK(reached(g.on_event("scroll_depth", R"({"percent":75})", path)) == Reached{});
  }
  SECTION("no where matches any properties of that event") {
    CHECK(reached(g.on_event("file_download", R"({"href":"/e.pdf","extension":"pdf"})", path)) ==
          Reached{"any_download/event"});
  }
  SECTION("once per page view, again after reset") {
    REQUIRE(reached(g.on_event("plan_selected", R"({"plan":"pro"})", path)) == Reached{"pro_click/event"});
    CHECK(reached(g.on_event("plan_selected", R"({"plan":"pro"})", path)) == Reached{});
    g.reset();
    CHECK(reached(g.on_event("plan_selected", R"({"plan":"pro"})", path)) == Reached{"pro_click/event"});
  }
  SECTION("an event goal is not reached by a page view") { CHECK(reached(g.on_page("/")) == Reached{}); }
}

SCENARIO("A compound goal: a blog post read to 75 % with 20 s engaged", "[goals]") {
  GIVEN("the article_read goal of issue 3") {
    Goals g(goals_text(json::array({kArticleRead})));
    REQUIRE(g.skipped() == 0);
    const char* post = "/blog/hello-world";
    REQUIRE(g.waits_for_engagement(post));
    REQUIRE(reached(g.on_page(post)) == Reached{});

    WHEN("the reader scrolls to 75 % and then has been engaged 20 s") {
      CHECK(reached(g.on_event("scroll_depth", scroll(25), post)) == Reached{});
      CHECK(reached(g.on_event("scroll_depth", scroll(50), post)) == Reached{});
      CHECK(reached(g.on_event("scroll_depth", scroll(75), post)) == Reached{});
      CHECK(reached(g.on_engaged(19'999, post)) == Reached{});
      THEN("the goal is reached at 20 s, with trigger all") {
        CHECK(reached(g.on_engaged(20'000, post)) == Reached{"article_read/all"});
        CHECK_FALSE(g.waits_for_engagement(post));
      }
    }
    WHEN("the reader is engaged 20 s first and then scrolls to 75 %") {
      CHECK(reached(g.on_engaged(25'000, post)) == Reached{});
      THEN("the goal is reached by the scroll") {
        CHECK(reached(g.on_event("scroll_depth", scroll(75), post)) == Reached{"article_read/all"});
      }
    }
    WHEN("both are met and the reader keeps going") {
      g.on_event("scroll_depth", scroll(75), post);
      REQUIRE(reached(g.on_engaged(20'000, post)) == Reached{"article_read/all"});
      THEN("it is not reached again in this page view") {
        CHECK(reached(g.on_engaged(40'000, post)) == Reached{});
        CHECK(reached(g.on_event("scroll_depth", scroll(75), post)) == Reached{});
      }
      AND_WHEN("the reader opens another post (a new page view)") {
        g.reset();
        REQUIRE(g.waits_for_engagement("/blog/second"));
        THEN("it needs both conditions again") {
          CHECK(reached(g.on_event("scroll_depth", scroll(75), "/blog/second")) == Reached{});
          CHECK(reached(g.on_engaged(20'000, "/blog/second")) == Reached{"article_read/all"});
        }
      }
    }
    WHEN("a scroll depth other than 75 % is all the reader reaches") {
      g.on_event("scroll_depth", scroll(50), post);
      THEN("engaged time alone is not enough") { CHECK(reached(g.on_engaged(60'000, post)) == Reached{}); }
    }
  }
  GIVEN("a page view outside /blog/") {
    Goals g(goals_text(json::array({kArticleRead})));
    THEN("it does not wait for engaged time there (the core polls nothing)") {
      CHECK_FALSE(g.waits_for_engagement("/pricing"));
      CHECK(g.waits_for_engagement("/blog/x"));
    }
    WHEN("both conditions are met on /pricing") {
      const auto a = g.on_event("scroll_depth", scroll(75), "/pricing");
      const auto b = g.on_engaged(30'000, "/pricing");
      THEN("the goal is not reached") {
        CHECK(reached(a) == Reached{});
        CHECK(reached(b) == Reached{});
      }
      AND_WHEN("the next page view is a blog post") {
        g.reset();
        THEN("what happened on /pricing does not carry over") {
          CHECK(reached(g.on_engaged(30'000, "/blog/x")) == Reached{});
          CHECK(reached(g.on_event("scroll_depth", scroll(75), "/blog/x")) == Reached{"article_read/all"});
        }
      }
    }
  }
}

TEST_CASE("A compound goal without a path is reached on any page", "[goals]") {
  Goals g(R"([{"name":"engaged_viewer","all":[{"event":"video_start"},{"event":"scroll_depth","where":{"percent":50}}]}])");
  REQUIRE(g.skipped() == 0);
  SECTION("no engagedMs condition: it never waits for engagement") { CHECK_FALSE(g.waits_for_engagement("/any")); }
  SECTION("both events, in either order") {
    CHECK(reached(g.on_event("scroll_depth", scroll(50), "/x")) == Reached{});
    CHECK(reached(g.on_event("video_start", R"({"src":"a.mp4"})", "/x")) == Reached{"engaged_viewer/all"});
  }
  SECTION("a compound goal is not an event goal of its first condition") {
    CHECK(reached(g.on_event("video_start", "{}", "/x")) == Reached{});
  }
  SECTION("nor a path goal") { CHECK(reached(g.on_page("/x")) == Reached{}); }
}

// Regression (found by this test, fixed): waits_for_engagement() stays true once the
// engagedMs condition is met but another condition is not, so the tracker
// keeps feeding on_engaged for nothing. goals.hpp: "a compound rule still
// needs engaged time".
TEST_CASE("A compound goal whose engaged time is already met no longer waits for engagement",
          "[goals]") {
  Goals g(goals_text(json::array({kArticleRead})));
  REQUIRE(g.waits_for_engagement("/blog/x"));
  REQUIRE(reached(g.on_engaged(25'000, "/blog/x")) == Reached{});
  CHECK_FALSE(g.waits_for_engagement("/blog/x"));
}

TEST_CASE("Invalid goal rules are skipped and counted", "[goals]") {
  SECTION("a rule without a name") {
    Goals g(R"([{"path":"/x"},{"name":"","path":"/y"},{"name":"ok","path":"/z"}])");
    CHECK(g.skipped() == 2);
    CHECK(reached(g.on_page("/x")) == Reached{});
    CHECK(reached(g.on_page("/z")) == Reached{"ok/path"});
  }
  SECTION("a rule without a trigger") {
    Goals g(R"([{"name":"nothing"},{"name":"empty_all","all":[]},{"name":"ok","path":"*"}])");
    CHECK(g.skipped() == 2);
    CHECK(reached(g.on_page("/")) == Reached{"ok/path"});
  }
  SECTION("a rule that is not an object") {
    Goals g(R"(["signup", 42, {"name":"ok","path":"*"}])");
    CHECK(g.skipped() == 2);
  }
  SECTION("eight conditions are accepted, nine are too many") {
    json eight = json::array(), nine;
    for (int i = 0; i < 8; ++i) eight.push_back({{"event", "e" + std::to_string(i)}});
    nine = eight;
    nine.push_back({{"event", "e8"}});
    Goals g(goals_text(json::array({{{"name", "eight"}, {"all", eight}}, {{"name", "nine"}, {"all", nine}}})));
    CHECK(g.skipped() == 1);
    ReachedGoals last;
    for (int i = 0; i < 9; ++i) last = g.on_event("e" + std::to_string(i), "{}", "/");
    // "eight" was reached at e7; "nine" never exists.
    CHECK(reached(g.on_event("e7", "{}", "/")) == Reached{});
    CHECK(reached(last) == Reached{});
  }
  SECTION("the 17th and later rules") {
    json list = json::array();
    for (int i = 0; i < 18; ++i) list.push_back({{"name", "g" + std::to_string(i)}, {"path", "*"}});
    Goals g(goals_text(list));
    CHECK(g.skipped() == 2);
    CHECK(g.on_page("/").size() == 16);
  }
  SECTION("a skipped rule does not take one of the 16 places") {
    json list = json::array({{{"name", ""}, {"path", "*"}}});
    for (int i = 0; i < 16; ++i) list.push_back({{"name", "g" + std::to_string(i)}, {"path", "*"}});
    Goals g(goals_text(list));
    CHECK(g.skipped() == 1);
    CHECK(g.on_page("/").size() == 16);
  }
  SECTION("a goals list that is not a list holds no rule") {
    Goals g("{not json");
    CHECK(g.on_page("/").size() == 0);
    MT_PARSE(list, g.selectors_json());
    CHECK(list == json::array());
  }
}

TEST_CASE("Eight conditions all met reach the goal", "[goals]") {
  json eight = json::array();
  for (int i = 0; i < 8; ++i) eight.push_back({{"event", "e" + std::to_string(i)}});
  Goals g(goals_text(json::array({{{"name", "eight"}, {"all", eight}}})));
  REQUIRE(g.skipped() == 0);
  for (int i = 7; i >= 1; --i) CHECK(g.on_event("e" + std::to_string(i), "{}", "/").size() == 0);
  CHECK(reached(g.on_event("e0", "{}", "/")) == Reached{"eight/all"});
}

TEST_CASE("reset() starts a page view in which every kind of goal fires again", "[goals]") {
  Goals g(goals_text(json::array({{{"name", "cta"}, {"selector", ".cta"}},
                                  {{"name", "pricing"}, {"path", "/pricing"}},
                                  {{"name", "signup"}, {"event", "form_submit"}},
                                  kArticleRead})));
  REQUIRE(g.skipped() == 0);
  auto one_of_each = [&](const char* path) {
    Reached all;
    for (const auto& r : reached(g.on_page(path))) all.push_back(r);
    for (const auto& r : reached(g.on_selector_click(0))) all.push_back(r);
    for (const auto& r : reached(g.on_event("form_submit", R"({"form_id":"s"})", path))) all.push_back(r);
    for (const auto& r : reached(g.on_declared("newsletter_signup", true))) all.push_back(r);
    return all;
  };
  const Reached everything{"pricing/path", "cta/click", "signup/event", "newsletter_signup/submit"};
  CHECK(one_of_each("/pricing") == everything);
  CHECK(one_of_each("/pricing") == Reached{});
  g.reset();
  CHECK(one_of_each("/pricing") == everything);
}

TEST_CASE("An event no rule names changes nothing; names are matched unescaped", "[goals]") {
  auto check = [](const std::string& goals) {
    Goals g(goals);
    REQUIRE(g.skipped() == 0);
    CHECK(g.on_event("abc", "{}", "/").size() == 0);
    for (const char* other : {"bench_click", "both", "ab", "signup"})
      CHECK(g.on_event(other, R"({"i":1})", "/").size() == 0);
    CHECK(reached(g.on_event("xyz", "{}", "/")) == Reached{"both/all"});
    CHECK(reached(g.on_event("form_submit", "{}", "/")) == Reached{"signup/event"});
  };
  SECTION("names as they are") {
    check(R"([{"name":"signup","event":"form_submit"},{"name":"both","all":[{"event":"abc"},{"event":"xyz"}]}])");
  }
  SECTION("names written with \\u escapes") {
    check(R"([{"name":"signup","event":"form\u005fsubmit"},)"
          R"({"name":"both","all":[{"event":"a\u0062c"},{"event":"xyz"}]}])");
  }
}
