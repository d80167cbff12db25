// The core's config reader (sdk read_config): never fails on any text, and
// what it hands on is well formed: the diagnostics are JSON message items,
// the lists of strings are packed lists, and every number is in
// the range docs/CONFIG.md gives. Inputs are valid UTF-8, as every config
// is (JSON.stringify's text, encoded by the bindings); outputs are read as
// the page decodes them.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "microtrack/config.hpp"
#include "microtrack/json.hpp"

namespace {

using nlohmann::json;

bool whole(double value) { return std::floor(value) == value; }

// Percents in (0, 100]; `sorted`: ascending without repeats (docs/CONFIG.md).
bool percentages(const microtrack::Vector<double>& values, bool sorted) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!(values[i] > 0 && values[i] <= 100)) return false;
    if (sorted && i > 0 && !(values[i - 1] < values[i])) return false;
  }
  return true;
}

// A packed list (string_list.hpp): every item ended by its '\0', so that
// walking it finds as many items as it counts.
void check_string_list(microtrack::StringListView list) {
  FUZZ_CHECK(list.empty() || list.packed().back() == '\0');
  std::size_t walked = 0;
  for (std::string_view item : list) walked += item.size() < list.packed().size();
  FUZZ_CHECK(walked == list.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!valid_utf8(text)) return 0;
  const microtrack::ConfigResult result = microtrack::parse_config(text);

  const json messages = json::parse(as_decoded_by_the_page(microtrack::json_array(result.messages)), nullptr, false);
  FUZZ_CHECK(messages.is_array());
  for (const json& message : messages) {
    FUZZ_CHECK(message.is_object() && message.size() == 2);
    FUZZ_CHECK(message["level"] == "error" || message["level"] == "warn");
    FUZZ_CHECK(message["message"].is_string() && !message["message"].get<std::string>().empty());
  }
  if (!result.ok) return 0;

  const microtrack::Config& config = result.config;
  FUZZ_CHECK(!config.collector.empty());
  FUZZ_CHECK(whole(config.batch_size) && config.batch_size >= 1 && config.batch_size <= 500);
  FUZZ_CHECK(config.flush_interval_ms >= 250 && std::isfinite(config.flush_interval_ms));
  FUZZ_CHECK(whole(config.max_queue_size) && config.max_queue_size >= 1);
  FUZZ_CHECK(config.sample_rate >= 0 && config.sample_rate <= 1);
  FUZZ_CHECK(percentages(config.scroll_thresholds, true));
  FUZZ_CHECK(percentages(config.video_milestones, false));
  FUZZ_CHECK(config.idle_ms >= 1000 && config.heartbeat_ms >= 0);
  check_string_list(config.download_extensions);
  check_string_list(config.internal_domains);
  check_string_list(config.scrub_query_params);
  FUZZ_CHECK(microtrack::JsonView::parse(config.goals_json).is_array());
  for (const microtrack::VisibilityRule& rule : config.visibility)
    FUZZ_CHECK(rule.threshold >= 0 && rule.threshold <= 1 && rule.min_visible_ms >= 0);
  return 0;
}
