// parse_config (CONTRACT §2): defaults, validation into diagnostics, and the
// rule that a bad value never stops the SDK, it falls back.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/config.hpp"
#include "microtrack/json.hpp"

using microtrack::ConfigResult;
using microtrack::parse_config;

namespace {

// One diagnostic as the JS receives it, read back from ConfigResult::messages.
struct Diagnostic {
  enum class Level { Warning, Error };
  Level level;
  std::string key;  // the name its message quotes first
  std::string message;
};

std::vector<Diagnostic> diagnostics_of(const ConfigResult& r) {
  MT_PARSE(items, microtrack::json_array(r.messages));
  std::vector<Diagnostic> out;
  for (const auto& item : items) {
    REQUIRE(item.size() == 2);
    const std::string level = item.at("level");
    REQUIRE((level == "error" || level == "warn"));
    const std::string message = item.at("message");
    const std::size_t open = message.find('\'');
    const std::size_t close = message.find('\'', open + 1);
    REQUIRE(close != std::string::npos);
    out.push_back({level == "error" ? Diagnostic::Level::Error : Diagnostic::Level::Warning,
                   message.substr(open + 1, close - open - 1), message});
  }
  return out;
}

const std::string kCollector = "https://collect.example.com/v1/batch";

// A config with a valid collector plus `extra` members ("" for none).
std::string with_collector(const std::string& extra) {
  std::string text = R"({"collector":")" + kCollector + "\"";
  if (!extra.empty()) text += "," + extra;
  return text + "}";
}

std::vector<Diagnostic> of_level(const ConfigResult& r, Diagnostic::Level level) {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics_of(r)) {
    if (d.level == level) out.push_back(d);
  }
  return out;
}

std::string describe(const ConfigResult& r) {
  std::string s;
  for (const auto& d : diagnostics_of(r)) {
    s += (d.level == Diagnostic::Level::Error ? "[error " : "[warning ");
    s += d.key + "] " + d.message + "\n";
  }
  return s.empty() ? "(no diagnostics)" : s;
}

// Exactly one diagnostic: an error about `key` whose message is `message`.
void require_single_error(const ConfigResult& r, const std::string& key, const std::string& message) {
  INFO(describe(r));
  const auto diagnostics = diagnostics_of(r);
  REQUIRE(diagnostics.size() == 1);
  const Diagnostic& d = diagnostics.front();
  CHECK(d.level == Diagnostic::Level::Error);
  CHECK(d.key == key);
  CHECK(d.message == message);
}

// The messages of every diagnostic, in order.
std::vector<std::string> messages_of(const ConfigResult& r) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics_of(r)) out.push_back(d.message);
  return out;
}

using Strings = std::vector<std::string>;
using mt_test::items_of;

const std::string kBadCollector =
    "config 'collector' must be an http(s) URL or a path ('/…'); nothing is tracked.";
const std::string kNoConfigObject =
    "config 'collector' must be given in a config object; nothing is tracked.";
const Strings kDefaultDownloads{"pdf", "epub", "mobi", "zip", "rar", "7z",  "doc", "docx", "xls", "xlsx", "ppt",
                                "pptx", "csv", "txt", "rtf", "mp3", "mp4", "mov", "dmg", "exe", "msi", "apk"};
const Strings kDefaultScrub{"email", "token", "password", "auth", "key", "code"};

}  // namespace

