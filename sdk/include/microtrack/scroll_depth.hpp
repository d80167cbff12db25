// Scroll depth (CONTRACT §3 `scroll_depth`): which thresholds the bottom of
// the viewport has reached in this page view.
#pragma once

#include <vector>

namespace microtrack {

class ScrollDepth {
 public:
  // `thresholds_percent` ascending (as Config keeps them), each in (0, 100];
  // kept by the caller.
  explicit ScrollDepth(const std::vector<double>& thresholds_percent) : thresholds_(thresholds_percent) {}
  explicit ScrollDepth(std::vector<double>&&) = delete;  // a temporary would not outlive this

  // A scroll sample: distance scrolled from the top, viewport height and
  // document height, all in CSS px. Returns the thresholds first reached by
  // this sample, ascending. A document that fits the viewport fires none.
  // A 1 px tolerance absorbs fractional scroll positions at the very bottom.
  std::vector<double> on_sample(double scroll_top_px, double viewport_px, double document_px);

  // Deepest point seen in this page view, 0..100 (0 for a page that fits).
  double max_percent() const { return max_percent_; }

  // A new page view: every threshold may fire again.
  void reset();

 private:
  const std::vector<double>& thresholds_;
  std::size_t next_ = 0;  // index of the first threshold not yet reached
  double max_percent_ = 0;
};

}  // namespace microtrack
