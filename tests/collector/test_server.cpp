#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include <unistd.h>
#include <zlib.h>

#include "gzip_for_tests.hpp"
#include "live_collector.hpp"

using namespace collector_test;

namespace {

json body_of(const httplib::Result& res) {
  REQUIRE(res);
  const json body = json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  return body;
}

httplib::Result post_gzip(const LiveCollector& server, const json& body) {
  return server.client().Post("/v1/batch", {{"Content-Encoding", "gzip"}}, gzip(body.dump()), "text/plain;charset=UTF-8");
}

// As the browser SDK sends it: no Content-Encoding (that would need a CORS
// preflight), the compression named in the query (CONTRACT §4).
httplib::Result post_gzip_param(const LiveCollector& server, const std::string& path, const std::string& body) {
  return server.client().Post((path + "?compression=gzip").c_str(), body, "text/plain;charset=UTF-8");
}

// A throwaway folder with the given files, removed at the end of the test.
struct TempTree {
  std::filesystem::path root;
  explicit TempTree(const std::vector<std::pair<std::string, std::string>>& files) {
    static int counter = 0;
    root = std::filesystem::temp_directory_path() /
           ("mt-collector-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    for (const auto& [path, content] : files) {
      std::filesystem::create_directories((root / path).parent_path());
      std::ofstream(root / path, std::ios::binary) << content;
    }
  }
  ~TempTree() { std::filesystem::remove_all(root); }
  std::string operator/(const std::string& sub) const { return (root / sub).string(); }
};

}  // namespace

TEST_CASE("A valid batch is stored with every field", "[stores]") {
  LiveCollector server;
  json page = {{"type", "page"}, {"name", "Pricing"}, {"messageId", "m-page"}, {"anonymousId", "anon-1"},
               {"timestamp", "2026-11-27T10:00:01.000Z"}, {"properties", {{"path", "/pricing"}}}};
  json identify = {{"type", "identify"}, {"messageId", "m-id"}, {"userId", "u42"},
                   {"timestamp", "2026-11-27T10:00:02.000Z"}, {"traits", {{"plan", "pro"}}}};
  const json sent = batch_of({track_event("m-track"), page, identify});

  const auto res = server.post("/v1/batch", sent);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(body_of(res) == json({{"accepted", 3}, {"duplicates", 0}, {"rejected", json::array()}}));

  const json events = server.events();
  REQUIRE(events.size() == 3);
  const json& track = events[0];
  CHECK(track["id"].is_number_integer());
  CHECK(track["message_id"] == "m-track");
  CHECK(track["type"] == "track");
  CHECK(track["event"] == "hero_seen");
  CHECK(track["anonymous_id"] == "anon-1");
  CHECK(track["user_id"] == "u42");
  CHECK(track["session_id"] == "s-1");
  CHECK(track["timestamp"] == "2026-11-27T10:00:00.000Z");
  CHECK(track["sent_at"] == "2026-11-27T10:00:05.000Z");
  CHECK(track["received_at"] == kReceivedAt);
  CHECK(track["corrected_timestamp"] == "2026-11-27T10:00:10.000Z");
  CHECK(track["properties"] == json({{"variant", "b"}}));
  CHECK(track["context"] == sent["batch"][0]["context"]);
  CHECK(track["raw"] == sent["batch"][0]);

  CHECK(events[1]["type"] == "page");
  CHECK(events[1]["event"] == "Pricing");  // a page's name goes in the event column
  CHECK(events[1]["properties"] == json({{"path", "/pricing"}}));
  CHECK(events[1]["user_id"].is_null());
  CHECK(events[1]["context"].is_null());

  CHECK(events[2]["type"] == "identify");
  CHECK(events[2]["event"].is_null());
  CHECK(events[2]["anonymous_id"].is_null());
  CHECK(events[2]["properties"] == json({{"plan", "pro"}}));  // identify's traits
}

TEST_CASE("A repeated messageId is stored once and counted as a duplicate", "[stores]") {
  LiveCollector server;
  const json batch = batch_of({track_event("m1"), track_event("m2")});
  CHECK(body_of(server.post("/v1/batch", batch))["accepted"] == 2);

  SECTION("when a whole batch is retried") {
    const json again = body_of(server.post("/v1/batch", batch));
    CHECK(again["accepted"] == 0);
    CHECK(again["duplicates"] == 2);
  }
  SECTION("when one event repeats inside a new batch") {
    const json mixed = body_of(server.post("/v1/batch", batch_of({track_event("m3"), track_event("m3"), track_event("m1")})));
    CHECK(mixed["accepted"] == 1);
    CHECK(mixed["duplicates"] == 2);
  }
  CHECK(server.events("?event=hero_seen").size() >= 2);
  CHECK(server.events().size() <= 3);
}

