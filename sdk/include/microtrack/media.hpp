// Media playback (CONTRACT §3 video_*): which catalogue events a <video>,
// <audio> or embedded player's signal causes, once per page view per player
// and milestone.
#pragma once

#include <cstdint>

#include <string_view>
#include "microtrack/vector.hpp"

#include "microtrack/fixed_list.hpp"

namespace microtrack {

// The DOM media events the adapter forwards (numbers cross the boundary).
enum class MediaSignal { Play = 0, Pause = 1, TimeUpdate = 2, Ended = 3, Seeking = 4, Seeked = 5 };

// Who plays it: a <video>/<audio> element, or a player in an iframe whose
// postMessage interface the adapter translates into MediaSignals.
enum class MediaProvider { Html5 = 0, YouTube = 1, Vimeo = 2 };
constexpr int kMediaProviders = 3;

// The `provider` property: "html5", "youtube", "vimeo".
const char* media_provider_name(MediaProvider provider);

struct MediaMoment {
  const char* event;   // "video_start", "video_progress", "video_pause", "video_complete"
  double percent = 0;  // the milestone, for video_progress
};

// At most one start, every milestone, and a pause or a completion.
using MediaMoments = FixedList<MediaMoment, 35>;

class MediaTracker {
 public:
  // `milestones_percent` ascending (kept by the caller, as Config keeps
  // them); at most 32 are used.
  explicit MediaTracker(const Vector<double>& milestones_percent) : milestones_(milestones_percent) {}
  explicit MediaTracker(Vector<double>&&) = delete;  // a temporary would not outlive the tracker

  // One signal of player `media_id` at playback position `current_s` of
  // `duration_s` (infinite or NaN for a live stream: no progress), at
  // `now_ms`. `ended` is the element's own flag: the pause browsers send at
  // the end is not a video_pause, nor is a pause while not playing (a player
  // repeating its state). Milestones fire when playback passes them, not a
  // seek. An embedded player (not Html5) may report no seeks at all: a
  // position further on than playback since its last signal could have
  // reached is a seek. Players beyond the 32 first of a page view are not
  // tracked.
  MediaMoments on_signal(int media_id, MediaSignal signal, double current_s, double duration_s, bool ended,
                         MediaProvider provider, double now_ms);

  void reset();  // a new page view

 private:
  struct State {  // all zero at first (no initializers: a list of them starts as zeroed memory)
    int id;
    bool started, seeking, completed, playing;
    double last_percent;
    double at_s, at_ms;  // the position of the last signal, and when it came
    std::uint32_t fired;  // bit i: milestone i fired
  };
  State* find_or_add(int media_id);
  const Vector<double>& milestones_;
  FixedList<State, 32> media_;
};

// The title to report: the first non-empty of data-mt-title, the player's
// own title (an embed's: YouTube's embed code titles every iframe "YouTube
// video player"), title and aria-label, else the file name of `src`
// ("hero.webm", an embed's video id): a view of one of them.
std::string_view media_title(std::string_view data_title, std::string_view player_title, std::string_view title,
                             std::string_view aria_label, std::string_view src);

}  // namespace microtrack
