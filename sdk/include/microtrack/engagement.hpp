// Engaged time (CONTRACT §3 engagement): time counts only while the page is
// visible and focused and the visitor was active within idle_ms.
#pragma once

namespace microtrack {

class EngagementClock {
 public:
  explicit EngagementClock(double idle_ms) : idle_ms_(idle_ms) {}

  // A page view starts: counts as activity; the count restarts.
  void reset(double now_ms);
  // Input from the visitor: pointer, key, scroll, touch.
  void on_activity(double now_ms);
  // Page visibility and window focus changed.
  void on_state(bool visible, bool focused, double now_ms);

  // Engaged ms since reset() or the last take(); take() restarts the count.
  double engaged_ms(double now_ms) const;
  double take(double now_ms);
  // Until when time counts without more activity (the last activity +
  // idle_ms). Activity reported later than it happened, with its own time,
  // counts as if reported at once if it is reported by then (even after
  // other calls with later times): the adapter hands over only what changes
  // the count.
  double counts_until_ms() const { return last_activity_ms_ + idle_ms_; }
  // Engaged ms in this page view, takes included (for goals).
  double page_engaged_ms(double now_ms) const { return taken_ms_ + engaged_ms(now_ms); }

 private:
  void accrue(double now_ms);
  double idle_ms_;
  double engaged_ms_ = 0, taken_ms_ = 0;
  double counted_to_ms_ = 0, last_activity_ms_ = 0;
  bool visible_ = true, focused_ = true;
};

}  // namespace microtrack