TEST_CASE("An invalid event among valid ones is rejected alone, with its index and reason") {
  LiveCollector server;
  json broken = track_event("m2");
  broken.erase("event");
  const json answer = body_of(server.post("/v1/batch", batch_of({track_event("m1"), broken, track_event("m3")})));
  CHECK(answer["accepted"] == 2);
  CHECK(answer["duplicates"] == 0);
  REQUIRE(answer["rejected"].size() == 1);
  CHECK(answer["rejected"][0]["index"] == 1);
  CHECK(answer["rejected"][0]["error"] == "track needs event, a non-empty string");

  const json events = server.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0]["message_id"] == "m1");
  CHECK(events[1]["message_id"] == "m3");
}

TEST_CASE("Every validation rule rejects its event with its own reason") {
  LiveCollector server;
  // Each row breaks one rule of an otherwise valid event.
  struct Case {
    const char* what;
    std::function<void(json&)> breaks;
    const char* reason;  // the start of the expected reason
  };
  const std::string long_id(101, 'x');
  const std::vector<Case> cases = {
      {"not an object", [](json& e) { e = "hello"; }, "event must be a JSON object"},
      {"no type", [](json& e) { e.erase("type"); }, "type must be one of page, track, identify"},
      {"unknown type", [](json& e) { e["type"] = "alias"; }, "type must be one of page, track, identify"},
      {"no messageId", [](json& e) { e.erase("messageId"); }, "messageId must be a non-empty string"},
      {"empty messageId", [](json& e) { e["messageId"] = ""; }, "messageId must be a non-empty string"},
      {"numeric messageId", [](json& e) { e["messageId"] = 42; }, "messageId must be a non-empty string"},
      {"messageId of 101 characters", [&](json& e) { e["messageId"] = long_id; }, "messageId must be at most 100 characters"},
      {"no ids", [](json& e) { e.erase("anonymousId"); e.erase("userId"); }, "anonymousId or userId must be a non-empty string"},
      {"empty ids", [](json& e) { e["anonymousId"] = ""; e["userId"] = ""; }, "anonymousId or userId must be a non-empty string"},
      {"numeric anonymousId", [](json& e) { e["anonymousId"] = 5; }, "anonymousId must be a string"},
      {"boolean userId", [](json& e) { e["userId"] = true; }, "userId must be a string"},
      {"no timestamp", [](json& e) { e.erase("timestamp"); }, "timestamp must be an ISO-8601 string"},
      {"numeric timestamp", [](json& e) { e["timestamp"] = 1795773600000; }, "timestamp must be an ISO-8601 string"},
      {"prose timestamp", [](json& e) { e["timestamp"] = "yesterday"; }, "timestamp must be an ISO-8601 string"},
      {"timestamp without zone", [](json& e) { e["timestamp"] = "2026-11-27T10:00:00"; }, "timestamp must be an ISO-8601 string"},
      {"impossible date", [](json& e) { e["timestamp"] = "2026-02-30T10:00:00Z"; }, "timestamp must be an ISO-8601 string"},
      {"track without event", [](json& e) { e.erase("event"); }, "track needs event, a non-empty string"},
      {"track with empty event", [](json& e) { e["event"] = ""; }, "track needs event, a non-empty string"},
      {"page with numeric name", [](json& e) { e["type"] = "page"; e["name"] = 7; }, "name must be a string"},
      {"identify without userId", [](json& e) { e["type"] = "identify"; e.erase("userId"); }, "identify needs userId, a non-empty string"},
      {"array properties", [](json& e) { e["properties"] = json::array(); }, "properties must be an object"},
      {"string traits", [](json& e) { e["traits"] = "x"; }, "traits must be an object"},
      {"null context", [](json& e) { e["context"] = nullptr; }, "context must be an object"},
  };
  json batch = json::array();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    json event = track_event("bad-" + std::to_string(i));
    cases[i].breaks(event);
    batch.push_back(event);
  }
  // Edges that must still pass.
  json hundred_chars = track_event("replaced below");
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "\xC3\xA9";  // "é": 100 characters, 200 bytes
  hundred_chars["messageId"] = accented;
  json user_only = track_event("user-only");
  user_only.erase("anonymousId");
  json offset_time = track_event("offset");
  offset_time["timestamp"] = "2026-11-27T11:00:00+01:00";
  json page_without_name = {{"type", "page"}, {"messageId", "page"}, {"anonymousId", "a"}, {"timestamp", "2026-11-27T10:00:00Z"}};
  for (const json& ok : {hundred_chars, user_only, offset_time, page_without_name}) batch.push_back(ok);

  const json answer = body_of(server.post("/v1/batch", batch_of(batch)));
  CHECK(answer["accepted"] == 4);
  REQUIRE(answer["rejected"].size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(cases[i].what);
    CHECK(answer["rejected"][i]["index"] == i);
    CHECK_THAT(answer["rejected"][i]["error"].get<std::string>(), Catch::StartsWith(cases[i].reason));
  }
}

