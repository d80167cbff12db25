// json_scan must accept exactly what nlohmann::json::parse accepts (the
// collector answered 400 by nlohmann's verdict before), and read the same
// values: checked against nlohmann itself on tricky texts and on many random
// mutations of an SDK event.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "json_scan.hpp"

namespace {

using nlohmann::json;
namespace scan = microtrack::collector::json_scan;

bool nlohmann_accepts(const std::string& text) { return !json::parse(text, nullptr, false).is_discarded(); }

// Every member as json_scan reads it, parsed by nlohmann, is what nlohmann
// reads (the last of a repeated key), and strings unescape the same.
void check_same_reading(const std::string& text) {
  const json expected = json::parse(text);
  const scan::Object object = scan::Object::of(scan::trim(text));
  CHECK(json::parse(object.text) == expected);
  if (!expected.is_object()) return;
  json rebuilt = json::object();
  for (const scan::Member& member : object.members) {
    rebuilt[member.key] = json::parse(member.value.text);
    if (member.value.is_string()) CHECK(json(*member.value.string()) == rebuilt[member.key]);
  }
  CHECK(rebuilt == expected);
}

const std::string kEvent =
    R"({"type":"track","event":"scroll_depth","messageId":"m-1","anonymousId":"a\"b\\c\u00e9\ud83d\ude00",)"
    R"("timestamp":"2026-11-27T10:00:00.123Z","properties":{"percent":50,"x":-1.5e3,"ok":true,"n":null,"list":[1,[],{}]},)"
    R"("context":{"page":{"path":"/","title":"Fjordbrew – the grinder"},"sessionId":"s1"}})";

}  // namespace

TEST_CASE("json_scan accepts what nlohmann accepts, on tricky texts") {
  const std::string texts[] = {
      "", " ", "{}", "[]", "{ }", "[ ]", "\xEF\xBB\xBF{}", "\xEF\xBB{}", " \xEF\xBB\xBF{}", "{}\0garbage",
      std::string("{}\0garbage", 10), std::string("\0", 1), "{} x", "{},", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}",
      "{\"a\":}", "{a:1}", "{'a':1}", "[01]", "[-]", "[-0]", "[1.]", "[1.5e]", "[1e+5]", "[1E-5]", "[.5]", "[+1]",
      "[1e400]", "[-1e400]", "[1e308]", "[" + std::string(400, '9') + "]", "[" + std::string(300, '9') + "]",
      "[true,false,null]", "[tru]", "[nul]", "[truex]", "[True]", "[\"\\u00e9\"]", "[\"\\u00G9\"]", "[\"\\x\"]",
      "[\"\\ud83d\\ude00\"]", "[\"\\ud83d\"]", "[\"\\ude00\"]", "[\"\\ud83d\\u0041\"]", "[\"a\tb\"]", "[\"a\x7f\"]",
      "[\"\xc3\xa9\"]", "[\"\xc3\"]", "[\"\xc0\x80\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]",
      "[\"\xf0\x9f\x98\x80\"]", "[\"\xe0\x80\xaf\"]", "[\"\xff\"]", "\xc3\xa9", "[[[[[]]]]]", "[[[[[]]]]", "{\"a\":[}",
      "\"just a string\"", "42", "null", "{\"a\":1}\n\r\t ", "{\"a\":1 \x0b}", "{\"\":0}", "{\"a\":1,\"a\":2}",
      "[\"\\/\\b\\f\\n\\r\\t\"]", kEvent, kEvent + "}", kEvent.substr(0, kEvent.size() - 1)};
  for (const std::string& text : texts) {
    CAPTURE(text);
    CHECK(scan::valid(text) == nlohmann_accepts(text));
    if (nlohmann_accepts(text)) check_same_reading(text);
  }
  CHECK(scan::valid(std::string(100000, '[') + std::string(100000, ']')));  // no recursion
}

TEST_CASE("json_scan agrees with nlohmann on random mutations of an event") {
  std::mt19937 random(20261127);
  const std::string alphabet = std::string("{}[]\":,\\ u0123456789eE.-+tfnlrsaA\x01\x7f\xc3\xa9\xed\xf0\xff\0", 41);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = kEvent;
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % text.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<long>(at), c); break;
        default: text.erase(at, 1);
      }
    }
    CAPTURE(text);
    const bool expected = nlohmann_accepts(text);
    REQUIRE(scan::valid(text) == expected);
    if (expected) {
      ++accepted;
      check_same_reading(text);
    }
  }
  CHECK(accepted > 1000);  // the mutations reach both verdicts
}

TEST_CASE("json_scan reads an array's elements as objects") {
  const std::string text = R"([ {"a":1} , 5, "x", {"b":{"c":[1,"]"]}} ])";
  REQUIRE(scan::valid(text));
  const auto elements = scan::elements(scan::trim(text));
  REQUIRE(elements.size() == 4);
  CHECK(elements[0].text == R"({"a":1})");
  CHECK(elements[0].members.size() == 1);
  CHECK_FALSE(elements[1].is_object());
  CHECK(elements[1].text == "5");
  CHECK(elements[2].text == "\"x\"");
  CHECK(elements[3].find("b")->text == R"({"c":[1,"]"]})");
}
