// admin_auth.*: the admin token, the signed session cookie, throttled
// failures and the gate, on literal clocks and hand-made requests.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include <sys/stat.h>

#include "admin_auth.hpp"
#include "iso_time.hpp"

namespace mc = microtrack::collector;
namespace http = microtrack::collector::http;

namespace {

const std::string kToken = "correct-horse-battery-staple";
const double kNow = *mc::parse_iso8601_ms("2026-12-04T10:00:00.000Z");

http::Request request(const std::string& peer, http::Headers headers = {}) {
  http::Request req;
  req.method = "GET";
  req.path = "/api/events";
  req.peer_address = peer;
  req.client_address = peer;
  req.headers = std::move(headers);
  return req;
}

std::string temp_file(const std::string& text) {
  char path[] = "/tmp/mt-token-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::FILE* out = fdopen(fd, "w");
  std::fputs(text.c_str(), out);
  std::fclose(out);
  return path;
}

std::string header(const http::Response& res, const std::string& name) {
  const auto found = res.headers.find(name);
  return found == res.headers.end() ? "" : found->second;
}

// The mt_admin=… part of a Set-Cookie header.
std::string cookie_of(const http::Response& res) {
  const auto found = res.headers.find("Set-Cookie");
  REQUIRE(found != res.headers.end());
  return found->second.substr(0, found->second.find(';'));
}

}  // namespace

TEST_CASE("The admin token comes from a file or the environment, never too short") {
  std::string error;
  SECTION("a file's first line, whitespace and newline removed") {
    const std::string path = temp_file("  " + kToken + "  \nsecond line\n");
    CHECK(mc::load_admin_token(path, nullptr, error) == kToken);
    std::remove(path.c_str());
  }
  SECTION("the file wins over the environment") {
    const std::string path = temp_file(kToken);
    CHECK(mc::load_admin_token(path, "from-the-environment-123", error) == kToken);
    std::remove(path.c_str());
  }
  SECTION("the environment when no file is named") {
    CHECK(mc::load_admin_token("", "from-the-environment-123", error) == "from-the-environment-123");
  }
  SECTION("neither: none configured") {
    CHECK(mc::load_admin_token("", nullptr, error) == "");
    CHECK(mc::load_admin_token("", "", error) == "");
  }
  SECTION("errors are named") {
    CHECK_FALSE(mc::load_admin_token("/nonexistent/token", nullptr, error));
    CHECK(error == "cannot read the admin token file /nonexistent/token");
    CHECK_FALSE(mc::load_admin_token("", "short", error));
    CHECK(error == "the admin token must be at least 16 characters");
    const std::string empty = temp_file("\n");
    CHECK_FALSE(mc::load_admin_token(empty, nullptr, error));
    CHECK(error == "the admin token file " + empty + " is empty");
    std::remove(empty.c_str());
  }
}

TEST_CASE("A token file others can read is worth a warning") {
  const std::string path = temp_file(kToken);  // mkstemp makes it 0600
  CHECK(mc::token_file_warning(path).empty());
  chmod(path.c_str(), 0644);
  CHECK(mc::token_file_warning(path) == "the admin token file " + path + " can be read by other users; chmod 600 it");
  std::remove(path.c_str());
  CHECK(mc::token_file_warning("").empty());
}

TEST_CASE("A session is a signed expiry that any instance with the token accepts") {
  const std::string key = mc::session_key(kToken);
  const std::string value = mc::sign_session(key, kNow + 3'600'000);
  CHECK(value.compare(0, 3, "v1.") == 0);
  CHECK(value.size() == 3 + 10 + 1 + 64);  // v1.<10 digits>.<64 hex>

  CHECK(mc::session_valid(key, value, kNow));
  CHECK(mc::session_valid(mc::session_key(kToken), value, kNow + 3'599'000));  // another instance, same token
  CHECK_FALSE(mc::session_valid(key, value, kNow + 3'600'000));                // expired
  CHECK_FALSE(mc::session_valid(mc::session_key(kToken + "x"), value, kNow));  // the token changed

  SECTION("a forged or damaged value is refused") {
    std::string later = value;
    later[3] = static_cast<char>(later[3] + 1);  // a later expiry, old signature
    CHECK_FALSE(mc::session_valid(key, later, kNow));
    std::string flipped = value;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    CHECK_FALSE(mc::session_valid(key, flipped, kNow));
    for (const char* bad : {"", "v1.", "v1..", "v2.1.ab", "v1.x.ab", "v1.99999999999999.ab", kToken.c_str()}) {
      INFO(bad);
      CHECK_FALSE(mc::session_valid(key, bad, kNow));
    }
  }
}

TEST_CASE("Secrets compare equal only when equal, whatever the lengths") {
  CHECK(mc::same_secret(kToken, kToken));
  CHECK_FALSE(mc::same_secret(kToken, kToken + "x"));
  CHECK_FALSE(mc::same_secret(kToken, ""));
  CHECK_FALSE(mc::same_secret(kToken, "Correct-horse-battery-staple"));
}

