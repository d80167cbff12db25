// Signals: the detectors' layer over a Tracker. Each call answers how many
// events it accepted; they are the Tracker's accepted() until the next call,
// goals included (goals see every event), in order. Every path the adapters
// take is told here on a literal timeline: page views, scroll, clicks,
// media, forms, timers (tick) and history navigation.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/signals.hpp"
#include "microtrack/tracker.hpp"

using microtrack::Signals;
using microtrack::Tracker;
using nlohmann::json;

namespace {

const double t0 = 1'700'000'000'000;
const std::string kEnv = R"({"context":{"userAgent":"UA","locale":"en","timezone":"UTC","screen":{"width":1,"height":1}}})";
const std::string kConfig =
    R"({"collector":"/v1/batch","goals":[{"name":"signed_up","event":"form_submit","where":{"form_id":"signup"}},)"
    R"({"name":"visited_pricing","path":"/pricing"}]})";
const std::string kHome = "https://shop.example.com/";

// A config: the collector plus `extra` members.
std::string config_with(const std::string& extra) { return R"({"collector":"/v1/batch",)" + extra + "}"; }

// The events of the call that answered `accepted`, parsed; the answer must
// count them.
json events(const Tracker& tracker, int accepted) {
  MT_PARSE(list, microtrack::json_array(tracker.accepted()));
  REQUIRE(list.is_array());
  REQUIRE(list.size() == static_cast<std::size_t>(accepted));
  return list;
}

// The one event of the call that answered `accepted`.
json single(const Tracker& tracker, int accepted) {
  json list = events(tracker, accepted);
  REQUIRE(list.size() == 1);
  return list[0];
}

// A tracker and its Signals, with the first page view at t0 done.
struct Page {
  explicit Page(const std::string& config, const std::string& url = kHome)
      : tracker(config, kEnv, "", 7, t0), signals(tracker, t0) {
    REQUIRE(tracker.active());  // a config that does not parse would make every check below vacuous
    signals.page_view(url, "Home", "", "", true, t0);
  }
  Tracker tracker;
  Signals signals;
};

}  // namespace

SCENARIO("A Signals call answers with its events and the goals they reach", "[signals]") {
  GIVEN("a tracker with an event goal and a path goal") {
    Tracker tracker(kConfig, kEnv, "", 7, t0);
    Signals s(tracker, t0);
    WHEN("the page view is on /pricing") {
      json e = events(tracker, s.page_view("https://shop.example.com/pricing", "Pricing", "", "", true, t0));
      THEN("the page event comes first, then the path goal") {
        REQUIRE(e.size() == 2);
        CHECK(e[0]["type"] == "page");
        CHECK(e[1]["event"] == "visited_pricing");
        CHECK(e[1]["properties"] == json{{"goal", true}, {"trigger", "path"}});
      }
    }
    WHEN("a form on the page is edited and submitted") {
      s.page_view(kHome, "Home", "", "", true, t0);
      json start = single(tracker, s.form_edit(1, "signup", "signup", "email", "email", true, t0 + 100));
      json e = events(tracker, s.form_submit(1, "signup", "signup", "", t0 + 200));
      THEN("form_start, then form_submit and the event goal it reached") {
        CHECK(start["event"] == "form_start");
        CHECK(start["properties"] == json{{"form_id", "signup"}, {"form_name", "signup"}, {"field", "email"}});
        REQUIRE(e.size() == 2);
        CHECK(e[0]["event"] == "form_submit");
        CHECK(e[0]["properties"]["fields_filled"] == 1);
        CHECK(e[0]["properties"]["duration_ms"] == 100);
        CHECK(e[1]["event"] == "signed_up");
        CHECK(e[1]["properties"]["trigger"] == "event");
      }
    }
    WHEN("a call accepts nothing") {
      s.page_view(kHome, "Home", "", "", true, t0);
      THEN("it answers 0 and accepted() is empty: the last call's events are forgotten") {
        CHECK(s.on_scroll(0, 800, 800, t0 + 10) == 0);
        CHECK(tracker.accepted().empty());
      }
    }
  }
}

