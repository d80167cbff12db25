// The guards through a live server: the admin credential on every admin
// route (bearer and cookie), the login form, loopback-only without a token,
// the ingest rate limit, each ingest limit, erasure, export and retention.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "live_collector.hpp"

using namespace collector_test;

namespace {

const std::string kToken = "s3cret-admin-token-for-tests";
const httplib::Headers kBearer = {{"Authorization", "Bearer " + kToken}};

mc::ServerOptions with_token() {
  mc::ServerOptions options;
  options.admin.token = kToken;
  return options;
}

mc::TrustedProxies trust(const char* list) {
  std::string error;
  auto proxies = mc::TrustedProxies::parse(list, error);
  REQUIRE(proxies);
  return *proxies;
}

json body_of(const httplib::Result& res) {
  REQUIRE(res);
  const json body = json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  return body;
}

// The status of GET /api/stream: the stream is cancelled once its headers are in.
int stream_status(const LiveCollector& server, const httplib::Headers& headers) {
  int status = 0;
  auto client = server.client();
  client.set_read_timeout(5, 0);
  client.Get(
      "/api/stream", headers,
      [&](const httplib::Response& r) {
        status = r.status;
        return false;
      },
      [](const char*, std::size_t) { return false; });
  return status;
}

// A dashboard folder with an index page.
struct DashboardDir {
  std::filesystem::path root = std::filesystem::temp_directory_path() / ("mt-guards-" + std::to_string(::getpid()));
  DashboardDir() {
    std::filesystem::create_directories(root);
    std::ofstream(root / "index.html") << "<!DOCTYPE html><title>dashboard</title>";
    std::ofstream(root / "dashboard.css") << "body {}";
  }
  ~DashboardDir() { std::filesystem::remove_all(root); }
};

// Logs in with the form; returns the Set-Cookie header.
std::string log_in(const LiveCollector& server, const httplib::Headers& headers = {}) {
  const auto res = server.client().Post("/dashboard/login", headers, "token=" + kToken, "application/x-www-form-urlencoded");
  REQUIRE(res);
  REQUIRE(res->status == 303);
  return res->get_header_value("Set-Cookie");
}

const std::vector<std::string> kAdminGets = {"/api/events", "/api/totals", "/api/funnel?step=page",
                                             "/api/flows", "/api/visitors/export?anonymousId=anon-1"};

}  // namespace

TEST_CASE("With a token, every admin route refuses without it and answers with it") {
  LiveCollector server(with_token());
  REQUIRE(server.post("/v1/batch", batch_of({track_event("m1")}))->status == 200);  // ingest stays public

  for (const std::string& path : kAdminGets) {
    CAPTURE(path);
    const auto refused = server.get(path);
    REQUIRE(refused);
    CHECK(refused->status == 401);
    CHECK(refused->get_header_value("WWW-Authenticate") == "Bearer realm=\"microtrack\"");
    CHECK(body_of(refused)["error"].get<std::string>().find("admin token") != std::string::npos);
    CHECK(server.client().Get(path.c_str(), kBearer)->status == 200);
  }
  CHECK(server.client().Delete("/api/visitors?anonymousId=nobody")->status == 401);
  CHECK(server.client().Delete("/api/visitors?anonymousId=nobody", kBearer)->status == 200);
  CHECK(stream_status(server, {}) == 401);
  CHECK(stream_status(server, kBearer) == 200);

  SECTION("the session cookie from the login form works the same") {
    const std::string set_cookie = log_in(server);
    const httplib::Headers cookie = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
    for (const std::string& path : kAdminGets) {
      CAPTURE(path);
      CHECK(server.client().Get(path.c_str(), cookie)->status == 200);
    }
    CHECK(stream_status(server, cookie) == 200);
    CHECK(server.client().Delete("/api/visitors?anonymousId=nobody", cookie)->status == 200);
    CHECK(server.client().Get("/api/events", {{"Cookie", "mt_admin=v1.9999999999.0000"}})->status == 401);
  }
  SECTION("health stays public, as a liveness probe") {
    CHECK(server.get("/api/health")->status == 200);
  }
  SECTION("CORS preflights are answered without the credential") {
    const auto preflight = server.client().Options(
        "/api/events", {{"Origin", "https://admin.example"}, {"Access-Control-Request-Method", "GET"}});
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
  }
}

