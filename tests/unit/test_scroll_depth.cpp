// ScrollDepth (CONTRACT §3 scroll_depth): the bottom of the viewport first
// reaching each threshold % of the document height, once per page view.
#include <algorithm>
#include <vector>

#include "helpers.hpp"
#include "microtrack/scroll_depth.hpp"

using microtrack::ScrollDepth;
using Fired = std::vector<double>;

namespace {

const microtrack::Vector<double> kDefaults{25, 50, 75, 90, 100};
// A 3200 px document seen through an 800 px viewport: the bottom of the
// viewport is at (scroll_top + 800) / 3200 of the document.
constexpr double kViewport = 800;
constexpr double kDocument = 3200;

// The thresholds one sample reaches, as a list to compare.
Fired sample(ScrollDepth& s, double scroll_top_px, double viewport_px, double document_px) {
  auto reached = s.on_sample(scroll_top_px, viewport_px, document_px);
  return Fired(reached.begin(), reached.end());
}

}  // namespace

TEST_CASE("The first sample fires the thresholds the viewport bottom already reaches",
          "[scroll]") {
  ScrollDepth s(kDefaults);
  SECTION("at the top of a tall page the bottom is at 25 %") {
    CHECK(sample(s, 0, kViewport, kDocument) == Fired{25});
    CHECK(s.max_percent() == Approx(25));
  }
  SECTION("just short of a threshold fires nothing") {
    CHECK(sample(s, 0, kViewport, 3300) == Fired{});
    CHECK(s.max_percent() == Approx(800.0 / 3300 * 100));
  }
}

TEST_CASE("Crossing several thresholds at once fires each, ascending", "[scroll]") {
  ScrollDepth s(kDefaults);
  SECTION("a jump from the top to 75 %") {
    CHECK(sample(s, 1600, kViewport, kDocument) == Fired{25, 50, 75});
  }
  SECTION("a jump straight to the bottom") {
    CHECK(sample(s, 2400, kViewport, kDocument) == Fired{25, 50, 75, 90, 100});
    CHECK(s.max_percent() == Approx(100));
  }
}

TEST_CASE("A threshold fires once per page view", "[scroll]") {
  ScrollDepth s(kDefaults);
  REQUIRE(sample(s, 800, kViewport, kDocument) == Fired{25, 50});
  SECTION("the same position again fires nothing") {
    CHECK(sample(s, 800, kViewport, kDocument) == Fired{});
  }
  SECTION("scrolling up and back down fires nothing") {
    CHECK(sample(s, 0, kViewport, kDocument) == Fired{});
    CHECK(sample(s, 800, kViewport, kDocument) == Fired{});
    CHECK(s.max_percent() == Approx(50));
  }
  SECTION("scrolling further fires only the new thresholds") {
    CHECK(sample(s, 1200, kViewport, kDocument) == Fired{});
    CHECK(sample(s, 1600, kViewport, kDocument) == Fired{75});
    CHECK(sample(s, 2400, kViewport, kDocument) == Fired{90, 100});
    CHECK(sample(s, 2400, kViewport, kDocument) == Fired{});
  }
}

TEST_CASE("A document that fits the viewport fires nothing", "[scroll]") {
  ScrollDepth s(kDefaults);
  SECTION("exactly as tall as the viewport") {
    CHECK(sample(s, 0, 800, 800) == Fired{});
    CHECK(s.max_percent() == 0);
  }
  SECTION("shorter than the viewport") {
    CHECK(sample(s, 0, 800, 500) == Fired{});
    CHECK(s.max_percent() == 0);
  }
  SECTION("an empty document does not divide by zero") {
    CHECK(sample(s, 0, 0, 0) == Fired{});
    CHECK(s.max_percent() == 0);
  }
  SECTION("content that grows later is measured from then on") {
    REQUIRE(sample(s, 0, 800, 800) == Fired{});
    CHECK(sample(s, 0, 800, 1600) == Fired{25, 50});
  }
}

TEST_CASE("A 1 px tolerance absorbs fractional scroll at the very bottom", "[scroll]") {
  ScrollDepth s(kDefaults);
  REQUIRE(sample(s, 1600, kViewport, kDocument) == Fired{25, 50, 75});
  SECTION("half a pixel short of the bottom counts as the bottom") {
    CHECK(sample(s, 2399.5, kViewport, kDocument) == Fired{90, 100});
  }
  SECTION("two pixels short of the bottom does not") {
    CHECK(sample(s, 2398, kViewport, kDocument) == Fired{90});
  }
}

