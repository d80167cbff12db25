// Tracker: the user stories of CONTRACT §2–§5 told as scenarios. Every event
// and body the tracker writes is parsed with nlohmann-json and checked field by
// field against the §4 wire format.
#include <set>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/time.hpp"
#include "microtrack/tracker.hpp"

using microtrack::Batch;
using microtrack::SendTrigger;
using microtrack::Tracker;
using nlohmann::json;

namespace {

const double t0 = 1'700'000'000'000;
constexpr std::uint64_t kSeed = 42;
constexpr std::uint64_t kOtherSeed = 4242;

const std::string kCollector = "https://collect.example.com/v1/batch";
const std::string kConfig = R"({"collector":")" + kCollector + R"(","writeKey":"wk_test"})";
const std::string kEnv =
    R"({"context":{"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Test/1.0","locale":"en-GB",)"
    R"("timezone":"Europe/Oslo","screen":{"width":1280,"height":720}},"doNotTrack":false})";
const std::string kEnvDnt =
    R"({"context":{"userAgent":"UA","locale":"de-DE","timezone":"Europe/Berlin",)"
    R"("screen":{"width":800,"height":600}},"doNotTrack":true})";

const std::string kLandingUrl =
    "https://shop.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov"
    "&utm_term=crm&utm_content=hero&gclid=abc123&email=ann%40example.com&token=s3cret&plan=pro";
const std::string kScrubbedSearch =
    "?utm_source=newsletter&utm_medium=email&utm_campaign=nov&utm_term=crm&utm_content=hero"
    "&gclid=abc123&plan=pro";
const std::string kReferrer = "https://www.google.com/";

// A config: the collector plus `extra` members.
std::string config_with(const std::string& extra) {
  return R"({"collector":")" + kCollector + R"(",)" + extra + "}";
}

json parse_array(std::string_view text) {
  json value = mt_test::parse_or_discarded(text);
  INFO("JSON text: " << text.substr(0, 2000));
  REQUIRE_FALSE(value.is_discarded());
  REQUIRE(value.is_array());
  return value;
}

// The messages since the last call, parsed.
json messages(Tracker& t) { return parse_array(microtrack::json_array(t.take_messages())); }

// The JSON array of the last `accepted` events the tracker accepted (what
// the call that returned `accepted` added); the tracker then forgets them,
// as Signals does at the start of each call.
std::string answer(Tracker& t, int accepted) {
  const std::vector<std::string> all = mt_test::items_of(t.accepted());
  REQUIRE(accepted >= 0);
  REQUIRE(static_cast<std::size_t>(accepted) <= all.size());
  microtrack::StringList last;
  for (std::size_t i = all.size() - static_cast<std::size_t>(accepted); i < all.size(); ++i) last.push_back(all[i]);
  t.forget_accepted();
  return std::string(microtrack::json_array(last));
}

std::vector<json> of_level(const json& msgs, const std::string& level) {
  std::vector<json> out;
  for (auto m : msgs) {
    if (m.value("level", std::string()) == level) out.push_back(m);
  }
  return out;
}

bool any_message_mentions(const std::vector<json>& msgs, const std::string& word) {
  for (auto m : msgs) {
    if (mt_test::contains(m.value("message", std::string()), word)) return true;
  }
  return false;
}

// The single event a call returned.
json single_event(const std::string& returned) {
  json events = parse_array(returned);
  INFO("returned: " << returned.substr(0, 2000));
  REQUIRE(events.size() == 1);
  return events[0];
}

// Sends everything with Flush, reporting 200 for each batch, and returns the
// events in the order they were sent.
json drain(Tracker& t, double now_ms) {
  json all = json::array();
  for (int guard = 0; guard < 100; ++guard) {
    const Batch b = t.next_batch(now_ms, SendTrigger::Flush);
    if (b.id == 0) break;
    json body = mt_test::parse_or_discarded(b.body);
    INFO("body: " << b.body.substr(0, 2000));
    REQUIRE_FALSE(body.is_discarded());
    REQUIRE(body["batch"].is_array());
    for (auto e : body["batch"]) all.push_back(e);
    t.on_send_result(b.id, 200, -1, now_ms);
  }
  return all;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string("<missing>");
}

// The §4 fields every event has.
void check_common_fields(json& e, double now_ms) {
  INFO("event: " << e.dump());
  CHECK(mt_test::is_uuid_v4(str(e, "messageId")));
  CHECK(mt_test::is_uuid_v4(str(e, "anonymousId")));
  CHECK(str(e, "timestamp") == microtrack::iso8601_utc(now_ms));
  REQUIRE(e.contains("context"));
  json& c = e["context"];
  CHECK(c["library"]["name"] == "microtrack");
  CHECK(c["library"]["version"] == MICROTRACK_VERSION);
  CHECK(c["sessionId"].is_string());
  CHECK_FALSE(str(c, "sessionId").empty());
  CHECK(c["userAgent"] == "Mozilla/5.0 (X11; Linux x86_64) Test/1.0");
  CHECK(c["locale"] == "en-GB");
  CHECK(c["timezone"] == "Europe/Oslo");
  CHECK(c["screen"]["width"] == 1280);
  CHECK(c["screen"]["height"] == 720);
}

bool has_user_id(const json& e) { return e.contains("userId") && !e["userId"].is_null(); }

}  // namespace

