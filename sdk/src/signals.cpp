#include "microtrack/signals.hpp"

#include <cmath>

#include "microtrack/links.hpp"
#include "microtrack/string_list.hpp"
#include "microtrack/url.hpp"

namespace microtrack {
namespace {

constexpr std::size_t kMaxLinkText = 100;

// Builds a properties object member by member, in place: close() ends it
// and hands out a view of it (valid while the builder lives, which for a
// temporary is the call it is built for).
class Properties {
 public:
  Properties& text(const char* key, std::string_view value) {
    open(key);
    append_json_string(json_, value);
    return *this;
  }
  Properties& boolean(const char* key, bool value) {
    open(key);
    json_ += value ? "true" : "false";
    return *this;
  }
  Properties& number(const char* key, double value) {
    open(key);
    append_json_number(json_, value);
    return *this;
  }
  // Rounded to a whole number; the values are never negative, so floor(v + 0.5)
  // does what std::round does without its libc call.
  Properties& whole(const char* key, double value) { return number(key, std::floor(value + 0.5)); }
  std::string_view close() {
    json_ += '}';
    return json_;
  }

 private:
  void open(const char* key) {
    json_ += json_.empty() ? '{' : ',';
    append_json_string(json_, key);
    json_ += ':';
  }
  String json_;
};

// A link's visible text: white space collapsed, at most 100 bytes, never
// cut inside a UTF-8 character.
String link_text(std::string_view text) {
  String out;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > kMaxLinkText) {
    std::size_t cut = kMaxLinkText;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    return out.substr(0, cut);
  }
  return out;
}

}  // namespace

Signals::Signals(Tracker& tracker, double now_ms)
    : tracker_(tracker),
      config_(tracker.config()),
      media_(config_.video_milestones),
      visibility_(config_.visibility),
      engagement_(config_.idle_ms),
      goals_(config_.goals_json),
      now_ms_(now_ms) {
  engagement_.reset(now_ms);
  if (goals_.skipped())
    tracker_.message("error", "config 'goals' entries need a 'name' and one of 'selector', 'path', 'event' or "
                              "'all' (at most 16 goals of 8 conditions).");
}

void Signals::begin(double now_ms) {
  now_ms_ = now_ms;
  tracker_.forget_accepted();
}

void Signals::emit(std::string_view event, std::string_view properties_json, double now_ms) {
  // The name and properties are known here: no need to read them back out of
  // the event's JSON (which cost ~10 µs a call in the wasm).
  if (tracker_.track(event, properties_json, now_ms))
    emit_goals(goals_.on_event(event, properties_json.empty() ? "{}" : properties_json, tracker_.page_path()),
               now_ms);
}

void Signals::emit_goals(const ReachedGoals& goals, double now_ms) {
  for (const ReachedGoal& goal : goals) {
    emit(goal.name, Properties().boolean("goal", true).text("trigger", goal.trigger).close(), now_ms);
  }
}

int Signals::page_view(std::string_view url, std::string_view title, std::string_view referrer,
                       std::string_view properties_json, bool automatic, double now_ms) {
  begin(now_ms);
  open_page(url, title, referrer, properties_json, automatic, now_ms);
  return accepted();
}

void Signals::open_page(std::string_view url, std::string_view title, std::string_view referrer,
                        std::string_view properties_json, bool automatic, double now_ms) {
  bool new_page = automatic || url != raw_url_;
  raw_url_ = url;
  if (new_page) {  // every per-page state starts again
    media_.reset();
    forms_.reset();
    visibility_.reset();
    engagement_.reset(now_ms);
    goals_.reset();
    heartbeat_at_ms_ = config_.engagement && config_.heartbeat_ms > 0 ? now_ms + config_.heartbeat_ms : -1;
  }
  tracker_.page_view(url, title, referrer, properties_json, automatic, now_ms);  // a page event reaches no event goal
  if (new_page && tracker_.active()) emit_goals(goals_.on_page(tracker_.page_path()), now_ms);
}

int Signals::track(std::string_view name, std::string_view properties_json, double now_ms) {
  begin(now_ms);
  emit(name, properties_json, now_ms);
  return accepted();
}

int Signals::track_calls(std::string_view packed) {
  int accepted = 0;
  std::string_view call[3];  // name, properties, time
  std::size_t field = 0;
  for (std::string_view item : StringListView(packed)) {
    call[field++] = item;
    if (field < 3) continue;
    accepted += track(call[0], call[1], JsonView::of_valid(call[2]).as_number());
    field = 0;
  }
  return accepted;
}