TEST_CASE("The dashboard sends a browser without a session to the login form") {
  DashboardDir dir;
  mc::ServerOptions options = with_token();
  options.dashboard_dir = dir.root.string();
  LiveCollector server(options);

  const auto page = server.get("/dashboard/");
  REQUIRE(page);
  CHECK(page->status == 303);
  CHECK(page->get_header_value("Location") == "/dashboard/login");
  CHECK(server.get("/dashboard/index.html")->status == 303);

  const auto login = server.get("/dashboard/login");
  REQUIRE(login);
  CHECK(login->status == 200);
  CHECK(login->get_header_value("Content-Security-Policy").find("script-src 'self'") != std::string::npos);
  CHECK_THAT(login->body, Catch::Contains("name=\"token\""));
  CHECK(server.get("/dashboard/dashboard.css")->status == 200);  // the login page's style

  const std::string set_cookie = log_in(server);
  CHECK_THAT(set_cookie, Catch::StartsWith("mt_admin=v1."));
  CHECK_THAT(set_cookie, Catch::Contains("; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict"));
  CHECK_THAT(set_cookie, !Catch::Contains("Secure"));
  const httplib::Headers cookie = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
  const auto opened = server.client().Get("/dashboard/", cookie);
  REQUIRE(opened);
  CHECK(opened->status == 200);
  CHECK_THAT(opened->body, Catch::Contains("<title>dashboard</title>"));

  const auto logout = server.client().Post("/dashboard/logout", cookie, "", "application/x-www-form-urlencoded");
  REQUIRE(logout);
  CHECK(logout->status == 303);
  CHECK_THAT(logout->get_header_value("Set-Cookie"), Catch::StartsWith("mt_admin=; Path=/; Max-Age=0"));
}

TEST_CASE("Behind a trusted https proxy the cookie is Secure") {
  mc::ServerOptions options = with_token();
  options.trusted_proxies = trust("127.0.0.1");
  LiveCollector server(options);
  CHECK_THAT(log_in(server, {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "198.51.100.7"}}),
             Catch::EndsWith("; Secure"));
  CHECK_THAT(log_in(server, {{"X-Forwarded-Proto", "http"}}), !Catch::Contains("Secure"));
}

TEST_CASE("Wrong tokens from one address are slowed down, others are not") {
  mc::ServerOptions options = with_token();
  options.trusted_proxies = trust("127.0.0.1");  // so the test can speak for several addresses
  LiveCollector server(options);
  const httplib::Headers guesser = {{"X-Forwarded-For", "203.0.113.66"}};
  for (int i = 0; i < 5; ++i) {
    const auto wrong = server.client().Post("/dashboard/login", guesser, "token=guess-" + std::to_string(i),
                                            "application/x-www-form-urlencoded");
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
  }
  const auto slowed = server.client().Post("/dashboard/login", guesser, "token=" + kToken, "application/x-www-form-urlencoded");
  REQUIRE(slowed);
  CHECK(slowed->status == 429);
  CHECK(slowed->get_header_value("Retry-After") == "1");  // the clock is fixed: it stays blocked
  httplib::Headers guesser_bearer = guesser;
  guesser_bearer.emplace("Authorization", "Bearer " + kToken);
  const auto api = server.client().Get("/api/events", guesser_bearer);
  CHECK(api->status == 429);
  CHECK(api->get_header_value("Retry-After") == "1");
  // Another visitor behind the same proxy is not affected.
  httplib::Headers other = kBearer;
  other.emplace("X-Forwarded-For", "198.51.100.7");
  CHECK(server.client().Get("/api/events", other)->status == 200);
}

TEST_CASE("Without a token the admin routes answer loopback clients only, and say why") {
  mc::ServerOptions options;
  options.trusted_proxies = trust("127.0.0.1");
  LiveCollector server(options);
  CHECK(server.get("/api/events")->status == 200);  // this test is on loopback
  CHECK(stream_status(server, {}) == 200);

  const auto remote = server.client().Get("/api/events", {{"X-Forwarded-For", "203.0.113.9"}});
  REQUIRE(remote);
  CHECK(remote->status == 403);
  CHECK_THAT(body_of(remote)["error"].get<std::string>(), Catch::Contains("no admin token is configured"));
  CHECK(stream_status(server, {{"X-Forwarded-For", "203.0.113.9"}}) == 403);
  // A proxy on this machine that is not trusted makes no loopback client either.
  LiveCollector untrusting;
  CHECK(untrusting.client().Get("/api/events", {{"X-Forwarded-For", "203.0.113.9"}})->status == 403);
  CHECK(untrusting.collector().admin().startup_notice().find("only to loopback clients") != std::string::npos);
}

