// Scroll depth (CONTRACT §3 `scroll_depth`): which thresholds the bottom of
// the viewport has reached in this page view.
#pragma once

#include <vector>

namespace microtrack {

// Thresholds first reached by one sample: a run of the configured list.
class ReachedThresholds {
 public:
  ReachedThresholds() = default;  // none
  ReachedThresholds(const double* first, const double* last) : first_(first), last_(last) {}
  const double* begin() const { return first_; }
  const double* end() const { return last_; }
  bool empty() const { return first_ == last_; }

 private:
  const double *first_ = nullptr, *last_ = nullptr;
};

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
  ReachedThresholds on_sample(double scroll_top_px, double viewport_px, double document_px);

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
