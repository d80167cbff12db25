// Event validation (collector/validate) on any JSON text json_scan accepts:
// never crashes, and an event it lets through has what the store relies on
// (checked independently with nlohmann::json).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "json_scan.hpp"
#include "validate.hpp"

namespace {

using nlohmann::json;
namespace scan = microtrack::collector::json_scan;

bool non_empty_string(const json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_string() && !it->get<std::string>().empty();
}

void check_event(const scan::Object& object) {
  const auto problem = microtrack::collector::validate_event(object);
  microtrack::collector::timestamp_of(object);
  if (problem) {
    FUZZ_CHECK(!problem->empty());
    return;
  }
  const json event = json::parse(object.text);
  FUZZ_CHECK(event.is_object());
  const std::string type = event.value("type", json()).is_string() ? event["type"].get<std::string>() : "";
  FUZZ_CHECK(type == "page" || type == "track" || type == "identify");
  FUZZ_CHECK(non_empty_string(event, "messageId"));
  FUZZ_CHECK(non_empty_string(event, "anonymousId") || non_empty_string(event, "userId"));
  if (type == "track") FUZZ_CHECK(non_empty_string(event, "event"));
  if (type == "identify") FUZZ_CHECK(non_empty_string(event, "userId"));
  for (const char* key : {"properties", "traits", "context"})
    FUZZ_CHECK(!event.contains(key) || event[key].is_object());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!scan::valid(text)) return 0;
  const std::string_view value = scan::trim(text);
  // One event, or a batch's array of them as the ingest route reads it.
  if (value.front() == '[') {
    for (const scan::Object& element : scan::elements(value)) check_event(element);
  } else {
    check_event(scan::Object::of(value));
  }
  return 0;
}