TEST_CASE("A body that is not JSON, or has no batch array, is answered 400 with an error") {
  LiveCollector server;
  std::string body;
  SECTION("malformed JSON") { body = "{\"batch\": [ {"; }
  SECTION("an empty body") { body = ""; }
  SECTION("a JSON array") { body = "[]"; }
  SECTION("an object without batch") { body = "{\"sentAt\":\"2026-11-27T10:00:05Z\"}"; }
  SECTION("a batch that is not an array") { body = "{\"batch\":{}}"; }
  const auto res = server.client().Post("/v1/batch", body, "text/plain");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK_FALSE(body_of(res)["error"].get<std::string>().empty());
  CHECK(server.events().empty());
}

TEST_CASE("A body over the size limit is answered 413 with a JSON error") {
  mc::ServerOptions options;
  options.max_body_bytes = 1024;
  LiveCollector server(options);
  json big = track_event("big");
  big["properties"]["blob"] = std::string(4096, 'a');

  SECTION("as sent") {
    const auto res = server.post("/v1/batch", batch_of({big}));
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(body_of(res)["error"] == "request body is over the limit of 1024 bytes (--max-body)");
    CHECK(res->get_header_value("Access-Control-Allow-Origin") == "*");  // the SDK must be able to read it
  }
  SECTION("after gunzipping a small compressed body") {
    const auto res = post_gzip(server, batch_of({big}));
    REQUIRE(res);
    CHECK(res->status == 413);
  }
  SECTION("after gunzipping a small body marked ?compression=gzip") {
    const std::string compressed = gzip(batch_of({big}).dump());
    REQUIRE(compressed.size() < 1024);
    const auto res = post_gzip_param(server, "/v1/batch", compressed);
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(body_of(res)["error"] == "request body is over the limit of 1024 bytes (--max-body) once decompressed");
  }
  SECTION("a body marked ?compression=gzip over the limit as sent") {
    std::string incompressible;
    for (unsigned i = 0; incompressible.size() < 4096; ++i) incompressible += std::to_string(i * 2654435761u);
    const auto res = post_gzip_param(server, "/v1/batch", gzip(incompressible));
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(body_of(res)["error"] == "request body is over the limit of 1024 bytes (--max-body)");
  }
  CHECK(server.events().empty());
  CHECK(server.post("/v1/batch", batch_of({track_event("small")}))->status == 200);
}

TEST_CASE("A gzip-compressed batch is decompressed and stored") {
  LiveCollector server;
  const json batch = batch_of({track_event("m1"), track_event("m2")});
  const auto res = post_gzip(server, batch);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(body_of(res)["accepted"] == 2);
  CHECK(server.events()[1]["raw"] == batch["batch"][1]);
}

TEST_CASE("A body marked ?compression=gzip is decompressed on every ingest route") {
  LiveCollector server;
  SECTION("a batch, sent as text/plain") {
    const json batch = batch_of({track_event("z1"), track_event("z2")});
    const auto res = post_gzip_param(server, "/v1/batch", gzip(batch.dump()));
    CHECK(body_of(res) == json({{"accepted", 2}, {"duplicates", 0}, {"rejected", json::array()}}));
    CHECK(server.events()[1]["raw"] == batch["batch"][1]);
  }
  SECTION("one event on /v1/t") {
    const auto res = post_gzip_param(server, "/v1/t", gzip(track_event("z3").dump()));
    CHECK(body_of(res)["accepted"] == 1);
    CHECK(server.events()[0]["raw"]["messageId"] == "z3");
  }
  SECTION("a plain body on the same route still works") {
    CHECK(body_of(server.post("/v1/batch", batch_of({track_event("z4")})))["accepted"] == 1);
  }
}

