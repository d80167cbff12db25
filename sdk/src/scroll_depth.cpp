#include "microtrack/scroll_depth.hpp"

#include <algorithm>

namespace microtrack {

ReachedThresholds ScrollDepth::on_sample(double scroll_top_px, double viewport_px, double document_px) {
  const double* first = thresholds_.data() + next_;
  sampled_ = true;
  scrollable_ = document_px > viewport_px && document_px > 0;  // else nothing to scroll
  document_px_ = document_px;
  if (scrollable_) {
    const double bottom_px = std::max(0.0, scroll_top_px) + viewport_px;
    max_percent_ = std::max(max_percent_, std::min(100.0, bottom_px * 100 / document_px));
    while (next_ < thresholds_.size() && bottom_px >= threshold_bottom_px(next_)) ++next_;
  }
  return {first, thresholds_.data() + next_};
}

double ScrollDepth::next_bottom_px(std::size_t ahead) const {
  if (!sampled_) return ahead ? -1 : 0;  // the heights are not known yet: any sample is worth one
  if (!scrollable_) return -1;
  if (ahead < thresholds_.size() - next_) return threshold_bottom_px(next_ + ahead);
  if (ahead) return -1;
  // Every threshold reached: only the deepest point can still move, until
  // it is the end of the document (with the thresholds' 1 px tolerance).
  const double end_px = document_px_ - 1;
  return max_percent_ * document_px_ / 100 >= end_px ? -1 : end_px;
}

double ScrollDepth::threshold_bottom_px(std::size_t index) const {
  // 1 px of tolerance: browsers report fractional positions at the very bottom.
  return thresholds_[index] * document_px_ / 100 - 1;
}

void ScrollDepth::reset() {
  next_ = 0;
  max_percent_ = 0;
  sampled_ = false;  // the next sample, wherever it is, fires what the new view has reached
}

}  // namespace microtrack
