// post_json: the one HTTP POST of flows and the forwarder, against a local
// receiver.
#include <catch2/catch.hpp>

#include "http_post.hpp"
#include "receiver.hpp"

using collector_test::Receiver;
namespace mc = microtrack::collector;

TEST_CASE("post_json keeps the milliseconds of its timeout") {
  // An answer after 1.2 s: inside 1,500 ms, though not inside 1 s (the
  // forwarder used to drop the 500 ms and gave up after 1 s).
  SECTION("1,500 ms is long enough") {
    Receiver receiver({{200, "", 1200}});
    const mc::PostResult result = mc::post_json(receiver.url("/slow"), "{}", {}, 1500);
    CHECK(result.ok());
    CHECK(result.status == 200);
  }
  SECTION("500 ms is not") {
    Receiver receiver({{200, "", 1200}});
    const mc::PostResult result = mc::post_json(receiver.url("/slow"), "{}", {}, 500);
    CHECK_FALSE(result.ok());
    CHECK(result.status == 0);
    CHECK_THAT(result.problem, Catch::StartsWith("no answer"));
  }
}

TEST_CASE("post_json sends the body and headers, and reads status and Retry-After") {
  Receiver receiver({{503, "7"}, {201}});
  const mc::PostResult busy = mc::post_json(receiver.url("/hook?x=1"), R"({"a":1})", {{"X-Microtrack-Flow", "f"}}, 2000);
  CHECK(busy.status == 503);
  CHECK(busy.problem == "HTTP 503");
  CHECK(busy.retry_after_ms == 7000);
  const mc::PostResult created = mc::post_json(receiver.url("/hook"), "{}", {}, 2000);
  CHECK(created.ok());
  CHECK(created.status == 201);
  CHECK(created.retry_after_ms == 0);

  const auto calls = receiver.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].path == "/hook");
  CHECK(calls[0].body == R"({"a":1})");
  CHECK(calls[0].header("Content-Type") == "application/json");
  CHECK(calls[0].header("X-Microtrack-Flow") == "f");
}

TEST_CASE("post_json answers a URL it cannot use, or nobody listening, with a problem") {
  const mc::PostResult bad = mc::post_json("ftp://example.com/x", "{}", {}, 1000);
  CHECK(bad.status == 0);
  CHECK(bad.problem == "bad URL");
  std::string closed_url;
  { Receiver gone; closed_url = gone.url("/"); }
  const mc::PostResult refused = mc::post_json(closed_url, "{}", {}, 1000);
  CHECK(refused.status == 0);
  CHECK_THAT(refused.problem, Catch::StartsWith("no answer"));
}

TEST_CASE("Retry-After is read in seconds, and dates or garbage count as none") {
  const std::vector<std::pair<const char*, double>> table = {
      {"0", 0}, {"7", 7000}, {"120", 120'000}, {"999999", 999'999'000}, {"1000000", 0}, {"", 0},
      {"1.5", 0}, {"-1", 0}, {" 7", 0}, {"Wed, 21 Oct 2026 07:28:00 GMT", 0}};
  for (const auto& [value, ms] : table) {
    CAPTURE(value);
    CHECK(mc::retry_after_ms(value) == ms);
  }
}