// ---------------------------------------------------------------------------
// Environment

TEST_CASE("parse_environment reads what the browser says about itself", "[tracker]") {
  SECTION("every field: the context's members as written, and Do Not Track") {
    const auto env = microtrack::parse_environment(kEnvDnt);
    CHECK(std::string_view(env.context_members) ==
          R"("userAgent":"UA","locale":"de-DE","timezone":"Europe/Berlin","screen":{"width":800,"height":600})");
    CHECK(env.do_not_track);
  }
  SECTION("missing fields keep their defaults") {
    const auto env = microtrack::parse_environment(R"({"context":{"locale":"fr-FR"}})");
    CHECK(std::string_view(env.context_members) == R"("locale":"fr-FR")");
    CHECK_FALSE(env.do_not_track);
    CHECK(std::string_view(microtrack::parse_environment(R"({"doNotTrack":true})").context_members).empty());
  }
  SECTION("a context that is not an object, or text that is not JSON, gives the defaults") {
    CHECK(std::string_view(microtrack::parse_environment(R"({"context":"UA"})").context_members).empty());
    const auto env = microtrack::parse_environment("{oops");
    CHECK(std::string_view(env.context_members).empty());
    CHECK_FALSE(env.do_not_track);
  }
}

// ---------------------------------------------------------------------------
// Init and config diagnostics

