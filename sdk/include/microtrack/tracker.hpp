// The tracker: the one long-lived object the JS holds. It owns the config,
// identity, session, campaign, the per-page detectors and the delivery queue.
// Every call takes the time as an argument; nothing here reads a clock,
// storage or the network.
#pragma once

#include <cstdint>
#include <string_view>

#include "microtrack/config.hpp"
#include "microtrack/delivery.hpp"
#include "microtrack/json.hpp"
#include "microtrack/random.hpp"
#include "microtrack/scroll_depth.hpp"
#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

// What the browser says about itself, once, at start (JSON from the JS,
// bindings/js/environment.js):
// {"context": the fields of CONTRACT §4's context that only the browser
//             knows (userAgent, locale, timezone, screen), as the loader
//             writes them, copied into every event's context as they are,
//  "doNotTrack": true when Global Privacy Control or Do Not Track is on}
struct Environment {
  String context_members;  // the context object's members, without its braces ("" for none)
  bool do_not_track = false;
};
Environment parse_environment(std::string_view json_text);

class Tracker {
 public:
  // `stored_state` is what snapshot() returned on an earlier page ("" if none
  // or unreadable; a corrupt one is ignored with a warning).
  Tracker(std::string_view config_json, std::string_view environment_json,
          std::string_view stored_state, std::uint64_t seed, double now_ms);

  // False when nothing is tracked: no valid collector, Do Not Track/GPC with
  // respectDoNotTrack, or this visitor is sampled out.
  bool active() const { return active_; }
  // Whether the JS should attach the adapter for a signal the config can
  // turn off: "scroll", "video" or "engagement". (The forms, clicks and
  // visibility adapters always attach: the core decides per call.)
  bool wants(std::string_view signal) const;
  bool debug() const { return config_.debug; }
  const Config& config() const { return config_; }
  // The current page's URL (scrubbed) and how deep it has been scrolled (0–100).
  const String& page_url() const { return page_url_; }
  const String& page_path() const { return page_path_; }
  double scroll_max_percent() const { return scroll_.max_percent(); }

  // The diagnostics since the last take (see add_message); the JS prints
  // each one with the "microtrack:" prefix.
  StringList take_messages();
  bool has_messages() const { return !messages_.empty(); }
  // Adds one ("error", "warn" or "info"); for the layers built on the Tracker.
  void message(std::string_view level, std::string_view text);

  // --- Events. Each call returns how many events it accepted into the queue
  // (or into those held for consent), and appends them to accepted().

  // The events accepted since forget_accepted(), each as its JSON text: for
  // on('event') listeners and debug. Signals forgets them at the start of
  // each of its calls, so that they are the events of one call.
  const StringList& accepted() const { return accepted_; }
  void forget_accepted() { accepted_.clear(); }

  // A new page view at `url`: per-page state resets. `automatic` views (at
  // init, on SPA navigation) send a `page` event only when autoPageview is on.
  int page_view(std::string_view url, std::string_view title, std::string_view referrer,
                std::string_view properties_json, bool automatic, double now_ms);
  int track(std::string_view name, std::string_view properties_json, double now_ms);
  int identify(std::string_view user_id, std::string_view traits_json, double now_ms);
  // A scroll sample in CSS px (see ScrollDepth): the thresholds it reached
  // first, and nothing while inactive or with scroll off. (Signals turns
  // them into scroll_depth events.)
  ReachedThresholds scroll_sample(double scroll_top_px, double viewport_px, double document_px);
  // The next scroll position worth a sample (ScrollDepth::next_bottom_px):
  // the adapter keeps the frames below it to itself. -1 while inactive or
  // with scroll off.
  double scroll_next_bottom_px(std::size_t ahead = 0) const;

  // New anonymousId and session, forgets userId.
  void reset(double now_ms);
  // Grants or withdraws consent (only matters with requireConsent).
  void consent(bool granted, double now_ms);

  // --- Delivery (see Delivery).
  Batch next_batch(double now_ms, SendTrigger trigger);
  void on_send_result(double batch_id, int status, double retry_after_ms, double now_ms);
  double next_wake_ms() const { return delivery_.next_wake_ms(); }

  // State to keep in localStorage: ids, session, campaign and the unsent
  // queue, as JSON. "" when nothing may be stored (persist off, Do Not
  // Track, or consent required and not given). A sampled-out visitor keeps
  // only the anonymousId, so that the decision holds on the next page.
  // Without the queue (`with_queue` false): what the tabs of a site share.
  String snapshot(bool with_queue = true) const;
  // The JS stored snapshot(true): what sent_since_snapshot() lists starts again.
  void snapshot_stored() { delivery_.forget_removed(); }
  // After a send result: the messageIds that left the queue since the last
  // snapshot_stored(), as a JSON array to store next to that snapshot, so
  // that a long queue is not written again after every batch. "" when a new
  // snapshot is due instead (the list outweighs the queue) or nothing may
  // be stored.
  String sent_since_snapshot() const;
  // Takes over the unsent queue of another snapshot (a closed tab's, or one
  // left by an earlier page), ahead of what is queued here, except the
  // events `sent_ids_json` (its sent_since_snapshot()) lists; ignores its ids.
  void adopt(std::string_view stored_state, double now_ms, std::string_view sent_ids_json = "");

 private:
  bool may_store() const;
  // The events the Tracker writes differ only in their envelope: the type,
  // the key of the name ("" for identify) and of the payload (tracker.cpp's
  // kEnvelopes).
  enum class EventKind { Page, Track, Identify };
  // Builds an event and, unless it is too large, adds it to accepted() and
  // to the queue (or to those held for consent): returns how many it added.
  // `payload_members`: the members of its payload object, without braces.
  int emit(EventKind kind, std::string_view name, std::string_view payload_members, double now_ms);
  String build_event(EventKind kind, std::string_view name, std::string_view payload_members, double now_ms);
  void touch_session(double now_ms);
  void rebuild_context();
  void restore(std::string_view stored_state, double now_ms);

  Config config_;
  Environment env_;
  Random random_;
  Delivery delivery_;
  ScrollDepth scroll_;
  bool active_ = false;
  bool warned_queue_full_ = false;  // the queue-full warning is given once per page
  bool sampled_out_ = false;
  bool consent_granted_ = false;
  StringList held_;  // events waiting for consent (memory only)
  double held_count_ = 0;

  String anonymous_id_, user_id_, session_id_;
  double last_activity_ms_ = -1;
  String campaign_json_;        // context.campaign: the session's last campaign, "" for none
  String first_campaign_json_;  // the session's first; context.firstCampaign when not the last

  String page_url_, page_path_, page_title_, page_referrer_;
  StringList accepted_;
  String page_properties_members_;  // "url":…,"path":…, … of the current page
  String context_json_;  // the §4 context, rebuilt when page/session change
  StringList messages_;       // see add_message
};

}  // namespace microtrack
