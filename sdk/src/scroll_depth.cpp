#include "microtrack/scroll_depth.hpp"

#include <algorithm>

namespace microtrack {

ReachedThresholds ScrollDepth::on_sample(double scroll_top_px, double viewport_px, double document_px) {
  const double* first = thresholds_.data() + next_;
  if (document_px > viewport_px && document_px > 0) {  // else nothing to scroll
    const double bottom_px = std::max(0.0, scroll_top_px) + viewport_px;
    max_percent_ = std::max(max_percent_, std::min(100.0, bottom_px * 100 / document_px));
    // 1 px of tolerance: browsers report fractional positions at the very bottom.
    while (next_ < thresholds_.size() && (bottom_px + 1) * 100 >= thresholds_[next_] * document_px) ++next_;
  }
  return {first, thresholds_.data() + next_};
}

void ScrollDepth::reset() {
  next_ = 0;
  max_percent_ = 0;
}

}  // namespace microtrack
