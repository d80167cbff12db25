// Ingest beyond the basics of test_server.cpp: writeKey, CORS exposure,
// the analytics.js route names, RudderStack's originalTimestamp.
#include <catch2/catch.hpp>

#include "base64.hpp"
#include "live_collector.hpp"

using namespace collector_test;

namespace {

json body_of(const httplib::Result& res) {
  REQUIRE(res);
  const json body = json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  return body;
}

}  // namespace

TEST_CASE("With write keys configured, only batches naming one are accepted") {
  mc::ServerOptions options;
  options.write_keys = {"wk-live", "wk-old"};
  LiveCollector server(options);
  json batch = batch_of({track_event("m1")});  // batch_of sets writeKey "wk"

  SECTION("a batch without a key is answered 401 and nothing is stored") {
    batch.erase("writeKey");
    const auto res = server.post("/v1/batch", batch);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(body_of(res)["error"] == "writeKey missing or not accepted");
    CHECK(server.events().empty());
  }
  SECTION("a wrong key in the body is answered 401") {
    CHECK(server.post("/v1/batch", batch)->status == 401);
    CHECK(server.events().empty());
  }
  SECTION("a listed key in the body is accepted") {
    batch["writeKey"] = "wk-old";
    CHECK(body_of(server.post("/v1/batch", batch))["accepted"] == 1);
  }
  SECTION("a listed key as the Basic auth user is accepted (Segment, RudderStack)") {
    batch.erase("writeKey");
    const httplib::Headers auth = {{"Authorization", "Basic " + mc::base64_encode("wk-live:")}};
    const auto res = server.client().Post("/v1/batch", auth, batch.dump(), "application/json");
    CHECK(body_of(res)["accepted"] == 1);
    const httplib::Headers wrong = {{"Authorization", "Basic " + mc::base64_encode("nope:")}};
    CHECK(server.client().Post("/v1/batch", wrong, batch.dump(), "application/json")->status == 401);
  }
  SECTION("a listed key as ?writeKey= is accepted") {
    batch.erase("writeKey");
    CHECK(body_of(server.post("/v1/batch?writeKey=wk-live", batch))["accepted"] == 1);
  }
  SECTION("the single-event routes read the key from the event") {
    json event = track_event("single");
    CHECK(server.post("/v1/track", event)->status == 401);
    event["writeKey"] = "wk-live";
    CHECK(body_of(server.post("/v1/track", event))["accepted"] == 1);
  }
  SECTION("the 401 is readable cross-origin") {
    const auto res = server.client().Post("/v1/batch", {{"Origin", "https://shop.example"}}, batch.dump(), "text/plain");
    CHECK(res->status == 401);
    CHECK(res->get_header_value("Access-Control-Allow-Origin") == "https://shop.example");
  }
}

TEST_CASE("Without write keys configured, any key or none is accepted") {
  LiveCollector server;
  json batch = batch_of({track_event("m1")});
  batch.erase("writeKey");
  CHECK(body_of(server.post("/v1/batch", batch))["accepted"] == 1);
}

