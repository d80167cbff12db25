// MediaTracker (CONTRACT §3 video_start, video_progress, video_pause,
// video_complete): which events a media element's signals cause, once per
// page view per element and milestone. Positions are a literal timeline in
// seconds of a 100 s clip, so a position is also its percent.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/media.hpp"

using microtrack::media_title;
using microtrack::MediaMoments;
using microtrack::MediaSignal;
using microtrack::MediaTracker;

namespace {

const std::vector<double> kMilestones{25, 50, 75, 90};
constexpr double kDuration = 100;  // seconds: current_s is the percent
constexpr int kVideo = 1;
constexpr int kOther = 2;
const double kInfinity = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// "video_start", "video_progress 50", … : one readable string per moment.
std::vector<std::string> names(const MediaMoments& moments) {
  std::vector<std::string> out;
  for (const auto& m : moments) {
    std::string name = m.event;
    if (name == "video_progress") name += " " + std::to_string(static_cast<int>(m.percent));
    out.push_back(name);
  }
  return out;
}
using Names = std::vector<std::string>;

MediaMoments play(MediaTracker& t, double at_s, int id = kVideo, double duration = kDuration) {
  return t.on_signal(id, MediaSignal::Play, at_s, duration, false);
}
MediaMoments tick(MediaTracker& t, double at_s, int id = kVideo, double duration = kDuration) {
  return t.on_signal(id, MediaSignal::TimeUpdate, at_s, duration, false);
}
MediaMoments pause(MediaTracker& t, double at_s, bool ended = false, int id = kVideo) {
  return t.on_signal(id, MediaSignal::Pause, at_s, kDuration, ended);
}
MediaMoments ended(MediaTracker& t, int id = kVideo) {
  return t.on_signal(id, MediaSignal::Ended, kDuration, kDuration, true);
}
// A seek as browsers report it: seeking, a timeupdate at the new position
// (sent while still seeking), then seeked.
Names seek(MediaTracker& t, double to_s, int id = kVideo) {
  Names out;
  for (const auto& n : names(t.on_signal(id, MediaSignal::Seeking, to_s, kDuration, false))) out.push_back(n);
  for (const auto& n : names(tick(t, to_s, id))) out.push_back(n);
  for (const auto& n : names(t.on_signal(id, MediaSignal::Seeked, to_s, kDuration, false))) out.push_back(n);
  return out;
}

}  // namespace

TEST_CASE("video_start fires on the first play of an element in a page view", "[media]") {
  MediaTracker t(kMilestones);
  REQUIRE(names(play(t, 0)) == Names{"video_start"});
  SECTION("a play after a pause is not a second start") {
    CHECK(names(pause(t, 10)) == Names{"video_pause"});
    CHECK(names(play(t, 10)) == Names{});
  }
  SECTION("a play after the end is not a second start") {
    tick(t, 100);
    ended(t);
    CHECK(names(play(t, 0)) == Names{});
  }
  SECTION("another element starts on its own") {
    CHECK(names(play(t, 0, kOther)) == Names{"video_start"});
    CHECK(names(play(t, 0, kOther)) == Names{});
  }
}

SCENARIO("Progress milestones are reached by playback, not by seeking", "[media]") {
  GIVEN("a 100 s video that started playing") {
    MediaTracker t(kMilestones);
    REQUIRE(names(play(t, 0)) == Names{"video_start"});
    REQUIRE(names(tick(t, 10)) == Names{});

    WHEN("playback passes 25 %") {
      THEN("25 fires, once") {
        CHECK(names(tick(t, 25.2)) == Names{"video_progress 25"});
        CHECK(names(tick(t, 26)) == Names{});
      }
    }
    WHEN("the visitor seeks past 50 % and keeps watching") {
      CHECK(seek(t, 60) == Names{});
      THEN("neither 25 nor 50 fires") { CHECK(names(tick(t, 61)) == Names{}); }
      AND_THEN("playback passing 75 fires 75 only") { CHECK(names(tick(t, 75.5)) == Names{"video_progress 75"}); }
    }
    WHEN("the visitor seeks past 50 %, back to 40 %, and plays through 50 %") {
      REQUIRE(seek(t, 60) == Names{});
      REQUIRE(seek(t, 40) == Names{});
      THEN("50 fires, and 25 (jumped over twice) does not") {
        CHECK(names(tick(t, 45)) == Names{});
        CHECK(names(tick(t, 50.3)) == Names{"video_progress 50"});
      }
    }
    WHEN("the visitor seeks back to the start and plays through 25 %") {
      REQUIRE(seek(t, 60) == Names{});
      REQUIRE(seek(t, 0) == Names{});
      THEN("the milestone skipped earlier fires when really played") {
        CHECK(names(tick(t, 25)) == Names{"video_progress 25"});
      }
    }
    WHEN("a milestone already reached is played through again after a seek back") {
      REQUIRE(names(tick(t, 30)) == Names{"video_progress 25"});
      REQUIRE(seek(t, 5) == Names{});
      THEN("it does not fire again") { CHECK(names(tick(t, 30)) == Names{}); }
    }
  }
}