TEST_CASE("A body marked ?compression=gzip that is not gzip, or names another compression, is refused") {
  LiveCollector server;
  const std::string plain = batch_of({track_event("c1")}).dump();
  SECTION("plain JSON") {
    const auto res = post_gzip_param(server, "/v1/batch", plain);
    CHECK(res->status == 400);
    CHECK(body_of(res)["error"] == "body is not valid gzip (compression=gzip)");
  }
  SECTION("gzip cut short") {
    const std::string compressed = gzip(plain);
    const auto res = post_gzip_param(server, "/v1/batch", compressed.substr(0, compressed.size() / 2));
    CHECK(res->status == 400);
  }
  SECTION("an unknown compression") {
    const auto res = server.client().Post("/v1/batch?compression=br", plain, "text/plain");
    REQUIRE(res);
    CHECK(res->status == 415);
    CHECK(body_of(res)["error"] == "compression=br is not supported (gzip is)");
  }
  CHECK(server.events().empty());
}

TEST_CASE("The single-event routes take the type from the route") {
  LiveCollector server;
  json track = track_event("t1");
  track.erase("type");
  json page = {{"messageId", "p1"}, {"anonymousId", "a"}, {"name", "Home"}, {"timestamp", "2026-11-27T10:00:00Z"},
               {"sentAt", "2026-11-27T10:00:05Z"}};
  json identify = {{"messageId", "i1"}, {"userId", "u42"}, {"traits", {{"plan", "pro"}}}, {"timestamp", "2026-11-27T10:00:00Z"}};

  for (const auto& [path, event] : {std::pair{"/v1/track", track}, {"/v1/page", page}, {"/v1/identify", identify}}) {
    CAPTURE(path);
    CHECK(body_of(server.post(path, event)) == json({{"accepted", 1}, {"duplicates", 0}, {"rejected", json::array()}}));
  }
  const json events = server.events();
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "track");
  CHECK(events[0]["raw"]["type"] == "track");
  CHECK(events[1]["type"] == "page");
  CHECK(events[1]["event"] == "Home");
  CHECK(events[1]["corrected_timestamp"] == "2026-11-27T10:00:10.000Z");  // the event's own sentAt
  CHECK(events[2]["type"] == "identify");
  CHECK(events[2]["properties"] == json({{"plan", "pro"}}));

  SECTION("an event of another type is rejected") {
    json other = track_event("t2");
    const json answer = body_of(server.post("/v1/page", other));
    CHECK(answer["accepted"] == 0);
    CHECK(answer["rejected"] == json::array({{{"index", 0}, {"error", "type must be page on /v1/page"}}}));
  }
  SECTION("a body that is not one event object is a 400") {
    CHECK(server.post("/v1/track", json::array({track}))->status == 400);
  }
}

TEST_CASE("The timestamp is corrected by the client's clock skew", "[stores]") {
  LiveCollector server;  // receives at 10:00:15
  json event = track_event("skewed");
  event["timestamp"] = "2026-11-27T10:00:00.250Z";

  SECTION("a client clock 10 s behind the server shifts the timestamp 10 s later") {
    server.post("/v1/batch", batch_of({event}, "2026-11-27T10:00:05.000Z"));
    CHECK(server.events()[0]["corrected_timestamp"] == "2026-11-27T10:00:10.250Z");
  }
  SECTION("a client clock 1 min ahead shifts it 1 min earlier") {
    server.post("/v1/batch", batch_of({event}, "2026-11-27T10:01:15.000Z"));
    CHECK(server.events()[0]["corrected_timestamp"] == "2026-11-27T09:59:00.250Z");
  }
  SECTION("without a usable sentAt the timestamp is kept, in UTC") {
    event["timestamp"] = "2026-11-27T11:00:00.250+01:00";
    server.post("/v1/batch", {{"batch", {event}}, {"sentAt", "soon"}});
    const json row = server.events()[0];
    CHECK(row["timestamp"] == "2026-11-27T11:00:00.250+01:00");  // as the client sent it
    CHECK(row["corrected_timestamp"] == "2026-11-27T10:00:00.250Z");
  }
}