TEST_CASE("A config with only a collector is valid and has every default", "[config]") {
  const ConfigResult r = parse_config(with_collector(""));
  INFO(describe(r));
  REQUIRE(r.ok);
  CHECK(diagnostics_of(r).empty());
  const auto& c = r.config;
  CHECK(c.collector == kCollector);
  CHECK(c.write_key.empty());
  CHECK(c.batch_size == 20);
  CHECK(c.flush_interval_ms == 5000);
  CHECK(c.max_queue_size == 1000);
  CHECK(c.persist);
  CHECK(c.auto_pageview);
  CHECK(c.scroll);
  CHECK(items_of(c.scroll_thresholds) == std::vector<double>{25, 50, 75, 90, 100});
  CHECK(c.video);
  CHECK(items_of(c.video_milestones) == std::vector<double>{10, 25, 50, 75, 90});
  CHECK(c.forms);
  CHECK(c.clicks);
  CHECK(c.clicks_outbound);
  CHECK(c.clicks_downloads);
  CHECK(items_of(c.download_extensions) == kDefaultDownloads);
  CHECK(c.internal_domains.empty());
  CHECK(c.visibility.empty());
  CHECK(c.engagement);
  CHECK(c.idle_ms == 30000);
  CHECK(c.heartbeat_ms == 0);
  MT_PARSE(goals, c.goals_json);
  CHECK(goals == nlohmann::json::array());
  CHECK(c.session_timeout_ms == 1800000);
  CHECK(c.sample_rate == 1);
  CHECK(c.respect_do_not_track);
  CHECK_FALSE(c.require_consent);
  CHECK(items_of(c.scrub_query_params) == kDefaultScrub);
  CHECK_FALSE(c.debug);
}

TEST_CASE("A config without a valid collector is not ok and names the collector", "[config]") {
  for (const char* config : {R"({})", R"({"collector":42})", R"({"collector":""})",
                             R"({"collector":"ftp://collect.example.com/v1/batch"})",
                             R"({"collector":"collect dot example dot com"})", R"({"collector":"//cdn.example.com/x"})",
                             R"({"collector":"https:///v1/batch"})", R"({"collector":"/v1/ba tch"})"}) {
    SECTION(config) {
      const ConfigResult r = parse_config(config);
      CHECK_FALSE(r.ok);
      CHECK(r.config.collector.empty());
      require_single_error(r, "collector", kBadCollector);
    }
  }
}

TEST_CASE("The collector may be an http(s) URL or a path starting with a slash", "[config]") {
  const std::vector<std::string> good{
      "https://collect.example.com/v1/batch",
      "http://localhost:8080/v1/batch",
      "/v1/batch",
  };
  for (const auto& url : good) {
    const ConfigResult r = parse_config(R"({"collector":")" + url + "\"}");
    INFO(url << "\n" << describe(r));
    CHECK(r.ok);
    CHECK(diagnostics_of(r).empty());
    CHECK(r.config.collector == url);
  }
}

