#include "microtrack/visibility.hpp"

namespace microtrack {

void VisibilityTimer::on_change(int rule, int element, bool visible, double now_ms) {
  if (rule < 0 || rule >= static_cast<int>(rules_.size())) return;
  Watch* watch = nullptr;
  for (Watch& w : watches_)
    if (w.rule == rule && w.element == element) watch = &w;
  if (!watch) {
    Watch added{rule, element, -1, false};
    if (!watches_.push_back(added)) return;
    watch = &watches_.back();
  }
  if (!visible) watch->since_ms = -1;  // the clock restarts: "without interruption"
  else if (watch->since_ms < 0) watch->since_ms = now_ms;
}

VisibleElements VisibilityTimer::due(double now_ms) {
  VisibleElements elements;
  for (Watch& w : watches_)
    if (!w.fired && w.since_ms >= 0 && now_ms - w.since_ms >= rules_[w.rule].min_visible_ms) {
      w.fired = true;
      elements.push_back({w.rule, now_ms - w.since_ms});
    }
  return elements;
}

double VisibilityTimer::next_deadline_ms() const {
  double next = -1;
  for (const Watch& w : watches_) {
    if (w.fired || w.since_ms < 0) continue;
    double at = w.since_ms + rules_[w.rule].min_visible_ms;
    if (next < 0 || at < next) next = at;
  }
  return next;
}

}  // namespace microtrack
