#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "router.hpp"

namespace microtrack::collector {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDashboardCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool has_prefix(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

// A path below a mount that stays inside it: no "..", no NUL, no backslash.
bool is_safe(const std::string& relative) {
  if (relative.find('\0') != std::string::npos || relative.find('\\') != std::string::npos) return false;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t end = std::min(relative.find('/', start), relative.size());
    if (relative.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return true;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A single byte range of a file of `size` bytes (RFC 9110 §14.1.2):
// "bytes=first-last", "bytes=first-" or "bytes=-suffix_length".
struct ByteRange {
  std::size_t first = 0, last = 0;  // inclusive
};
enum class RangeAnswer { Whole, Part, Unsatisfiable };

// Media elements seek by asking for ranges; a server that ignores them makes
// a <video> restart from 0 on every seek. Several ranges at once are answered
// with the whole file, as the RFC allows.
RangeAnswer read_range(const std::string& header, std::size_t size, ByteRange& range) {
  if (!has_prefix(header, "bytes=") || header.find(',') != std::string::npos) return RangeAnswer::Whole;
  const std::string spec = header.substr(6);
  const std::size_t dash = spec.find('-');
  if (dash == std::string::npos || spec.find_first_not_of("0123456789-") != std::string::npos) return RangeAnswer::Whole;
  const std::string first = spec.substr(0, dash), last = spec.substr(dash + 1);
  if (first.size() > 18 || last.size() > 18 || (first.empty() && last.empty())) return RangeAnswer::Whole;
  if (first.empty()) {  // the last N bytes
    const std::size_t length = std::stoull(last);
    if (length == 0 || size == 0) return RangeAnswer::Unsatisfiable;
    range = {size - std::min(length, size), size - 1};
    return RangeAnswer::Part;
  }
  range.first = std::stoull(first);
  range.last = last.empty() ? size - 1 : std::min<std::size_t>(std::stoull(last), size - 1);
  if (range.first >= size || range.first > range.last) return RangeAnswer::Unsatisfiable;
  return RangeAnswer::Part;
}

// The file's bytes as the answer: whole, the asked range (206) or 416.
void answer_with(std::string&& content, const std::string& range_header, http::Response& response) {
  const std::size_t size = content.size();
  response.set_header("Accept-Ranges", "bytes");
  ByteRange range;
  switch (range_header.empty() ? RangeAnswer::Whole : read_range(range_header, size, range)) {
    case RangeAnswer::Whole:
      response.status = 200;
      response.body = std::move(content);
      return;
    case RangeAnswer::Part:
      response.status = 206;
      response.body = content.substr(range.first, range.last - range.first + 1);
      response.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                                               "/" + std::to_string(size));
      return;
    case RangeAnswer::Unsatisfiable:
      response.status = 416;
      response.set_header("Content-Range", "bytes */" + std::to_string(size));
      return;
  }
}

}  // namespace

std::string mime_type_of(const std::string& path) {
  static const std::map<std::string, std::string> types = {
      {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},   {"js", "text/javascript"},
      {"mjs", "text/javascript"},           {"json", "application/json"},
      {"map", "application/json"},          {"wasm", "application/wasm"},
      {"ts", "text/plain; charset=utf-8"},  // microtrack.d.ts, not MPEG-TS
      {"txt", "text/plain; charset=utf-8"}, {"md", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},             {"png", "image/png"},
      {"jpg", "image/jpeg"},                {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},                 {"webp", "image/webp"},
      {"ico", "image/x-icon"},              {"pdf", "application/pdf"},
      {"webm", "video/webm"},               {"mp4", "video/mp4"},
      {"wav", "audio/wav"},                 {"mp3", "audio/mpeg"},
      {"woff2", "font/woff2"},              {"xml", "application/xml"}};
  const std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return "application/octet-stream";
  const auto found = types.find(path.substr(dot + 1));
  return found == types.end() ? "application/octet-stream" : found->second;
}

bool StaticFiles::mount(const std::string& prefix, const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return false;
  mounts_.emplace_back(prefix, dir);
  return true;
}

bool StaticFiles::serve(const http::Request& request, http::Response& response) const {
  if (request.method != "GET" && request.method != "HEAD") return false;
  for (const auto& [prefix, dir] : mounts_) {
    if (!has_prefix(request.path, prefix)) continue;
    std::string relative = request.path.substr(prefix.size());
    if (!is_safe(relative)) return false;
    if (relative.empty() || relative.back() == '/') relative += "index.html";
    const fs::path path = fs::path(dir) / relative;
    std::error_code error;
    if (fs::is_directory(path, error)) {
      response.set_redirect(request.path + "/");
      return true;
    }
    if (!fs::is_regular_file(path, error)) continue;  // a less specific mount may have it
    auto content = read_file(path);
    if (!content) continue;
    answer_with(std::move(*content), request.header("Range"), response);
    response.set_header("Content-Type", mime_type_of(relative));
    response.set_header("Cache-Control", "no-cache");  // a rebuilt dist/ or an edited page shows on reload
    return true;
  }
  return false;
}

void add_dashboard_policy(const http::Request& request, http::Response& response) {
  if (has_prefix(request.path, "/dashboard")) response.set_header("Content-Security-Policy", kDashboardCsp);
}

void add_static_routes(http::Router& router, const std::string& site_dir, const std::string& dist_dir,
                       const std::string& dashboard_dir, std::vector<std::string>& warnings) {
  StaticFiles files;
  const std::pair<std::string, std::string> mounts[] = {
      {"/dashboard/", dashboard_dir}, {"/dist/", dist_dir}, {"/", site_dir}};
  for (const auto& [prefix, dir] : mounts) {
    if (dir.empty()) continue;
    if (!files.mount(prefix, dir)) {
      warnings.push_back("folder " + dir + " not found; nothing served at " + prefix);
      continue;
    }
    if (prefix == "/dashboard/")
      router.add("GET", "/dashboard", [](const http::Request&, http::Response& res) { res.set_redirect("/dashboard/"); });
  }
  router.fallback([files](const http::Request& req, http::Response& res) { return files.serve(req, res); });
}

}  // namespace microtrack::collector
