#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>

#include "evict.hpp"

namespace microtrack::collector {

RateLimiter::RateLimiter(RateLimitOptions options) : options_(options) {
  options_.burst = std::max(1.0, options_.burst);
  options_.max_clients = std::max<std::size_t>(16, options_.max_clients);
}

double RateLimiter::refilled(const Bucket& bucket, double now_ms) const {
  // A clock that steps back never takes tokens away.
  const double elapsed_s = std::max(0.0, now_ms - bucket.updated_ms) / 1000;
  return std::min(options_.burst, bucket.tokens + elapsed_s * options_.requests_per_s);
}

RateLimiter::Decision RateLimiter::take(const std::string& client, double now_ms) {
  if (!enabled()) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(client);
  if (found == buckets_.end()) {
    if (buckets_.size() >= options_.max_clients) evict(now_ms);
    found = buckets_.emplace(client, Bucket{options_.burst, now_ms}).first;
  }
  Bucket& bucket = found->second;
  bucket.tokens = refilled(bucket, now_ms);
  bucket.updated_ms = std::max(bucket.updated_ms, now_ms);
  if (bucket.tokens >= 1 - 1e-9) {  // refills are sums of fractions: 0.9 + 0.1 may land just under 1
    bucket.tokens -= 1;
    return {};
  }
  const double wait_s = (1 - bucket.tokens) / options_.requests_per_s;
  return {false, std::max(1, static_cast<int>(std::ceil(wait_s)))};
}

std::size_t RateLimiter::tracked_clients() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return buckets_.size();
}

// A full bucket says nothing a new one would not: drop those. When most
// clients are active, also drop the longest idle, so that at least 1/16 of
// the room is freed and the O(n) pass runs at most once per n/16 new clients.
void RateLimiter::evict(double now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();)
    it = refilled(it->second, now_ms) >= options_.burst ? buckets_.erase(it) : std::next(it);
  const std::size_t target = options_.max_clients - options_.max_clients / 16;
  if (buckets_.size() <= target) return;
  erase_oldest(buckets_, buckets_.size() - target, [](const Bucket& bucket) { return bucket.updated_ms; });
}

}  // namespace microtrack::collector