int Signals::identify(std::string_view user_id, std::string_view traits_json, double now_ms) {
  begin(now_ms);
  return tracker_.identify(user_id, traits_json, now_ms);  // an identify event reaches no goal
}

int Signals::on_scroll(double scroll_top_px, double viewport_px, double document_px, double now_ms) {
  begin(now_ms);
  for (double percent : tracker_.scroll_sample(scroll_top_px, viewport_px, document_px))
    emit("scroll_depth", Properties().number("percent", percent).close(), now_ms);
  return accepted();
}

int Signals::navigate(std::string_view url, std::string_view title, int navigation, double now_ms) {
  begin(now_ms);
  if (!tracker_.active()) return 0;
  auto how = static_cast<Navigation>(navigation);
  if (how != Navigation::Restore && url == raw_url_) return 0;  // popstate and hashchange of one move
  // The Tracker's page path is raw_url_'s (scrubbing keeps the path).
  if (how == Navigation::Replace && parse_url(url).path == tracker_.page_path()) {
    raw_url_ = url;  // the same page with another query or fragment
    return 0;
  }
  leave_page(now_ms);  // its events come first
  const String referrer = tracker_.page_url();  // a copy: open_page replaces it
  open_page(url, title, referrer, {}, true, now_ms);
  return accepted();
}

void Signals::leave_page(double now_ms) {
  for (const FormState* form : forms_.abandon())
    emit_form("form_abandon", *form, "last_field", now_ms);
  if (config_.engagement) emit_engagement(now_ms);
}

void Signals::emit_form(std::string_view event, const FormState& form, const char* field_key, double now_ms) {
  Properties properties;
  properties.text("form_id", form.id).text("form_name", form.name);
  if (*field_key) properties.text(field_key, form.last_field);
  if (event != "form_start")
    properties.number("fields_filled", static_cast<double>(form.fields.size()))
        .number("duration_ms", now_ms - form.started_ms);
  emit(event, properties.close(), now_ms);
}

void Signals::emit_engagement(double now_ms) {
  emit("engagement", Properties()
                         .whole("engaged_ms", engagement_.take(now_ms))
                         .whole("max_scroll_percent", tracker_.scroll_max_percent())
                         .close(),
       now_ms);
}

int Signals::media_signal(int media_id, int signal, double current_s, double duration_s, bool ended, int provider,
                          bool audio, std::string_view src, std::string_view data_title,
                          std::string_view player_title, std::string_view title, std::string_view aria_label,
                          double now_ms) {
  begin(now_ms);
  if (!tracker_.active() || !config_.video || signal < 0 || signal > 5 || provider < 0 ||
      provider >= kMediaProviders)
    return 0;
  const auto player = static_cast<MediaProvider>(provider);
  for (const MediaMoment& moment :
       media_.on_signal(media_id, static_cast<MediaSignal>(signal), current_s, duration_s, ended, player, now_ms)) {
    Properties properties;
    properties.text("src", scrub_url(src, config_.scrub_query_params))
        .text("title", media_title(data_title, player_title, title, aria_label, src))
        .text("media_type", audio ? "audio" : "video")
        .text("provider", media_provider_name(player))
        .number("duration_s", duration_s);  // null for a live stream
    std::string_view event = moment.event;
    bool progress = event == "video_progress";
    if (progress) properties.number("percent", moment.percent);
    if (progress || event == "video_pause") properties.number("current_s", current_s);
    emit(event, properties.close(), now_ms);
  }
  return accepted();
}

int Signals::form_edit(int form_key, std::string_view form_id, std::string_view form_name,
                       std::string_view field_name, std::string_view field_type, bool trusted, double now_ms) {
  begin(now_ms);
  if (!tracker_.active() || !config_.forms || !trusted) return 0;
  std::string_view field = field_type == "password" ? std::string_view() : field_name;
  if (const FormState* form = forms_.on_edit(form_key, form_id, form_name, field, now_ms))
    emit_form("form_start", *form, "field", now_ms);  // its last field is this one
  return accepted();
}

