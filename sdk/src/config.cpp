#include "microtrack/config.hpp"

#include <algorithm>
#include <utility>
#include <cmath>

#include "microtrack/json.hpp"
#include "microtrack/url.hpp"

namespace microtrack {
namespace {

// The options by kind. One table per kind keeps read_config a lookup
// instead of a branch per key (which also keeps the wasm small). Nested
// options of a feature object are named "feature.option".
// A feature is given as false/true or as an object of its options.
struct BoolOption {
  const char* key;
  bool Config::*field;
  bool feature;
};
const BoolOption kBoolOptions[] = {
    {"persist", &Config::persist, false},
    {"autoPageview", &Config::auto_pageview, false},
    {"forms", &Config::forms, false},
    {"respectDoNotTrack", &Config::respect_do_not_track, false},
    {"requireConsent", &Config::require_consent, false},
    {"debug", &Config::debug, false},
    {"clicks.outbound", &Config::clicks_outbound, false},
    {"scroll", &Config::scroll, true},
    {"video", &Config::video, true},
    {"clicks", &Config::clicks, true},
    {"engagement", &Config::engagement, true},
};

struct NumberOption {
  const char* key;
  double Config::*field;
  int min, max;  // whole numbers for every option: half the table's bytes of doubles
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

// Options kept as text: a string, or the goals list kept as its JSON text.
struct TextOption {
  const char* key;
  String Config::*field;
  bool list;
};
const TextOption kTextOptions[] = {
    {"collector", &Config::collector, false},
    {"writeKey", &Config::write_key, false},
    {"wasmUrl", &Config::wasm_url, false},
    {"goals", &Config::goals_json, true},
};

struct StringsOption {
  const char* key;
  StringList Config::*field;
};
const StringsOption kStringsOptions[] = {
    {"scrubQueryParams", &Config::scrub_query_params},
    {"clicks.internalDomains", &Config::internal_domains},
    {"clicks.downloads", &Config::download_extensions},  // or a bool
};

struct PercentsOption {
  const char* key;
  Vector<double> Config::*field;
};
const PercentsOption kPercentsOptions[] = {
    {"scroll.thresholds", &Config::scroll_thresholds},
    {"video.milestones", &Config::video_milestones},
};

template <typename Option, std::size_t N>
const Option* lookup(const Option (&options)[N], const String& key) {
  for (const Option& option : options)
    if (key == option.key) return &option;
  return nullptr;
}

class ConfigReader {
 public:
  ConfigReader(Config& config, StringList& messages) : c_(config), messages_(messages) {}

  // Messages share one shape, "config 'KEY' must be EXPECTED." The option
  // keeps its default (a list: its valid entries), so only an outcome that
  // differs is said: "; OUTCOME." (a number clamped, nothing tracked).
  void reject(const char* key, const char* expected, const char* outcome = nullptr) {
    String message = "config '";
    message += key;
    message += "' must be ";
    message += expected;
    if (outcome) {
      message += "; ";
      message += outcome;
    }
    message += '.';
    add_message(messages_, "error", message);
  }

  void read_option(const String& key, JsonView value) {
    if (const auto* option = lookup(kBoolOptions, key)) {
      read_bool(*option, value);
    } else if (const auto* number = lookup(kNumberOptions, key)) {
      read_number(*number, value, c_.*number->field);
    } else if (const auto* text = lookup(kTextOptions, key)) {
      read_text(*text, value);
    } else if (const auto* strings = lookup(kStringsOptions, key)) {
      if (strings->field == &Config::download_extensions && value.is_bool()) c_.clicks_downloads = value.as_bool();
      else read_strings(*strings, value);
    } else if (const auto* percents = lookup(kPercentsOptions, key)) {
      read_percents(percents->key, value, c_.*percents->field);
    } else if (key == "visibility") {
      read_visibility(value);
    } else {
      String message = "unknown config key '";
      message += key;
      message += "'.";
      add_message(messages_, "warn", message);
    }
  }

 private:
  void read_bool(const BoolOption& option, JsonView value) {
    if (value.is_bool()) {
      c_.*option.field = value.as_bool();
    } else if (option.feature && value.is_object()) {
      c_.*option.field = true;
      for (auto nested = value.children(); nested.next();) {
        String key = option.key;
        key += '.';
        key += nested.key();
        read_option(key, nested.value());
      }
    } else {
      reject(option.key, option.feature ? "false or an object" : "true or false");
    }
  }

