// Scroll depth (CONTRACT §3 `scroll_depth`): which thresholds the bottom of
// the viewport has reached in this page view.
#pragma once

#include <cstddef>

#include "microtrack/vector.hpp"

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
  explicit ScrollDepth(const Vector<double>& thresholds_percent) : thresholds_(thresholds_percent) {}
  explicit ScrollDepth(Vector<double>&&) = delete;  // a temporary would not outlive this

  // A scroll sample: distance scrolled from the top, viewport height and
  // document height, all in CSS px. Returns the thresholds first reached by
  // this sample, ascending. A document that fits the viewport fires none.
  // A 1 px tolerance absorbs fractional scroll positions at the very bottom.
  ReachedThresholds on_sample(double scroll_top_px, double viewport_px, double document_px);

  // Deepest point seen in this page view, 0..100 (0 for a page that fits).
  double max_percent() const { return max_percent_; }

  // The next position worth a sample: the viewport bottom (scroll top, at
  // least 0, + viewport height, in CSS px) from which a sample with the last
  // sample's viewport and document heights reaches the next threshold, or
  // once every threshold is reached, the end of the document (less 1 px)
  // until the deepest point is there; -1 when nothing is left to reach or
  // that document fits its viewport; 0 before the first sample of a page
  // view (any sample is worth one). A sample above it with the same heights
  // reaches nothing and changes only max_percent(); a sample with other
  // heights may move it.
  // `ahead` names the thresholds' positions after it, ascending, as they
  // stand for those heights (the adapter watches them all at once instead
  // of asking again after each): 1 the one after the next, and so on; -1
  // past the last threshold (the end of the document is named only once
  // every threshold is reached).
  double next_bottom_px(std::size_t ahead = 0) const;

  // A new page view: every threshold may fire again, from the next sample on.
  void reset();

 private:
  // The viewport bottom at which threshold `index` is reached in a document
  // of the last sample's height: what on_sample and next_bottom_px share,
  // so that the adapter's comparison is the core's.
  double threshold_bottom_px(std::size_t index) const;

  const Vector<double>& thresholds_;
  std::size_t next_ = 0;  // index of the first threshold not yet reached
  double max_percent_ = 0;
  double document_px_ = 0;   // of the last sample
  bool sampled_ = false;     // a sample came (the heights below are known)
  bool scrollable_ = false;  // the last sample's document is taller than its viewport
};

}  // namespace microtrack
