// Embind registrations: names change to camelCase here and nowhere else.
//
// The page has one tracker, so the bindings keep it and expose free
// functions: embind's class_ machinery (handles, ownership, casts) would add
// its JS glue to every page for a single long-lived object (bench/RESULTS.md).
#include <emscripten/bind.h>

#include <type_traits>

#include "string_view_wire.hpp"

#include "microtrack/signals.hpp"
#include "microtrack/tracker.hpp"

using microtrack::Batch;
using microtrack::SendTrigger;
using microtrack::String;
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

// emscripten::function() registers a binding with the Invoker its signature
// shares, which calls the bound function through the wasm table: two wasm
// functions and an indirect call per binding. bind<fn>() registers an
// invoker of fn's own that calls it directly (one function, fn inlined into
// it; bench/RESULTS.md). embind.js still hands the invoker the function
// pointer first: it is null and ignored.
template <auto fn>
struct DirectInvoker;

template <typename R, typename... Args, R (*fn)(Args...)>
struct DirectInvoker<fn> {
  template <typename T>
  using Binding = emscripten::internal::BindingType<T>;

  static typename Binding<R>::WireType invoke(void*, typename Binding<Args>::WireType... args) {
    if constexpr (std::is_void_v<R>)
      fn(Binding<Args>::fromWireType(args)...);
    else
      return Binding<R>::toWireType(fn(Binding<Args>::fromWireType(args)...));
  }

  static void bind(const char* name) {
    using namespace emscripten::internal;
    WithPolicies<>::ArgTypeList<R, Args...> types;
    // No signature string ("viid"): embind_runtime/embind.js takes the
    // invoker from the table and never reads it.
    _embind_register_function(name, types.getCount(), types.getTypes(), nullptr,
                              reinterpret_cast<GenericFunction>(&invoke), nullptr);
  }
};

template <auto fn>
void bind(const char* name) {
  DirectInvoker<fn>::bind(name);
}

// Embind cannot pass a 64-bit seed without BigInt: it comes as two 32-bit halves.
void start(Text config_json, Text environment_json, Text stored_state,
           double seed_high, double seed_low, double now_ms) {
  auto seed = (static_cast<std::uint64_t>(seed_high) << 32) | static_cast<std::uint32_t>(seed_low);
  tracker = new Tracker(config_json, environment_json, stored_state, seed, now_ms);
  signals = new Signals(*tracker, now_ms);
}

bool active() { return tracker->active(); }
bool wants(Text signal) { return tracker->wants(signal); }
bool debug() { return tracker->debug(); }
// Asked first, so that the list crosses as JSON only when there is one.
bool has_messages() { return tracker->has_messages(); }
String take_messages() { return microtrack::json_array(tracker->take_messages()); }

int page_view(Text url, Text title, Text referrer, Text properties, bool automatic, double now_ms) {
  return signals->page_view(url, title, referrer, properties, automatic, now_ms);
}
int track(Text name, Text properties, double now_ms) { return signals->track(name, properties, now_ms); }
int track_calls(Text packed) { return signals->track_calls(packed); }
int identify(Text user_id, Text traits, double now_ms) { return signals->identify(user_id, traits, now_ms); }
int on_scroll(double top_px, double viewport_px, double document_px, double now_ms) {
  return signals->on_scroll(top_px, viewport_px, document_px, now_ms);
}
// The viewport bottom (px) the next scroll sample worth sending reaches
// (`ahead`: the positions after it, ascending); -1: none.
double scroll_next_px(int ahead) { return tracker->scroll_next_bottom_px(static_cast<unsigned>(ahead)); }
void reset(double now_ms) { tracker->reset(now_ms); }
void consent(bool granted, double now_ms) { tracker->consent(granted, now_ms); }

