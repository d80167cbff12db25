#include "forward.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base64.hpp"
#include "flows.hpp"     // split_url, flow_should_retry, flow_backoff_ms
#include "iso_time.hpp"

namespace microtrack::collector {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

}  // namespace

Forwarder::Forwarder(ForwardOptions options, std::function<void(const std::string&)> log, std::string& error,
                     std::shared_ptr<WorkerClock> clock)
    : options_(std::move(options)), clock_(std::move(clock)), log_(std::move(log)) {
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

std::optional<Forwarder::SpoolFile> Forwarder::next_file() {
  std::unique_lock<std::mutex> lock(mutex_);
  clock_->wait(lock, wake_, WorkerClock::kForever, [&] { return stopping_ || !files_.empty(); });
  if (stopping_) return std::nullopt;
  return files_.front();
}

bool Forwarder::remove_front_locked(const SpoolFile& file) {
  if (files_.empty() || files_.front().first != file.first) return false;
  std::error_code ec;
  fs::remove(file.first, ec);
  stats_.spooled_bytes -= file.second;
  files_.erase(files_.begin());
  stats_.spooled_batches = files_.size();
  return true;
}

PostResult Forwarder::send(const std::string& content) {
  json body = json::parse(content, nullptr, false);
  // Not retryable (a 4xx): the batch is dropped.
  if (body.is_discarded()) return {400, 0, "unreadable spool file", {}};
  if (!split_url(options_.url)) return {400, 0, "bad --forward URL", {}};
  // sentAt now: the upstream's own skew correction then keeps our corrected times.
  body["sentAt"] = format_iso8601_ms(clock_->now_ms());
  http::Headers headers;
  if (!options_.write_key.empty()) {
    body["writeKey"] = options_.write_key;
    headers.emplace("Authorization", "Basic " + base64_encode(options_.write_key + ":"));
  }
  return post_json(options_.url, body.dump(), headers, options_.timeout_ms);
}

void Forwarder::run() {
  int failures = 0;
  while (const auto file = next_file()) {
    std::ifstream in(file->first, std::ios::binary);
    if (!in) {
      // Gone: trimmed (spool full) since we looked, already counted as
      // dropped; or removed by someone else, counted now.
      std::lock_guard<std::mutex> lock(mutex_);
      if (remove_front_locked(*file)) {
        ++stats_.dropped_batches;
        if (log_) log_("forward: spool file " + file->first + " vanished: dropped");
      }
      continue;
    }
    std::stringstream content;
    content << in.rdbuf();
    const PostResult result = send(content.str());
    std::unique_lock<std::mutex> lock(mutex_);
    stats_.last_status = result.status;
    if (result.ok() || !flow_should_retry(result.status)) {
      // Sent, or refused for good: either way the file goes. (One trimmed
      // meanwhile was counted as dropped then.)
      const bool removed = remove_front_locked(*file);
      if (result.ok()) {
        ++stats_.sent_batches;
      } else if (removed) {
        ++stats_.dropped_batches;
        if (log_) log_("forward: upstream refused a batch (" + result.problem + "): dropped");
      }
      failures = 0;
      continue;
    }
    ++failures;
    const double wait = flow_backoff_ms(failures, options_.retry_base_ms, options_.retry_max_ms, result.retry_after_ms);
    if (log_) log_("forward: " + result.problem + "; retrying in " + std::to_string(static_cast<long>(wait)) + " ms");
    clock_->wait(lock, wake_, wait, [&] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace microtrack::collector
