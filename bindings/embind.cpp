// Embind registrations only: names change to camelCase here and nowhere else.
//
// The page has one tracker, so the bindings keep it and expose free
// functions: embind's class_ machinery (handles, ownership, casts) would add
// its JS glue to every page for a single long-lived object (bench/RESULTS.md).
#include <emscripten/bind.h>

#include "string_view_wire.hpp"

#include "microtrack/signals.hpp"
#include "microtrack/tracker.hpp"

using microtrack::Batch;
using microtrack::SendTrigger;
using microtrack::Signals;
using microtrack::Tracker;
using microtrack_bindings::Text;

namespace {

// Made once per page by start() and kept for the page's life: never
// destroyed, so no destructor code is linked. Event calls go
// through the detectors' layer (signals.hpp), so that goals see every event;
// each answers how many events it accepted. What JS reads as JSON (the
// accepted events, the messages) is written out here, when it asks.
Tracker* tracker;
Signals* signals;
Batch batch;  // the last one nextBatch handed out

// Embind cannot pass a 64-bit seed without BigInt: it comes as two 32-bit halves.
void start(Text config_json, Text environment_json, Text stored_state,
           double seed_high, double seed_low, double now_ms) {
  auto seed = (static_cast<std::uint64_t>(seed_high) << 32) | static_cast<std::uint32_t>(seed_low);
  tracker = new Tracker(config_json, environment_json, stored_state, seed, now_ms);
  signals = new Signals(*tracker, now_ms);
}

}  // namespace

EMSCRIPTEN_BINDINGS(microtrack) {
  using emscripten::function;
  using emscripten::optional_override;

  function("start", &start);
  function("active", optional_override([] { return tracker->active(); }));
  function("wants", optional_override([](Text signal) { return tracker->wants(signal); }));
  function("debug", optional_override([] { return tracker->debug(); }));
  function("takeMessages", optional_override([] { return microtrack::json_array(tracker->take_messages()); }));
  function("pageView", optional_override([](Text url, Text title,
                                             Text referrer, Text properties,
                                             bool automatic, double now_ms) {
             return signals->page_view(url, title, referrer, properties, automatic, now_ms);
           }));
  function("track", optional_override([](Text name, Text properties, double now_ms) {
             return signals->track(name, properties, now_ms);
           }));
  function("trackCalls", optional_override([](Text packed) { return signals->track_calls(packed); }));
  function("identify", optional_override([](Text user_id, Text traits, double now_ms) {
             return signals->identify(user_id, traits, now_ms);
           }));
  function("onScroll", optional_override([](double top_px, double viewport_px, double document_px, double now_ms) {
             return signals->on_scroll(top_px, viewport_px, document_px, now_ms);
           }));
  // The viewport bottom (px) the next scroll sample worth sending reaches; -1: none.
  function("scrollNextPx", optional_override([] { return tracker->scroll_next_bottom_px(); }));
  function("reset", optional_override([](double now_ms) { tracker->reset(now_ms); }));
  function("consent", optional_override([](bool granted, double now_ms) { tracker->consent(granted, now_ms); }));
  // The batch crosses as its id, then its body: a value_object would add
  // glue for this one struct (bench/RESULTS.md).
  function("nextBatch", optional_override([](double now_ms, int trigger) {
             batch = tracker->next_batch(now_ms, static_cast<SendTrigger>(trigger));
             return batch.id;
           }));
  function("batchBody", optional_override([] { return std::move(batch.body); }));
  // `retry_after_ms`: the transport's reading of Retry-After, -1 for none.
  function("onSendResult", optional_override([](double batch_id, int status, double retry_after_ms, double now_ms) {
             tracker->on_send_result(batch_id, status, retry_after_ms, now_ms);
           }));
  function("nextWakeMs", optional_override([] { return signals->next_wake_ms(); }));
  // The events of the last event call, as a JSON array (on('event') listeners, debug).
  function("acceptedEvents", optional_override([] { return microtrack::json_array(tracker->accepted()); }));
  function("navigate", optional_override([](Text url, Text title, int navigation,
                                             double now_ms) { return signals->navigate(url, title, navigation, now_ms); }));
  function("mediaSignal", optional_override([](int media_id, int signal, double current_s, double duration_s,
                                                bool ended, int provider, bool audio, Text src,
                                                Text data_title, Text player_title,
                                                Text title, Text aria_label, double now_ms) {
             return signals->media_signal(media_id, signal, current_s, duration_s, ended, provider, audio, src,
                                          data_title, player_title, title, aria_label, now_ms);
           }));
  function("formEdit", optional_override([](int form_key, Text form_id, Text form_name,
                                             Text field_name, Text field_type,
                                             bool trusted, double now_ms) {
             return signals->form_edit(form_key, form_id, form_name, field_name, field_type, trusted, now_ms);
           }));
  function("formSubmit", optional_override([](int form_key, Text form_id, Text form_name,
                                               Text goal, double now_ms) {
             return signals->form_submit(form_key, form_id, form_name, goal, now_ms);
           }));
  function("click", optional_override([](Text href, Text text, bool download_attribute,
                                          Text goal, Text selector_goals, double now_ms) {
             return signals->click(href, text, download_attribute, goal, selector_goals, now_ms);
           }));
  function("visibilityChange", optional_override([](int rule, int element, bool visible, double now_ms) {
             return signals->visibility_change(rule, element, visible, now_ms);
           }));
  function("activity", optional_override([](double now_ms) { return signals->activity(now_ms); }));
  function("engagedUntilMs", optional_override([] { return signals->engaged_until_ms(); }));
  function("pageState", optional_override([](bool visible, bool focused, double now_ms) {
             return signals->page_state(visible, focused, now_ms);
           }));
  function("tick", optional_override([](double now_ms) { return signals->tick(now_ms); }));
  function("visibilityRules", optional_override([] { return signals->visibility_rules_json(); }));
  function("goalSelectors", optional_override([] { return signals->goal_selectors_json(); }));
  function("snapshot", optional_override([](bool with_queue) { return tracker->snapshot(with_queue); }));
  function("snapshotStored", optional_override([] { tracker->snapshot_stored(); }));
  function("sentSinceSnapshot", optional_override([] { return tracker->sent_since_snapshot(); }));
  function("adopt", optional_override([](Text state, double now_ms, Text sent_ids) {
             tracker->adopt(state, now_ms, sent_ids);
           }));
}