// The batch crosses as its id, then its body: a value_object would add
// glue for this one struct (bench/RESULTS.md).
double next_batch(double now_ms, int trigger) {
  batch = tracker->next_batch(now_ms, static_cast<SendTrigger>(trigger));
  return batch.id;
}
String batch_body() { return std::move(batch.body); }
// `retry_after_ms`: the transport's reading of Retry-After, -1 for none.
void on_send_result(double batch_id, int status, double retry_after_ms, double now_ms) {
  tracker->on_send_result(batch_id, status, retry_after_ms, now_ms);
}
double next_wake_ms() { return signals->next_wake_ms(); }
// The events of the last event call, as a JSON array (on('event') listeners, debug).
String accepted_events() { return microtrack::json_array(tracker->accepted()); }

int navigate(Text url, Text title, int navigation, double now_ms) {
  return signals->navigate(url, title, navigation, now_ms);
}
int media_signal(int media_id, int signal, double current_s, double duration_s, bool ended, int provider,
                 bool audio, Text src, Text data_title, Text player_title, Text title, Text aria_label,
                 double now_ms) {
  return signals->media_signal(media_id, signal, current_s, duration_s, ended, provider, audio, src, data_title,
                               player_title, title, aria_label, now_ms);
}
int form_edit(int form_key, Text form_id, Text form_name, Text field_name, Text field_type, bool trusted,
              double now_ms) {
  return signals->form_edit(form_key, form_id, form_name, field_name, field_type, trusted, now_ms);
}
int form_submit(int form_key, Text form_id, Text form_name, Text goal, double now_ms) {
  return signals->form_submit(form_key, form_id, form_name, goal, now_ms);
}
int click(Text href, Text text, bool download_attribute, Text goal, Text selector_goals, double now_ms) {
  return signals->click(href, text, download_attribute, goal, selector_goals, now_ms);
}
int visibility_change(int rule, int element, bool visible, double now_ms) {
  return signals->visibility_change(rule, element, visible, now_ms);
}
int activity(double now_ms) { return signals->activity(now_ms); }
double engaged_until_ms() { return signals->engaged_until_ms(); }
int page_state(bool visible, bool focused, double now_ms) { return signals->page_state(visible, focused, now_ms); }
int tick(double now_ms) { return signals->tick(now_ms); }
String visibility_rules() { return signals->visibility_rules_json(); }
String goal_selectors() { return signals->goal_selectors_json(); }

// With the queue: what the JS stores in this tab's key, so what
// sent_since_snapshot() lists starts again from it (one crossing, not a
// second one to say so).
String snapshot(bool with_queue) {
  String state = tracker->snapshot(with_queue);
  if (with_queue) tracker->snapshot_stored();
  return state;
}
String sent_since_snapshot() { return tracker->sent_since_snapshot(); }
void adopt(Text state, double now_ms, Text sent_ids) { tracker->adopt(state, now_ms, sent_ids); }

}  // namespace

EMSCRIPTEN_BINDINGS(microtrack) {
  bind<start>("start");
  bind<active>("active");
  bind<wants>("wants");
  bind<debug>("debug");
  bind<has_messages>("hasMessages");
  bind<take_messages>("takeMessages");
  bind<page_view>("pageView");
  bind<track>("track");
  bind<track_calls>("trackCalls");
  bind<identify>("identify");
  bind<on_scroll>("onScroll");
  bind<scroll_next_px>("scrollNextPx");
  bind<reset>("reset");
  bind<consent>("consent");
  bind<next_batch>("nextBatch");
  bind<batch_body>("batchBody");
  bind<on_send_result>("onSendResult");
  bind<next_wake_ms>("nextWakeMs");
  bind<accepted_events>("acceptedEvents");
  bind<navigate>("navigate");
  bind<media_signal>("mediaSignal");
  bind<form_edit>("formEdit");
  bind<form_submit>("formSubmit");
  bind<click>("click");
  bind<visibility_change>("visibilityChange");
  bind<activity>("activity");
  bind<engaged_until_ms>("engagedUntilMs");
  bind<page_state>("pageState");
  bind<tick>("tick");
  bind<visibility_rules>("visibilityRules");
  bind<goal_selectors>("goalSelectors");
  bind<snapshot>("snapshot");
  bind<sent_since_snapshot>("sentSinceSnapshot");
  bind<adopt>("adopt");
}
