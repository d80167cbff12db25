// Ingest limits: json_scan::inspect (depth, UTF-8, string lengths, without
// recursion) and check_limits, the per-event verdict.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "json_scan.hpp"
#include "validate.hpp"

namespace mc = microtrack::collector;
namespace js = microtrack::collector::json_scan;
using Result = js::Inspection::Result;

namespace {

constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);

js::Inspection inspect(const std::string& text, std::size_t max_depth = kNoLimit) { return js::inspect(text, max_depth); }

// An SDK-like event with `extra` members added at the end.
std::string event_text(const std::string& extra = "") {
  return R"({"type":"track","event":"e","messageId":"m1","anonymousId":"a","timestamp":"2026-11-27T10:00:00.000Z",)"
         R"("context":{"page":{"path":"/"}})" + extra + "}";
}

std::optional<std::string> verdict(const std::string& text, std::size_t index = 0, mc::IngestLimits limits = {}) {
  const js::Object event = js::Object::of(text);
  return mc::check_limits(event, index, limits, inspect(text, mc::kMaxBodyDepth));
}

}  // namespace

TEST_CASE("inspect measures nesting, strings and UTF-8") {
  struct Row {
    std::string text;
    Result result;
    bool utf8;
    std::size_t depth, longest;
  };
  const Row rows[] = {
      {"1", Result::json, true, 0, 0},
      {"\"abc\"", Result::json, true, 0, 3},
      {"[]", Result::json, true, 1, 0},
      {"{\"a\":[{}]}", Result::json, true, 3, 1},
      {"[[1],[[2]]]", Result::json, true, 3, 0},
      {"{\"k\":\"\\u00e9\\n\"}", Result::json, true, 1, 8},  // escapes count as written
      {"{\"k\":\"\xC3\xA9\"}", Result::json, true, 1, 2},    // é: two bytes
      {"{\"k\":\"\xFF\"}", Result::json, false, 1, 1},       // not UTF-8, still JSON
      {"{\"\xC3\":1}", Result::json, false, 1, 1},           // a cut sequence in a key
      {"{\"k\":\"\xED\xA0\x80\"}", Result::json, false, 1, 3},  // a UTF-16 surrogate in UTF-8
      {"{\"k\":\"\xFF\"", Result::not_json, false, 1, 1},
      {"[1,]", Result::not_json, true, 1, 0},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    const auto found = inspect(row.text);
    CHECK(found.result == row.result);
    CHECK(found.utf8 == row.utf8);
    CHECK(found.depth == row.depth);
    CHECK(found.longest_string == row.longest);
    CHECK(js::valid(row.text) == (row.result == Result::json && row.utf8));
  }
}

TEST_CASE("inspect stops at the depth limit") {
  CHECK(inspect("[[[]]]", 3).result == Result::json);
  CHECK(inspect("[[[]]]", 2).result == Result::too_deep);
  CHECK(inspect("{\"a\":{\"b\":{}}}", 2).result == Result::too_deep);
}

TEST_CASE("A megabyte of opening brackets neither crashes nor stalls the check") {
  const std::string opens(1 << 20, '[');
  std::string balanced = opens + std::string(1 << 20, ']');
  const auto start = std::chrono::steady_clock::now();
  CHECK(inspect(opens, mc::kMaxBodyDepth).result == Result::too_deep);  // stops after 512
  CHECK(inspect(opens).result == Result::not_json);                      // unclosed, seen to the end
  const auto whole = inspect(balanced);                                  // no stack: a loop
  CHECK(whole.result == Result::json);
  CHECK(whole.depth == (1u << 20));
  CHECK_FALSE(js::valid(opens));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));  // ~10 ms here; a stall would be minutes
}

TEST_CASE("Each limit rejects the event with a reason naming it") {
  mc::IngestLimits limits;
  CHECK_FALSE(verdict(event_text()));

  SECTION("events per batch: those after the limit") {
    CHECK_FALSE(verdict(event_text(), 499));
    CHECK(verdict(event_text(), 500) == "event 500 is beyond the limit of 500 events per batch");
  }
  SECTION("event size: 32 KiB as sent, like the SDK's own limit") {
    // Four strings of 8000 bytes (each within the string limit), then spaces up to exactly 32 KiB.
    std::string fill;
    for (int i = 0; i < 4; ++i) fill += ",\"p" + std::to_string(i) + "\":\"" + std::string(8000, 'x') + "\"";
    std::string exact = event_text(fill);
    REQUIRE(exact.size() < limits.max_event_bytes);
    exact.insert(exact.size() - 1, std::string(limits.max_event_bytes - exact.size(), ' '));
    REQUIRE(exact.size() == limits.max_event_bytes);
    CHECK_FALSE(verdict(exact));
    const std::string over = exact.substr(0, exact.size() - 1) + " }";
    CHECK(verdict(over) == "event is 32769 bytes, over the limit of 32768");
  }
  SECTION("nesting: the event itself is level 1") {
    std::string nested = "1";
    for (int i = 0; i < 31; ++i) nested = "[" + nested + "]";  // the event + 31 = 32 levels
    CHECK_FALSE(verdict(event_text(",\"properties\":{\"x\":" + nested.substr(1, nested.size() - 2) + "}")));
    CHECK(verdict(event_text(",\"properties\":{\"x\":" + nested + "}")) ==
          "event nests objects and arrays deeper than 32 levels");
  }
  SECTION("string length: values and keys") {
    CHECK_FALSE(verdict(event_text(",\"properties\":{\"x\":\"" + std::string(8192, 'x') + "\"}")));
    CHECK(verdict(event_text(",\"properties\":{\"x\":\"" + std::string(8193, 'x') + "\"}")) ==
          "a string in the event is 8193 bytes, over the limit of 8192");
    CHECK(verdict(event_text(",\"" + std::string(9000, 'k') + "\":1")) ==
          "a string in the event is 9000 bytes, over the limit of 8192");
  }
  SECTION("invalid UTF-8") {
    CHECK(verdict(event_text(",\"properties\":{\"x\":\"caf\xE9\"}")) == "a string in the event is not valid UTF-8");
  }
  SECTION("limits are options") {
    mc::IngestLimits tight;
    tight.max_events_per_batch = 2;
    tight.max_event_bytes = 100;
    CHECK(verdict(event_text(), 2, tight) == "event 2 is beyond the limit of 2 events per batch");
    CHECK(verdict(event_text(), 0, tight)->find("over the limit of 100") != std::string::npos);
  }
  SECTION("a body within every limit spares the per-event scan, and only then") {
    const std::string bad = event_text(",\"properties\":{\"x\":\"\xFF\"}");
    const js::Object event = js::Object::of(bad);
    js::Inspection clean_body;  // as if the body were clean: nothing to look at
    clean_body.result = Result::json;
    CHECK_FALSE(mc::check_limits(event, 0, limits, clean_body));
    CHECK(mc::check_limits(event, 0, limits, inspect(bad)));
  }
}
