#include "microtrack/retry.hpp"

#include <algorithm>

namespace microtrack {

SendOutcome classify_status(int status) {
  if (status >= 200 && status < 400) return SendOutcome::Delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return SendOutcome::Retry;
  if (status == 413) return SendOutcome::Split;
  return SendOutcome::Drop;
}

double backoff_ms(int attempt, double jitter01) {
  // A shift, not std::ldexp: libc's scalbn would come along into the wasm.
  const unsigned doublings = static_cast<unsigned>(std::max(0, std::min(attempt, 30)));
  double ceiling = std::min(kBackoffCapMs, kBackoffBaseMs * static_cast<double>(1u << doublings));
  return std::max(250.0, ceiling * jitter01);
}

double retry_delay_ms(int attempt, double jitter01, double retry_after_ms) {
  return std::min(kBackoffCapMs, std::max(backoff_ms(attempt, jitter01), retry_after_ms));
}

}  // namespace microtrack