TEST_CASE("A CORS preflight is answered with the allowed origin, methods and headers") {
  const httplib::Headers preflight = {{"Origin", "https://shop.example"},
                                      {"Access-Control-Request-Method", "POST"},
                                      {"Access-Control-Request-Headers", "content-type,content-encoding"}};
  SECTION("by default every origin is allowed and echoed") {
    LiveCollector server;
    const auto res = server.client().Options("/v1/batch", preflight);
    REQUIRE(res);
    CHECK(res->status == 204);
    CHECK(res->get_header_value("Access-Control-Allow-Origin") == "https://shop.example");
    CHECK(res->get_header_value("Vary") == "Origin");
    CHECK_THAT(res->get_header_value("Access-Control-Allow-Methods"), Catch::Contains("POST"));
    CHECK(res->get_header_value("Access-Control-Allow-Headers") == "content-type,content-encoding");

    const auto post = server.client().Post("/v1/batch", {{"Origin", "https://shop.example"}},
                                           batch_of({track_event("m1")}).dump(), "text/plain");
    CHECK(post->get_header_value("Access-Control-Allow-Origin") == "https://shop.example");
    CHECK(server.get("/api/health")->get_header_value("Access-Control-Allow-Origin") == "*");  // no Origin sent
  }
  SECTION("with a list, only the listed origins are allowed") {
    mc::ServerOptions options;
    options.cors_origins = {"https://other.example", "https://shop.example"};
    LiveCollector server(options);
    CHECK(server.client().Options("/v1/batch", preflight)->get_header_value("Access-Control-Allow-Origin") ==
          "https://shop.example");
    const auto evil = server.client().Post("/v1/batch", {{"Origin", "https://evil.example"}},
                                           batch_of({track_event("m1")}).dump(), "text/plain");
    REQUIRE(evil);
    CHECK_FALSE(evil->has_header("Access-Control-Allow-Origin"));
  }
}

TEST_CASE("/api/events filters by event name and type and honours limit", "[stores]") {
  LiveCollector server;
  json page = {{"type", "page"}, {"name", "hero_seen"}, {"messageId", "p1"}, {"anonymousId", "a"},
               {"timestamp", "2026-11-27T10:00:00Z"}};
  server.post("/v1/batch", batch_of({track_event("t1"), track_event("t2", "cta_click"), track_event("t3"), page}));

  CHECK(server.events().size() == 4);
  const json hero = server.events("?event=hero_seen");
  REQUIRE(hero.size() == 3);
  CHECK(hero[0]["message_id"] == "t1");
  CHECK(hero[2]["message_id"] == "p1");
  CHECK(server.events("?type=page").size() == 1);
  CHECK(server.events("?event=hero_seen&type=track").size() == 2);
  CHECK(server.events("?event=nothing").empty());
  const json first_two = server.events("?limit=2");
  REQUIRE(first_two.size() == 2);
  CHECK(first_two[1]["message_id"] == "t2");
  CHECK(server.get("/api/events?limit=lots")->status == 400);
  CHECK(server.get("/api/events?limit=-1")->status == 400);
}

TEST_CASE("A second collector cannot take a port that one is listening on") {
  LiveCollector first;
  std::string error;
  auto store = mc::Store::open(":memory:", error);
  mc::Collector second(*store, {});
  CHECK(second.start("127.0.0.1", first.port(), error) == 0);  // SO_REUSEPORT would allow it
  CHECK_THAT(error, Catch::Contains("Address already in use"));
}

TEST_CASE("The health check answers ok and unknown paths answer a JSON 404") {
  LiveCollector server;
  CHECK(body_of(server.get("/api/health")) == json({{"ok", true}}));
  const auto missing = server.get("/api/nothing");
  CHECK(missing->status == 404);
  CHECK(body_of(missing)["error"] == "not found: GET /api/nothing");
}

TEST_CASE("Static files are served with the MIME types browsers need") {
  const std::string wasm("\0asm\x01\0\0\0", 8);
  TempTree tree({{"site/index.html", "<!doctype html><title>demo</title>"},
                 {"dist/microtrack.wasm", wasm},
                 {"dist/microtrack.js", "console.log(1)"}});
  mc::ServerOptions options;
  options.site_dir = tree / "site";
  options.dist_dir = tree / "dist";
  options.dashboard_dir = tree / "no-such-dashboard";
  LiveCollector server(options);
  REQUIRE(server.warnings().size() == 1);
  CHECK_THAT(server.warnings()[0], Catch::Contains("no-such-dashboard"));

  const auto module = server.get("/dist/microtrack.wasm");
  REQUIRE(module);
  CHECK(module->status == 200);
  CHECK(module->get_header_value("Content-Type") == "application/wasm");
  CHECK(module->body == wasm);
  CHECK(server.get("/dist/microtrack.js")->get_header_value("Content-Type") == "text/javascript");
  const auto index = server.get("/");
  CHECK(index->status == 200);
  CHECK_THAT(index->get_header_value("Content-Type"), Catch::StartsWith("text/html"));
  CHECK(index->get_header_value("Cache-Control") == "no-cache");
  CHECK(server.get("/dashboard/")->status == 404);
  CHECK(server.get("/dist/../site/index.html")->status != 200);  // no escaping a mount
}