TEST_CASE("Too many ingest requests from one client get 429 with Retry-After, and others go on") {
  mc::ServerOptions options;
  options.rate_limit = {/*requests_per_s=*/1, /*burst=*/2, /*max_clients=*/1000};
  options.trusted_proxies = trust("127.0.0.1");
  LiveCollector server(options);  // the clock is fixed: nothing refills
  CHECK(server.post("/v1/batch", batch_of({track_event("r1")}))->status == 200);
  CHECK(server.post("/v1/track", track_event("r2"))->status == 200);
  const auto limited = server.post("/v1/batch", batch_of({track_event("r3")}));
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(limited->get_header_value("Retry-After") == "1");
  CHECK(body_of(limited)["error"] == "too many requests from this address (at most 1 per second, 2 at once); retry in 1 s");
  CHECK(server.events().size() == 2);  // the refused batch was not stored

  const auto other = server.client().Post("/v1/batch", {{"X-Forwarded-For", "198.51.100.7"}},
                                          batch_of({track_event("r4")}).dump(), "text/plain");
  CHECK(other->status == 200);
  CHECK(server.get("/api/events")->status == 200);  // only ingest is limited

  // An IPv6 client counts by its /64: rotating addresses within it does not help.
  for (const char* address : {"2001:db8:1:2::1", "2001:db8:1:2::2"})
    CHECK(server.client().Post("/v1/batch", {{"X-Forwarded-For", address}}, batch_of(json::array()).dump(), "text/plain")->status == 200);
  CHECK(server.client().Post("/v1/batch", {{"X-Forwarded-For", "2001:db8:1:2::3"}}, batch_of(json::array()).dump(), "text/plain")->status == 429);
  CHECK(server.client().Post("/v1/batch", {{"X-Forwarded-For", "2001:db8:1:3::1"}}, batch_of(json::array()).dump(), "text/plain")->status == 200);
}

TEST_CASE("Each ingest limit rejects the event alone through the route") {
  mc::ServerOptions options;
  options.limits.max_events_per_batch = 6;
  LiveCollector server(options);
  json deep = 1;
  for (int i = 0; i < 40; ++i) deep = json::array({deep});
  json too_big = track_event("too-big");
  for (int i = 0; i < 5; ++i) too_big["properties"]["p" + std::to_string(i)] = std::string(8000, 'x');
  json long_string = track_event("long-string");
  long_string["properties"]["essay"] = std::string(9000, 'x');
  json nested = track_event("deep");
  nested["properties"]["deep"] = deep;
  json bad_utf8 = track_event("bad-utf8");
  bad_utf8["properties"]["word"] = "MARKER";
  const json events = {track_event("ok-1"), too_big, long_string, nested, track_event("ok-2"), bad_utf8,
                       track_event("seventh")};
  // Invalid UTF-8 cannot come from nlohmann: spliced into the text by hand.
  std::string text = batch_of(events).dump();
  text.replace(text.find("MARKER"), 6, "caf\xE9");
  const auto res = server.client().Post("/v1/batch", text, "text/plain");
  const json body = body_of(res);
  REQUIRE(res->status == 200);
  CHECK(body["accepted"] == 2);
  const json expected = {
      {{"index", 1}, {"error", "event is " + std::to_string(events[1].dump().size()) + " bytes, over the limit of 32768"}},
      {{"index", 2}, {"error", "a string in the event is 9000 bytes, over the limit of 8192"}},
      {{"index", 3}, {"error", "event nests objects and arrays deeper than 32 levels"}},
      {{"index", 5}, {"error", "a string in the event is not valid UTF-8"}},
      {{"index", 6}, {"error", "event 6 is beyond the limit of 6 events per batch"}},
  };
  CHECK(body["rejected"] == expected);
  std::vector<std::string> stored;
  for (const json& row : server.events()) stored.push_back(row["message_id"]);
  CHECK(stored == std::vector<std::string>{"ok-1", "ok-2"});

  SECTION("a single-event route rejects the same way") {
    const json answer = body_of(server.post("/v1/track", long_string));
    CHECK(answer["accepted"] == 0);
    CHECK(answer["rejected"][0]["error"] == "a string in the event is 9000 bytes, over the limit of 8192");
  }
}

