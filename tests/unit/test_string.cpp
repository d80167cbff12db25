// microtrack::String: the core's one owned string (std::string's meanings
// for the part of its interface the core uses, without its short-string
// layout).
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "helpers.hpp"
#include "microtrack/string.hpp"

using microtrack::String;

TEST_CASE("A String starts empty and reads as an empty view", "[string]") {
  const String s;
  CHECK(s.empty());
  CHECK(s.size() == 0);
  CHECK(s.view() == "");
  CHECK(std::strcmp(s.c_str(), "") == 0);
  CHECK(s == "");
}

TEST_CASE("Appends keep every byte through many growths, '\\0' included", "[string]") {
  String s;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const char c = static_cast<char>('a' + i % 26);
    s += c;
    expected += c;
    if (i % 7 == 0) {
      s += "xyz";
      expected += "xyz";
    }
  }
  s.append("\0z", 2);
  expected.append("\0z", 2);
  CHECK(s.size() == expected.size());
  CHECK(s.view() == expected);
  CHECK(s.back() == 'z');
}

TEST_CASE("A String appended to itself or assigned a part of itself copies before it changes", "[string]") {
  String s = "abcdefgh";
  SECTION("appending the whole string, which grows it") {
    s += s;
    CHECK(s == "abcdefghabcdefgh");
  }
  SECTION("appending a part of it") {
    s += s.view().substr(2, 3);
    CHECK(s == "abcdefghcde");
  }
  SECTION("assigning a part of it") {
    s = s.view().substr(3);
    CHECK(s == "defgh");
    s = s.view().substr(0, 2);
    CHECK(s == "de");
  }
}

TEST_CASE("Copies are independent; a moved-from String is empty and usable", "[string]") {
  String a = "one";
  String b = a;
  b += " two";
  CHECK(a == "one");
  CHECK(b == "one two");

  String c = std::move(b);
  CHECK(c == "one two");
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move): the state after a move is part of the contract here
  b += "again";
  CHECK(b == "again");

  a = std::move(c);
  CHECK(a == "one two");
  CHECK(c.empty());  // NOLINT(bugprone-use-after-move)
  c += "three";
  CHECK(c == "three");
  a = a;  // self-assignment keeps the text
  CHECK(a == "one two");
}

TEST_CASE("clear, pop_back and erase remove text and keep the String usable", "[string]") {
  String s = "hello, world";
  s.pop_back();
  CHECK(s == "hello, worl");
  s.erase(0, 7);
  CHECK(s == "worl");
  s.erase(2);
  CHECK(s == "wo");
  s.erase(1, 100);  // more than is left
  CHECK(s == "w");
  s.clear();
  CHECK(s.empty());
  CHECK(std::strcmp(s.c_str(), "") == 0);
  s += "again";
  CHECK(std::strcmp(s.c_str(), "again") == 0);
}

TEST_CASE("A String reads, searches and compares as its text", "[string]") {
  String s("a=1&b=2", 7);
  CHECK(s.find('&') == 3);
  CHECK(s.find('#') == String::npos);
  CHECK(s.find("b=") == 4);
  CHECK(s.substr(4) == "b=2");
  CHECK(s.substr(0, 3) == std::string_view("a=1"));
  CHECK(s[2] == '1');
  for (char& c : s) c = c == '&' ? ';' : c;
  CHECK(s == "a=1;b=2");
  CHECK(s != "a=1&b=2");
  CHECK(String("2023-01-01") < String("2023-01-02"));
  CHECK_FALSE(String("b") < String("a"));
  CHECK(String(std::string_view("view")) == String("view"));
}
