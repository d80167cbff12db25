// Element visibility (CONTRACT §3 element_visible): the timing rule. The
// adapter's IntersectionObserver reports when an element crosses its rule's
// threshold; an element counts once it stays visible for minVisibleMs.
#pragma once

#include "microtrack/vector.hpp"

#include "microtrack/config.hpp"
#include "microtrack/fixed_list.hpp"

namespace microtrack {

struct VisibleElement {
  int rule = 0;          // index into Config::visibility
  double visible_ms = 0;  // how long it had been visible without interruption
};

using VisibleElements = FixedList<VisibleElement, 64>;

class VisibilityTimer {
 public:
  explicit VisibilityTimer(const Vector<VisibilityRule>& rules) : rules_(rules) {}

  // Element `element` of rule `rule` is now at least at the threshold
  // (`visible`) or below it. Elements beyond the 64 first of a page view are
  // not watched.
  void on_change(int rule, int element, bool visible, double now_ms);
  // The elements that have been visible long enough by `now_ms`; each once
  // per page view.
  VisibleElements due(double now_ms);
  // When the next element becomes due, or -1.
  double next_deadline_ms() const;
  void reset() { watches_.clear(); }

 private:
  struct Watch {  // no initializers: a list of them starts as zeroed memory
    int rule, element;
    double since_ms;  // -1: not visible now
    bool fired;
  };
  const Vector<VisibilityRule>& rules_;
  FixedList<Watch, 64> watches_;
};

}  // namespace microtrack