TEST_CASE("Text that is not a JSON object gives one error and is not ok", "[config]") {
  for (const char* text : {"{\"collector\": ", R"(["https://collect.example.com/v1/batch"])", "", "null"}) {
    SECTION(std::string("'") + text + "'") {
      const ConfigResult r = parse_config(text);
      CHECK_FALSE(r.ok);
      require_single_error(r, "collector", kNoConfigObject);
    }
  }
}

TEST_CASE("Every documented key is read into the config", "[config]") {
  const ConfigResult r = parse_config(R"({
    "collector": "https://collect.example.com/v1/batch",
    "writeKey": "wk_live_123",
    "batchSize": 50,
    "flushIntervalMs": 2000,
    "maxQueueSize": 300,
    "persist": false,
    "autoPageview": false,
    "scroll": {"thresholds": [10, 60]},
    "video": {"milestones": [50]},
    "forms": false,
    "clicks": {"outbound": false, "downloads": ["pdf", "zip"], "internalDomains": ["example.org"]},
    "visibility": [{"name": "pricing_table", "selector": "#pricing", "threshold": 0.8, "minVisibleMs": 2000},
                   {"name": "hero", "selector": ".hero"}],
    "engagement": {"idleMs": 10000, "heartbeatMs": 15000},
    "goals": [{"name": "signup", "path": "/thanks"}],
    "sessionTimeoutMs": 600000,
    "sampleRate": 0.25,
    "respectDoNotTrack": false,
    "requireConsent": true,
    "scrubQueryParams": ["session", "sig"],
    "debug": true,
    "wasmUrl": "/static/microtrack.wasm"
  })");
  INFO(describe(r));
  REQUIRE(r.ok);
  CHECK(diagnostics_of(r).empty());
  const auto& c = r.config;
  CHECK(c.write_key == "wk_live_123");
  CHECK(c.batch_size == 50);
  CHECK(c.flush_interval_ms == 2000);
  CHECK(c.max_queue_size == 300);
  CHECK_FALSE(c.persist);
  CHECK_FALSE(c.auto_pageview);
  CHECK(c.scroll);
  CHECK(items_of(c.scroll_thresholds) == std::vector<double>{10, 60});
  CHECK(c.video);
  CHECK(items_of(c.video_milestones) == std::vector<double>{50});
  CHECK_FALSE(c.forms);
  CHECK(c.clicks);
  CHECK_FALSE(c.clicks_outbound);
  CHECK(items_of(c.download_extensions) == Strings{"pdf", "zip"});
  CHECK(items_of(c.internal_domains) == Strings{"example.org"});
  REQUIRE(c.visibility.size() == 2);
  CHECK(c.visibility[0].name == "pricing_table");
  CHECK(c.visibility[0].selector == "#pricing");
  CHECK(c.visibility[0].threshold == Approx(0.8));
  CHECK(c.visibility[0].min_visible_ms == 2000);
  CHECK(c.visibility[1].name == "hero");
  CHECK(c.visibility[1].selector == ".hero");
  CHECK(c.visibility[1].threshold == Approx(0.5));
  CHECK(c.visibility[1].min_visible_ms == 1000);
  CHECK(c.engagement);
  CHECK(c.idle_ms == 10000);
  CHECK(c.heartbeat_ms == 15000);
  MT_PARSE(goals, c.goals_json);
  CHECK(goals == nlohmann::json::parse(R"([{"name": "signup", "path": "/thanks"}])"));
  CHECK(c.session_timeout_ms == 600000);
  CHECK(c.sample_rate == Approx(0.25));
  CHECK_FALSE(c.respect_do_not_track);
  CHECK(c.require_consent);
  CHECK(items_of(c.scrub_query_params) == Strings{"session", "sig"});
  CHECK(c.debug);
  CHECK(c.wasm_url == "/static/microtrack.wasm");
}