TEST_CASE("max_percent is the deepest point, never above 100", "[scroll]") {
  ScrollDepth s(kDefaults);
  sample(s, 400, kViewport, kDocument);
  CHECK(s.max_percent() == Approx(37.5));
  sample(s, 0, kViewport, kDocument);
  CHECK(s.max_percent() == Approx(37.5));
  SECTION("elastic overscroll past the bottom counts as 100") {
    sample(s, 2600, kViewport, kDocument);
    CHECK(s.max_percent() == Approx(100));
  }
}

TEST_CASE("reset starts a new page view in which every threshold fires again", "[scroll]") {
  ScrollDepth s(kDefaults);
  REQUIRE(sample(s, 2400, kViewport, kDocument) == mt_test::items_of(kDefaults));
  s.reset();
  CHECK(s.max_percent() == 0);
  CHECK(sample(s, 800, kViewport, kDocument) == Fired{25, 50});
  CHECK(sample(s, 2400, kViewport, kDocument) == Fired{75, 90, 100});
}

TEST_CASE("Custom thresholds are used instead of the defaults", "[scroll]") {
  const microtrack::Vector<double> custom{10, 60};
  ScrollDepth s(custom);
  CHECK(sample(s, 0, kViewport, kDocument) == Fired{10});
  CHECK(sample(s, 1600, kViewport, kDocument) == Fired{60});
  CHECK(sample(s, 2400, kViewport, kDocument) == Fired{});
}

TEST_CASE("next_bottom_px names the viewport bottom that reaches the next threshold", "[scroll]") {
  ScrollDepth s(kDefaults);
  SECTION("before any sample every sample is worth one") { CHECK(s.next_bottom_px() == 0); }
  SECTION("after a sample: the next threshold of that document, less the 1 px tolerance") {
    REQUIRE(sample(s, 0, kViewport, kDocument) == Fired{25});
    CHECK(s.next_bottom_px() == 1599);  // 50 % of 3200 px
    REQUIRE(sample(s, 799, kViewport, kDocument) == Fired{50});
    CHECK(s.next_bottom_px() == 2399);  // 75 %
    CHECK(sample(s, 798.5, kViewport, kDocument) == Fired{});  // just above it: nothing
    CHECK(sample(s, 1599, kViewport, kDocument) == Fired{75});  // exactly at it
  }
  SECTION("none left once the bottom was reached") {
    REQUIRE(sample(s, 2400, kViewport, kDocument) == mt_test::items_of(kDefaults));
    CHECK(s.next_bottom_px() == -1);
  }
  SECTION("every threshold reached short of the end: the end (less 1 px) until the deepest point is there") {
    const microtrack::Vector<double> custom{10, 60};
    ScrollDepth c(custom);
    REQUIRE(sample(c, 1600, kViewport, kDocument) == mt_test::items_of(custom));  // 75 %
    CHECK(c.next_bottom_px() == 3199);
    CHECK(sample(c, 2000, kViewport, kDocument) == Fired{});  // deeper, short of the end
    CHECK(c.next_bottom_px() == 3199);
    CHECK(sample(c, 2399.5, kViewport, kDocument) == Fired{});  // the end, within the tolerance
    CHECK(c.next_bottom_px() == -1);
    CHECK(c.max_percent() == Approx(100).epsilon(0.001));
  }
  SECTION("a document that fits its viewport has none; one that grows has one again") {
    REQUIRE(sample(s, 0, 800, 800) == Fired{});
    CHECK(s.next_bottom_px() == -1);
    REQUIRE(sample(s, 0, 800, 1600) == Fired{25, 50});
    CHECK(s.next_bottom_px() == 1199);  // 75 % of 1600 px
  }
  SECTION("another document height moves it") {
    REQUIRE(sample(s, 0, kViewport, kDocument) == Fired{25});
    REQUIRE(sample(s, 0, kViewport, 6400) == Fired{});
    CHECK(s.next_bottom_px() == 3199);  // 50 % of 6400 px
  }
  SECTION("after reset (a new page view) any sample is worth one again") {
    REQUIRE(sample(s, 800, kViewport, kDocument) == Fired{25, 50});
    s.reset();
    CHECK(s.next_bottom_px() == 0);
    CHECK(sample(s, 800, kViewport, kDocument) == Fired{25, 50});
    CHECK(s.next_bottom_px() == 2399);
  }
}

