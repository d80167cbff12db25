// microtrack::Vector: the core's growable list (std::vector's meanings for
// the part of its interface the core uses).
#include <string>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "microtrack/string.hpp"
#include "microtrack/vector.hpp"

using microtrack::String;
using microtrack::Vector;
using mt_test::items_of;

namespace {

// Counts the items alive, so that a test sees each destroyed exactly once.
struct Counted {
  static int alive;
  int value;
  explicit Counted(int v) : value(v) { ++alive; }
  Counted(Counted&& other) noexcept : value(other.value) { ++alive; }
  Counted& operator=(Counted&& other) noexcept {
    value = other.value;
    return *this;
  }
  ~Counted() { --alive; }
};
int Counted::alive = 0;

}  // namespace

TEST_CASE("A Vector keeps its items in order through many growths", "[vector]") {
  Vector<String> v;
  CHECK(v.empty());
  std::vector<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    String item = "item ";
    item += static_cast<char>('a' + i % 26);
    expected.emplace_back(item.view());
    v.push_back(std::move(item));
    REQUIRE(v.size() == expected.size());
  }
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(v[i].view() == expected[i]);
  CHECK(v.back().view() == expected.back());
  std::size_t walked = 0;
  for (const String& item : v) CHECK(item.view() == expected[walked++]);
  CHECK(walked == expected.size());
}

TEST_CASE("A Vector is built from a list or as N zeros", "[vector]") {
  CHECK(items_of(Vector<double>{25, 50, 75}) == std::vector<double>{25, 50, 75});
  CHECK(items_of(Vector<double>(3)) == std::vector<double>{0, 0, 0});
  CHECK(Vector<double>(std::size_t{0}).empty());
}

TEST_CASE("Every item is destroyed once: by pop_back, clear, a move and the Vector's end", "[vector]") {
  Counted::alive = 0;
  {
    Vector<Counted> v;
    for (int i = 0; i < 37; ++i) v.push_back(Counted(i));  // through several growths
    CHECK(Counted::alive == 37);
    v.pop_back();
    CHECK(Counted::alive == 36);
    CHECK(v.back().value == 35);

    Vector<Counted> other;
    other.push_back(Counted(100));
    other = std::move(v);  // takes v's items; v takes other's old one
    CHECK(other.size() == 36);
    CHECK(other[0].value == 0);
    CHECK(v.size() == 1);
    CHECK(v[0].value == 100);
    CHECK(Counted::alive == 37);

    v.clear();
    CHECK(v.empty());
    CHECK(Counted::alive == 36);

    Vector<Counted> moved(std::move(other));
    CHECK(moved.size() == 36);
    CHECK(other.empty());
  }
  CHECK(Counted::alive == 0);
}

TEST_CASE("swap exchanges the items of two Vectors", "[vector]") {
  Vector<double> a{1, 2}, b{3};
  a.swap(b);
  CHECK(items_of(a) == std::vector<double>{3});
  CHECK(items_of(b) == std::vector<double>{1, 2});
}
