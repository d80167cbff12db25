// parse_config (CONTRACT §2): defaults, validation into diagnostics, and the
// rule that a bad value never stops the SDK, it falls back.
#include <algorithm>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/config.hpp"

using microtrack::ConfigResult;
using microtrack::parse_config;

namespace {

// One diagnostic as the JS receives it, read back from ConfigResult::messages_json.
struct Diagnostic {
  enum class Level { Warning, Error };
  Level level;
  std::string key;  // the name its message quotes first
  std::string message;
};

std::vector<Diagnostic> diagnostics_of(const ConfigResult& r) {
  MT_PARSE(items, "[" + r.messages_json + "]");
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

// Exactly one diagnostic, an error about `key` whose message names the key.
void require_single_error_naming(const ConfigResult& r, const std::string& key) {
  INFO(describe(r));
  const auto diagnostics = diagnostics_of(r);
  REQUIRE(diagnostics.size() == 1);
  const Diagnostic& d = diagnostics.front();
  CHECK(d.level == Diagnostic::Level::Error);
  CHECK(d.key == key);
  CHECK(mt_test::contains(d.message, key));
}

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
  CHECK(c.scroll_thresholds == std::vector<double>{25, 50, 75, 90, 100});
  CHECK(c.video);
  CHECK(c.video_milestones == std::vector<double>{10, 25, 50, 75, 90});
  CHECK(c.forms);
  CHECK(c.clicks);
  CHECK(c.clicks_outbound);
  CHECK(c.clicks_downloads);
  MT_PARSE(downloads, c.download_extensions_json);
  CHECK(downloads.size() == 22);
  MT_PARSE(internal_domains, c.internal_domains_json);
  CHECK(internal_domains == nlohmann::json::array());
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
  MT_PARSE(scrub, c.scrub_query_params_json);
  CHECK(scrub == nlohmann::json::array({"email", "token", "password", "auth", "key", "code"}));
  CHECK_FALSE(c.debug);
}

TEST_CASE("A config without a valid collector is not ok and names the collector", "[config]") {
  SECTION("an empty object") {
    const ConfigResult r = parse_config("{}");
    CHECK_FALSE(r.ok);
    require_single_error_naming(r, "collector");
  }
  SECTION("a collector that is not a string") {
    const ConfigResult r = parse_config(R"({"collector":42})");
    CHECK_FALSE(r.ok);
    require_single_error_naming(r, "collector");
  }
  SECTION("an empty collector") {
    const ConfigResult r = parse_config(R"({"collector":""})");
    CHECK_FALSE(r.ok);
    require_single_error_naming(r, "collector");
  }
  SECTION("a collector with a scheme other than http(s)") {
    const ConfigResult r = parse_config(R"({"collector":"ftp://collect.example.com/v1/batch"})");
    CHECK_FALSE(r.ok);
    require_single_error_naming(r, "collector");
  }
  SECTION("a collector that is neither a URL nor a path") {
    const ConfigResult r = parse_config(R"({"collector":"collect dot example dot com"})");
    CHECK_FALSE(r.ok);
    require_single_error_naming(r, "collector");
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

TEST_CASE("Text that is not a JSON object gives an error and is not ok", "[config]") {
  SECTION("malformed JSON") {
    const ConfigResult r = parse_config("{\"collector\": ");
    INFO(describe(r));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(of_level(r, Diagnostic::Level::Error).empty());
  }
  SECTION("an array") {
    const ConfigResult r = parse_config(R"(["https://collect.example.com/v1/batch"])");
    INFO(describe(r));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(of_level(r, Diagnostic::Level::Error).empty());
  }
  SECTION("an empty string") {
    const ConfigResult r = parse_config("");
    INFO(describe(r));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(of_level(r, Diagnostic::Level::Error).empty());
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
  CHECK(c.scroll_thresholds == std::vector<double>{10, 60});
  CHECK(c.video);
  CHECK(c.video_milestones == std::vector<double>{50});
  CHECK_FALSE(c.forms);
  CHECK(c.clicks);
  CHECK_FALSE(c.clicks_outbound);
  MT_PARSE(downloads, c.download_extensions_json);
  CHECK(downloads == nlohmann::json::array({"pdf", "zip"}));
  MT_PARSE(internal_domains, c.internal_domains_json);
  CHECK(internal_domains == nlohmann::json::array({"example.org"}));
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
  MT_PARSE(scrub, c.scrub_query_params_json);
  CHECK(scrub == nlohmann::json::array({"session", "sig"}));
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
  CHECK(mt_test::contains(diagnostics[0].message, "batchsize"));
  CHECK(r.config.batch_size == 20);
}

TEST_CASE("A value of the wrong type gives an error naming the key and the default is used",
          "[config]") {
  SECTION("writeKey") {
    const ConfigResult r = parse_config(with_collector(R"("writeKey":5)"));
    require_single_error_naming(r, "writeKey");
    CHECK(r.ok);
    CHECK(r.config.write_key.empty());
  }
  SECTION("batchSize") {
    const ConfigResult r = parse_config(with_collector(R"("batchSize":"many")"));
    require_single_error_naming(r, "batchSize");
    CHECK(r.ok);
    CHECK(r.config.batch_size == 20);
  }
  SECTION("flushIntervalMs") {
    const ConfigResult r = parse_config(with_collector(R"("flushIntervalMs":true)"));
    require_single_error_naming(r, "flushIntervalMs");
    CHECK(r.config.flush_interval_ms == 5000);
  }
  SECTION("persist") {
    const ConfigResult r = parse_config(with_collector(R"("persist":"no")"));
    require_single_error_naming(r, "persist");
    CHECK(r.config.persist);
  }
  SECTION("respectDoNotTrack") {
    const ConfigResult r = parse_config(with_collector(R"("respectDoNotTrack":0)"));
    require_single_error_naming(r, "respectDoNotTrack");
    CHECK(r.config.respect_do_not_track);
  }
  SECTION("scroll") {
    const ConfigResult r = parse_config(with_collector(R"("scroll":"deep")"));
    require_single_error_naming(r, "scroll");
    CHECK(r.config.scroll);
    CHECK(r.config.scroll_thresholds == std::vector<double>{25, 50, 75, 90, 100});
  }
  SECTION("sessionTimeoutMs") {
    const ConfigResult r = parse_config(with_collector(R"("sessionTimeoutMs":"30m")"));
    require_single_error_naming(r, "sessionTimeoutMs");
    CHECK(r.config.session_timeout_ms == 1800000);
  }
  SECTION("scrubQueryParams") {
    const ConfigResult r = parse_config(with_collector(R"("scrubQueryParams":"email")"));
    require_single_error_naming(r, "scrubQueryParams");
    MT_PARSE(scrub, r.config.scrub_query_params_json);
    CHECK(scrub == nlohmann::json::array({"email", "token", "password", "auth", "key", "code"}));
  }
  SECTION("goals") {
    const ConfigResult r = parse_config(with_collector(R"("goals":{"name":"signup"})"));
    require_single_error_naming(r, "goals");
    MT_PARSE(goals, r.config.goals_json);
    CHECK(goals == nlohmann::json::array());
  }
  SECTION("debug") {
    const ConfigResult r = parse_config(with_collector(R"("debug":"yes")"));
    require_single_error_naming(r, "debug");
    CHECK_FALSE(r.config.debug);
  }
}

TEST_CASE("A number out of range gives an error naming the key and the nearest bound is used",
          "[config]") {
  SECTION("batchSize below 1") {
    const ConfigResult r = parse_config(with_collector(R"("batchSize":0)"));
    require_single_error_naming(r, "batchSize");
    CHECK(r.ok);
    CHECK(r.config.batch_size == 1);
  }
  SECTION("batchSize above 500") {
    const ConfigResult r = parse_config(with_collector(R"("batchSize":501)"));
    require_single_error_naming(r, "batchSize");
    CHECK(r.config.batch_size == 500);
  }
  SECTION("flushIntervalMs below 250") {
    const ConfigResult r = parse_config(with_collector(R"("flushIntervalMs":100)"));
    require_single_error_naming(r, "flushIntervalMs");
    CHECK(r.config.flush_interval_ms == 250);
  }
  SECTION("maxQueueSize below 1") {
    const ConfigResult r = parse_config(with_collector(R"("maxQueueSize":0)"));
    require_single_error_naming(r, "maxQueueSize");
    CHECK(r.config.max_queue_size == 1);
  }
  SECTION("sampleRate above 1") {
    const ConfigResult r = parse_config(with_collector(R"("sampleRate":1.5)"));
    require_single_error_naming(r, "sampleRate");
    CHECK(r.config.sample_rate == 1);
  }
  SECTION("sampleRate below 0") {
    const ConfigResult r = parse_config(with_collector(R"("sampleRate":-0.5)"));
    require_single_error_naming(r, "sampleRate");
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

TEST_CASE("Scroll thresholds end up ascending, each above 0 and at most 100", "[config]") {
  SECTION("given out of order") {
    const ConfigResult r = parse_config(with_collector(R"("scroll":{"thresholds":[75,25,50]})"));
    INFO(describe(r));
    const auto& t = r.config.scroll_thresholds;
    CHECK(std::is_sorted(t.begin(), t.end()));
    CHECK_FALSE(t.empty());
  }
  SECTION("given out of range: an error naming scroll") {
    const ConfigResult r = parse_config(with_collector(R"("scroll":{"thresholds":[0,50,150]})"));
    INFO(describe(r));
    const auto errors = of_level(r, Diagnostic::Level::Error);
    REQUIRE_FALSE(errors.empty());
    CHECK(mt_test::contains(errors[0].message, "scroll"));
    for (double t : r.config.scroll_thresholds) {
      CHECK(t > 0);
      CHECK(t <= 100);
    }
  }
}

TEST_CASE("Several problems give one diagnostic each", "[config]") {
  const ConfigResult r = parse_config(with_collector(
      R"("batchSize":"x","persist":"y","colour":"blue","sampleRate":7)"));
  INFO(describe(r));
  CHECK(r.ok);
  CHECK(of_level(r, Diagnostic::Level::Error).size() == 3);
  const auto warnings = of_level(r, Diagnostic::Level::Warning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].key == "colour");
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
