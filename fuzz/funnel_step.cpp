// Funnel-step parsing (collector/funnel parse_step), the form of the
// /api/funnel `step=` parameters: never crashes, refuses exactly what its
// header says, reads back what it wrote, and a step matches an event built
// from its own conditions.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "funnel.hpp"

namespace {

using nlohmann::json;
namespace mc = microtrack::collector;

// Refused: an empty name, or a non-empty condition without a key before '='.
bool well_formed(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == 0 || text.empty()) return false;
  if (colon == std::string::npos) return true;
  std::size_t start = colon + 1;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, end - start);
    if (!part.empty() && (part.find('=') == std::string::npos || part.front() == '=')) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto step = mc::parse_step(text, error);
  FUZZ_CHECK(step.has_value() == well_formed(text));
  if (!step) {
    FUZZ_CHECK(!error.empty());
    return 0;
  }
  FUZZ_CHECK(!step->event.empty());
  step->label();

  // Written back in the query form (when nothing in it is a separator), it reads the same.
  std::string again = step->event;
  bool separable = step->event.find(':') == std::string::npos;
  std::set<std::string> keys;
  bool unique_keys = true;
  for (std::size_t i = 0; i < step->where.size(); ++i) {
    const auto& condition = step->where[i];
    FUZZ_CHECK(!condition.key.empty() && condition.key.find('=') == std::string::npos);
    separable = separable && condition.key.find(',') == std::string::npos && condition.value.find(',') == std::string::npos;
    unique_keys = unique_keys && keys.insert(condition.key).second;
    again += (i == 0 ? ":" : ",") + condition.key + "=" + condition.value;
  }
  if (separable) {
    std::string error_again;
    const auto reread = mc::parse_step(again, error_again);
    FUZZ_CHECK(reread && reread->event == step->event && reread->where.size() == step->where.size());
    for (std::size_t i = 0; i < step->where.size(); ++i)
      FUZZ_CHECK(reread->where[i].key == step->where[i].key && reread->where[i].value == step->where[i].value);
  }

  // An event whose properties hold each condition's value as a string matches the step.
  if (unique_keys) {
    json properties = json::object();
    for (const auto& condition : step->where) properties[condition.key] = condition.value;
    const bool page_or_identify = step->event == "page" || step->event == "identify";
    const std::string type = page_or_identify ? step->event : "track";
    FUZZ_CHECK(mc::step_matches(*step, type, page_or_identify ? "" : step->event, properties, json::object()));
    FUZZ_CHECK(!mc::step_matches(*step, "alias", step->event, properties, json::object()));
  }
  return 0;
}
