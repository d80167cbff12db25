#include "microtrack/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "microtrack/json.hpp"

namespace microtrack {
namespace {

// The options by kind. One table per kind keeps parse_config a lookup
// instead of a branch per key (which also keeps the wasm small). Nested
// options of a feature object are named "feature.option".
struct BoolOption {
  const char* key;
  bool Config::*field;
};
const BoolOption kBoolOptions[] = {
    {"persist", &Config::persist},           {"autoPageview", &Config::auto_pageview},
    {"forms", &Config::forms},               {"respectDoNotTrack", &Config::respect_do_not_track},
    {"requireConsent", &Config::require_consent}, {"debug", &Config::debug},
    {"clicks.outbound", &Config::clicks_outbound},
};

// A feature given as false/true or as an object of its options.
const BoolOption kFeatures[] = {
    {"scroll", &Config::scroll}, {"video", &Config::video},
    {"clicks", &Config::clicks}, {"engagement", &Config::engagement},
};

struct NumberOption {
  const char* key;
  double Config::*field;
  double min, max;
  bool whole;
  const char* expected;
};
const NumberOption kNumberOptions[] = {
    {"batchSize", &Config::batch_size, 1, 500, true, "a whole number from 1 to 500"},
    {"flushIntervalMs", &Config::flush_interval_ms, 250, 86400000, false, "a number of ms >= 250"},
    {"maxQueueSize", &Config::max_queue_size, 1, 100000, true, "a whole number from 1 to 100000"},
    {"sessionTimeoutMs", &Config::session_timeout_ms, 60000, 604800000, false, "a number of ms >= 60000"},
    {"sampleRate", &Config::sample_rate, 0, 1, false, "a number from 0 to 1"},
    {"engagement.idleMs", &Config::idle_ms, 1000, 86400000, false, "a number of ms >= 1000"},
    {"engagement.heartbeatMs", &Config::heartbeat_ms, 0, 86400000, false, "a number of ms >= 0"},
};

struct StringsOption {
  const char* key;
  std::vector<std::string> Config::*field;
};
const StringsOption kStringsOptions[] = {
    {"scrubQueryParams", &Config::scrub_query_params},
    {"clicks.internalDomains", &Config::internal_domains},
    {"clicks.downloads", &Config::download_extensions},  // or a bool: see read_option
};

struct PercentsOption {
  const char* key;
  std::vector<double> Config::*field;
};
const PercentsOption kPercentsOptions[] = {
    {"scroll.thresholds", &Config::scroll_thresholds},
    {"video.milestones", &Config::video_milestones},
};

template <typename Option, std::size_t N>
const Option* lookup(const Option (&options)[N], const std::string& key) {
  for (const Option& option : options)
    if (key == option.key) return &option;
  return nullptr;
}

class ConfigReader {
 public:
  explicit ConfigReader(ConfigResult& result) : result_(result), c_(result.config) {}

  // Messages share one shape, "config 'KEY' must be EXPECTED; OUTCOME."
  void reject(const std::string& key, const char* expected, const std::string& outcome = "using the default") {
    result_.diagnostics.push_back(
        {Diagnostic::Level::Error, key, "config '" + key + "' must be " + expected + "; " + outcome + "."});
  }

  void read_option(const std::string& key, JsonView value) {
    if (const auto* option = lookup(kBoolOptions, key)) {
      if (value.is_bool()) c_.*option->field = value.as_bool();
      else reject(key, "true or false");
    } else if (const auto* feature = lookup(kFeatures, key)) {
      read_feature(key, value, c_.*feature->field);
    } else if (const auto* number = lookup(kNumberOptions, key)) {
      read_number(*number, value, c_.*number->field);
    } else if (const auto* strings = lookup(kStringsOptions, key)) {
      if (key == "clicks.downloads" && value.is_bool()) c_.clicks_downloads = value.as_bool();
      else read_strings(key, value, c_.*strings->field);
    } else if (const auto* percents = lookup(kPercentsOptions, key)) {
      read_percents(key, value, c_.*percents->field);
    } else if (key == "collector" || key == "writeKey" || key == "wasmUrl") {
      std::string& field = key == "collector" ? c_.collector : key == "writeKey" ? c_.write_key : c_.wasm_url;
      if (value.is_string()) field = value.as_string();
      else if (key != "collector") reject(key, "a string", "ignoring it");  // collector: checked at the end
    } else if (key == "visibility") {
      read_visibility(value);
    } else if (key == "goals") {
      if (value.is_array()) c_.goals_json = std::string(value.raw());
      else reject(key, "a list", "ignoring it");
    } else {
      result_.diagnostics.push_back(
          {Diagnostic::Level::Warning, key, "unknown config key '" + key + "' is ignored."});
    }
  }

