#pragma once
// A token bucket per client (its limit_key: an address, an IPv6 /64) for
// the ingest routes: each request
// takes one token; a bucket holds at most `burst` and refills at
// `requests_per_s`. An empty bucket answers 429 with Retry-After.
//
// Defaults, and why a busy office behind one NAT stays under them: the SDK
// sends a request when 20 events wait or the oldest has waited 5 s, plus one
// beacon when a page is hidden — so a visitor reading and clicking makes
// about one request per page view and one per 5 s of activity, ~0.2-0.5/s at
// the very most. 50 requests/s sustained is 100-250 such people active at the
// same moment behind one address; the burst of 500 absorbs everyone opening
// the site at 9:00 (a page event plus a beacon each) and an SDK that comes
// back online with queued batches (it sends them one at a time anyway). A
// single abusive client is held to 50 requests/s, which the store absorbs
// easily (bench/INGEST.md), instead of as many as the network carries.

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace microtrack::collector {

struct RateLimitOptions {
  double requests_per_s = 50;   // refill rate; <= 0 turns the limit off
  double burst = 500;           // bucket size: requests allowed at once after a quiet spell
  std::size_t max_clients = 100'000;  // buckets kept; beyond, full and idle ones go first
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options);

  struct Decision {
    bool allowed = true;
    int retry_after_s = 0;  // when refused: whole seconds until a token is there (>= 1)
  };
  // One request from `client` at `now_ms` (any monotonic ms clock). Thread-safe.
  Decision take(const std::string& client, double now_ms);

  bool enabled() const { return options_.requests_per_s > 0; }
  std::size_t tracked_clients() const;

 private:
  struct Bucket {
    double tokens = 0;
    double updated_ms = 0;
  };
  double refilled(const Bucket& bucket, double now_ms) const;
  void evict(double now_ms);

  RateLimitOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace microtrack::collector
