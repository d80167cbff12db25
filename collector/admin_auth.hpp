#pragma once
// Who may read the data: the query API (/api/* but /api/health), the live
// stream and the dashboard need the admin credential; ingest (/v1/*) stays
// public. The credential is one token, given by file or environment (never
// on the command line, where `ps` shows it):
//   - API clients send `Authorization: Bearer <token>`;
//   - the dashboard's login form (POST /dashboard/login, field `token`) sets
//     a cookie holding a signed expiry (HMAC-SHA256 with a key derived from
//     the token), so every collector with the same token accepts it and
//     changing the token ends every session.
// Without a token configured, the admin routes answer only to loopback
// clients that came through no proxy. Wrong tokens from one address are
// slowed down (LoginThrottle).

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http.hpp"

namespace microtrack::collector {

// Shortest token accepted: anything shorter can be guessed.
inline constexpr std::size_t kMinAdminTokenChars = 16;
inline constexpr const char* kAdminTokenEnv = "MICROTRACK_ADMIN_TOKEN";
inline constexpr const char* kSessionCookie = "mt_admin";

// The token from `file` (its first line, surrounding whitespace removed)
// when a path is given, else from `env_value` (the environment's
// MICROTRACK_ADMIN_TOKEN; null = unset). "" = none configured. Nothing, with
// `error`, when the file cannot be read or the token is shorter than
// kMinAdminTokenChars.
std::optional<std::string> load_admin_token(const std::string& file, const char* env_value, std::string& error);

// A line to print when the token file can be read by other users of the
// machine (group or others have read permission), else "".
std::string token_file_warning(const std::string& file);

// --- the session cookie (pure functions, exposed for tests) ------------------
// The signing key: HMAC-SHA256(token, a fixed label), 32 bytes.
std::string session_key(const std::string& token);
// "v1.<expiry, Unix s>.<hex HMAC-SHA256(key, "v1.<expiry>")>".
std::string sign_session(const std::string& key, double expires_ms);
// A value sign_session made with this key whose expiry is after now_ms.
bool session_valid(const std::string& key, const std::string& value, double now_ms);
// Equality in time independent of where the texts differ (and of their
// lengths, by comparing SHA-256 digests).
bool same_secret(const std::string& a, const std::string& b);

// Failed credentials per client address: the first `free_failures` within
// `window_ms` cost nothing; each one after that blocks the address for
// first_delay_ms, doubling per further failure, at most max_delay_ms. An
// address is forgotten a window after its block ends; at most
// `max_addresses` are kept (the stalest go first).
struct LoginThrottleOptions {
  int free_failures = 5;
  double window_ms = 60'000;
  double first_delay_ms = 1'000;
  double max_delay_ms = 3'600'000;
  std::size_t max_addresses = 10'000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {});
  // Whole seconds `address` must wait before its credential is even
  // checked; 0 = go ahead.
  int wait_s(const std::string& address, double now_ms);
  void failed(const std::string& address, double now_ms);
  void succeeded(const std::string& address);
  std::size_t tracked() const;

 private:
  struct Record {
    int failures = 0;
    double first_ms = 0, last_ms = 0, blocked_until_ms = 0;
  };
  bool stale(const Record& record, double now_ms) const;
  void make_room(double now_ms);

  LoginThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;
};

struct AdminOptions {
  std::string token;                      // "" = none: loopback only
  double session_ttl_ms = 12 * 3'600'000.0;  // a dashboard login lasts this long
  LoginThrottleOptions throttle;
};

// Which answer a refusal gets: JSON for the API, the login page for a browser.
enum class AdminArea { api, page };

class AdminGate {
 public:
  // `now_ms`: the wall clock (Unix epoch ms), shared by every instance that
  // signs sessions with the same token.
  AdminGate(AdminOptions options, std::function<double()> now_ms);

  bool configured() const { return !options_.token.empty(); }
  // Whether the request carries the credential (a bearer token or a valid
  // session cookie) or, without a token configured, comes from loopback
  // directly. No side effects.
  bool authorized(const http::Request& req) const;
  // For a request to a gated route: true lets it through; false leaves the
  // refusal in `res`: 401 (api: JSON with WWW-Authenticate: Bearer; page: a
  // 303 to the login page), 403 without a token configured and not from
  // loopback, 429 with Retry-After while the address is throttled.
  bool admit(const http::Request& req, http::Response& res, AdminArea area);

  // GET /dashboard/login: the form (or, without a token, why there is none).
  void login_page(const http::Request& req, http::Response& res) const;
  // POST /dashboard/login with `token=…` (a form): 303 to /dashboard/ with
  // the session cookie, 401 with the form again, 429 while throttled.
  // `secure`: the request came over https (through a trusted proxy), so the
  // cookie gets Secure.
  void login(const http::Request& req, http::Response& res, bool secure);
  // POST /dashboard/logout: clears the cookie, 303 to the login page. The
  // session value itself stays valid until it expires (it is stateless);
  // change the token to end every session at once.
  void logout(http::Response& res, bool secure) const;

  // Paths under /dashboard/ anyone may fetch: the login page and what it loads.
  static bool public_dashboard_path(const std::string& path);
  // One line for start-up: how the admin routes are protected.
  std::string startup_notice() const;

 private:
  bool from_loopback_directly(const http::Request& req) const;
  bool refuse(http::Response& res, AdminArea area, int status, const std::string& reason) const;

  AdminOptions options_;
  std::function<double()> now_ms_;
  std::string session_key_;
  LoginThrottle throttle_;
};

}  // namespace microtrack::collector
