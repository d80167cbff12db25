// The DOM signals layer: the §3 detectors (media, forms, clicks, visibility,
// engagement, SPA navigation, goals) over a Tracker. Every call that can
// produce events passes through here, so that goals see every event, and a
// new page view resets every detector. Each call returns how many events it
// accepted; they are the Tracker's accepted() until the next call. A layer
// of its own so that the Tracker (identity, session, events, queue) reads
// without the detectors.
#pragma once

#include <string_view>

#include "microtrack/engagement.hpp"
#include "microtrack/forms.hpp"
#include "microtrack/goals.hpp"
#include "microtrack/media.hpp"
#include "microtrack/string.hpp"
#include "microtrack/tracker.hpp"
#include "microtrack/visibility.hpp"

namespace microtrack {

class Signals {
 public:
  // How the adapter saw the URL change.
  enum class Navigation { Push = 0, Replace = 1, Pop = 2, Hash = 3, Restore = 4 };

  Signals(Tracker& tracker, double now_ms);

  // The Tracker's event calls, with goals and per-page resets.
  int page_view(std::string_view url, std::string_view title, std::string_view referrer,
                std::string_view properties_json, bool automatic, double now_ms);
  int track(std::string_view name, std::string_view properties_json, double now_ms);
  // The track calls of one task handed over together (the loader's
  // track-queue.js): a packed list (string_list.hpp) of name, properties and
  // time (ms, as JSON text) per call; an incomplete last call is ignored.
  // Answers how many events they accepted in all.
  int track_calls(std::string_view packed);
  int identify(std::string_view user_id, std::string_view traits_json, double now_ms);
  // A scroll sample (see Tracker::scroll_sample): a scroll_depth event per
  // threshold it reached first.
  int on_scroll(double scroll_top_px, double viewport_px, double document_px, double now_ms);

  // One page view per real change of URL (a replaceState only when the path
  // changes; a bfcache restore always): the page left first reports its
  // form_abandon and engagement.
  int navigate(std::string_view url, std::string_view title, int navigation, double now_ms);
  // A <video>/<audio> event or an embedded player's message (MediaSignal)
  // from `provider` (MediaProvider), with the player's state and the strings
  // its title is chosen from (`player_title`: what an embedded player says).
  int media_signal(int media_id, int signal, double current_s, double duration_s, bool ended, int provider,
                   bool audio, std::string_view src, std::string_view data_title, std::string_view player_title,
                   std::string_view title, std::string_view aria_label, double now_ms);
  // An input/change in a form field (`trusted`: by the visitor, not a
  // script). Password fields are never named.
  int form_edit(int form_key, std::string_view form_id, std::string_view form_name, std::string_view field_name,
                std::string_view field_type, bool trusted, double now_ms);
  // A submit that happened; `goal` is the form's data-mt-goal ("" for none).
  int form_submit(int form_key, std::string_view form_id, std::string_view form_name, std::string_view goal,
                  double now_ms);
  // A click on a link to the absolute `href` ("" when not a link), with the
  // element's data-mt-goal and the selector goals it matched (a JSON array
  // of indices from goal_selectors_json()).
  int click(std::string_view href, std::string_view text, bool download_attribute, std::string_view goal,
            std::string_view selector_goals_json, double now_ms);
  // An element of visibility rule `rule` crossed its threshold.
  int visibility_change(int rule, int element, bool visible, double now_ms);
  // Visitor input at `now_ms` (the adapter sends at most about one a second,
  // and may send it late, with the time it happened: engaged_until_ms()).
  int activity(double now_ms);
  // Until when engaged time counts without more input: an input before it
  // need not cross until then (EngagementClock::counts_until_ms).
  double engaged_until_ms() const { return engagement_.counts_until_ms(); }
  // Page visibility or window focus changed; hidden: form_abandon and engagement.
  int page_state(bool visible, bool focused, double now_ms);
  // Timers due by now (visibility, heartbeat, engaged-time goals).
  int tick(double now_ms);
  // The Tracker's next wake-up or a detector's, whichever is first (-1: none).
  double next_wake_ms() const;

  // For the adapters: [{"selector","threshold"}, …] and [[index, "selector"], …].
  String visibility_rules_json() const;
  String goal_selectors_json() const { return goals_.selectors_json(); }

 private:
  // Every call starts here: the Tracker's accepted() will hold this call's events.
  void begin(double now_ms);
  // How many events this call accepted.
  int accepted() const { return static_cast<int>(tracker_.accepted().size()); }
  // A track event through the Tracker, then checked against the goals.
  void emit(std::string_view event, std::string_view properties_json, double now_ms);
  void emit_goals(const ReachedGoals& goals, double now_ms);
  // page_view's work, within a call that may have events already (navigate).
  void open_page(std::string_view url, std::string_view title, std::string_view referrer,
                 std::string_view properties_json, bool automatic, double now_ms);
  void leave_page(double now_ms);
  // tick's work: the visibility, heartbeat and engaged-time timers due by now.
  void run_timers(double now_ms);
  // form_start, form_submit or form_abandon: the form's id and name, its last
  // field under `field_key` ("" for none), and but for a start, how many
  // fields were filled and for how long.
  void emit_form(std::string_view event, const FormState& form, const char* field_key, double now_ms);
  // The engaged time since the last report, and how deep the page was scrolled.
  void emit_engagement(double now_ms);

  Tracker& tracker_;
  const Config& config_;
  MediaTracker media_;
  FormTracker forms_;
  VisibilityTimer visibility_;
  EngagementClock engagement_;
  Goals goals_;
  String raw_url_;  // the page's URL as the browser has it
  bool page_visible_ = true;
  double now_ms_ = 0;            // the latest time a call gave
  double heartbeat_at_ms_ = -1;  // the next engagement heartbeat, -1 for none
};

}  // namespace microtrack
