#include "worker_clock.hpp"

#include <chrono>
#include <cmath>

namespace microtrack::collector {
namespace {

double system_now_ms() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

class RealTimeClock : public WorkerClock {
 public:
  explicit RealTimeClock(std::function<double()> now_ms) : now_ms_(std::move(now_ms)) {}
  double now_ms() override { return now_ms_(); }
  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, double ms,
            const std::function<bool()>& woken) override {
    if (std::isinf(ms))
      cv.wait(lock, woken);
    else
      cv.wait_for(lock, std::chrono::duration<double, std::milli>(ms), woken);
  }

 private:
  std::function<double()> now_ms_;
};

}  // namespace

std::shared_ptr<WorkerClock> real_time_clock(std::function<double()> now_ms) {
  return std::make_shared<RealTimeClock>(now_ms ? std::move(now_ms) : system_now_ms);
}

}  // namespace microtrack::collector