TEST_CASE("Failures from one address are slowed down after five, with a growing wait") {
  mc::LoginThrottle throttle;  // 5 free, then 1 s, 2 s, 4 s …
  const std::string a = "198.51.100.7";
  struct Step {
    double at_ms;
    int wait_before_s;  // what wait_s says before this failure
  };
  const Step steps[] = {
      {kNow, 0}, {kNow + 1'000, 0}, {kNow + 2'000, 0}, {kNow + 3'000, 0},
      {kNow + 4'000, 0},  // the 5th: blocked 1 s
      {kNow + 5'000, 0},  // waited it out; the 6th: 2 s
      {kNow + 7'000, 0},  // the 7th: 4 s
  };
  for (const Step& step : steps) {
    INFO("at +" << step.at_ms - kNow);
    CHECK(throttle.wait_s(a, step.at_ms) == step.wait_before_s);
    throttle.failed(a, step.at_ms);
  }
  CHECK(throttle.wait_s(a, kNow + 7'000) == 4);
  CHECK(throttle.wait_s(a, kNow + 9'500) == 2);  // 1.5 s left, rounded up
  CHECK(throttle.wait_s(a, kNow + 11'000) == 0);
  CHECK(throttle.wait_s("203.0.113.1", kNow + 7'000) == 0);  // others are not affected

  SECTION("the wait keeps doubling up to the cap") {
    double t = kNow + 11'000;
    for (int i = 0; i < 30; ++i) {
      throttle.failed(a, t);
      t += throttle.wait_s(a, t) * 1000.0;
    }
    CHECK(throttle.wait_s(a, t) == 0);
    throttle.failed(a, t);
    CHECK(throttle.wait_s(a, t) == 3600);
  }
  SECTION("a minute of quiet after the block forgives") {
    // The last block ended at +11 s; a minute later the count starts over.
    for (int i = 0; i < 4; ++i) throttle.failed(a, kNow + 71'001);
    CHECK(throttle.wait_s(a, kNow + 71'001) == 0);  // 4 failures since: still free
    throttle.failed(a, kNow + 71'001);
    CHECK(throttle.wait_s(a, kNow + 71'001) == 1);  // the 5th
  }
  SECTION("a success forgets the address") {
    throttle.succeeded(a);
    CHECK(throttle.tracked() == 0);
  }
}

TEST_CASE("The throttle keeps a bounded number of addresses") {
  mc::LoginThrottle throttle({5, 60'000, 1'000, 3'600'000, /*max_addresses=*/64});
  for (int i = 0; i < 5'000; ++i) {
    throttle.failed("addr-" + std::to_string(i), kNow + i);
    REQUIRE(throttle.tracked() <= 64);
  }
}

TEST_CASE("With a token, the gate wants the bearer token or a session cookie") {
  double now = kNow;
  mc::AdminGate gate({kToken}, [&] { return now; });
  http::Response res;

  SECTION("nothing: 401 with WWW-Authenticate for the API, the login page for a browser") {
    CHECK_FALSE(gate.admit(request("127.0.0.1"), res, mc::AdminArea::api));  // loopback is no exception
    CHECK(res.status == 401);
    CHECK(header(res, "WWW-Authenticate") == "Bearer realm=\"microtrack\"");
    http::Response page;
    CHECK_FALSE(gate.admit(request("203.0.113.1"), page, mc::AdminArea::page));
    CHECK(page.status == 303);
    CHECK(header(page, "Location") == "/dashboard/login");
  }
  SECTION("the bearer token") {
    CHECK(gate.admit(request("203.0.113.1", {{"Authorization", "Bearer " + kToken}}), res, mc::AdminArea::api));
    CHECK(gate.admit(request("203.0.113.1", {{"authorization", "bearer " + kToken}}), res, mc::AdminArea::api));
    CHECK_FALSE(gate.admit(request("203.0.113.1", {{"Authorization", "Bearer nope"}}), res, mc::AdminArea::api));
    CHECK(res.status == 401);
    CHECK(res.body == R"({"error":"wrong admin token"})");
    // Basic auth is the writeKey's, not ours.
    CHECK_FALSE(gate.authorized(request("203.0.113.1", {{"Authorization", "Basic " + kToken}})));
  }
  SECTION("the login form sets a session cookie that opens the gate") {
    http::Request login = request("203.0.113.1");
    login.method = "POST";
    login.body = "token=" + kToken;
    gate.login(login, res, false);
    CHECK(res.status == 303);
    CHECK(header(res, "Location") == "/dashboard/");
    const std::string set_cookie = header(res, "Set-Cookie");
    CHECK(set_cookie.find("; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict") != std::string::npos);
    CHECK(set_cookie.find("Secure") == std::string::npos);
    const std::string cookie = cookie_of(res);
    http::Response ok;
    CHECK(gate.admit(request("198.51.100.9", {{"Cookie", "theme=dark; " + cookie}}), ok, mc::AdminArea::page));

    now += 12 * 3'600'000.0;  // the session's end
    CHECK_FALSE(gate.authorized(request("198.51.100.9", {{"Cookie", cookie}})));
  }
  SECTION("over https through a trusted proxy the cookie is Secure") {
    http::Request login = request("203.0.113.1");
    login.body = "token=" + kToken;
    gate.login(login, res, true);
    CHECK(header(res, "Set-Cookie").find("; Secure") != std::string::npos);
  }
  SECTION("form encoding is decoded") {
    mc::AdminGate spaced({"a token with spaces & more"}, [&] { return now; });
    http::Request login = request("203.0.113.1");
    login.body = "next=x&token=a+token+with%20spaces+%26+more";
    spaced.login(login, res, false);
    CHECK(res.status == 303);
  }
  SECTION("a wrong token gets the form again, and the sixth try waits") {
    http::Request login = request("203.0.113.1");
    login.body = "token=guess";
    for (int i = 0; i < 5; ++i) {
      http::Response wrong;
      gate.login(login, wrong, false);
      CHECK(wrong.status == 401);
      CHECK(wrong.body.find("That is not the admin token.") != std::string::npos);
      CHECK(wrong.headers.count("Set-Cookie") == 0);
    }
    login.body = "token=" + kToken;  // even the right one waits
    gate.login(login, res, false);
    CHECK(res.status == 429);
    CHECK(header(res, "Retry-After") == "1");
    // The same address's bearer tokens wait too; other addresses do not.
    http::Response api;
    CHECK_FALSE(gate.admit(request("203.0.113.1", {{"Authorization", "Bearer " + kToken}}), api, mc::AdminArea::api));
    CHECK(api.status == 429);
    CHECK(gate.admit(request("203.0.113.2", {{"Authorization", "Bearer " + kToken}}), api, mc::AdminArea::api));
    now += 1'000;
    http::Response later;
    gate.login(login, later, false);
    CHECK(later.status == 303);
  }
  SECTION("logout clears the cookie") {
    gate.logout(res, false);
    CHECK(res.status == 303);
    CHECK(header(res, "Location") == "/dashboard/login");
    CHECK(header(res, "Set-Cookie") == "mt_admin=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  }
  SECTION("the login page is a form without script") {
    gate.login_page(request("203.0.113.1"), res);
    CHECK(res.status == 200);
    CHECK(header(res, "Content-Type") == "text/html; charset=utf-8");
    CHECK(res.body.find("<form method=\"post\" action=\"/dashboard/login\">") != std::string::npos);
    CHECK(res.body.find("<script") == std::string::npos);
    CHECK(res.body.find("style=") == std::string::npos);
  }
}

TEST_CASE("Without a token, the gate answers only to loopback clients that came through no proxy") {
  mc::AdminGate gate({}, [] { return kNow; });
  http::Response res;
  CHECK(gate.admit(request("127.0.0.1"), res, mc::AdminArea::api));
  CHECK(gate.admit(request("::1"), res, mc::AdminArea::api));

  CHECK_FALSE(gate.admit(request("203.0.113.1"), res, mc::AdminArea::api));
  CHECK(res.status == 403);
  CHECK(res.body.find("no admin token is configured") != std::string::npos);

  http::Response proxied;
  CHECK_FALSE(gate.admit(request("127.0.0.1", {{"X-Forwarded-For", "203.0.113.1"}}), proxied, mc::AdminArea::api));
  CHECK(proxied.status == 403);
  CHECK_FALSE(gate.authorized(request("127.0.0.1", {{"Forwarded", "for=203.0.113.1"}})));

  http::Response page;
  CHECK_FALSE(gate.admit(request("203.0.113.1"), page, mc::AdminArea::page));
  CHECK(page.status == 403);
  CHECK(header(page, "Content-Type") == "text/html; charset=utf-8");
  CHECK(gate.startup_notice().find("answer only to loopback clients") != std::string::npos);
}

TEST_CASE("The login page and what it loads are public, the rest of the dashboard is not") {
  CHECK(mc::AdminGate::public_dashboard_path("/dashboard/login"));
  CHECK(mc::AdminGate::public_dashboard_path("/dashboard/dashboard.css"));
  CHECK(mc::AdminGate::public_dashboard_path("/dashboard/favicon.svg"));
  CHECK_FALSE(mc::AdminGate::public_dashboard_path("/dashboard/"));
  CHECK_FALSE(mc::AdminGate::public_dashboard_path("/dashboard/dashboard.js"));
  CHECK_FALSE(mc::AdminGate::public_dashboard_path("/dashboard/login/../index.html"));
}
