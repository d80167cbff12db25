#include "microtrack/media.hpp"

#include <cmath>

namespace microtrack {

MediaMoments MediaTracker::on_signal(int media_id, MediaSignal signal, double current_s, double duration_s,
                                     bool ended) {
  MediaMoments moments;
  State* state = nullptr;
  for (State& s : media_)
    if (s.id == media_id) state = &s;
  if (!state) {
    State added{};
    added.id = media_id;
    if (!media_.push_back(added)) return moments;
    state = &media_.back();
  }
  const bool bounded = std::isfinite(duration_s) && duration_s > 0;  // live streams have no progress
  const double percent = bounded ? current_s * 100 / duration_s : 0;

  switch (signal) {
    case MediaSignal::Play:
      if (!state->started) {
        moments.push_back({"video_start"});
        state->last_percent = percent;  // playback starts here (a resumed position, #t=…)
      }
      state->started = true;
      break;
    case MediaSignal::Pause:
      if (state->started && !ended) moments.push_back({"video_pause"});
      break;
    case MediaSignal::Seeking:
      state->seeking = true;
      break;
    case MediaSignal::Seeked:
      state->seeking = false;
      state->last_percent = percent;  // what the seek jumped over stays unfired
      break;
    case MediaSignal::TimeUpdate:
      if (state->seeking || !state->started || !bounded) break;
      for (std::size_t i = 0; i < milestones_.size() && i < 32; ++i)
        if (!(state->fired >> i & 1) && state->last_percent < milestones_[i] && percent >= milestones_[i]) {
          state->fired |= 1u << i;
          moments.push_back({"video_progress", milestones_[i]});
        }
      state->last_percent = percent;
      break;
    case MediaSignal::Ended:
      if (!state->completed) moments.push_back({"video_complete"});
      state->completed = true;
      break;
  }
  return moments;
}

void MediaTracker::reset() { media_.clear(); }

std::string_view media_title(std::string_view data_title, std::string_view title, std::string_view aria_label,
                             std::string_view src) {
  std::string_view chosen = !data_title.empty() ? data_title : !title.empty() ? title : aria_label;
  if (chosen.empty()) {  // the file name: after the last '/', before any query or fragment
    chosen = src.substr(0, src.find_first_of("?#"));
    chosen.remove_prefix(chosen.rfind('/') + 1);
  }
  return chosen;
}

}  // namespace microtrack