TEST_CASE("CORS answers expose Retry-After so the SDK can honour it") {
  SECTION("on an accepted batch, an error and a preflight") {
    LiveCollector server;
    const httplib::Headers origin = {{"Origin", "https://shop.example"}};
    const auto ok = server.client().Post("/v1/batch", origin, batch_of({track_event("m1")}).dump(), "text/plain");
    CHECK(ok->get_header_value("Access-Control-Expose-Headers") == "Retry-After, Microtrack-Compression");
    CHECK(ok->get_header_value("Microtrack-Compression") == "gzip");  // the SDK gzips only after this
    const auto bad = server.client().Post("/v1/batch", origin, "{", "text/plain");
    CHECK(bad->status == 400);
    CHECK(bad->get_header_value("Access-Control-Expose-Headers") == "Retry-After, Microtrack-Compression");
    const auto preflight = server.client().Options("/v1/batch", {{"Origin", "https://shop.example"},
                                                                 {"Access-Control-Request-Method", "POST"}});
    CHECK(preflight->status == 204);
    CHECK_THAT(preflight->get_header_value("Access-Control-Allow-Headers"), Catch::Contains("Authorization"));
  }
  SECTION("not for an origin that is not allowed") {
    mc::ServerOptions options;
    options.cors_origins = {"https://shop.example"};
    LiveCollector server(options);
    const auto res = server.client().Post("/v1/batch", {{"Origin", "https://evil.example"}},
                                          batch_of({track_event("m1")}).dump(), "text/plain");
    CHECK_FALSE(res->has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(res->has_header("Access-Control-Expose-Headers"));
    const auto preflight = server.client().Options("/v1/batch", {{"Origin", "https://evil.example"},
                                                                 {"Access-Control-Request-Method", "POST"}});
    CHECK_FALSE(preflight->has_header("Access-Control-Allow-Origin"));
  }
}

TEST_CASE("The routes analytics.js uses (/v1/b, /v1/t, /v1/p, /v1/i) work like the long ones") {
  LiveCollector server;
  CHECK(body_of(server.post("/v1/b", batch_of({track_event("b1")})))["accepted"] == 1);
  json track = track_event("t1");
  track.erase("type");
  CHECK(body_of(server.post("/v1/t", track))["accepted"] == 1);
  json page = {{"messageId", "p1"}, {"anonymousId", "a"}, {"timestamp", "2026-11-27T10:00:00Z"}};
  CHECK(body_of(server.post("/v1/p", page))["accepted"] == 1);
  json identify = {{"messageId", "i1"}, {"userId", "u"}, {"timestamp", "2026-11-27T10:00:00Z"}};
  CHECK(body_of(server.post("/v1/i", identify))["accepted"] == 1);
  const json events = server.events();
  REQUIRE(events.size() == 4);
  CHECK(events[2]["type"] == "page");
  CHECK(events[3]["type"] == "identify");
}

TEST_CASE("RudderStack's originalTimestamp stands in for a missing timestamp") {
  LiveCollector server;  // receives at 10:00:15
  json event = track_event("rs1");
  event.erase("timestamp");
  event["originalTimestamp"] = "2026-11-27T10:00:00.000Z";
  json broken = track_event("rs2");
  broken.erase("timestamp");
  broken["originalTimestamp"] = "not a time";
  json both = track_event("rs3");
  both["timestamp"] = 5;  // a timestamp that is there wins, even broken
  both["originalTimestamp"] = "2026-11-27T10:00:00.000Z";

  const json answer = body_of(server.post("/v1/batch", batch_of({event, broken, both}, "2026-11-27T10:00:05.000Z")));
  CHECK(answer["accepted"] == 1);
  REQUIRE(answer["rejected"].size() == 2);
  CHECK_THAT(answer["rejected"][0]["error"].get<std::string>(), Catch::StartsWith("timestamp must be an ISO-8601 string"));
  const json row = server.events()[0];
  CHECK(row["timestamp"] == "2026-11-27T10:00:00.000Z");
  CHECK(row["corrected_timestamp"] == "2026-11-27T10:00:10.000Z");
}

TEST_CASE("/api/events can list the newest first", "[stores]") {
  LiveCollector server;
  server.post("/v1/batch", batch_of({track_event("m1"), track_event("m2"), track_event("m3")}));
  const json newest = server.events("?order=desc&limit=2");
  REQUIRE(newest.size() == 2);
  CHECK(newest[0]["message_id"] == "m3");
  CHECK(newest[1]["message_id"] == "m2");
}

TEST_CASE("Base64 for Basic auth round-trips and rejects junk") {
  for (const std::string text : {"", "a", "ab", "abc", "abcd", "wk-live:", "\xff\x00\x10"}) {
    CAPTURE(text);
    CHECK(mc::base64_decode(mc::base64_encode(text)) == text);
  }
  CHECK(mc::base64_encode("wk:") == "d2s6");
  CHECK(mc::base64_decode("d2s6") == std::string("wk:"));
  CHECK_FALSE(mc::base64_decode("d2s6!").has_value());
}

TEST_CASE("A null userId or anonymousId counts as absent (analytics.js sends userId: null)", "[stores]") {
  LiveCollector server;
  json anonymous = track_event("null-user");
  anonymous["userId"] = nullptr;
  json both_null = track_event("both-null");
  both_null["userId"] = nullptr;
  both_null["anonymousId"] = nullptr;
  const json answer = body_of(server.post("/v1/batch", batch_of({anonymous, both_null})));
  CHECK(answer["accepted"] == 1);
  REQUIRE(answer["rejected"].size() == 1);
  CHECK(answer["rejected"][0]["error"] == "anonymousId or userId must be a non-empty string");
  CHECK(server.events()[0]["user_id"].is_null());
}

TEST_CASE("An identify's traits may come as context.traits (RudderStack)", "[stores]") {
  LiveCollector server;
  json identify = {{"type", "identify"}, {"messageId", "i1"}, {"userId", "u1"}, {"originalTimestamp", "2026-11-27T10:00:00Z"},
                   {"context", {{"traits", {{"plan", "pro"}}}}}};
  json both = identify;
  both["messageId"] = "i2";
  both["traits"] = {{"plan", "team"}};
  CHECK(body_of(server.post("/v1/batch", batch_of({identify, both})))["accepted"] == 2);
  const json rows = server.events();
  CHECK(rows[0]["properties"] == json({{"plan", "pro"}}));
  CHECK(rows[1]["properties"] == json({{"plan", "team"}}));  // top-level traits win
}
