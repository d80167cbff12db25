#pragma once
// How a background worker (the flow runner, the forwarder) tells the time
// and waits for it. Injected, so that tests run a retry schedule on literal
// times without sleeping (tests/collector/fast_forward_clock.hpp).

#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>

namespace microtrack::collector {

class WorkerClock {
 public:
  // A wait with nothing scheduled: until woken.
  static constexpr double kForever = std::numeric_limits<double>::infinity();

  virtual ~WorkerClock() = default;
  // Unix epoch ms.
  virtual double now_ms() = 0;
  // Called with `lock` held (the worker's mutex, which guards what `woken`
  // reads): returns when `woken()` is true, after `cv` is notified, or when
  // `ms` have passed on this clock (never for kForever).
  virtual void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, double ms,
                    const std::function<bool()>& woken) = 0;
};

// Real time: `now_ms` (the system clock when null), waits on `cv` in real ms.
std::shared_ptr<WorkerClock> real_time_clock(std::function<double()> now_ms = nullptr);

}  // namespace microtrack::collector
