#include "microtrack/engagement.hpp"

#include <algorithm>

namespace microtrack {

void EngagementClock::reset(double now_ms) {
  engaged_ms_ = taken_ms_ = 0;
  counted_to_ms_ = last_activity_ms_ = now_ms;
}

double EngagementClock::engaged_ms(double now_ms) const {
  if (!visible_ || !focused_) return engaged_ms_;
  // Engaged from the last count up to now, but no longer than idle_ms after
  // the last activity.
  double until = std::min(now_ms, last_activity_ms_ + idle_ms_);
  return engaged_ms_ + std::max(0.0, until - counted_to_ms_);
}

void EngagementClock::accrue(double now_ms) {
  engaged_ms_ = engaged_ms(now_ms);
  counted_to_ms_ = std::max(counted_to_ms_, now_ms);
}

void EngagementClock::on_activity(double now_ms) {
  accrue(now_ms);
  last_activity_ms_ = std::max(last_activity_ms_, now_ms);
}

void EngagementClock::on_state(bool visible, bool focused, double now_ms) {
  accrue(now_ms);
  visible_ = visible;
  focused_ = focused;
  if (visible && focused) last_activity_ms_ = std::max(last_activity_ms_, now_ms);  // coming back is activity
}

double EngagementClock::take(double now_ms) {
  accrue(now_ms);
  double taken = engaged_ms_;
  taken_ms_ += taken;
  engaged_ms_ = 0;
  return taken;
}

}  // namespace microtrack