TEST_CASE("next_bottom_px(ahead) names the positions after the next, ascending, as the heights stand", "[scroll]") {
  ScrollDepth s(kDefaults);
  SECTION("before any sample only the first is named: any sample") {
    CHECK(s.next_bottom_px(0) == 0);
    CHECK(s.next_bottom_px(1) == -1);
  }
  SECTION("each threshold not reached, then none") {
    REQUIRE(sample(s, 0, kViewport, kDocument) == Fired{25});
    CHECK(s.next_bottom_px(0) == 1599);  // 50 %
    CHECK(s.next_bottom_px(1) == 2399);  // 75 %
    CHECK(s.next_bottom_px(2) == 2879);  // 90 %
    CHECK(s.next_bottom_px(3) == 3199);  // 100 %
    CHECK(s.next_bottom_px(4) == -1);
    CHECK(s.next_bottom_px(99) == -1);
    CHECK(s.next_bottom_px(static_cast<std::size_t>(-1)) == -1);  // no overflow into a threshold
    REQUIRE(sample(s, 1599, kViewport, kDocument) == Fired{50, 75});
    CHECK(s.next_bottom_px(0) == 2879);
    CHECK(s.next_bottom_px(1) == 3199);
    CHECK(s.next_bottom_px(2) == -1);
  }
  SECTION("thresholds short of the end: the end (less 1 px) is named once they are reached, until the deepest point is there") {
    const microtrack::Vector<double> custom{10, 60};
    ScrollDepth c(custom);
    REQUIRE(sample(c, 0, kViewport, kDocument) == Fired{10});
    CHECK(c.next_bottom_px(0) == 1919);  // 60 %
    CHECK(c.next_bottom_px(1) == -1);
    REQUIRE(sample(c, 1200, kViewport, kDocument) == Fired{60});
    CHECK(c.next_bottom_px(0) == 3199);  // the end
    CHECK(c.next_bottom_px(1) == -1);
    REQUIRE(sample(c, 2399.5, kViewport, kDocument) == Fired{});
    CHECK(c.next_bottom_px(0) == -1);
    CHECK(c.next_bottom_px(1) == -1);
  }
  SECTION("a document that fits its viewport has none") {
    REQUIRE(sample(s, 0, 800, 800) == Fired{});
    CHECK(s.next_bottom_px(0) == -1);
    CHECK(s.next_bottom_px(1) == -1);
  }
}

// What the loader does with next_bottom_px: a sample crosses to the core
// only when its bottom reaches that position or its heights differ from the
// last sample sent. Against a core that sees every sample, on a scripted
// session (slow scrolling, fast jumps past several thresholds, a resize that
// changes the document height, scrolling up, a new page view), the same
// thresholds fire at the same samples, and max_percent agrees once the
// deepest sample kept back is handed over.
TEST_CASE("Sending only the samples that reach next_bottom_px fires exactly what every sample fires", "[scroll]") {
  struct Sample { double top, viewport, document; };
  std::vector<Sample> session;
  for (double top = 0; top <= 700; top += 7) session.push_back({top, 800, 3200});     // slow, 25 % then 50 % near 800
  session.push_back({2000, 800, 3200});                                                // a jump past 75 and 90
  for (double top = 2000; top >= 0; top -= 50) session.push_back({top, 800, 3200});    // back up
  for (double top = 0; top <= 1500; top += 30) session.push_back({top, 800, 5000});    // the page grew
  for (double top = 1500; top <= 2500; top += 10) session.push_back({top, 600, 5000}); // the viewport shrank
  session.push_back({4400, 600, 5000});                                                // to the bottom
  session.push_back({4401, 600, 5000});

  for (bool new_view_halfway : {false, true}) {
    CAPTURE(new_view_halfway);
    ScrollDepth every(kDefaults), sent(kDefaults);
    double viewport = -1, document = -1, deepest_kept = -1;
    Sample kept{};
    for (std::size_t i = 0; i < session.size(); ++i) {
      if (new_view_halfway && i == session.size() / 2) {
        if (deepest_kept >= 0) sample(sent, kept.top, kept.viewport, kept.document);  // handed over first
        every.reset();
        sent.reset();
        deepest_kept = -1;
      }
      const Sample& x = session[i];
      CAPTURE(i, x.top, x.viewport, x.document);
      Fired expected = sample(every, x.top, x.viewport, x.document);
      double bottom = std::max(0.0, x.top) + x.viewport;
      double next = sent.next_bottom_px();
      if (x.viewport != viewport || x.document != document || (next >= 0 && bottom >= next)) {
        CHECK(sample(sent, x.top, x.viewport, x.document) == expected);
        viewport = x.viewport;
        document = x.document;
        deepest_kept = -1;
      } else {
        CHECK(expected == Fired{});
        if (bottom > deepest_kept) {
          deepest_kept = bottom;
          kept = x;
        }
      }
    }
    if (deepest_kept >= 0) sample(sent, kept.top, kept.viewport, kept.document);
    CHECK(sent.max_percent() == Approx(every.max_percent()));
  }
}
