// The collector's request body scanner (collector/json_scan) against its
// oracle, nlohmann::json: it must accept exactly the texts nlohmann accepts
// and read the same members and strings (as tests/collector/test_json_scan.cpp
// checks on hand-picked texts and random mutations).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "json_scan.hpp"

namespace {

using nlohmann::json;
namespace scan = microtrack::collector::json_scan;

void check_object_reading(const scan::Object& object, const json& expected) {
  FUZZ_CHECK(json::parse(object.text) == expected);
  if (!expected.is_object()) {
    FUZZ_CHECK(object.members.empty());
    return;
  }
  json rebuilt = json::object();
  for (const scan::Member& member : object.members) {
    const json value = json::parse(member.value.text);
    rebuilt[member.key] = value;
    FUZZ_CHECK(json::parse(member.key_text) == member.key);
    if (member.value.is_string()) {
      FUZZ_CHECK(json(*member.value.string()) == value);
      std::string storage;
      FUZZ_CHECK(json(std::string(*member.value.string_view(storage))) == value);
    } else {
      FUZZ_CHECK(!member.value.string());
    }
  }
  FUZZ_CHECK(rebuilt == expected);
  for (const auto& [key, value] : expected.items()) {
    const scan::Value* found = object.find(key);
    FUZZ_CHECK(found && json::parse(found->text) == value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const json expected = json::parse(text, nullptr, false);
  // When the ingest limits (nesting depth, string length) land in json_scan,
  // the oracle becomes "nlohmann accepts and within the limits".
  FUZZ_CHECK(scan::valid(text) == !expected.is_discarded());
  if (expected.is_discarded()) return 0;

  const std::string_view value = scan::trim(text);
  check_object_reading(scan::Object::of(value), expected);
  if (expected.is_array()) {
    const auto elements = scan::elements(value);
    FUZZ_CHECK(elements.size() == expected.size());
    for (std::size_t i = 0; i < elements.size(); ++i) check_object_reading(elements[i], expected[i]);
  }
  return 0;
}
