// ScrollDepth (CONTRACT §3 scroll_depth): the bottom of the viewport first
// reaching each threshold % of the document height, once per page view.
#include <vector>

#include "helpers.hpp"
#include "microtrack/scroll_depth.hpp"

using microtrack::ScrollDepth;
using Fired = std::vector<double>;

namespace {

const Fired kDefaults{25, 50, 75, 90, 100};
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
  REQUIRE(sample(s, 2400, kViewport, kDocument) == kDefaults);
  s.reset();
  CHECK(s.max_percent() == 0);
  CHECK(sample(s, 800, kViewport, kDocument) == Fired{25, 50});
  CHECK(sample(s, 2400, kViewport, kDocument) == Fired{75, 90, 100});
}

TEST_CASE("Custom thresholds are used instead of the defaults", "[scroll]") {
  const Fired custom{10, 60};
  ScrollDepth s(custom);
  CHECK(sample(s, 0, kViewport, kDocument) == Fired{10});
  CHECK(sample(s, 1600, kViewport, kDocument) == Fired{60});
  CHECK(sample(s, 2400, kViewport, kDocument) == Fired{});
}