TEST_CASE("A signal given as false is switched off", "[config]") {
  SECTION("scroll") {
    const ConfigResult r = parse_config(with_collector(R"("scroll":false)"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK_FALSE(r.config.scroll);
  }
  SECTION("video") {
    const ConfigResult r = parse_config(with_collector(R"("video":false)"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK_FALSE(r.config.video);
  }
  SECTION("clicks") {
    const ConfigResult r = parse_config(with_collector(R"("clicks":false)"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK_FALSE(r.config.clicks);
  }
  SECTION("clicks.downloads") {
    const ConfigResult r = parse_config(with_collector(R"("clicks":{"downloads":false})"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK(r.config.clicks);
    CHECK_FALSE(r.config.clicks_downloads);
    CHECK(r.config.clicks_outbound);
  }
  SECTION("engagement") {
    const ConfigResult r = parse_config(with_collector(R"("engagement":false)"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK_FALSE(r.config.engagement);
  }
}

TEST_CASE("An unknown key gives one warning naming it and changes nothing else", "[config]") {
  const ConfigResult r = parse_config(with_collector(R"("batchsize":5)"));
  INFO(describe(r));
  CHECK(r.ok);
  const auto diagnostics = diagnostics_of(r);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].level == Diagnostic::Level::Warning);
  CHECK(diagnostics[0].key == "batchsize");
  CHECK(diagnostics[0].message == "unknown config key 'batchsize'.");
  CHECK(r.config.batch_size == 20);
}

TEST_CASE("A value of the wrong type gives an error naming the key and the default is used",
          "[config]") {
  SECTION("writeKey") {
    const ConfigResult r = parse_config(with_collector(R"("writeKey":5)"));
    require_single_error(r, "writeKey", "config 'writeKey' must be a string.");
    CHECK(r.ok);
    CHECK(r.config.write_key.empty());
  }
  SECTION("batchSize") {
    const ConfigResult r = parse_config(with_collector(R"("batchSize":"many")"));
    require_single_error(r, "batchSize", "config 'batchSize' must be a whole number from 1 to 500.");
    CHECK(r.ok);
    CHECK(r.config.batch_size == 20);
  }
  SECTION("flushIntervalMs") {
    const ConfigResult r = parse_config(with_collector(R"("flushIntervalMs":true)"));
    require_single_error(r, "flushIntervalMs", "config 'flushIntervalMs' must be a number of ms >= 250.");
    CHECK(r.config.flush_interval_ms == 5000);
  }
  SECTION("persist") {
    const ConfigResult r = parse_config(with_collector(R"("persist":"no")"));
    require_single_error(r, "persist", "config 'persist' must be true or false.");
    CHECK(r.config.persist);
  }
  SECTION("respectDoNotTrack") {
    const ConfigResult r = parse_config(with_collector(R"("respectDoNotTrack":0)"));
    require_single_error(r, "respectDoNotTrack", "config 'respectDoNotTrack' must be true or false.");
    CHECK(r.config.respect_do_not_track);
  }
  SECTION("scroll") {
    const ConfigResult r = parse_config(with_collector(R"("scroll":"deep")"));
    require_single_error(r, "scroll", "config 'scroll' must be false or an object.");
    CHECK(r.config.scroll);
    CHECK(items_of(r.config.scroll_thresholds) == std::vector<double>{25, 50, 75, 90, 100});
  }
  SECTION("sessionTimeoutMs") {
    const ConfigResult r = parse_config(with_collector(R"("sessionTimeoutMs":"30m")"));
    require_single_error(r, "sessionTimeoutMs", "config 'sessionTimeoutMs' must be a number of ms >= 60000.");
    CHECK(r.config.session_timeout_ms == 1800000);
  }
  SECTION("scrubQueryParams") {
    const ConfigResult r = parse_config(with_collector(R"("scrubQueryParams":"email")"));
    require_single_error(r, "scrubQueryParams", "config 'scrubQueryParams' must be a list of strings.");
    CHECK(items_of(r.config.scrub_query_params) == kDefaultScrub);
  }
  SECTION("goals") {
    const ConfigResult r = parse_config(with_collector(R"("goals":{"name":"signup"})"));
    require_single_error(r, "goals", "config 'goals' must be a list.");
    MT_PARSE(goals, r.config.goals_json);
    CHECK(goals == nlohmann::json::array());
  }
  SECTION("debug") {
    const ConfigResult r = parse_config(with_collector(R"("debug":"yes")"));
    require_single_error(r, "debug", "config 'debug' must be true or false.");
    CHECK_FALSE(r.config.debug);
  }
}

TEST_CASE("A number out of range gives an error naming the key and the nearest bound is used",
          "[config]") {
  SECTION("batchSize below 1") {
    const ConfigResult r = parse_config(with_collector(R"("batchSize":0)"));
    require_single_error(r, "batchSize", "config 'batchSize' must be a whole number from 1 to 500; using 1.");
    CHECK(r.ok);
    CHECK(r.config.batch_size == 1);
  }
  SECTION("batchSize above 500") {
    const ConfigResult r = parse_config(with_collector(R"("batchSize":501)"));
    require_single_error(r, "batchSize", "config 'batchSize' must be a whole number from 1 to 500; using 500.");
    CHECK(r.config.batch_size == 500);
  }
  SECTION("flushIntervalMs below 250") {
    const ConfigResult r = parse_config(with_collector(R"("flushIntervalMs":100)"));
    require_single_error(r, "flushIntervalMs", "config 'flushIntervalMs' must be a number of ms >= 250; using 250.");
    CHECK(r.config.flush_interval_ms == 250);
  }
  SECTION("maxQueueSize below 1") {
    const ConfigResult r = parse_config(with_collector(R"("maxQueueSize":0)"));
    require_single_error(r, "maxQueueSize", "config 'maxQueueSize' must be a whole number from 1 to 100000; using 1.");
    CHECK(r.config.max_queue_size == 1);
  }
  SECTION("sampleRate above 1") {
    const ConfigResult r = parse_config(with_collector(R"("sampleRate":1.5)"));
    require_single_error(r, "sampleRate", "config 'sampleRate' must be a number from 0 to 1; using 1.");
    CHECK(r.config.sample_rate == 1);
  }
  SECTION("sampleRate below 0") {
    const ConfigResult r = parse_config(with_collector(R"("sampleRate":-0.5)"));
    require_single_error(r, "sampleRate", "config 'sampleRate' must be a number from 0 to 1; using 0.");
    CHECK(r.config.sample_rate == 0);
  }
}

TEST_CASE("The bounds themselves are accepted without a diagnostic", "[config]") {
  const ConfigResult r = parse_config(with_collector(
      R"("batchSize":500,"flushIntervalMs":250,"maxQueueSize":1,"sampleRate":0)"));
  INFO(describe(r));
  CHECK(diagnostics_of(r).empty());
  CHECK(r.config.batch_size == 500);
  CHECK(r.config.flush_interval_ms == 250);
  CHECK(r.config.max_queue_size == 1);
  CHECK(r.config.sample_rate == 0);
}

TEST_CASE("Scroll thresholds and video milestones end up ascending, without repeats", "[config]") {
  SECTION("given out of order, with a repeat") {
    const ConfigResult r = parse_config(with_collector(R"("scroll":{"thresholds":[75,25,50,25]})"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK(items_of(r.config.scroll_thresholds) == std::vector<double>{25, 50, 75});
  }
  SECTION("fractions and 100 itself") {
    const ConfigResult r = parse_config(with_collector(R"("video":{"milestones":[100,0.5,33.3]})"));
    INFO(describe(r));
    CHECK(diagnostics_of(r).empty());
    CHECK(items_of(r.config.video_milestones) == std::vector<double>{0.5, 33.3, 100});
  }
  for (const char* list : {"[0,50]", "[50,150]", "[]", R"([50,"75"])", "50"}) {
    SECTION(std::string("given ") + list + ": one error, and the defaults stay") {
      const ConfigResult r = parse_config(with_collector(std::string(R"("scroll":{"thresholds":)") + list + "}"));
      require_single_error(r, "scroll.thresholds",
                           "config 'scroll.thresholds' must be a non-empty list of percents in (0, 100].");
      CHECK(items_of(r.config.scroll_thresholds) == std::vector<double>{25, 50, 75, 90, 100});
    }
  }
}

TEST_CASE("Several problems give one diagnostic each", "[config]") {
  const ConfigResult r = parse_config(with_collector(
      R"("batchSize":"x","persist":"y","colour":"blue","sampleRate":7)"));
  INFO(describe(r));
  CHECK(r.ok);
  CHECK(of_level(r, Diagnostic::Level::Error).size() == 3);
  CHECK(messages_of(r) == Strings{
                              "config 'batchSize' must be a whole number from 1 to 500.",
                              "config 'persist' must be true or false.",
                              "unknown config key 'colour'.",
                              "config 'sampleRate' must be a number from 0 to 1; using 1.",
                          });
}

TEST_CASE("Diagnostic messages are sentences without the microtrack: prefix", "[config]") {
  const ConfigResult r = parse_config(with_collector(R"("batchSize":"x","colour":1)"));
  INFO(describe(r));
  const auto diagnostics = diagnostics_of(r);
  REQUIRE(diagnostics.size() == 2);
  for (const auto& d : diagnostics) {
    CHECK_FALSE(d.message.empty());
    CHECK_FALSE(mt_test::contains(d.message, "microtrack:"));
  }
}
