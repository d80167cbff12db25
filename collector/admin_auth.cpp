#include "admin_auth.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include "client_address.hpp"
#include "evict.hpp"

namespace microtrack::collector {
namespace {

constexpr const char* kSessionLabel = "microtrack admin session v1";
constexpr const char* kLoginPath = "/dashboard/login";

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string hmac_sha256(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// application/x-www-form-urlencoded: the value of `name`, decoded ("+" is a space).
std::optional<std::string> form_field(const std::string& body, const std::string& name) {
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('&', start), body.size());
    const std::string pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.compare(0, name.size() + 1, name + "=") != 0) continue;
    std::string value;
    for (std::size_t i = name.size() + 1; i < pair.size(); ++i) {
      if (pair[i] == '+') {
        value += ' ';
      } else if (pair[i] == '%' && i + 2 < pair.size() && std::isxdigit(static_cast<unsigned char>(pair[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(pair[i + 2]))) {
        value += static_cast<char>(std::stoi(pair.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        value += pair[i];
      }
    }
    return value;
  }
  return std::nullopt;
}

// The value of cookie `name` in a Cookie header ("a=1; mt_admin=v1...").
std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t start = 0;
  while (start < header.size()) {
    const std::size_t end = std::min(header.find(';', start), header.size());
    const std::string pair = trim(header.substr(start, end - start));
    start = end + 1;
    if (pair.compare(0, name.size() + 1, name + "=") == 0) return pair.substr(name.size() + 1);
  }
  return "";
}

std::string bearer_token(const http::Request& req) {
  const std::string auth = req.header("Authorization");
  if (auth.size() < 7 || !std::equal(auth.begin(), auth.begin() + 7, "bearer ", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      }))
    return "";
  return trim(auth.substr(7));
}

std::string cookie_header(const std::string& value, double max_age_s, bool secure) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; Max-Age=" +
         std::to_string(static_cast<long long>(max_age_s)) + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

// The login page: no script and no inline style, so it works under the
// dashboard's Content-Security-Policy. `message` is one of ours, never input.
std::string login_html(const std::string& message, bool show_form) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>microtrack — log in</title>\n<link rel=\"icon\" href=\"/dashboard/favicon.svg\" type=\"image/svg+xml\">\n"
      "<link rel=\"stylesheet\" href=\"/dashboard/dashboard.css\">\n</head>\n<body>\n"
      "<main class=\"login card\">\n<h1>microtrack</h1>\n";
  if (!message.empty()) page += "<p class=\"login-message\" role=\"alert\">" + message + "</p>\n";
  if (show_form)
    page +=
        "<form method=\"post\" action=\"/dashboard/login\">\n"
        "<label>Admin token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required "
        "autofocus></label>\n<button type=\"submit\">Log in</button>\n</form>\n";
  return page + "</main>\n</body>\n</html>\n";
}

void send_html(http::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
  res.set_header("Content-Type", "text/html; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
}

void redirect(http::Response& res, const std::string& location) {
  res.status = 303;
  res.body.clear();
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

std::optional<std::string> load_admin_token(const std::string& file, const char* env_value, std::string& error) {
  std::string token;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      error = "cannot read the admin token file " + file;
      return std::nullopt;
    }
    std::getline(in, token);
  } else if (env_value) {
    token = env_value;
  }
  token = trim(token);
  if (!token.empty() && token.size() < kMinAdminTokenChars) {
    error = "the admin token must be at least " + std::to_string(kMinAdminTokenChars) + " characters";
    return std::nullopt;
  }
  if (file.empty() || !token.empty()) return token;
  error = "the admin token file " + file + " is empty";
  return std::nullopt;
}

std::string token_file_warning(const std::string& file) {
  struct stat info {};
  if (file.empty() || stat(file.c_str(), &info) != 0 || (info.st_mode & (S_IRGRP | S_IROTH)) == 0) return "";
  return "the admin token file " + file + " can be read by other users; chmod 600 it";
}

std::string session_key(const std::string& token) { return hmac_sha256(token, kSessionLabel); }

std::string sign_session(const std::string& key, double expires_ms) {
  const std::string signed_part = "v1." + std::to_string(static_cast<long long>(std::floor(expires_ms / 1000)));
  return signed_part + "." + hex(hmac_sha256(key, signed_part));
}

bool session_valid(const std::string& key, const std::string& value, double now_ms) {
  const std::size_t dot = value.rfind('.');
  if (value.compare(0, 3, "v1.") != 0 || dot == std::string::npos || dot <= 3) return false;
  const std::string expiry = value.substr(3, dot - 3);
  if (expiry.size() > 12 || expiry.find_first_not_of("0123456789") != std::string::npos) return false;
  if (!same_secret(value.substr(dot + 1), hex(hmac_sha256(key, value.substr(0, dot))))) return false;
  return std::stod(expiry) * 1000 > now_ms;
}

bool same_secret(const std::string& a, const std::string& b) {
  unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

// --- LoginThrottle -----------------------------------------------------------

LoginThrottle::LoginThrottle(LoginThrottleOptions options) : options_(options) {
  options_.max_addresses = std::max<std::size_t>(16, options_.max_addresses);
}

bool LoginThrottle::stale(const Record& record, double now_ms) const {
  return now_ms > std::max(record.last_ms, record.blocked_until_ms) + options_.window_ms;
}

int LoginThrottle::wait_s(const std::string& address, double now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = records_.find(address);
  if (found == records_.end() || found->second.blocked_until_ms <= now_ms) return 0;
  return std::max(1, static_cast<int>(std::ceil((found->second.blocked_until_ms - now_ms) / 1000)));
}

void LoginThrottle::failed(const std::string& address, double now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = records_.find(address);
  if (found == records_.end()) {
    if (records_.size() >= options_.max_addresses) make_room(now_ms);
    found = records_.emplace(address, Record{}).first;
  }
  Record& record = found->second;
  if (record.failures > 0 && stale(record, now_ms)) record = Record{};  // a quiet spell forgives
  ++record.failures;
  record.last_ms = now_ms;
  const int over = record.failures - options_.free_failures;
  if (over >= 0)
    record.blocked_until_ms =
        now_ms + std::min(options_.max_delay_ms, options_.first_delay_ms * std::pow(2.0, std::min(over, 40)));
}

void LoginThrottle::succeeded(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  records_.erase(address);
}

std::size_t LoginThrottle::tracked() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_.size();
}

void LoginThrottle::make_room(double now_ms) {
  for (auto it = records_.begin(); it != records_.end();) it = stale(it->second, now_ms) ? records_.erase(it) : std::next(it);
  const std::size_t target = options_.max_addresses - options_.max_addresses / 16;
  if (records_.size() > target)
    erase_oldest(records_, records_.size() - target, [](const Record& record) { return record.last_ms; });
}

// --- AdminGate ---------------------------------------------------------------

AdminGate::AdminGate(AdminOptions options, std::function<double()> now_ms)
    : options_(std::move(options)), now_ms_(std::move(now_ms)), throttle_(options_.throttle) {
  if (configured()) session_key_ = session_key(options_.token);
}

bool AdminGate::from_loopback_directly(const http::Request& req) const {
  // A proxy on this machine makes every visitor a loopback peer: a request
  // that names any forwarding header came through one.
  for (const char* forwarded : {"X-Forwarded-For", "Forwarded", "X-Real-IP"})
    if (req.headers.count(forwarded)) return false;
  return is_loopback(req.client_address.empty() ? req.peer_address : req.client_address);
}

bool AdminGate::authorized(const http::Request& req) const {
  if (!configured()) return from_loopback_directly(req);
  const std::string bearer = bearer_token(req);
  if (!bearer.empty()) return same_secret(bearer, options_.token);
  const std::string cookie = cookie_value(req.header("Cookie"), kSessionCookie);
  return !cookie.empty() && session_valid(session_key_, cookie, now_ms_());
}

bool AdminGate::refuse(http::Response& res, AdminArea area, int status, const std::string& reason) const {
  if (area == AdminArea::page && status == 401) {
    redirect(res, kLoginPath);
  } else if (area == AdminArea::page) {
    send_html(res, status, login_html(reason, false));
  } else {
    res.set_error(status, reason);
    if (status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"microtrack\"");
  }
  return false;
}

bool AdminGate::admit(const http::Request& req, http::Response& res, AdminArea area) {
  if (!configured()) {
    if (from_loopback_directly(req)) return true;
    return refuse(res, area, 403,
                  "no admin token is configured (--admin-token-file or " + std::string(kAdminTokenEnv) +
                      "), so this answers only to loopback clients");
  }
  const std::string client = limit_key(req.client_address.empty() ? req.peer_address : req.client_address);
  const bool offers_bearer = !bearer_token(req).empty();
  if (offers_bearer) {
    // A throttled address is not even told whether its token is right.
    if (const int wait = throttle_.wait_s(client, now_ms_())) {
      res.set_header("Retry-After", std::to_string(wait));
      return refuse(res, area, 429, "too many wrong admin tokens from this address; retry in " + std::to_string(wait) + " s");
    }
  }
  if (authorized(req)) return true;
  if (offers_bearer) {
    throttle_.failed(client, now_ms_());
    return refuse(res, area, 401, "wrong admin token");
  }
  return refuse(res, area, 401, "the admin token is needed: Authorization: Bearer <token>, or log in at /dashboard/login");
}

void AdminGate::login_page(const http::Request& req, http::Response& res) const {
  if (!configured())
    return send_html(res, from_loopback_directly(req) ? 200 : 403,
                     login_html("No admin token is configured: the dashboard answers only on this machine, at "
                                "<a href=\"/dashboard/\">/dashboard/</a> without logging in.",
                                false));
  send_html(res, 200, login_html("", true));
}

void AdminGate::login(const http::Request& req, http::Response& res, bool secure) {
  if (!configured()) return login_page(req, res);
  const std::string client = limit_key(req.client_address.empty() ? req.peer_address : req.client_address);
  const double now = now_ms_();
  if (const int wait = throttle_.wait_s(client, now)) {
    res.set_header("Retry-After", std::to_string(wait));
    return send_html(res, 429, login_html("Too many wrong tokens from this address. Try again in " +
                                              std::to_string(wait) + " s.", true));
  }
  const auto offered = form_field(req.body, "token");
  if (!offered || !same_secret(trim(*offered), options_.token)) {
    throttle_.failed(client, now);
    return send_html(res, 401, login_html("That is not the admin token.", true));
  }
  throttle_.succeeded(client);
  redirect(res, "/dashboard/");
  res.set_header("Set-Cookie",
                 cookie_header(sign_session(session_key_, now + options_.session_ttl_ms), options_.session_ttl_ms / 1000, secure));
}

void AdminGate::logout(http::Response& res, bool secure) const {
  redirect(res, kLoginPath);
  res.set_header("Set-Cookie", cookie_header("", 0, secure));
}

bool AdminGate::public_dashboard_path(const std::string& path) {
  return path == kLoginPath || path == "/dashboard/dashboard.css" || path == "/dashboard/favicon.svg";
}

std::string AdminGate::startup_notice() const {
  if (configured())
    return "admin: the query API, live stream and dashboard need the admin token (Bearer, or the login at /dashboard/login)";
  return "admin: no admin token configured (--admin-token-file or " + std::string(kAdminTokenEnv) +
         "): the query API, live stream and dashboard answer only to loopback clients";
}

}  // namespace microtrack::collector
