#include "forward.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <httplib.h>

#include "base64.hpp"
#include "flows.hpp"     // split_url, flow_should_retry, flow_backoff_ms
#include "iso_time.hpp"

namespace microtrack::collector {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

double wall_now_ms() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

struct Attempt {
  int status = 0;        // the upstream's answer; 0 without one
  std::string problem;   // "" when sent (2xx)
  double retry_after_ms = 0;
};

// One POST of a spooled batch upstream, with a fresh sentAt (the upstream's
// own skew correction then keeps our corrected times) and the writeKey.
Attempt post_spooled(const std::string& spooled, const ForwardOptions& options,
                     const std::optional<std::pair<std::string, std::string>>& target) {
  json body = json::parse(spooled, nullptr, false);
  if (body.is_discarded() || !target)
    return {400, !target ? "bad --forward URL" : "unreadable spool file", 0};  // not retryable: drop it
  body["sentAt"] = format_iso8601_ms(wall_now_ms());
  httplib::Headers headers;
  if (!options.write_key.empty()) {
    body["writeKey"] = options.write_key;
    headers.emplace("Authorization", "Basic " + base64_encode(options.write_key + ":"));
  }
  httplib::Client client(target->first);
  client.set_connection_timeout(0, options.timeout_ms * 1000);
  client.set_read_timeout(options.timeout_ms / 1000, 0);
  client.set_write_timeout(options.timeout_ms / 1000, 0);
  const auto res = client.Post(target->second.c_str(), headers, body.dump(), "application/json");
  if (!res) return {0, "no answer: " + httplib::to_string(res.error()), 0};
  Attempt attempt{res->status, "", 0};
  if (attempt.status < 200 || attempt.status >= 300) attempt.problem = "HTTP " + std::to_string(attempt.status);
  const std::string retry_after = res->get_header_value("Retry-After");
  if (!retry_after.empty() && retry_after.size() < 7 && retry_after.find_first_not_of("0123456789") == std::string::npos)
    attempt.retry_after_ms = std::stod(retry_after) * 1000;
  return attempt;
}

}  // namespace

Forwarder::Forwarder(ForwardOptions options, std::function<void(const std::string&)> log, std::string& error)
    : options_(std::move(options)), log_(std::move(log)) {
  std::error_code ec;
  fs::create_directories(options_.spool_dir, ec);
  if (ec) {
    error = "cannot create spool folder " + options_.spool_dir + ": " + ec.message();
    return;
  }
  // Resume: file names are zero-padded sequence numbers, so name order is age order.
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(options_.spool_dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  for (const auto& path : found) {
    const auto bytes = static_cast<std::uint64_t>(fs::file_size(path, ec));
    files_.push_back({path.string(), bytes});
    stats_.spooled_bytes += bytes;
    next_seq_ = std::max<std::uint64_t>(next_seq_, std::strtoull(path.stem().string().c_str(), nullptr, 10) + 1);
  }
  stats_.spooled_batches = files_.size();
  thread_ = std::thread([this] { run(); });
}

Forwarder::~Forwarder() { stop(); }

void Forwarder::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ForwardStats Forwarder::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void Forwarder::trim_locked(std::uint64_t incoming_bytes) {
  while (!files_.empty() && stats_.spooled_bytes + incoming_bytes > options_.spool_max_bytes) {
    std::error_code ec;
    fs::remove(files_.front().first, ec);
    stats_.spooled_bytes -= files_.front().second;
    files_.erase(files_.begin());
    ++stats_.dropped_batches;
    if (log_) log_("forward: spool full (" + std::to_string(options_.spool_max_bytes) + " bytes): dropped the oldest batch");
  }
  stats_.spooled_batches = files_.size();
}

bool Forwarder::enqueue(const std::vector<json>& events) {
  if (events.empty()) return true;
  const std::string body = json{{"batch", events}}.dump(-1, ' ', false, json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(mutex_);
  if (body.size() > options_.spool_max_bytes) return false;
  trim_locked(body.size());
  char name[32];
  std::snprintf(name, sizeof name, "%016llu.json", static_cast<unsigned long long>(next_seq_++));
  const std::string path = (fs::path(options_.spool_dir) / name).string();
  // Written under a temporary name and renamed, so the sender never reads half a file.
  const std::string partial = path + ".part";
  {
    std::ofstream out(partial, std::ios::binary);
    out << body;
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) return false;
  files_.push_back({path, body.size()});
  stats_.spooled_bytes += body.size();
  stats_.spooled_batches = files_.size();
  wake_.notify_all();
  return true;
}

void Forwarder::run() {
  const auto target = split_url(options_.url);
  int failures = 0;
  for (;;) {
    std::pair<std::string, std::uint64_t> file;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !files_.empty(); });
      if (stopping_) return;
      file = files_.front();
    }
    std::ifstream in(file.first, std::ios::binary);
    if (!in) {
      // Trimmed (spool full) since we looked: already counted as dropped.
      std::lock_guard<std::mutex> lock(mutex_);
      if (!files_.empty() && files_.front().first == file.first) {
        stats_.spooled_bytes -= file.second;
        files_.erase(files_.begin());
        stats_.spooled_batches = files_.size();
        ++stats_.dropped_batches;
        if (log_) log_("forward: spool file " + file.first + " vanished: dropped");
      }
      continue;
    }
    std::stringstream content;
    content << in.rdbuf();
    const auto [status, problem, retry_after_ms] = post_spooled(content.str(), options_, target);
    std::unique_lock<std::mutex> lock(mutex_);
    stats_.last_status = status;
    const bool retry = !problem.empty() && flow_should_retry(status);
    if (!retry) {
      // Sent, or refused for good: either way the file goes (if not trimmed meanwhile).
      if (!files_.empty() && files_.front().first == file.first) {
        std::error_code ec;
        fs::remove(file.first, ec);
        stats_.spooled_bytes -= file.second;
        files_.erase(files_.begin());
        stats_.spooled_batches = files_.size();
      }
      if (problem.empty()) {
        ++stats_.sent_batches;
      } else {
        ++stats_.dropped_batches;
        if (log_) log_("forward: upstream refused a batch (" + problem + "): dropped");
      }
      failures = 0;
      continue;
    }
    ++failures;
    const double wait = flow_backoff_ms(failures, options_.retry_base_ms, options_.retry_max_ms, retry_after_ms);
    if (log_) log_("forward: " + problem + "; retrying in " + std::to_string(static_cast<long>(wait)) + " ms");
    wake_.wait_for(lock, std::chrono::duration<double, std::milli>(wait), [&] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace microtrack::collector
