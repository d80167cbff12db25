// When and how soon a failed send is tried again (CONTRACT §5).
#pragma once

namespace microtrack {

// What to do with a batch after a send attempt. `status` is the HTTP status,
// or 0 for a network error / timeout / blocked request.
enum class SendOutcome {
  Delivered,  // 2xx (and 3xx, which fetch has already followed)
  Retry,      // 0, 408, 429, 5xx: keep the batch, back off
  Split,      // 413: the batch is too large, send it in halves
  Drop,       // any other 4xx: the collector will never take it
};
SendOutcome classify_status(int status);

constexpr double kBackoffBaseMs = 1000;
constexpr double kBackoffCapMs = 5 * 60 * 1000;

// Full-jitter exponential backoff: a delay in [0, min(cap, base * 2^attempt)),
// `attempt` counting from 0 for the first retry, `jitter01` in [0, 1).
// A floor of 250 ms keeps a dead collector from being hammered.
double backoff_ms(int attempt, double jitter01);

// The delay to wait: the larger of the backoff and a Retry-After the
// collector sent (`retry_after_ms` < 0 when absent), capped at kBackoffCapMs.
double retry_delay_ms(int attempt, double jitter01, double retry_after_ms);

}  // namespace microtrack
