#pragma once
// A WorkerClock for tests: time stands still while the worker works and
// jumps over every timed wait, so a retry schedule runs at once on literal
// times (start + 20, + 40, …) and the waits it asked for are recorded. A
// wait with nothing scheduled blocks until the worker is woken, as it would
// on the real clock.

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "worker_clock.hpp"

namespace collector_test {

class FastForwardClock : public microtrack::collector::WorkerClock {
 public:
  explicit FastForwardClock(double start_ms) : now_(start_ms) {}

  double now_ms() override {
    std::lock_guard<std::mutex> guard(mutex_);
    return now_;
  }

  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, double ms,
            const std::function<bool()>& woken) override {
    if (woken()) return;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      ++waits_seen_;
      if (std::isinf(ms)) ++forever_waits_;
      if (!std::isinf(ms)) {
        waits_.push_back(ms);
        now_ += ms;
      }
    }
    changed_.notify_all();
    if (std::isinf(ms)) cv.wait(lock, woken);
  }

  // The timed waits the worker asked for, in order (ms).
  std::vector<double> waits() {
    std::lock_guard<std::mutex> guard(mutex_);
    return waits_;
  }

  // How many times the worker began a wait with nothing scheduled (it then
  // sleeps until woken).
  long forever_waits() {
    std::lock_guard<std::mutex> guard(mutex_);
    return forever_waits_;
  }

  // Returns once `done()` holds; it is checked now and whenever the worker
  // waits. False if it does not hold within 10 s of real time (a worker that
  // never gets there: a bug, not a schedule).
  bool wait_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::unique_lock<std::mutex> guard(mutex_);
    for (;;) {
      const long seen = waits_seen_;
      guard.unlock();  // `done` may read the worker's state, locked while it calls wait()
      const bool ok = done();
      guard.lock();
      if (ok) return true;
      if (!changed_.wait_until(guard, deadline, [&] { return waits_seen_ != seen; })) return false;
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  double now_;
  long waits_seen_ = 0;
  long forever_waits_ = 0;
  std::vector<double> waits_;
};

}  // namespace collector_test