TEST_CASE("A megabyte of opening brackets is a quick 400, and the server goes on") {
  LiveCollector server;
  const auto start = std::chrono::steady_clock::now();
  const auto res = server.client().Post("/v1/batch", std::string(1000 * 1000, '['), "text/plain");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(body_of(res)["error"] == "body nests objects and arrays deeper than 512 levels");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  const std::string nested = "{\"batch\":[" + std::string(600, '[') + std::string(600, ']') + "]}";
  CHECK(server.client().Post("/v1/batch", nested, "text/plain")->status == 400);
  CHECK(server.post("/v1/batch", batch_of({track_event("after")}))->status == 200);
}

TEST_CASE("A visitor's events can be exported and erased, with their webhook rows") {
  mc::ServerOptions options = with_token();
  options.flows = {mc::FlowRule{"hook", {"hero_seen", {}}, "http://127.0.0.1:9/hook"}};
  options.flow_options.max_attempts = 1;
  LiveCollector server(options);
  json other = track_event("b-1");
  other["anonymousId"] = "anon-2";
  other.erase("userId");
  REQUIRE(body_of(server.post("/v1/batch", batch_of({track_event("a-1"), track_event("a-2"), other})))["accepted"] == 3);

  const auto exported = server.client().Get("/api/visitors/export?anonymousId=anon-1", kBearer);
  const json dump = body_of(exported);
  CHECK(exported->get_header_value("Content-Disposition") == "attachment; filename=\"microtrack-visitor-export.json\"");
  CHECK(dump["visitor"] == json{{"anonymousId", "anon-1"}});
  REQUIRE(dump["events"].size() == 2);
  CHECK(dump["events"][0]["raw"]["properties"] == json{{"variant", "b"}});
  CHECK(dump["truncated"] == false);

  const auto erased = server.client().Delete("/api/visitors?userId=u42", kBearer);
  CHECK(body_of(erased) == json{{"visitor", {{"userId", "u42"}}}, {"erased", {{"events", 2}, {"deliveries", 2}}}});
  const auto left = body_of(server.client().Get("/api/events", kBearer))["events"];
  REQUIRE(left.size() == 1);
  CHECK(left[0]["message_id"] == "b-1");
  CHECK(body_of(server.client().Get("/api/visitors/export?userId=u42", kBearer))["events"].empty());

  SECTION("one visitor must be named") {
    CHECK(server.client().Delete("/api/visitors", kBearer)->status == 400);
    CHECK(server.client().Delete("/api/visitors?anonymousId=a&userId=b", kBearer)->status == 400);
    CHECK(body_of(server.client().Get("/api/visitors/export", kBearer))["error"] ==
          "name one visitor: ?anonymousId=… or ?userId=…");
  }
}

TEST_CASE("Retention deletes what was received more than N days ago") {
  std::atomic<double> now{*mc::parse_iso8601_ms("2026-11-01T09:00:00.000Z")};
  mc::ServerOptions options;
  options.retention = {/*days=*/30, /*interval_ms=*/3'600'000};
  options.now_ms = [&] { return now.load(); };
  LiveCollector server(options);
  REQUIRE(server.post("/v1/batch", batch_of({track_event("november")}))->status == 200);
  now = *mc::parse_iso8601_ms("2026-11-25T09:00:00.000Z");
  REQUIRE(server.post("/v1/batch", batch_of({track_event("later")}))->status == 200);

  now = *mc::parse_iso8601_ms("2026-12-01T09:00:00.001Z");  // "november" is 30 days and 1 ms old
  std::string error;
  server.collector().sweep_retention(error);  // the worker's hourly pass, now
  CHECK(error.empty());
  std::vector<std::string> left;
  for (const json& row : server.events()) left.push_back(row["message_id"]);
  CHECK(left == std::vector<std::string>{"later"});
}
