// The SDK configuration (CONTRACT §2): one struct with the defaults inside it,
// checked once into diagnostics that the JS side prints.
#pragma once

#include <string_view>
#include "microtrack/vector.hpp"

#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

struct VisibilityRule {
  String name;
  String selector;
  double threshold = 0.5;        // share of the element, 0..1
  double min_visible_ms = 1000;  // continuous time at threshold
};

struct Config {
  String collector;  // required: http(s) URL, or a path starting with '/'
  String write_key;  // "" = none
  double batch_size = 20;              // whole number 1..500: events per request
  double flush_interval_ms = 5000;     // >= 250
  double max_queue_size = 1000;        // whole number >= 1
  bool persist = true;
  bool auto_pageview = true;
  bool scroll = true;
  Vector<double> scroll_thresholds{25, 50, 75, 90, 100};  // percent, ascending
  bool video = true;
  Vector<double> video_milestones{10, 25, 50, 75, 90};    // percent, ascending
  bool forms = true;
  bool clicks = true;
  bool clicks_outbound = true;
  bool clicks_downloads = true;
  StringList download_extensions{"pdf\0" "epub\0" "mobi\0" "zip\0" "rar\0" "7z\0" "doc\0" "docx\0" "xls\0"
                                 "xlsx\0" "ppt\0" "pptx\0" "csv\0" "txt\0" "rtf\0" "mp3\0" "mp4\0" "mov\0"
                                 "dmg\0" "exe\0" "msi\0" "apk\0"};
  StringList internal_domains;
  Vector<VisibilityRule> visibility;
  bool engagement = true;
  double idle_ms = 30000;
  double heartbeat_ms = 0;  // 0 = no heartbeat
  String goals_json = "[]";  // the `goals` list as given; goal rules read it
  double session_timeout_ms = 1800000;
  double sample_rate = 1;  // 0..1
  bool respect_do_not_track = true;
  bool require_consent = false;
  StringList scrub_query_params{"email\0" "token\0" "password\0" "auth\0" "key\0" "code\0"};
  bool debug = false;
  String wasm_url;  // read by the JS loader; accepted here so it is not "unknown"
};

// Checks a config given as JSON text (JSON.stringify of what init received)
// into `config`, which holds the defaults. An unknown key gives a warning
// naming it; a value of the wrong type or out of range gives an error naming
// the key and what was expected, and the default (or the nearest bound) is
// used. Never fails on bad input. False without a valid collector: nothing is
// tracked.
//
// The diagnostics are added to `messages` (see add_message), each a sentence
// that names its key first, in quotes: "config 'KEY' must be …". (Read into
// the Tracker's own Config instead of one that is moved there.)
bool read_config(std::string_view json_text, Config& config, StringList& messages);

// The same as one value (for tests and tools).
struct ConfigResult {
  Config config;
  StringList messages;
  bool ok = false;
};
inline ConfigResult parse_config(std::string_view json_text) {
  ConfigResult result;
  result.ok = read_config(json_text, result.config, result.messages);
  return result;
}

// Adds a diagnostic for the JS to print, as the JSON object
// {"level":"error"|"warn"|"info","message":"…"}; the message is a sentence
// without the "microtrack:" prefix the JS adds. The one writer of messages.
void add_message(StringList& messages, std::string_view level, std::string_view text);

}  // namespace microtrack