TEST_CASE("Several milestones passed in one timeupdate fire each, ascending", "[media]") {
  MediaTracker t(kMilestones);
  play(t, 0);
  SECTION("from 0 % to 80 % (a slow timeupdate, a background tab)") {
    CHECK(names(tick(t, 80)) == Names{"video_progress 25", "video_progress 50", "video_progress 75"});
  }
  SECTION("to the very end fires every milestone, 90 included") {
    CHECK(names(tick(t, 100)) ==
          Names{"video_progress 25", "video_progress 50", "video_progress 75", "video_progress 90"});
  }
  SECTION("each moment carries its milestone percent") {
    const MediaMoments m = tick(t, 55);
    REQUIRE(m.size() == 2);
    CHECK(std::string(m[0].event) == "video_progress");
    CHECK(m[0].percent == 25);
    CHECK(m[1].percent == 50);
  }
}

TEST_CASE("Progress is measured against the duration, whatever its length", "[media]") {
  MediaTracker t(kMilestones);
  play(t, 0, kVideo, 8);
  CHECK(names(tick(t, 1.9, kVideo, 8)) == Names{});
  CHECK(names(tick(t, 2.0, kVideo, 8)) == Names{"video_progress 25"});
  CHECK(names(tick(t, 4.1, kVideo, 8)) == Names{"video_progress 50"});
}

TEST_CASE("A live stream gives a start and pauses but no progress", "[media]") {
  MediaTracker t(kMilestones);
  SECTION("an infinite duration") {
    CHECK(names(play(t, 0, kVideo, kInfinity)) == Names{"video_start"});
    CHECK(names(tick(t, 500, kVideo, kInfinity)) == Names{});
    CHECK(names(tick(t, 5000, kVideo, kInfinity)) == Names{});
  }
  SECTION("a NaN duration (metadata not loaded)") {
    CHECK(names(play(t, 0, kVideo, kNaN)) == Names{"video_start"});
    CHECK(names(tick(t, 60, kVideo, kNaN)) == Names{});
  }
  SECTION("a zero duration does not divide by zero") {
    CHECK(names(play(t, 0, kVideo, 0)) == Names{"video_start"});
    CHECK(names(tick(t, 3, kVideo, 0)) == Names{});
  }
  CHECK(names(t.on_signal(kVideo, MediaSignal::Pause, 30, kInfinity, false)) == Names{"video_pause"});
}

TEST_CASE("Timeupdates before the first play fire no progress", "[media]") {
  MediaTracker t(kMilestones);
  CHECK(names(tick(t, 60)) == Names{});
  CHECK(names(play(t, 60)) == Names{"video_start"});
}

TEST_CASE("A pause is a video_pause unless it is the pause at the end", "[media]") {
  MediaTracker t(kMilestones);
  play(t, 0);
  SECTION("a pause mid-way") { CHECK(names(pause(t, 42)) == Names{"video_pause"}); }
  SECTION("each real pause is reported") {
    CHECK(names(pause(t, 10)) == Names{"video_pause"});
    play(t, 10);
    CHECK(names(pause(t, 20)) == Names{"video_pause"});
  }
  SECTION("the pause browsers send at the end (ended = true) is not") {
    tick(t, 100);
    CHECK(names(pause(t, 100, true)) == Names{});
    CHECK(names(ended(t)) == Names{"video_complete"});
  }
}

TEST_CASE("A pause before any play is not reported", "[media]") {
  MediaTracker t(kMilestones);
  CHECK(names(pause(t, 0)) == Names{});
}