SCENARIO("A site initialises without a collector", "[tracker]") {
  GIVEN("init with an empty config") {
    Tracker t("{}", kEnv, "", kSeed, t0);
    THEN("the tracker is inactive") { CHECK_FALSE(t.active()); }
    THEN("exactly one error is reported and it names `collector`") {
      json msgs = messages(t);
      const auto errors = of_level(msgs, "error");
      INFO(msgs.dump());
      REQUIRE(errors.size() == 1);
      CHECK(mt_test::contains(errors[0].value("message", std::string()), "collector"));
      CHECK_FALSE(mt_test::contains(errors[0].value("message", std::string()), "microtrack:"));
    }
    WHEN("the page is viewed and an event is tracked") {
      const std::string page = answer(t, t.page_view(kLandingUrl, "Pricing", kReferrer, "{}", true, t0));
      const std::string track = answer(t, t.track("hero_seen", "{}", t0 + 1'000));
      THEN("nothing is accepted and nothing is ever sent") {
        CHECK(parse_array(page).empty());
        CHECK(parse_array(track).empty());
        CHECK(t.next_batch(t0 + 1'000, SendTrigger::Flush).id == 0);
        CHECK(t.next_batch(t0 + 60'000, SendTrigger::Auto).id == 0);
        CHECK(t.next_batch(t0 + 60'000, SendTrigger::Unload).id == 0);
      }
    }
  }
}

SCENARIO("A config has mistakes in optional keys", "[tracker]") {
  GIVEN("a batchSize of the wrong type") {
    Tracker t(config_with(R"("batchSize":"lots")"), kEnv, "", kSeed, t0);
    THEN("tracking still works with the default batch size") {
      CHECK(t.active());
      CHECK(t.config().batch_size == 20);
    }
    THEN("one error names batchSize") {
      json msgs = messages(t);
      INFO(msgs.dump());
      const auto errors = of_level(msgs, "error");
      REQUIRE(errors.size() == 1);
      CHECK(any_message_mentions(errors, "batchSize"));
    }
  }
  GIVEN("an unknown key") {
    Tracker t(config_with(R"("colour":"blue")"), kEnv, "", kSeed, t0);
    THEN("tracking still works and one warning names the key") {
      CHECK(t.active());
      json msgs = messages(t);
      INFO(msgs.dump());
      CHECK(of_level(msgs, "error").empty());
      const auto warnings = of_level(msgs, "warn");
      REQUIRE(warnings.size() == 1);
      CHECK(any_message_mentions(warnings, "colour"));
    }
  }
  GIVEN("a valid config and no stored state") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    THEN("there is nothing to warn about") {
      json msgs = messages(t);
      INFO(msgs.dump());
      CHECK(of_level(msgs, "error").empty());
      CHECK(of_level(msgs, "warn").empty());
    }
    THEN("take_messages is empty once read") {
      t.take_messages();
      CHECK(messages(t).empty());
    }
  }
}

SCENARIO("Which browser signals the tracker wants", "[tracker]") {
  GIVEN("the default config") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    THEN("every adapter the config can switch off is wanted") {
      for (const char* s : {"scroll", "video", "engagement"}) {
        INFO(s);
        CHECK(t.wants(s));
      }
    }
    THEN("a signal the JS does not ask about is not wanted") {
      for (const char* s : {"telepathy", "forms", "clicks", "visibility"}) {
        INFO(s);
        CHECK_FALSE(t.wants(s));
      }
    }
  }
  GIVEN("scroll and video switched off") {
    Tracker t(config_with(R"("scroll":false,"video":false)"), kEnv, "", kSeed, t0);
    THEN("those adapters are not wanted, engagement is") {
      CHECK_FALSE(t.wants("scroll"));
      CHECK_FALSE(t.wants("video"));
      CHECK(t.wants("engagement"));
    }
  }
  GIVEN("an inactive tracker") {
    Tracker t("{}", kEnv, "", kSeed, t0);
    THEN("no adapter is wanted") {
      for (const char* s : {"scroll", "video", "engagement"}) {
        INFO(s);
        CHECK_FALSE(t.wants(s));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Events

SCENARIO("A visitor lands on a page from a newsletter", "[tracker]") {
  GIVEN("an active tracker") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    REQUIRE(t.active());
    WHEN("the automatic page view happens on a URL with utm_* and sensitive parameters") {
      json e = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", kReferrer, "{}", true, t0)));
      INFO("event: " << e.dump());
      THEN("it is a §4 page event") {
        CHECK(e["type"] == "page");
        check_common_fields(e, t0);
        CHECK_FALSE(has_user_id(e));
      }
      THEN("context.page holds the scrubbed URL and the page fields") {
        json& p = e["context"]["page"];
        const std::string url = str(p, "url");
        CHECK(url.rfind("https://shop.example.com/pricing?", 0) == 0);
        CHECK_FALSE(mt_test::contains(url, "email="));
        CHECK_FALSE(mt_test::contains(url, "ann%40example.com"));
        CHECK_FALSE(mt_test::contains(url, "token="));
        CHECK_FALSE(mt_test::contains(url, "s3cret"));
        CHECK(mt_test::contains(url, "plan=pro"));
        CHECK(mt_test::contains(url, "utm_source=newsletter"));
        CHECK(p["path"] == "/pricing");
        CHECK(p["search"] == kScrubbedSearch);
        CHECK(p["title"] == "Pricing");
        CHECK(p["referrer"] == kReferrer);
      }
      THEN("the page event's properties carry the same page fields") {
        REQUIRE(e.contains("properties"));
        json& props = e["properties"];
        CHECK(props["path"] == "/pricing");
        CHECK(props["title"] == "Pricing");
        CHECK(props["url"] == e["context"]["page"]["url"]);
        CHECK_FALSE(mt_test::contains(str(props, "url"), "s3cret"));
      }
      THEN("context.campaign holds the utm_* values and the click id") {
        json& c = e["context"]["campaign"];
        CHECK(c["source"] == "newsletter");
        CHECK(c["medium"] == "email");
        CHECK(c["name"] == "nov");
        CHECK(c["term"] == "crm");
        CHECK(c["content"] == "hero");
        CHECK(c["gclid"] == "abc123");
      }
      THEN("the event returned is the event sent") {
        json sent = drain(t, t0 + 10);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0] == e);
      }
      AND_WHEN("the visitor navigates to a page without utm_*") {
        json next = single_event(answer(t, t.page_view("https://shop.example.com/checkout", "Checkout",
                                                   kLandingUrl, "{}", true, t0 + 20'000)));
        THEN("the campaign is kept for the session") {
          CHECK(next["context"]["campaign"]["source"] == "newsletter");
          CHECK(next["context"]["campaign"]["name"] == "nov");
        }
        THEN("the new page is described and the referrer is scrubbed too") {
          json& p = next["context"]["page"];
          CHECK(p["path"] == "/checkout");
          CHECK(p["search"] == "");
          CHECK(p["title"] == "Checkout");
          CHECK_FALSE(mt_test::contains(str(p, "referrer"), "s3cret"));
          CHECK_FALSE(mt_test::contains(str(p, "referrer"), "token="));
        }
        THEN("one campaign so far: no firstCampaign") {
          CHECK_FALSE(next["context"].contains("firstCampaign"));
        }
        AND_WHEN("another campaign brings the visitor back in the same session") {
          json back = single_event(answer(t, t.page_view("https://shop.example.com/?utm_source=ads&utm_medium=cpc&mc_cid=42",
                                               "Home", "", "{}", true, t0 + 30'000)));
          THEN("context.campaign is the last touch and firstCampaign the first, on every later event") {
            json later = single_event(answer(t, t.track("cta_click", "{}", t0 + 31'000)));
            for (json* ev : {&back, &later}) {
              CHECK((*ev)["context"]["campaign"] == json{{"source", "ads"}, {"medium", "cpc"}, {"mc_cid", "42"}});
              CHECK((*ev)["context"]["firstCampaign"]["source"] == "newsletter");
              CHECK((*ev)["context"]["firstCampaign"]["gclid"] == "abc123");
            }
          }
          THEN("a reload keeps both") {
            Tracker reloaded(kConfig, kEnv, t.snapshot(), kOtherSeed, t0 + 32'000);
            json ev = single_event(answer(reloaded, reloaded.track("cta_click", "{}", t0 + 33'000)));
            CHECK(ev["context"]["campaign"]["source"] == "ads");
            CHECK(ev["context"]["firstCampaign"]["source"] == "newsletter");
          }
          THEN("a new session starts with neither") {
            json fresh = single_event(answer(t, t.page_view("https://shop.example.com/", "Home", "", "{}", true,
                                                  t0 + 30'000 + 31 * 60'000)));
            CHECK_FALSE(fresh["context"].contains("campaign"));
            CHECK_FALSE(fresh["context"].contains("firstCampaign"));
          }
        }
        THEN("the session and the anonymous id are the same") {
          CHECK(next["context"]["sessionId"] == e["context"]["sessionId"]);
          CHECK(next["anonymousId"] == e["anonymousId"]);
          CHECK(next["messageId"] != e["messageId"]);
        }
      }
    }
    WHEN("a manual page view passes its own properties") {
      json e = single_event(answer(t, t.page_view("https://shop.example.com/docs", "Docs", "",
                                              R"({"section":"api"})", false, t0)));
      THEN("they are in the event's properties next to the page fields") {
        CHECK(e["properties"]["section"] == "api");
        CHECK(e["properties"]["path"] == "/docs");
      }
    }
  }
}

SCENARIO("Automatic page views follow autoPageview", "[tracker]") {
  GIVEN("autoPageview off") {
    Tracker t(config_with(R"("autoPageview":false)"), kEnv, "", kSeed, t0);
    WHEN("an automatic page view happens") {
      const std::string out = answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0));
      THEN("no page event is produced") { CHECK(parse_array(out).empty()); }
    }
    WHEN("the site calls page() itself") {
      const std::string out = answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", false, t0));
      THEN("a page event is produced") { CHECK(single_event(out)["type"] == "page"); }
    }
    WHEN("an automatic page view happens after scrolling") {
      t.page_view("https://shop.example.com/a", "A", "", "{}", true, t0);
      auto reached = [&](double top_px) {
        std::vector<double> percents;
        for (double percent : t.scroll_sample(top_px, 800, 3200)) percents.push_back(percent);
        return percents;
      };
      REQUIRE(reached(2400) == std::vector<double>{25, 50, 75, 90, 100});
      t.page_view("https://shop.example.com/b", "B", "", "{}", true, t0 + 2'000);
      THEN("the per-page scroll state still resets") { CHECK(reached(0) == std::vector<double>{25}); }
    }
  }
}

SCENARIO("A visitor triggers a custom event", "[tracker]") {
  GIVEN("a tracker on a page") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    json page = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", kReferrer, "{}", true, t0)));
    WHEN("the site tracks hero_seen with properties") {
      json e = single_event(answer(t, t.track("hero_seen", R"({"variant":"b","n":3})", t0 + 1'500)));
      THEN("it is a §4 track event with the name and properties") {
        CHECK(e["type"] == "track");
        CHECK(e["event"] == "hero_seen");
        CHECK(e["properties"] == json{{"variant", "b"}, {"n", 3}});
        check_common_fields(e, t0 + 1'500);
      }
      THEN("it carries the current page and the session's ids") {
        CHECK(e["context"]["page"] == page["context"]["page"]);
        CHECK(e["anonymousId"] == page["anonymousId"]);
        CHECK(e["context"]["sessionId"] == page["context"]["sessionId"]);
        CHECK(e["messageId"] != page["messageId"]);
      }
    }
    WHEN("many events are tracked") {
      std::set<std::string> ids{page["messageId"].get<std::string>()};
      for (int i = 0; i < 200; ++i) {
        json e = single_event(answer(t, t.track("tick", "{}", t0 + 10 * i)));
        ids.insert(str(e, "messageId"));
      }
      THEN("every messageId is distinct") { CHECK(ids.size() == 201); }
    }
    WHEN("the event name is empty") {
      const std::string out = answer(t, t.track("", "{}", t0 + 1'000));
      THEN("nothing is queued and an error is reported") {
        CHECK(parse_array(out).empty());
        json msgs = messages(t);
        INFO(msgs.dump());
        CHECK(of_level(msgs, "error").size() + of_level(msgs, "warn").size() == 1);
      }
    }
    WHEN("the properties are not valid JSON") {
      const std::string out = answer(t, t.track("hero_seen", "{oops", t0 + 1'000));
      THEN("one clear message is reported and the page goes on") {
        json msgs = messages(t);
        INFO(msgs.dump());
        CHECK(of_level(msgs, "error").size() + of_level(msgs, "warn").size() == 1);
        json events = parse_array(out);
        for (auto e : events) {
          CHECK(e["event"] == "hero_seen");
          CHECK(e["properties"].is_object());
        }
      }
    }
  }
}

SCENARIO("A visitor signs in", "[tracker]") {
  GIVEN("a tracker on a page") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    json page = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", kReferrer, "{}", true, t0)));
    WHEN("the site identifies the user with traits") {
      json id = single_event(answer(t, t.identify("u42", R"({"plan":"pro"})", t0 + 2'000)));
      THEN("an identify event carries userId and traits") {
        CHECK(id["type"] == "identify");
        CHECK(id["userId"] == "u42");
        CHECK(id["traits"] == json{{"plan", "pro"}});
        check_common_fields(id, t0 + 2'000);
        CHECK(id["anonymousId"] == page["anonymousId"]);
      }
      AND_WHEN("the visitor does something afterwards") {
        json e = single_event(answer(t, t.track("cta_click", "{}", t0 + 3'000)));
        THEN("the event carries the userId and the same anonymousId") {
          CHECK(e["userId"] == "u42");
          CHECK(e["anonymousId"] == page["anonymousId"]);
        }
      }
      AND_WHEN("the site calls reset()") {
        t.reset(t0 + 4'000);
        json e = single_event(answer(t, t.track("after_reset", "{}", t0 + 5'000)));
        THEN("userId is forgotten and anonymousId and session are new") {
          CHECK_FALSE(has_user_id(e));
          CHECK(mt_test::is_uuid_v4(str(e, "anonymousId")));
          CHECK(e["anonymousId"] != page["anonymousId"]);
          CHECK(e["context"]["sessionId"] != page["context"]["sessionId"]);
        }
      }
    }
  }
}

SCENARIO("A session ends after sessionTimeoutMs of inactivity", "[tracker]") {
  GIVEN("a session timeout of one minute and a page view at t0") {
    Tracker t(config_with(R"("sessionTimeoutMs":60000)"), kEnv, "", kSeed, t0);
    json page = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
    const std::string first_session = str(page["context"], "sessionId");
    WHEN("events keep coming less than a minute apart") {
      json a = single_event(answer(t, t.track("a", "{}", t0 + 59'000)));
      json b = single_event(answer(t, t.track("b", "{}", t0 + 118'000)));
      THEN("the session lasts longer than the timeout itself") {
        CHECK(a["context"]["sessionId"] == first_session);
        CHECK(b["context"]["sessionId"] == first_session);
      }
    }
    WHEN("the visitor is inactive for longer than a minute") {
      json a = single_event(answer(t, t.track("a", "{}", t0 + 30'000)));
      json b = single_event(answer(t, t.track("b", "{}", t0 + 30'000 + 60'001)));
      json c = single_event(answer(t, t.track("c", "{}", t0 + 30'000 + 60'001 + 1'000)));
      THEN("the next event starts a new session that then continues") {
        CHECK(a["context"]["sessionId"] == first_session);
        CHECK(b["context"]["sessionId"] != first_session);
        CHECK_FALSE(str(b["context"], "sessionId").empty());
        CHECK(c["context"]["sessionId"] == b["context"]["sessionId"]);
      }
      THEN("the anonymous id does not change") { CHECK(b["anonymousId"] == page["anonymousId"]); }
    }
  }
}

// ---------------------------------------------------------------------------
// Privacy

SCENARIO("A visitor has Do Not Track or Global Privacy Control on", "[tracker]") {
  GIVEN("the default respectDoNotTrack") {
    Tracker t(kConfig, kEnvDnt, "", kSeed, t0);
    THEN("the tracker is inactive and sends nothing") {
      CHECK_FALSE(t.active());
      CHECK(parse_array(answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0))).empty());
      CHECK(parse_array(answer(t, t.track("hero_seen", "{}", t0 + 1))).empty());
      CHECK(t.next_batch(t0 + 2, SendTrigger::Flush).id == 0);
    }
    THEN("nothing is stored") { CHECK(t.snapshot().empty()); }
  }
  GIVEN("respectDoNotTrack off") {
    Tracker t(config_with(R"("respectDoNotTrack":false)"), kEnvDnt, "", kSeed, t0);
    THEN("the tracker is active") { CHECK(t.active()); }
  }
}

SCENARIO("A site samples its visitors", "[tracker]") {
  GIVEN("sampleRate 0") {
    Tracker t(config_with(R"("sampleRate":0)"), kEnv, "", kSeed, t0);
    THEN("nobody is tracked") {
      CHECK_FALSE(t.active());
      CHECK(parse_array(answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0))).empty());
    }
  }
  GIVEN("sampleRate 1") {
    Tracker t(config_with(R"("sampleRate":1)"), kEnv, "", kSeed, t0);
    THEN("everybody is tracked") { CHECK(t.active()); }
  }
}

SCENARIO("Sampling is decided per visitor, by anonymousId", "[tracker]") {
  GIVEN("sampleRate 0.5 and forty visitors who each come back for a second page") {
    const std::string config = config_with(R"("sampleRate":0.5)");
    int first_active = 0, same_decision = 0;
    std::vector<std::uint64_t> changed;
    for (std::uint64_t visitor = 1; visitor <= 40; ++visitor) {
      Tracker first(config, kEnv, "", visitor, t0);
      first_active += first.active() ? 1 : 0;
      Tracker second(config, kEnv, first.snapshot(), 1'000 + visitor, t0 + 60'000);
      if (second.active() == first.active()) {
        ++same_decision;
      } else {
        changed.push_back(visitor);
      }
    }
    THEN("about half of them are tracked") {
      CHECK(first_active >= 10);
      CHECK(first_active <= 30);
    }
    THEN("every visitor gets the same decision on the next page") {
      INFO("visitors whose decision changed: " << changed.size());
      CHECK(same_decision == 40);
    }
  }
}

SCENARIO("A site requires consent", "[tracker]") {
  GIVEN("requireConsent and an event before any decision") {
    Tracker t(config_with(R"("requireConsent":true)"), kEnv, "", kSeed, t0);
    t.track("hero_seen", "{}", t0 + 1'000);
    THEN("nothing is sent and nothing is stored") {
      CHECK(t.next_batch(t0 + 60'000, SendTrigger::Flush).id == 0);
      CHECK(t.next_batch(t0 + 60'000, SendTrigger::Unload).id == 0);
      CHECK(t.snapshot().empty());
    }
    WHEN("consent is granted") {
      t.consent(true, t0 + 2'000);
      THEN("the held event is released") {
        json sent = drain(t, t0 + 2'001);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0]["event"] == "hero_seen");
      }
      THEN("state may be stored") { CHECK_FALSE(t.snapshot().empty()); }
    }
    WHEN("consent is withdrawn, then granted") {
      t.consent(false, t0 + 2'000);
      t.consent(true, t0 + 3'000);
      THEN("the held event was dropped") { CHECK(drain(t, t0 + 3'001).empty()); }
    }
  }
}

// ---------------------------------------------------------------------------
// Persistence

SCENARIO("A visitor reloads the page before events are sent", "[tracker]") {
  GIVEN("a tracker with a page view, an identify and a track event queued") {
    Tracker first(kConfig, kEnv, "", kSeed, t0);
    json page = single_event(answer(first, first.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
    json id = single_event(answer(first, first.identify("u42", "{}", t0 + 500)));
    json hero = single_event(answer(first, first.track("hero_seen", "{}", t0 + 1'000)));
    WHEN("its snapshot is given to the tracker on the next page") {
      const microtrack::String snap = first.snapshot();
      REQUIRE_FALSE(snap.empty());
      REQUIRE_FALSE(mt_test::parse_or_discarded(snap).is_discarded());
      Tracker second(kConfig, kEnv, snap, kOtherSeed, t0 + 5'000);
      THEN("no warning is given") {
        json msgs = messages(second);
        INFO(msgs.dump());
        CHECK(of_level(msgs, "warn").empty());
        CHECK(of_level(msgs, "error").empty());
      }
      THEN("the unsent events are sent with the same messageIds, in order") {
        json sent = drain(second, t0 + 5'000);
        REQUIRE(sent.size() == 3);
        CHECK(sent[0] == page);
        CHECK(sent[1] == id);
        CHECK(sent[2] == hero);
      }
      THEN("new events keep the anonymousId, userId, session and campaign") {
        json e = single_event(answer(second, second.track("after_reload", "{}", t0 + 6'000)));
        CHECK(e["anonymousId"] == page["anonymousId"]);
        CHECK(e["userId"] == "u42");
        CHECK(e["context"]["sessionId"] == page["context"]["sessionId"]);
        CHECK(e["context"]["campaign"]["source"] == "newsletter");
      }
    }
    WHEN("a batch is in flight when the snapshot is taken") {
      const Batch b = first.next_batch(t0 + 2'000, SendTrigger::Flush);
      REQUIRE(b.id != 0);
      Tracker second(kConfig, kEnv, first.snapshot(), kOtherSeed, t0 + 5'000);
      THEN("its events are still delivered after the reload") {
        json sent = drain(second, t0 + 5'000);
        REQUIRE(sent.size() == 3);
        CHECK(sent[0]["messageId"] == page["messageId"]);
        CHECK(sent[2]["messageId"] == hero["messageId"]);
      }
    }
    WHEN("the events were delivered before the snapshot") {
      REQUIRE(drain(first, t0 + 2'000).size() == 3);
      Tracker second(kConfig, kEnv, first.snapshot(), kOtherSeed, t0 + 5'000);
      THEN("nothing is sent again, but the ids are kept") {
        CHECK(second.next_batch(t0 + 5'000, SendTrigger::Flush).id == 0);
        json e = single_event(answer(second, second.track("x", "{}", t0 + 6'000)));
        CHECK(e["anonymousId"] == page["anonymousId"]);
      }
    }
  }
  GIVEN("persist off") {
    Tracker t(config_with(R"("persist":false)"), kEnv, "", kSeed, t0);
    t.track("hero_seen", "{}", t0);
    THEN("nothing may be stored") { CHECK(t.snapshot().empty()); }
  }
}

SCENARIO("A visitor leaves the page with events queued", "[tracker]") {
  GIVEN("two events queued and a batch-size-1 Auto batch in flight") {
    Tracker t(config_with(R"("batchSize":1)"), kEnv, "", kSeed, t0);
    json page = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
    const Batch in_flight = t.next_batch(t0, SendTrigger::Auto);
    REQUIRE(in_flight.id != 0);
    json hero = single_event(answer(t, t.track("hero_seen", "{}", t0 + 1'000)));
    json cta = single_event(answer(t, t.track("cta_click", "{}", t0 + 1'100)));
    WHEN("the page is hidden and the browser takes every beacon") {
      std::vector<std::string> beaconed;
      for (int guard = 0; guard < 10; ++guard) {
        const Batch b = t.next_batch(t0 + 2'000, SendTrigger::Unload);
        if (b.id == 0) break;
        MT_PARSE(body, b.body);
        for (auto e : body["batch"]) beaconed.push_back(e["messageId"]);
        t.on_send_result(b.id, 202, -1, t0 + 2'000);
      }
      THEN("the beacons hold the events not in flight, once each") {
        CHECK(beaconed ==
              std::vector<std::string>{hero["messageId"], cta["messageId"]});
      }
      THEN("the next page has nothing left to send: the keepalive fetch in flight is the browser's") {
        Tracker next(config_with(R"("batchSize":1)"), kEnv, t.snapshot(), kOtherSeed, t0 + 3'000);
        CHECK(drain(next, t0 + 3'000).empty());
      }
      THEN("if the page lives on and the fetch fails, the next page sends it") {
        t.on_send_result(in_flight.id, 503, -1, t0 + 2'500);
        Tracker next(config_with(R"("batchSize":1)"), kEnv, t.snapshot(), kOtherSeed, t0 + 3'000);
        json sent = drain(next, t0 + 3'000);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0]["messageId"] == page["messageId"]);
      }
    }
    WHEN("the browser refuses the beacon") {
      const Batch b = t.next_batch(t0 + 2'000, SendTrigger::Unload);
      REQUIRE(b.id != 0);
      t.on_send_result(b.id, 0, -1, t0 + 2'000);
      THEN("the next page sends the rest, in order") {
        Tracker next(config_with(R"("batchSize":1)"), kEnv, t.snapshot(), kOtherSeed, t0 + 3'000);
        json sent = drain(next, t0 + 3'000);
        REQUIRE(sent.size() == 2);
        CHECK(sent[0]["messageId"] == hero["messageId"]);
        CHECK(sent[1]["messageId"] == cta["messageId"]);
      }
    }
  }
}

SCENARIO("The stored state is unreadable", "[tracker]") {
  const std::vector<std::string> corrupt{
      "{not json",
      "[1,2,3]",
      R"({"anonymousId":5,"queue":"nope"})",
  };
  for (const auto& stored : corrupt) {
    GIVEN("stored state " + stored) {
      Tracker t(kConfig, kEnv, stored, kSeed, t0);
      THEN("it is ignored with a warning and tracking starts afresh") {
        CHECK(t.active());
        json msgs = messages(t);
        INFO(msgs.dump());
        CHECK(of_level(msgs, "warn").size() == 1);
        json e = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
        CHECK(mt_test::is_uuid_v4(str(e, "anonymousId")));
        json sent = drain(t, t0 + 10);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0]["messageId"] == e["messageId"]);
      }
    }
  }
}

SCENARIO("Two trackers with the same seed and inputs write the same events", "[tracker]") {
  GIVEN("two fresh trackers seeded alike") {
    Tracker a(kConfig, kEnv, "", kSeed, t0);
    Tracker b(kConfig, kEnv, "", kSeed, t0);
    THEN("their page events are identical") {
      CHECK(answer(a, a.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)) ==
            answer(b, b.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
    }
  }
  GIVEN("two fresh trackers seeded differently") {
    Tracker a(kConfig, kEnv, "", kSeed, t0);
    Tracker b(kConfig, kEnv, "", kOtherSeed, t0);
    THEN("their anonymous ids differ") {
      json ea = single_event(answer(a, a.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
      json eb = single_event(answer(b, b.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
      CHECK(ea["anonymousId"] != eb["anonymousId"]);
    }
  }
}

// ---------------------------------------------------------------------------
// Delivery through the tracker

SCENARIO("The JS transport asks for a batch", "[tracker]") {
  GIVEN("two events queued") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    json page = single_event(answer(t, t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0)));
    json hero = single_event(answer(t, t.track("hero_seen", "{}", t0 + 1'000)));
    WHEN("flush() asks for the next batch") {
      const Batch b = t.next_batch(t0 + 2'000, SendTrigger::Flush);
      THEN("the body is valid JSON with batch, sentAt and writeKey") {
        REQUIRE(b.id != 0);
        CHECK(b.event_count == 2);
        MT_PARSE(body, b.body);
        REQUIRE(body["batch"].is_array());
        REQUIRE(body["batch"].size() == 2);
        CHECK(body["batch"][0] == page);
        CHECK(body["batch"][1] == hero);
        CHECK(body["sentAt"] == microtrack::iso8601_utc(t0 + 2'000));
        CHECK(body["writeKey"] == "wk_test");
      }
    }
    WHEN("the collector answers 400") {
      const Batch b = t.next_batch(t0 + 2'000, SendTrigger::Flush);
      REQUIRE(b.id != 0);
      t.take_messages();
      t.on_send_result(b.id, 400, -1, t0 + 2'100);
      THEN("the batch is dropped with one console error") {
        json msgs = messages(t);
        INFO(msgs.dump());
        CHECK(of_level(msgs, "error").size() == 1);
        CHECK(t.next_batch(t0 + 2'200, SendTrigger::Flush).id == 0);
      }
    }
    WHEN("the collector answers 503") {
      const Batch b = t.next_batch(t0 + 2'000, SendTrigger::Flush);
      REQUIRE(b.id != 0);
      t.on_send_result(b.id, 503, -1, t0 + 2'100);
      THEN("the same events are sent again later") {
        CHECK(t.next_wake_ms() > t0 + 2'100);
        json sent = drain(t, t0 + 2'200);
        REQUIRE(sent.size() == 2);
        CHECK(sent[0] == page);
        CHECK(sent[1] == hero);
      }
    }
  }
  GIVEN("batchSize 2") {
    Tracker t(config_with(R"("batchSize":2)"), kEnv, "", kSeed, t0);
    t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0);
    WHEN("a second event is queued") {
      t.track("hero_seen", "{}", t0 + 100);
      THEN("an Auto send is due at once") {
        CHECK(t.next_wake_ms() <= t0 + 100);
        CHECK(t.next_batch(t0 + 100, SendTrigger::Auto).event_count == 2);
      }
    }
  }
}

SCENARIO("An event larger than 32 KB", "[tracker]") {
  GIVEN("an active tracker") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    t.take_messages();
    WHEN("an event with 40 KB of properties is tracked") {
      const std::string big = json{{"blob", std::string(40'000, 'x')}}.dump();
      const std::string out = answer(t, t.track("huge", big, t0 + 1'000));
      THEN("it is dropped with a warning") {
        CHECK(parse_array(out).empty());
        json msgs = messages(t);
        INFO(msgs.dump().substr(0, 2000));
        CHECK(of_level(msgs, "warn").size() == 1);
        CHECK(t.next_batch(t0 + 2'000, SendTrigger::Flush).id == 0);
      }
    }
    WHEN("an event with 20 KB of properties is tracked") {
      const std::string medium = json{{"blob", std::string(20'000, 'x')}}.dump();
      const std::string out = answer(t, t.track("big_but_fine", medium, t0 + 1'000));
      THEN("it is accepted and sent") {
        CHECK(parse_array(out).size() == 1);
        json sent = drain(t, t0 + 2'000);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0]["properties"]["blob"].get<std::string>().size() == 20'000);
      }
    }
  }
}

SCENARIO("A burst overflows the queue", "[tracker]") {
  GIVEN("maxQueueSize 3") {
    Tracker t(config_with(R"("maxQueueSize":3)"), kEnv, "", kSeed, t0);
    t.take_messages();
    WHEN("ten events are tracked before any send") {
      for (int i = 0; i < 10; ++i) answer(t, t.track("burst_" + std::to_string(i), "{}", t0 + i));
      THEN("the three newest are kept, and one warning says why, not one per dropped event") {
        json sent = drain(t, t0 + 100);
        REQUIRE(sent.size() == 3);
        CHECK(sent[0]["event"] == "burst_7");
        json m = messages(t);
        REQUIRE(m.size() == 1);
        CHECK(m[0]["level"] == "warn");
        CHECK(mt_test::contains(m[0]["message"].get<std::string>(), "maxQueueSize"));
      }
    }
  }
}

SCENARIO("An event call answers with a count; its events wait in accepted()", "[tracker]") {
  GIVEN("an active tracker") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    WHEN("two events are accepted and a third call is refused") {
      const int page = t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0);
      const int track = t.track("cta_click", "{}", t0 + 1);
      const int refused = t.track("", "{}", t0 + 2);
      THEN("the counts say so, and accepted() holds both events in order until forgotten") {
        CHECK(page == 1);
        CHECK(track == 1);
        CHECK(refused == 0);
        const std::vector<std::string> events = mt_test::items_of(t.accepted());
        REQUIRE(events.size() == 2);
        CHECK(mt_test::require_json(events[0])["type"] == "page");
        CHECK(mt_test::require_json(events[1])["event"] == "cta_click");
        t.forget_accepted();
        CHECK(t.accepted().empty());
        CHECK(drain(t, t0 + 10).size() == 2);  // forgetting them does not unqueue them
      }
    }
  }
}

SCENARIO("The next scroll position worth a sample", "[tracker][scroll]") {
  GIVEN("a tracking page") {
    Tracker t(kConfig, kEnv, "", kSeed, t0);
    t.page_view(kLandingUrl, "Pricing", "", "{}", true, t0);
    THEN("before a sample, any sample is worth one") { CHECK(t.scroll_next_bottom_px() == 0); }
    WHEN("a sample came") {
      auto reached = t.scroll_sample(800, 800, 3200);
      REQUIRE(std::vector<double>(reached.begin(), reached.end()) == std::vector<double>{25, 50});
      THEN("the next threshold's position") { CHECK(t.scroll_next_bottom_px() == 2399); }
      AND_WHEN("a new page view starts") {
        t.page_view("https://shop.example.com/b", "B", "", "{}", true, t0 + 2'000);
        THEN("any sample is worth one again") { CHECK(t.scroll_next_bottom_px() == 0); }
      }
    }
  }
  GIVEN("a visitor with Do Not Track (the tracker is inactive)") {
    Tracker t(kConfig, kEnvDnt, "", kSeed, t0);
    THEN("no position is worth a sample") { CHECK(t.scroll_next_bottom_px() == -1); }
  }
  GIVEN("scroll switched off") {
    Tracker t(config_with(R"("scroll":false)"), kEnv, "", kSeed, t0);
    THEN("no position is worth a sample") { CHECK(t.scroll_next_bottom_px() == -1); }
  }
}