 private:
  void read_feature(const std::string& key, JsonView value, bool& enabled) {
    if (value.is_bool()) {
      enabled = value.as_bool();
    } else if (value.is_object()) {
      enabled = true;
      for (auto option = value.children(); option.next();) read_option(key + "." + option.key(), option.value());
    } else {
      reject(key, "false or an object");
    }
  }

  // Out of range takes the nearest bound.
  void read_number(const NumberOption& option, JsonView value, double& out) {
    double v = value.as_number();
    if (!value.is_number() || !std::isfinite(v) || (option.whole && v != std::floor(v)))
      return reject(option.key, option.expected);
    if (v < option.min || v > option.max) {
      v = v < option.min ? option.min : option.max;
      std::string outcome = "using ";
      append_json_number(outcome, v);
      reject(option.key, option.expected, outcome);
    }
    out = v;
  }

  void read_strings(const std::string& key, JsonView value, std::vector<std::string>& out) {
    std::vector<std::string> list;
    for (auto item = value.children(); item.next();) {
      if (!item.value().is_string()) return reject(key, "a list of strings");
      list.push_back(item.value().as_string());
    }
    if (!value.is_array()) return reject(key, "a list of strings");
    out = std::move(list);
  }

  // Percents in (0, 100], kept ascending without repeats.
  void read_percents(const std::string& key, JsonView value, std::vector<double>& out) {
    std::vector<double> list;
    for (auto item = value.children(); item.next();) {
      double percent = item.value().as_number();
      if (!item.value().is_number() || !(percent > 0 && percent <= 100))
        return reject(key, "a non-empty list of percents in (0, 100]");
      // Insertion: std::sort would cost ~1 KB of wasm for a handful of numbers.
      auto at = list.begin();
      while (at != list.end() && *at < percent) ++at;
      if (at == list.end() || *at != percent) list.insert(at, percent);
    }
    if (list.empty()) return reject(key, "a non-empty list of percents in (0, 100]");
    out = std::move(list);
  }

  void read_visibility(JsonView value) {
    if (!value.is_array()) return reject("visibility", "a list of {name, selector}", "ignoring it");
    for (auto item = value.children(); item.next();) {
      JsonView entry = item.value();
      VisibilityRule rule{entry.find("name").as_string(), entry.find("selector").as_string()};
      if (rule.name.empty() || rule.selector.empty()) {
        reject("visibility", "a list of {name, selector} with non-empty strings", "skipping an entry");
        continue;
      }
      static const NumberOption kThreshold{"visibility.threshold", nullptr, 0, 1, false, "a number from 0 to 1"};
      static const NumberOption kMinVisible{"visibility.minVisibleMs", nullptr, 0, 86400000, false,
                                            "a number of ms >= 0"};
      if (JsonView v = entry.find("threshold"); v.valid()) read_number(kThreshold, v, rule.threshold);
      if (JsonView v = entry.find("minVisibleMs"); v.valid()) read_number(kMinVisible, v, rule.min_visible_ms);
      c_.visibility.push_back(std::move(rule));
    }
  }

  ConfigResult& result_;
  Config& c_;
};

bool is_collector_url(const std::string& url) {
  std::size_t host = url.rfind("https://", 0) == 0 ? 8 : url.rfind("http://", 0) == 0 ? 7 : 0;
  bool absolute = host && url.size() > host && url[host] != '/';
  bool same_origin_path = !host && !url.empty() && url[0] == '/' && url.rfind("//", 0) != 0;
  return (absolute || same_origin_path) && url.find_first_of(" \t\n\r") == std::string::npos;
}

}  // namespace

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> list;
  for (std::size_t start = 0, end; start < text.size(); start = end + 1) {
    end = std::min(text.find(' ', start), text.size());
    if (end > start) list.emplace_back(text.substr(start, end - start));
  }
  return list;
}

ConfigResult parse_config(std::string_view json_text) {
  ConfigResult result;
  ConfigReader reader(result);
  JsonView root = JsonView::parse(json_text);
  if (root.is_object())
    for (auto member = root.children(); member.next();) reader.read_option(member.key(), member.value());

  Config& c = result.config;
  if (!root.is_object() || !is_collector_url(c.collector)) {
    reader.reject("collector",
                  root.is_object() ? "the http(s) URL or the path ('/…') that batches are sent to"
                                   : "given: init needs a config object with a 'collector' URL",
                  "nothing is tracked");
    c.collector.clear();
    return result;
  }
  result.ok = true;
  return result;
}

}  // namespace microtrack