TEST_CASE("video_complete fires once per element and page view", "[media]") {
  MediaTracker t(kMilestones);
  play(t, 0);
  tick(t, 100);
  REQUIRE(names(ended(t)) == Names{"video_complete"});
  SECTION("a second end (the visitor replays it) is not reported") {
    play(t, 0);
    tick(t, 100);
    CHECK(names(ended(t)) == Names{});
  }
  SECTION("another element completes on its own") {
    play(t, 0, kOther);
    CHECK(names(ended(t, kOther)) == Names{"video_complete"});
  }
}

TEST_CASE("reset starts a new page view in which every event fires again", "[media]") {
  MediaTracker t(kMilestones);
  play(t, 0);
  tick(t, 100);
  ended(t);
  t.reset();
  CHECK(names(play(t, 0)) == Names{"video_start"});
  CHECK(names(tick(t, 30)) == Names{"video_progress 25"});
  CHECK(names(pause(t, 30)) == Names{"video_pause"});
  CHECK(names(tick(t, 100)) == Names{"video_progress 50", "video_progress 75", "video_progress 90"});
  CHECK(names(ended(t)) == Names{"video_complete"});
}

TEST_CASE("Elements beyond the 32 first of a page view are not tracked", "[media]") {
  MediaTracker t(kMilestones);
  for (int id = 1; id <= 32; ++id) REQUIRE(names(play(t, 0, id)) == Names{"video_start"});
  SECTION("the 33rd element fires nothing") {
    CHECK(names(play(t, 0, 33)) == Names{});
    CHECK(names(tick(t, 60, 33)) == Names{});
    CHECK(names(ended(t, 33)) == Names{});
  }
  SECTION("the 32 tracked ones still work") {
    CHECK(names(tick(t, 30, 32)) == Names{"video_progress 25"});
  }
  SECTION("after reset a new element is tracked again") {
    t.reset();
    CHECK(names(play(t, 0, 33)) == Names{"video_start"});
  }
}

TEST_CASE("Only the first 32 milestones are used", "[media]") {
  std::vector<double> many;
  for (int i = 1; i <= 40; ++i) many.push_back(i * 2.5);  // 2.5 … 100
  MediaTracker t(many);
  play(t, 0);
  const MediaMoments m = tick(t, 100);
  REQUIRE(m.size() == 32);
  CHECK(m[0].percent == 2.5);
  CHECK(m[31].percent == 80);
}

TEST_CASE("media_title takes the first non-empty of data-mt-title, title and aria-label", "[media]") {
  const char* src = "https://cdn.example.com/media/hero.webm";
  SECTION("data-mt-title first") { CHECK(media_title("Launch film", "Title", "Aria", src) == "Launch film"); }
  SECTION("then title") { CHECK(media_title("", "Title", "Aria", src) == "Title"); }
  SECTION("then aria-label") { CHECK(media_title("", "", "Aria", src) == "Aria"); }
  SECTION("then the file name of src") { CHECK(media_title("", "", "", src) == "hero.webm"); }
}

TEST_CASE("media_title's file name drops the query and the fragment", "[media]") {
  SECTION("a query") { CHECK(media_title("", "", "", "https://cdn.example.com/v/hero.webm?token=abc") == "hero.webm"); }
  SECTION("a media fragment") { CHECK(media_title("", "", "", "https://cdn.example.com/v/intro.mp4#t=10,20") == "intro.mp4"); }
  SECTION("both, with a slash inside the query") {
    CHECK(media_title("", "", "", "https://cdn.example.com/a/podcast.mp3?ref=/feed/x#t=5") == "podcast.mp3");
  }
  SECTION("a relative src with no directory") { CHECK(media_title("", "", "", "clip.ogg") == "clip.ogg"); }
  SECTION("no src at all") { CHECK(media_title("", "", "", "") == ""); }
}

// Regression (found by this test, fixed): Play does not set the position playback
// starts from, so the first timeupdate after a first play from 60 % (a
// `#t=60` media fragment, a resumed position, the SDK attaching to an element
// part-way) credits 25 and 50 as "passed by playback" although they were
// never played. media.hpp: "Milestones fire when playback passes them, not a
// seek." Kept in the suite as  so it is visible without failing it.
TEST_CASE("A first play from part-way through credits no milestone before that position", "[media]") {
  MediaTracker t(kMilestones);
  REQUIRE(names(play(t, 60)) == Names{"video_start"});
  CHECK(names(tick(t, 61)) == Names{});
  CHECK(names(tick(t, 76)) == Names{"video_progress 75"});
}