int Signals::form_submit(int form_key, std::string_view form_id, std::string_view form_name, std::string_view goal,
                         double now_ms) {
  begin(now_ms);
  if (!tracker_.active()) return 0;
  if (config_.forms)
    if (const FormState* form = forms_.on_submit(form_key, form_id, form_name, now_ms))
      emit_form("form_submit", *form, "", now_ms);
  if (!goal.empty()) emit_goals(goals_.on_declared(goal, true), now_ms);
  return accepted();
}

int Signals::click(std::string_view href, std::string_view text, bool download_attribute, std::string_view goal,
                   std::string_view selector_goals_json, double now_ms) {
  begin(now_ms);
  if (!tracker_.active()) return 0;
  if (config_.clicks && !href.empty()) {
    LinkClick link = classify_link(href, download_attribute && config_.clicks_downloads,
                                   parse_url(tracker_.page_url()).host, config_.internal_domains,
                                   config_.clicks_downloads ? config_.download_extensions.view() : StringListView());
    String url = scrub_url(href, config_.scrub_query_params);
    switch (link.kind) {
      case LinkClick::Kind::Outbound:
        if (config_.clicks_outbound)
          emit("outbound_click", Properties()
                                     .text("href", url)
                                     .text("domain", link.domain)
                                     .text("text", link_text(text))
                                     .text("link_category", link.category)
                                     .close(),
               now_ms);
        break;
      case LinkClick::Kind::Download:
        emit("file_download", Properties().text("href", url).text("extension", link.extension).close(), now_ms);
        break;
      case LinkClick::Kind::Contact:  // the address itself is personal data: never sent
        emit("contact_click", Properties().text("method", link.method).close(), now_ms);
        break;
      case LinkClick::Kind::Internal:
        break;
    }
  }
  if (!goal.empty()) emit_goals(goals_.on_declared(goal, false), now_ms);
  for (auto index = JsonView::parse(selector_goals_json).children(); index.next();)
    emit_goals(goals_.on_selector_click(static_cast<int>(index.value().as_number())), now_ms);
  return accepted();
}

int Signals::visibility_change(int rule, int element, bool visible, double now_ms) {
  begin(now_ms);
  if (!tracker_.active()) return 0;
  visibility_.on_change(rule, element, visible, now_ms);
  run_timers(now_ms);
  return accepted();
}

int Signals::activity(double now_ms) {
  begin(now_ms);
  if (!tracker_.active()) return 0;
  engagement_.on_activity(now_ms);
  run_timers(now_ms);
  return accepted();
}

int Signals::page_state(bool visible, bool focused, double now_ms) {
  begin(now_ms);
  if (!tracker_.active()) return 0;
  bool was_visible = page_visible_;
  engagement_.on_state(visible, focused, now_ms);
  page_visible_ = visible;
  if (was_visible && !visible) leave_page(now_ms);
  return accepted();
}

int Signals::tick(double now_ms) {
  begin(now_ms);
  if (tracker_.active()) run_timers(now_ms);
  return accepted();
}

void Signals::run_timers(double now_ms) {
  for (const VisibleElement& element : visibility_.due(now_ms))
    emit("element_visible", Properties()
                                .text("name", config_.visibility[element.rule].name)
                                .whole("visible_ms", element.visible_ms)
                                .close(),
         now_ms);
  if (heartbeat_at_ms_ >= 0 && now_ms >= heartbeat_at_ms_ && page_visible_) {
    heartbeat_at_ms_ = now_ms + config_.heartbeat_ms;
    emit_engagement(now_ms);
  }
  emit_goals(goals_.on_engaged(engagement_.page_engaged_ms(now_ms), tracker_.page_path()), now_ms);
}

double Signals::next_wake_ms() const {
  double wake = tracker_.next_wake_ms();
  auto earliest = [&](double at) {
    if (at >= 0 && (wake < 0 || at < wake)) wake = at;
  };
  earliest(visibility_.next_deadline_ms());
  if (page_visible_) {
    earliest(heartbeat_at_ms_);
    if (goals_.waits_for_engagement(tracker_.page_path())) earliest(now_ms_ + 1000);  // engaged time moves with activity: look again
  }
  return wake;
}

String Signals::visibility_rules_json() const {
  String out = "[";
  for (const VisibilityRule& rule : config_.visibility) {
    if (out.size() > 1) out += ',';
    out += Properties().text("selector", rule.selector).number("threshold", rule.threshold).close();
  }
  out += ']';
  return out;
}

}  // namespace microtrack
