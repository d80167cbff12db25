#include "microtrack/media.hpp"

#include <algorithm>
#include <cmath>

namespace microtrack {

namespace {

// YouTube and Vimeo play at most twice as fast as real time.
constexpr double kFastestPlaybackRate = 2;
// Position reports are a few hundred ms apart and may arrive late (a busy
// page): a jump forward within this is taken as playback.
constexpr double kSeekToleranceS = 2;

}  // namespace

const char* media_provider_name(MediaProvider provider) {
  switch (provider) {
    case MediaProvider::YouTube: return "youtube";
    case MediaProvider::Vimeo: return "vimeo";
    default: return "html5";
  }
}

MediaTracker::State* MediaTracker::find_or_add(int media_id) {
  for (State& s : media_)
    if (s.id == media_id) return &s;
  State added{};
  added.id = media_id;
  return media_.push_back(added) ? &media_.back() : nullptr;
}

MediaMoments MediaTracker::on_signal(int media_id, MediaSignal signal, double current_s, double duration_s,
                                     bool ended, MediaProvider provider, double now_ms) {
  MediaMoments moments;
  State* state = find_or_add(media_id);
  if (!state) return moments;
  const bool bounded = std::isfinite(duration_s) && duration_s > 0;  // live streams have no progress
  const double percent = bounded ? current_s * 100 / duration_s : 0;

  if (provider != MediaProvider::Html5 && state->started) {  // its seeks are seen as jumps
    const double played_s = state->playing ? (now_ms - state->at_ms) / 1000 * kFastestPlaybackRate : 0;
    if (current_s > state->at_s + played_s + kSeekToleranceS) state->last_percent = percent;
  }
  state->at_s = current_s;
  state->at_ms = now_ms;

  switch (signal) {
    case MediaSignal::Play:
      if (!state->started) {
        moments.push_back({"video_start"});
        state->last_percent = percent;  // playback starts here (a resumed position, #t=…)
      }
      state->started = state->playing = true;
      break;
    case MediaSignal::Pause:
      if (state->playing && !ended) moments.push_back({"video_pause"});
      state->playing = false;
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
      state->playing = false;
      break;
  }
  return moments;
}

void MediaTracker::reset() { media_.clear(); }

std::string_view media_title(std::string_view data_title, std::string_view player_title, std::string_view title,
                             std::string_view aria_label, std::string_view src) {
  std::string_view chosen = !data_title.empty()     ? data_title
                            : !player_title.empty() ? player_title
                            : !title.empty()        ? title
                                                    : aria_label;
  if (chosen.empty()) {  // the file name: after the last '/', before any query or fragment
    chosen = src.substr(0, std::min(src.find('?'), src.find('#')));
    chosen.remove_prefix(chosen.rfind('/') + 1);
  }
  return chosen;
}

}  // namespace microtrack