TEST_CASE("Static files: no encoded escape from a mount, folders redirect to their index, HEAD has no body") {
  TempTree tree({{"site/index.html", "<!doctype html><title>demo</title>"},
                 {"site/blog/index.html", "<!doctype html><title>blog</title>"},
                 {"secret.txt", "not served"}});
  mc::ServerOptions options;
  options.site_dir = tree / "site";
  options.dist_dir = "";
  options.dashboard_dir = "";
  LiveCollector server(options);
  for (const char* path : {"/%2e%2e/secret.txt", "/..%2fsecret.txt", "/blog/%2E%2E/%2E%2E/secret.txt"}) {
    CAPTURE(path);
    const auto res = server.get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(body_of(res).contains("error"));
  }
  const auto folder = server.get("/blog");
  REQUIRE(folder);
  CHECK(folder->status == 302);
  CHECK(folder->get_header_value("Location") == "/blog/");
  CHECK_THAT(server.get("/blog/")->body, Catch::Contains("<title>blog</title>"));
  const auto head = server.client().Head("/api/health");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
}

TEST_CASE("Static files answer byte ranges, as a <video> asks for them to seek") {
  TempTree tree({{"site/clip.webm", "0123456789"}, {"site/index.html", "<!doctype html>"}});
  mc::ServerOptions options;
  options.site_dir = tree / "site";
  options.dist_dir = "";
  options.dashboard_dir = "";
  LiveCollector server(options);
  const auto ranged = [&](const std::string& range) { return server.client().Get("/clip.webm", {{"Range", range}}); };

  const auto whole = server.get("/clip.webm");
  CHECK(whole->status == 200);
  CHECK(whole->get_header_value("Accept-Ranges") == "bytes");
  CHECK(whole->body == "0123456789");
  // (first-last, first-, the last N, a last beyond the end) -> (body, Content-Range)
  for (const auto& [range, body, content_range] :
       {std::tuple{"bytes=2-5", "2345", "bytes 2-5/10"}, std::tuple{"bytes=7-", "789", "bytes 7-9/10"},
        std::tuple{"bytes=-3", "789", "bytes 7-9/10"}, std::tuple{"bytes=8-99", "89", "bytes 8-9/10"}}) {
    CAPTURE(range);
    const auto part = ranged(range);
    REQUIRE(part);
    CHECK(part->status == 206);
    CHECK(part->body == body);
    CHECK(part->get_header_value("Content-Range") == content_range);
  }
  const auto beyond = ranged("bytes=10-");
  CHECK(beyond->status == 416);
  CHECK(beyond->get_header_value("Content-Range") == "bytes */10");
  CHECK(ranged("bytes=0-1,4-5")->status == 200);  // several ranges: the whole file
  CHECK(ranged("items=0-1")->status == 200);
}

TEST_CASE("A check added through ServerOptions::checks runs before every route and may answer instead") {
  mc::ServerOptions options;
  options.checks.push_back([](const mc::http::Request& req, mc::http::Response& res) {
    if (req.header("X-Test-Block").empty()) return false;
    res.set_error(429, "blocked by a check on " + req.method + " " + req.path);
    res.set_header("Retry-After", "7");
    return true;
  });
  LiveCollector server(options);
  const auto blocked = server.client().Post("/v1/batch", {{"X-Test-Block", "1"}, {"Origin", "https://shop.example"}},
                                            batch_of({track_event("m1")}).dump(), "text/plain");
  REQUIRE(blocked);
  CHECK(blocked->status == 429);
  CHECK(body_of(blocked)["error"] == "blocked by a check on POST /v1/batch");
  CHECK(blocked->get_header_value("Retry-After") == "7");
  CHECK(blocked->get_header_value("Access-Control-Allow-Origin") == "https://shop.example");  // readable by the page
  CHECK(server.events().empty());
  CHECK(server.post("/v1/batch", batch_of({track_event("m2")}))->status == 200);
  CHECK(server.events().size() == 1);
}
