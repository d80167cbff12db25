#pragma once
// The scale path: --forward URL relays every accepted batch to an upstream
// Segment-compatible endpoint (RudderStack, Jitsu, Segment, another
// microtrack collector). Batches wait in a bounded spool on disk, one file
// each, so an upstream outage or a restart loses nothing until the spool is
// full; then the oldest batches are dropped, counted and logged.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_post.hpp"
#include "worker_clock.hpp"

namespace microtrack::collector {

struct ForwardOptions {
  std::string url;        // e.g. https://hosted.rudderlabs.com/v1/batch
  std::string write_key;  // sent as Basic auth user and as "writeKey"; may be empty
  std::string spool_dir;  // created if missing
  std::uint64_t spool_max_bytes = 64ull * 1024 * 1024;
  double retry_base_ms = 1000;
  double retry_max_ms = 60'000;
  int timeout_ms = 10'000;
};

// Counters, for /api/health.
struct ForwardStats {
  std::uint64_t spooled_batches = 0;  // now on disk
  std::uint64_t spooled_bytes = 0;
  std::uint64_t sent_batches = 0;     // since start
  std::uint64_t dropped_batches = 0;  // spool full, or refused upstream (4xx)
  int last_status = 0;                // of the last attempt; 0 = none / no answer
};

class Forwarder {
 public:
  // Returns via `error` (and a stopped forwarder) when the spool folder
  // cannot be made. Batches already in it are sent first. `clock` stamps
  // sentAt and times the retries.
  Forwarder(ForwardOptions options, std::function<void(const std::string&)> log, std::string& error,
            std::shared_ptr<WorkerClock> clock = real_time_clock());
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Spools the events (as stored: each with its corrected `timestamp`, the
  // client's in `originalTimestamp`) before the batch is answered.
  bool enqueue(const std::vector<nlohmann::json>& events);
  ForwardStats stats();
  void stop();

 private:
  using SpoolFile = std::pair<std::string, std::uint64_t>;  // path, bytes
  void run();
  void trim_locked(std::uint64_t incoming_bytes);
  // The oldest spooled batch, waiting for one; nothing after stop().
  std::optional<SpoolFile> next_file();
  // Sends one spooled batch (its file's content) upstream.
  PostResult send(const std::string& content);
  // Removes the front file if it is still `file` (not trimmed meanwhile).
  bool remove_front_locked(const SpoolFile& file);

  const ForwardOptions options_;
  std::shared_ptr<WorkerClock> clock_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<SpoolFile> files_;  // oldest first
  std::uint64_t next_seq_ = 1;
  ForwardStats stats_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace microtrack::collector