SCENARIO("Scroll samples become scroll_depth events, once per threshold and page view", "[signals]") {
  GIVEN("a page view of a 3200 px page in an 800 px viewport") {
    Page page(R"({"collector":"/v1/batch"})");
    Signals& s = page.signals;
    WHEN("the viewport bottom reaches 25 %, then jumps to 75 %") {
      json first = events(page.tracker, s.on_scroll(0, 800, 3200, t0 + 1'000));
      json jump = events(page.tracker, s.on_scroll(1600, 800, 3200, t0 + 2'000));
      THEN("scroll_depth fires for 25, then for 50 and 75 in ascending order") {
        REQUIRE(first.size() == 1);
        CHECK(first[0]["type"] == "track");
        CHECK(first[0]["event"] == "scroll_depth");
        CHECK(first[0]["properties"] == json{{"percent", 25}});
        REQUIRE(jump.size() == 2);
        CHECK(jump[0]["properties"]["percent"] == 50);
        CHECK(jump[1]["properties"]["percent"] == 75);
      }
      AND_WHEN("the visitor scrolls up and down again") {
        THEN("nothing fires twice in the same page view") {
          CHECK(s.on_scroll(0, 800, 3200, t0 + 3'000) == 0);
          CHECK(s.on_scroll(1600, 800, 3200, t0 + 4'000) == 0);
        }
      }
      AND_WHEN("a new page view starts") {
        s.page_view("https://shop.example.com/features", "Features", "", "", true, t0 + 5'000);
        json again = events(page.tracker, s.on_scroll(1600, 800, 3200, t0 + 6'000));
        THEN("the thresholds fire again, with the new page's context") {
          REQUIRE(again.size() == 3);
          CHECK(again[0]["properties"]["percent"] == 25);
          CHECK(again[2]["properties"]["percent"] == 75);
          CHECK(again[0]["context"]["page"]["path"] == "/features");
        }
      }
    }
    WHEN("the page fits the viewport") {
      THEN("no scroll_depth fires") { CHECK(s.on_scroll(0, 800, 800, t0 + 1'000) == 0); }
    }
  }
  GIVEN("custom thresholds") {
    Page page(config_with(R"("scroll":{"thresholds":[10,60]})"));
    THEN("scrolling to the bottom fires exactly those") {
      json fired = events(page.tracker, page.signals.on_scroll(2400, 800, 3200, t0 + 1'000));
      REQUIRE(fired.size() == 2);
      CHECK(fired[0]["properties"]["percent"] == 10);
      CHECK(fired[1]["properties"]["percent"] == 60);
    }
  }
  GIVEN("scroll switched off") {
    Page page(config_with(R"("scroll":false)"));
    THEN("no sample fires") { CHECK(page.signals.on_scroll(2400, 800, 3200, t0 + 1'000) == 0); }
  }
}

SCENARIO("A click on a link is classified by the core", "[signals]") {
  GIVEN("a page on shop.example.com") {
    Page page(R"({"collector":"/v1/batch","clicks":{"internalDomains":["partner.io"]}})");
    Signals& s = page.signals;
    Tracker& t = page.tracker;
    WHEN("an outbound link is clicked") {
      json e = single(t, s.click("https://www.other.org/offer?token=abc&ref=1", "  Other \n  offer  ", false, "",
                                 "[]", t0 + 1'000));
      THEN("outbound_click: the scrubbed href, the domain without www., the collapsed text, the category") {
        CHECK(e["event"] == "outbound_click");
        CHECK(e["properties"] == json{{"href", "https://www.other.org/offer?ref=1"},
                                      {"domain", "other.org"},
                                      {"text", "Other offer"},
                                      {"link_category", "other"}});
      }
    }
    WHEN("links to a review site and a social network are clicked") {
      json review = single(t, s.click("https://www.trustpilot.com/review/shop", "Reviews", false, "", "[]", t0));
      json social = single(t, s.click("https://m.facebook.com/shop", "Us", false, "", "[]", t0));
      THEN("their categories say so") {
        CHECK(review["properties"]["link_category"] == "review");
        CHECK(social["properties"]["link_category"] == "social");
      }
    }
    WHEN("a link's text is longer than 100 bytes") {
      const std::string text = std::string(99, 'a') + "\xC3\xA9" + "tail";  // é straddles byte 100
      json e = single(t, s.click("https://other.org/", text, false, "", "[]", t0));
      THEN("it is cut before the character that would not fit") {
        CHECK(e["properties"]["text"] == std::string(99, 'a'));
      }
    }
    WHEN("links within the site, a subdomain or an internal domain are clicked") {
      THEN("nothing is sent") {
        CHECK(s.click("https://shop.example.com/about", "About", false, "", "[]", t0) == 0);
        CHECK(s.click("https://blog.example.com/", "Blog", false, "", "[]", t0) == 0);
        CHECK(s.click("https://app.partner.io/", "Partner", false, "", "[]", t0) == 0);
        CHECK(s.click("", "", false, "", "[]", t0) == 0);  // not a link
      }
    }
    WHEN("a file is clicked") {
      json pdf = single(t, s.click("https://shop.example.com/files/Guide.PDF?token=x", "Guide", false, "", "[]", t0));
      json attribute = single(t, s.click("https://shop.example.com/export", "Export", true, "", "[]", t0));
      THEN("file_download with the lower-case extension; the download attribute makes any link one") {
        CHECK(pdf["event"] == "file_download");
        CHECK(pdf["properties"] == json{{"href", "https://shop.example.com/files/Guide.PDF"}, {"extension", "pdf"}});
        CHECK(attribute["properties"] == json{{"href", "https://shop.example.com/export"}, {"extension", ""}});
      }
    }
    WHEN("mailto: and tel: links are clicked") {
      json mail = single(t, s.click("mailto:ann@example.com", "Mail us", false, "", "[]", t0));
      json phone = single(t, s.click("tel:+4712345678", "Call", false, "", "[]", t0));
      THEN("contact_click names the method, never the address") {
        CHECK(mail["event"] == "contact_click");
        CHECK(mail["properties"] == json{{"method", "email"}});
        CHECK(phone["properties"] == json{{"method", "phone"}});
      }
    }
  }
  GIVEN("clicks.outbound and clicks.downloads off") {
    Page page(config_with(R"("clicks":{"outbound":false,"downloads":false})"));
    THEN("outbound links and files send nothing; contacts still do") {
      CHECK(page.signals.click("https://other.org/", "x", false, "", "[]", t0) == 0);
      CHECK(page.signals.click("https://shop.example.com/a.pdf", "x", true, "", "[]", t0) == 0);
      CHECK(page.signals.click("mailto:a@b.c", "x", false, "", "[]", t0) == 1);
    }
  }
}

SCENARIO("A click reaches declared and selector goals once per page view", "[signals]") {
  GIVEN("a selector goal and clicks switched off") {
    Page page(config_with(R"("clicks":false,"goals":[{"name":"hero_cta","selector":"#hero a"}])"));
    Signals& s = page.signals;
    Tracker& t = page.tracker;
    WHEN("a link with data-mt-goal that also matches the selector is clicked") {
      json e = events(t, s.click("https://other.org/", "Go", false, "book_demo", "[0]", t0 + 1'000));
      THEN("both goals fire (the link itself is not reported: clicks are off)") {
        REQUIRE(e.size() == 2);
        CHECK(e[0]["event"] == "book_demo");
        CHECK(e[0]["properties"] == json{{"goal", true}, {"trigger", "click"}});
        CHECK(e[1]["event"] == "hero_cta");
        CHECK(e[1]["properties"] == json{{"goal", true}, {"trigger", "click"}});
      }
      AND_WHEN("they are clicked again on the same page, then on the next") {
        THEN("nothing the second time, both again after a page view") {
          CHECK(s.click("", "", false, "book_demo", "[0]", t0 + 2'000) == 0);
          s.page_view("https://shop.example.com/next", "Next", "", "", true, t0 + 3'000);
          CHECK(s.click("", "", false, "book_demo", "[0]", t0 + 4'000) == 2);
        }
      }
    }
    WHEN("a selector index that names no selector rule comes") {
      THEN("nothing fires") {
        CHECK(s.click("", "", false, "", "[1]", t0) == 0);
        CHECK(s.click("", "", false, "", "[-1]", t0) == 0);
      }
    }
  }
}

SCENARIO("A video plays: start, milestones, pause and completion", "[signals]") {
  enum Signal { Play = 0, Pause = 1, TimeUpdate = 2, Ended = 3, Seeking = 4, Seeked = 5 };
  enum Provider { kHtml5 = 0, kYouTube = 1, kVimeo = 2 };
  const std::string src = "https://cdn.example.com/media/intro.mp4?token=abc";
  GIVEN("a page with a 100 s video") {
    Page page(R"({"collector":"/v1/batch"})");
    Tracker& t = page.tracker;
    auto signal = [&](int kind, double current_s, double at_ms, bool ended = false) {
      return page.signals.media_signal(1, kind, current_s, 100, ended, kHtml5, false, src, "", "", "", "", at_ms);
    };
    WHEN("it plays to 30 s, pauses, then plays to the end") {
      json start = single(t, signal(Play, 0, t0 + 1'000));
      json progress = events(t, signal(TimeUpdate, 30, t0 + 31'000));
      json pause = single(t, signal(Pause, 30, t0 + 31'500));
      CHECK(signal(Play, 30, t0 + 40'000) == 0);  // a resume is no second start
      json rest = events(t, signal(TimeUpdate, 100, t0 + 110'000));
      CHECK(signal(Pause, 100, t0 + 110'001, true) == 0);  // the browser's pause at the end
      json complete = single(t, signal(Ended, 100, t0 + 110'002, true));
      THEN("each event carries the scrubbed src, the file name as title and the duration") {
        CHECK(start["event"] == "video_start");
        CHECK(start["properties"] == json{{"src", "https://cdn.example.com/media/intro.mp4"},
                                          {"title", "intro.mp4"},
                                          {"media_type", "video"},
                                          {"provider", "html5"},
                                          {"duration_s", 100}});
        REQUIRE(progress.size() == 2);
        CHECK(progress[0]["event"] == "video_progress");
        CHECK(progress[0]["properties"]["percent"] == 10);
        CHECK(progress[1]["properties"]["percent"] == 25);
        CHECK(progress[1]["properties"]["current_s"] == 30);
        CHECK(pause["event"] == "video_pause");
        CHECK(pause["properties"]["current_s"] == 30);
        REQUIRE(rest.size() == 3);
        CHECK(rest[2]["properties"]["percent"] == 90);
        CHECK(complete["event"] == "video_complete");
        CHECK_FALSE(complete["properties"].contains("percent"));
      }
    }
    WHEN("the visitor seeks past milestones") {
      signal(Play, 0, t0);
      signal(Seeking, 0, t0 + 1'000);
      CHECK(signal(TimeUpdate, 80, t0 + 1'001) == 0);  // while seeking
      signal(Seeked, 80, t0 + 1'002);
      json after = events(t, signal(TimeUpdate, 91, t0 + 12'000));
      THEN("only the milestone played through fires") {
        REQUIRE(after.size() == 1);
        CHECK(after[0]["properties"]["percent"] == 90);
      }
    }
    WHEN("an <audio> element with a data-mt-title plays") {
      json e = single(t, page.signals.media_signal(2, Play, 0, 60, false, kHtml5, true, src, "Podcast 1", "", "t", "a", t0));
      THEN("its media_type and title say so") {
        CHECK(e["properties"]["media_type"] == "audio");
        CHECK(e["properties"]["title"] == "Podcast 1");
      }
    }
    WHEN("a YouTube embed plays") {
      const std::string embed = "https://www.youtube.com/embed/dQw4w9WgXcQ?enablejsapi=1&origin=https://shop.example";
      auto youtube = [&](int kind, double current_s, double at_ms) {
        return page.signals.media_signal(3, kind, current_s, 212, false, kYouTube, false, embed, "",
                                         "Never Gonna Give You Up", "YouTube video player", "", at_ms);
      };
      json start = single(t, youtube(Play, 0, t0));
      json progress = single(t, youtube(TimeUpdate, 21.5, t0 + 21'500));
      json pause = single(t, youtube(Pause, 21.5, t0 + 22'000));
      THEN("its events carry provider youtube, the player's title and the embed URL") {
        CHECK(start["event"] == "video_start");
        CHECK(start["properties"] == json{{"src", embed},
                                          {"title", "Never Gonna Give You Up"},
                                          {"media_type", "video"},
                                          {"provider", "youtube"},
                                          {"duration_s", 212}});
        CHECK(progress["properties"]["percent"] == 10);
        CHECK(progress["properties"]["provider"] == "youtube");
        CHECK(pause["properties"]["current_s"] == 21.5);
      }
    }
    WHEN("a Vimeo embed without a title of its own plays") {
      json start = single(t, page.signals.media_signal(4, Play, 0, 60, false, kVimeo, false,
                                                       "https://player.vimeo.com/video/76979871?h=8272103f6e", "",
                                                       "", "", "", t0));
      THEN("provider vimeo, and the video id as title") {
        CHECK(start["properties"]["provider"] == "vimeo");
        CHECK(start["properties"]["title"] == "76979871");
      }
    }
    WHEN("a provider number the core does not know comes") {
      THEN("nothing happens") {
        CHECK(page.signals.media_signal(5, Play, 0, 100, false, 3, false, src, "", "", "", "", t0) == 0);
        CHECK(page.signals.media_signal(5, Play, 0, 100, false, -1, false, src, "", "", "", "", t0) == 0);
      }
    }
    WHEN("a signal number the core does not know comes") {
      THEN("nothing happens") { CHECK(page.signals.media_signal(1, 9, 0, 100, false, kHtml5, false, src, "", "", "", "", t0) == 0); }
    }
  }
  GIVEN("video switched off") {
    Page page(config_with(R"("video":false)"));
    THEN("plays send nothing") {
      CHECK(page.signals.media_signal(1, Play, 0, 100, false, kHtml5, false, src, "", "", "", "", t0) == 0);
    }
  }
}

// (autoPageview off: no page event waits in the queue, so next_wake_ms is the detectors'.)
SCENARIO("tick runs the timers: element visibility, heartbeat, engaged-time goals", "[signals]") {
  GIVEN("a visibility rule of 2 s") {
    Page page(config_with(
        R"("autoPageview":false,"engagement":false,"visibility":[{"name":"pricing","selector":"#p","minVisibleMs":2000}])"));
    Signals& s = page.signals;
    WHEN("an element becomes visible") {
      CHECK(s.visibility_change(0, 0, true, t0 + 1'000) == 0);
      THEN("the next wake-up is when it becomes due, and tick fires it then, once") {
        CHECK(s.next_wake_ms() == t0 + 3'000);
        CHECK(s.tick(t0 + 2'999) == 0);
        json e = single(page.tracker, s.tick(t0 + 3'000));
        CHECK(e["event"] == "element_visible");
        CHECK(e["properties"] == json{{"name", "pricing"}, {"visible_ms", 2000}});
        CHECK(s.tick(t0 + 10'000) == 0);
      }
    }
    WHEN("it leaves the viewport before 2 s") {
      s.visibility_change(0, 0, true, t0 + 1'000);
      s.visibility_change(0, 0, false, t0 + 2'000);
      THEN("nothing is due") {
        CHECK(s.next_wake_ms() < 0);
        CHECK(s.tick(t0 + 5'000) == 0);
      }
    }
  }
  GIVEN("an engagement heartbeat of 10 s") {
    Page page(config_with(R"("autoPageview":false,"engagement":{"heartbeatMs":10000})"));
    Signals& s = page.signals;
    THEN("tick at each beat sends the engaged time since the last report") {
      CHECK(s.next_wake_ms() == t0 + 10'000);
      CHECK(s.tick(t0 + 9'999) == 0);
      json beat = single(page.tracker, s.tick(t0 + 10'000));
      CHECK(beat["event"] == "engagement");
      CHECK(beat["properties"] == json{{"engaged_ms", 10000}, {"max_scroll_percent", 0}});
      CHECK(s.tick(t0 + 19'999) == 0);
      CHECK(single(page.tracker, s.tick(t0 + 20'000))["properties"]["engaged_ms"] == 10000);
    }
    WHEN("the page is hidden") {
      json hidden = single(page.tracker, s.page_state(false, false, t0 + 4'000));
      THEN("it reports the engaged time so far, and no heartbeat comes while hidden") {
        CHECK(hidden["properties"]["engaged_ms"] == 4000);
        CHECK(s.tick(t0 + 10'000) == 0);
      }
    }
  }
  GIVEN("a goal of 5 s of engaged time") {
    Page page(config_with(R"("autoPageview":false,"goals":[{"name":"engaged_reader","all":[{"engagedMs":5000}]}])"));
    Signals& s = page.signals;
    THEN("the core asks to be woken every second while it waits, and tick reaches it once") {
      CHECK(s.next_wake_ms() == t0 + 1'000);
      CHECK(s.tick(t0 + 4'000) == 0);
      json e = single(page.tracker, s.tick(t0 + 5'000));
      CHECK(e["event"] == "engaged_reader");
      CHECK(e["properties"] == json{{"goal", true}, {"trigger", "all"}});
      CHECK(s.tick(t0 + 9'000) == 0);
    }
    WHEN("the visitor is idle beyond idleMs before 5 s are engaged") {
      Page idle(config_with(R"("engagement":{"idleMs":2000},"goals":[{"name":"g","all":[{"engagedMs":5000}]}])"));
      THEN("only activity moves the engaged time on") {
        CHECK(idle.signals.tick(t0 + 10'000) == 0);  // 2 s engaged
        CHECK(idle.signals.activity(t0 + 10'000) == 0);
        CHECK(idle.signals.activity(t0 + 12'000) == 0);  // 4 s
        CHECK(idle.signals.activity(t0 + 13'000) == 1);  // 5 s: reached
      }
    }
  }
}

SCENARIO("History navigation: one page view per real change of URL", "[signals]") {
  enum Navigation { Push = 0, Replace = 1, Pop = 2, Hash = 3, Restore = 4 };
  GIVEN("an SPA on / without engagement") {
    Page page(config_with(R"("engagement":false)"), "https://app.example.com/");
    Signals& s = page.signals;
    Tracker& t = page.tracker;
    WHEN("pushState moves to /log") {
      json e = single(t, s.navigate("https://app.example.com/log", "Log", Push, t0 + 1'000));
      THEN("a page view of /log whose referrer is the page left") {
        CHECK(e["type"] == "page");
        CHECK(e["name"] == "Log");
        CHECK(e["properties"]["path"] == "/log");
        CHECK(e["properties"]["referrer"] == "https://app.example.com/");
      }
      AND_WHEN("the back button returns to /") {
        json back = single(t, s.navigate("https://app.example.com/", "App", Pop, t0 + 2'000));
        THEN("another page view, referred by /log") {
          CHECK(back["properties"]["path"] == "/");
          CHECK(back["properties"]["referrer"] == "https://app.example.com/log");
        }
      }
    }
    WHEN("replaceState changes only the query, then the path") {
      const int same_path = s.navigate("https://app.example.com/?tab=2", "App", Replace, t0 + 1'000);
      const int new_path = s.navigate("https://app.example.com/settings", "Settings", Replace, t0 + 2'000);
      THEN("only the new path is a page view") {
        CHECK(same_path == 0);
        CHECK(single(t, new_path)["properties"]["path"] == "/settings");
      }
    }
    WHEN("a pushState to the current URL is followed by its popstate") {
      THEN("neither is a page view") {
        CHECK(s.navigate("https://app.example.com/", "App", Push, t0 + 1'000) == 0);
        CHECK(s.navigate("https://app.example.com/", "App", Pop, t0 + 1'001) == 0);
      }
    }
    WHEN("the hash changes") {
      json e = single(t, s.navigate("https://app.example.com/#/inbox", "App", Hash, t0 + 1'000));
      THEN("a hash route is a page view of its own") { CHECK(e["properties"]["url"] == "https://app.example.com/#/inbox"); }
    }
    WHEN("the page comes back from the bfcache at the same URL") {
      THEN("it is a page view all the same") {
        CHECK(single(t, s.navigate("https://app.example.com/", "App", Restore, t0 + 60'000))["type"] == "page");
      }
    }
  }
  GIVEN("an SPA whose visitor started a form, with engagement on") {
    Page page(R"({"collector":"/v1/batch","engagement":true})", "https://app.example.com/");
    Signals& s = page.signals;
    s.form_edit(1, "settings", "", "name", "text", true, t0 + 100);
    WHEN("pushState moves on") {
      json e = events(page.tracker, s.navigate("https://app.example.com/log", "Log", Push, t0 + 1'000));
      THEN("form_abandon and engagement of the page left, then the new page view") {
        REQUIRE(e.size() == 3);
        CHECK(e[0]["event"] == "form_abandon");
        CHECK(e[0]["properties"]["last_field"] == "name");
        CHECK(e[1]["event"] == "engagement");
        CHECK(e[1]["properties"]["engaged_ms"] == 1000);
        CHECK(e[2]["type"] == "page");
        CHECK(e[2]["context"]["page"]["referrer"] == "https://app.example.com/");
      }
    }
  }
  GIVEN("an inactive tracker") {
    Tracker tracker("{}", kEnv, "", 7, t0);
    Signals s(tracker, t0);
    THEN("navigation sends nothing") { CHECK(s.navigate("https://app.example.com/x", "X", Push, t0) == 0); }
  }
}

SCENARIO("Track calls handed over together become one event each, in order, with their own times", "[signals]") {
  GIVEN("a page view done") {
    Page page(config_with(R"("goals":[{"name":"bought","event":"purchase"}])"));
    WHEN("three calls arrive packed, the last one incomplete") {
      using namespace std::string_literals;
      const std::string packed = "view_item\0{\"sku\":\"a1\"}\0"s + std::to_string(t0 + 5) + "\0"s +
                                 "purchase\0{}\0"s + std::to_string(t0 + 9) + "\0"s + "dropped\0{}\0"s;
      const int accepted = page.signals.track_calls(packed);
      THEN("the two complete calls are tracked in order, the goal reached by the second, nothing of the third") {
        CHECK(accepted == 3);  // view_item, purchase and its goal
        const json list = json::parse(microtrack::json_array(page.tracker.accepted()));
        REQUIRE(list.size() == 2);  // the Tracker's accepted() is the last call's
        CHECK(list[0]["event"] == "purchase");
        CHECK(list[0]["timestamp"] == "2023-11-14T22:13:20.009Z");
        CHECK(list[1]["event"] == "bought");
        const microtrack::String snapshot = page.tracker.snapshot(true);
        CHECK(snapshot.find("2023-11-14T22:13:20.005Z") < snapshot.find("\"purchase\""));  // view_item's time, first
        CHECK(snapshot.find("view_item") < snapshot.find("\"purchase\""));
        CHECK(snapshot.find("dropped") == std::string::npos);
      }
    }
  }
}
