// The tracker: the one long-lived object the JS holds. It owns the config,
// identity, session, campaign, the per-page detectors and the delivery queue.
// Every call takes the time as an argument; nothing here reads a clock,
// storage or the network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "microtrack/config.hpp"
#include "microtrack/delivery.hpp"
#include "microtrack/json.hpp"
#include "microtrack/random.hpp"
#include "microtrack/scroll_depth.hpp"

namespace microtrack {

// What the browser says about itself, once, at start (JSON from the JS):
// {"userAgent","locale","timezone","screenWidth","screenHeight",
//  "doNotTrack": true when Global Privacy Control or Do Not Track is on}
struct Environment {
  std::string user_agent, locale, timezone;
  double screen_width = 0, screen_height = 0;
  bool do_not_track = false;
};
Environment parse_environment(std::string_view json_text);

// A call's answer from its accepted events (comma-separated JSON texts,
// emptied here): their JSON array; with `echo` off, "" when there were any
// and "[]" when none (see Tracker::set_echo).
std::string take_answer(std::string& events, bool echo);

class Tracker {
 public:
  // `stored_state` is what snapshot() returned on an earlier page ("" if none
  // or unreadable; a corrupt one is ignored with a warning).
  Tracker(std::string_view config_json, std::string_view environment_json,
          std::string_view stored_state, std::uint64_t seed, double now_ms);

  // False when nothing is tracked: no valid collector, Do Not Track/GPC with
  // respectDoNotTrack, or this visitor is sampled out.
  bool active() const { return active_; }
  // Whether the JS should attach the adapter for a signal: "scroll",
  // "video", "forms", "clicks", "visibility", "engagement".
  bool wants(std::string_view signal) const;
  bool debug() const { return config_.debug; }
  const Config& config() const { return config_; }
  // The current page's URL (scrubbed) and how deep it has been scrolled (0–100).
  const std::string& page_url() const { return page_url_; }
  const std::string& page_path() const { return page_path_; }
  double scroll_max_percent() const { return scroll_.max_percent(); }

  // Diagnostics since the last call, as a JSON array of
  // {"level":"error"|"warn"|"info","message":"…"}; the JS prints each one
  // with the "microtrack:" prefix.
  std::string take_messages();
  // Adds one ("error", "warn" or "info"); for the layers built on the Tracker.
  void message(std::string_view level, std::string text);

  // --- Events. Each returns the events it accepted into the queue, as a
  // JSON array text ("[]" when none), for on('event') listeners and debug.

  // A new page view at `url`: per-page state resets. `automatic` views (at
  // init, on SPA navigation) send a `page` event only when autoPageview is on.
  std::string page_view(std::string_view url, std::string_view title, std::string_view referrer,
                        std::string_view properties_json, bool automatic, double now_ms);
  std::string track(std::string_view name, std::string_view properties_json, double now_ms);
  std::string identify(std::string_view user_id, std::string_view traits_json, double now_ms);
  // A scroll sample in CSS px (see ScrollDepth): the thresholds it reached
  // first, and nothing while inactive or with scroll off.
  ReachedThresholds scroll_sample(double scroll_top_px, double viewport_px, double document_px);
  // The same, as scroll_depth events.
  std::string on_scroll(double scroll_top_px, double viewport_px, double document_px, double now_ms);

  // New anonymousId and session, forgets userId.
  void reset(double now_ms);
  // Grants or withdraws consent (only matters with requireConsent).
  void consent(bool granted, double now_ms);

  // Whether the event calls return the accepted events as JSON (for
  // on('event') listeners and debug), or, to spare the page converting them,
  // "" when they accepted any and "[]" when none. On by default.
  void set_echo(bool echo) { echo_ = echo; }

  // --- Delivery (see Delivery).
  Batch next_batch(double now_ms, SendTrigger trigger);
  void on_send_result(double batch_id, int status, double retry_after_ms, double now_ms);
  double next_wake_ms() const { return delivery_.next_wake_ms(); }

  // State to keep in localStorage: ids, session, campaign and the unsent
  // queue, as JSON. "" when nothing may be stored (persist off, Do Not
  // Track, or consent required and not given). A sampled-out visitor keeps
  // only the anonymousId, so that the decision holds on the next page.
  // Without the queue (`with_queue` false): what the tabs of a site share.
  std::string snapshot(bool with_queue = true) const;
  // The JS stored snapshot(true): what sent_since_snapshot() lists starts again.
  void snapshot_stored() { delivery_.forget_removed(); }
  // After a send result: the messageIds that left the queue since the last
  // snapshot_stored(), as a JSON array to store next to that snapshot, so
  // that a long queue is not written again after every batch. "" when a new
  // snapshot is due instead (the list outweighs the queue) or nothing may
  // be stored.
  std::string sent_since_snapshot() const;
  // Takes over the unsent queue of another snapshot (a closed tab's, or one
  // left by an earlier page), ahead of what is queued here, except the
  // events `sent_ids_json` (its sent_since_snapshot()) lists; ignores its ids.
  void adopt(std::string_view stored_state, double now_ms, std::string_view sent_ids_json = "");

 private:
  bool may_store() const;
  // Builds an event and, unless it is too large, adds it to the current
  // call's answer and to the queue (or to those held for consent). Its
  // payload object holds `payload_members`, then `more_members` if any
  // (members without braces, as properties_members gives them).
  void emit(std::string_view type, std::string_view name_key, std::string_view name, std::string_view payload_key,
            std::string_view payload_members, std::string_view more_members, double now_ms);
  // The accepted events of this call as a JSON array text; clears them.
  std::string finish();
  std::string build_event(std::string_view type, std::string_view name_key, std::string_view name,
                          std::string_view payload_key, std::string_view payload_members,
                          std::string_view more_members, double now_ms);
  void touch_session(double now_ms);
  void rebuild_context();
  void restore(std::string_view stored_state, double now_ms);

  Config config_;
  Environment env_;
  Random random_;
  Delivery delivery_;
  ScrollDepth scroll_;
  bool active_ = false;
  bool warned_queue_full_ = false;
  bool echo_ = true;  // the queue-full warning is given once per page
  bool sampled_out_ = false;
  bool consent_granted_ = false;
  // Events waiting for consent (memory only), each ended by a '\0' (which
  // no JSON text holds): one string instead of a vector's code in the wasm.
  std::string held_;
  double held_count_ = 0;

  std::string anonymous_id_, user_id_, session_id_;
  double last_activity_ms_ = -1;
  std::string campaign_json_;        // context.campaign: the session's last campaign, "" for none
  std::string first_campaign_json_;  // the session's first; context.firstCampaign when not the last

  std::string page_url_, page_path_, page_title_, page_referrer_;
  std::string out_;  // this call's accepted events, comma separated
  std::string page_properties_members_;  // "url":…,"path":…, … of the current page
  std::string context_json_;  // the §4 context, rebuilt when page/session change
  std::string messages_;      // JSON array items, comma separated
};

}  // namespace microtrack