  // Out of range takes the nearest bound.
  void read_number(const NumberOption& option, JsonView value, double& out) {
    double v = value.as_number();
    if (!value.is_number() || !std::isfinite(v) || (option.whole && v != std::floor(v)))
      return reject(option.key, option.expected);
    if (v < option.min || v > option.max) {
      v = v < option.min ? option.min : option.max;
      String outcome = "using ";
      append_json_number(outcome, v);
      reject(option.key, option.expected, outcome.c_str());
    }
    out = v;
  }

  void read_text(const TextOption& option, JsonView value) {
    String& field = c_.*option.field;
    if (option.list) {
      if (value.is_array()) field = String(value.raw());
      else reject(option.key, "a list");
    } else if (value.is_string()) {
      field = value.as_string();
    } else if (&field != &c_.collector) {  // the collector is checked at the end
      reject(option.key, "a string");
    }
  }

  void read_strings(const StringsOption& option, JsonView value) {
    StringList list;
    bool strings = value.is_array();
    for (auto item = value.children(); strings && item.next();) {
      strings = item.value().is_string();
      list.push_back(item.value().as_string());
    }
    if (strings) c_.*option.field = std::move(list);
    else reject(option.key, "a list of strings");
  }

  // Percents in (0, 100], kept ascending without repeats.
  void read_percents(const char* key, JsonView value, Vector<double>& out) {
    // Sized once for every item and cut to those kept.
    Vector<double> list(value.size());
    std::size_t kept = 0;
    bool valid = true;
    for (auto item = value.children(); valid && item.next();) {
      double percent = item.value().as_number();
      valid = item.value().is_number() && percent > 0 && percent <= 100;
      bool skip = !valid;  // or a repeat
      for (std::size_t i = 0; i < kept; ++i) skip = skip || list[i] == percent;
      if (skip) continue;
      // Insertion: std::sort's code is not worth it for a handful of numbers.
      std::size_t i = kept++;
      for (; i > 0 && list[i - 1] > percent; --i) list[i] = list[i - 1];
      list[i] = percent;
    }
    if (!valid || !kept) return reject(key, "a non-empty list of percents in (0, 100]");
    while (list.size() > kept) list.pop_back();
    out.swap(list);
  }

  // One message whether the list or one of its entries is wrong (that
  // entry alone is skipped).
  void read_visibility(JsonView value) {
    const char* expected = "a list of {name, selector} with non-empty strings";
    if (!value.is_array()) return reject("visibility", expected);
    for (auto item = value.children(); item.next();) {
      JsonView entry = item.value();
      VisibilityRule rule{entry.find("name").as_string(), entry.find("selector").as_string()};
      if (rule.name.empty() || rule.selector.empty()) {
        reject("visibility", expected);
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

  Config& c_;
  StringList& messages_;
};

bool is_collector_url(std::string_view url) {
  std::size_t host = starts_with(url, "https://") ? 8 : starts_with(url, "http://") ? 7 : 0;
  bool absolute = host && url.size() > host && url[host] != '/';
  bool same_origin_path = !host && starts_with(url, "/") && !starts_with(url, "//");
  bool spaces =
      std::any_of(url.begin(), url.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  return (absolute || same_origin_path) && !spaces;
}

}  // namespace

void add_message(StringList& messages, std::string_view level, std::string_view text) {
  String message = "{\"level\":";
  append_json_string(message, level);
  message += ",\"message\":";
  append_json_string(message, text);
  message += '}';
  messages.push_back(message);
}

bool read_config(std::string_view json_text, Config& c, StringList& messages) {
  ConfigReader reader(c, messages);
  JsonView root = JsonView::parse(json_text);
  if (root.is_object())
    for (auto member = root.children(); member.next();) reader.read_option(member.key(), member.value());

  if (!root.is_object() || !is_collector_url(c.collector)) {
    reader.reject("collector",
                  root.is_object() ? "an http(s) URL or a path ('/…')" : "given in a config object",
                  "nothing is tracked");
    c.collector.clear();
    return false;
  }
  return true;
}

}  // namespace microtrack
