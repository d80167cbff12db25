#include "microtrack/tracker.hpp"

#include <algorithm>
#include <cstdint>

#include "microtrack/hash.hpp"
#include "microtrack/time.hpp"
#include "microtrack/url.hpp"

namespace microtrack {
namespace {

constexpr int kSnapshotVersion = 1;
constexpr std::size_t kMaxNameLength = 200;

// Query parameters that say which campaign brought the visitor. Each keeps
// its name in context.campaign, but utm_* drop the prefix and utm_campaign
// is "name" (Segment's names).
constexpr StringListView kCampaignParams{
    "utm_source\0" "utm_medium\0" "utm_campaign\0" "utm_term\0" "utm_content\0" "utm_id\0" "gclid\0" "gbraid\0"
    "wbraid\0" "dclid\0" "fbclid\0" "msclkid\0" "ttclid\0" "twclid\0" "li_fat_id\0" "yclid\0" "mc_cid\0" "mc_eid\0"
    "_kx\0"};

// The envelope keys of each EventKind, in its order.
struct Envelope {
  const char* type;
  const char* name_key;  // "" for none
  const char* payload_key;
};
constexpr Envelope kEnvelopes[] = {
    {"page", "name", "properties"},
    {"track", "event", "properties"},
    {"identify", "", "traits"},
};

// The campaign a landing URL carries, as a JSON object's text ("" for none),
// its parameters in the URL's order.
String campaign_of(std::string_view url) {
  std::string_view before_hash = url.substr(0, url.find('#'));
  String campaign;
  if (std::size_t question = before_hash.find('?'); question != std::string_view::npos)
    for (QueryPairs pairs(before_hash.substr(question + 1)); pairs.next();) {
      String param = percent_decode(pairs.name());
      String value = percent_decode(pairs.value());
      if (value.empty() || !kCampaignParams.contains(param)) continue;
      std::string_view name = param;
      if (name == "utm_campaign") name = "name";
      else if (starts_with(name, "utm_")) name.remove_prefix(4);
      campaign += campaign.empty() ? '{' : ',';
      append_json_string(campaign, name);
      campaign += ':';
      append_json_string(campaign, value);
    }
  if (!campaign.empty()) campaign += '}';
  return campaign;
}

// The members of caller-given properties (JSON.stringify of an object, or ""
// for none) without the braces, so they can be spliced into an object.
// False when the text is not an object.
bool properties_members(std::string_view text, std::string_view& members) {
  members = {};
  if (text.empty()) return true;
  JsonView view = JsonView::parse(text);
  if (!view.is_object()) return false;
  members = view.raw().substr(1, view.raw().size() - 2);
  while (!members.empty() && (members.front() == ' ' || members.front() == '\n')) members.remove_prefix(1);
  return true;
}

// A stable number in [0, 1) for `text`: sampling keeps or drops a visitor for good.
double unit_hash(std::string_view text) { return static_cast<double>(fnv1a(text) >> 11) * 0x1.0p-53; }

// "BEFORE<number>AFTER" without std::to_string (it would bring printf into the wasm).
String with_number(const char* before, double value, const char* after) {
  String text = before;
  append_json_number(text, value);
  text += after;
  return text;
}

double number_or(JsonView value, double fallback) { return value.is_number() ? value.as_number() : fallback; }

}  // namespace

Environment parse_environment(std::string_view json_text) {
  JsonView root = JsonView::parse(json_text);
  Environment env;
  std::string_view context;
  if (properties_members(root.find("context").raw(), context)) env.context_members = context;
  env.do_not_track = root.find("doNotTrack").as_bool();
  return env;
}

Tracker::Tracker(std::string_view config_json, std::string_view environment_json,
                 std::string_view stored_state, std::uint64_t seed, double now_ms)
    : config_(), env_(parse_environment(environment_json)), random_(seed), delivery_(config_),
      scroll_(config_.scroll_thresholds) {
  if (!read_config(config_json, config_, messages_)) return;

  if (config_.respect_do_not_track && env_.do_not_track) {
    if (config_.debug) message("info", "Global Privacy Control or Do Not Track is on; nothing is tracked.");
    return;
  }
  if (config_.persist) restore(stored_state, now_ms);
  if (anonymous_id_.empty()) anonymous_id_ = random_.uuid_v4();
  if (unit_hash(anonymous_id_) >= config_.sample_rate) {
    sampled_out_ = true;  // the id is still kept, so the decision holds on the next page
    if (config_.debug) message("info", "this visitor is sampled out (sampleRate); nothing is tracked.");
    return;
  }
  active_ = true;
  touch_session(now_ms);
}

bool Tracker::wants(std::string_view signal) const {
  if (!active_) return false;
  if (signal == "scroll") return config_.scroll;
  if (signal == "video") return config_.video;
  if (signal == "engagement") return config_.engagement;
  return false;
}

void Tracker::message(std::string_view level, std::string_view text) { add_message(messages_, level, text); }

StringList Tracker::take_messages() {
  StringList taken = std::move(messages_);  // leaves messages_ empty (a moved-from String is)
  return taken;
}

void Tracker::touch_session(double now_ms) {
  bool expired = last_activity_ms_ < 0 || now_ms - last_activity_ms_ > config_.session_timeout_ms;
  last_activity_ms_ = now_ms;
  if (!expired && !session_id_.empty()) return;
  session_id_ = random_.uuid_v4();
  campaign_json_.clear();  // a campaign lasts one session
  first_campaign_json_.clear();
  rebuild_context();
}

void Tracker::rebuild_context() {
  String& p = page_properties_members_;
  p = "\"url\":";
  append_json_string(p, page_url_);
  UrlParts parts = parse_url(page_url_);
  page_path_ = parts.path;
  p += ",\"path\":";
  append_json_string(p, page_path_);
  p += ",\"search\":";
  String search;  // "?a=1", "" without a query (as location.search)
  if (!parts.query.empty()) {
    search += '?';
    search += parts.query;
  }
  append_json_string(p, search);
  p += ",\"title\":";
  append_json_string(p, page_title_);
  p += ",\"referrer\":";
  append_json_string(p, page_referrer_);

  String& c = context_json_;
  c = "{\"library\":{\"name\":\"microtrack\",\"version\":\"" MICROTRACK_VERSION "\"},\"page\":{";
  c += p;
  c += '}';
  if (!campaign_json_.empty()) {
    c += ",\"campaign\":";
    c += campaign_json_;
  }
  if (first_campaign_json_ != campaign_json_) {  // another campaign touched this session first
    c += ",\"firstCampaign\":";
    c += first_campaign_json_;
  }
  c += ",\"sessionId\":";
  append_json_string(c, session_id_);
  if (!env_.context_members.empty()) {  // the browser's fields: userAgent, locale, timezone, screen
    c += ',';
    c += env_.context_members;
  }
  c += '}';
}

String Tracker::build_event(EventKind kind, std::string_view name, std::string_view payload_members,
                                 double now_ms) {
  const Envelope& envelope = kEnvelopes[static_cast<int>(kind)];
  String e = "{\"type\":";
  append_json_string(e, envelope.type);
  if (*envelope.name_key) {
    e += ',';
    append_json_string(e, envelope.name_key);
    e += ':';
    append_json_string(e, name);
  }
  e += ',';
  append_json_string(e, envelope.payload_key);
  e += ":{";
  e += payload_members;
  e += '}';
  e += ",\"messageId\":";
  append_json_string(e, random_.uuid_v4());
  e += ",\"anonymousId\":";
  append_json_string(e, anonymous_id_);
  if (!user_id_.empty()) {
    e += ",\"userId\":";
    append_json_string(e, user_id_);
  }
  e += ",\"timestamp\":";
  append_json_string(e, iso8601_utc(now_ms));
  e += ",\"context\":";
  e += context_json_;
  e += '}';
  return e;
}

int Tracker::emit(EventKind kind, std::string_view name, std::string_view payload_members, double now_ms) {
  String event = build_event(kind, name, payload_members, now_ms);
  if (event.size() > kMaxEventBytes) {
    message("warn", with_number("an event of ", static_cast<double>(event.size()), " bytes (over 32 KB) was dropped."));
    return 0;
  }
  accepted_.push_back(event);  // first: the queue takes the event itself
  if (config_.require_consent && !consent_granted_) {
    held_.push_back(event);
    if (++held_count_ > config_.max_queue_size) {
      held_.pop_front();
      --held_count_;
    }
  } else if (delivery_.enqueue(std::move(event), now_ms) && !warned_queue_full_) {
    warned_queue_full_ = true;  // once per page: a burst would print one line per event
    message("warn", "the queue is full (maxQueueSize or 3 MB); the oldest events are dropped.");
  }
  return 1;
}

int Tracker::page_view(std::string_view url, std::string_view title, std::string_view referrer,
                       std::string_view properties_json, bool automatic, double now_ms) {
  if (!active_) return 0;
  std::string_view extra;
  if (!properties_members(properties_json, extra)) message("error", "page() properties must be an object.");
  touch_session(now_ms);
  if (String campaign = campaign_of(url); !campaign.empty()) {
    if (first_campaign_json_.empty()) first_campaign_json_ = campaign;
    campaign_json_ = std::move(campaign);  // the last touch
  }
  page_url_ = scrub_url(url, config_.scrub_query_params);
  page_title_ = title;
  page_referrer_ = scrub_url(referrer, config_.scrub_query_params);
  rebuild_context();
  scroll_.reset();
  if (automatic && !config_.auto_pageview) return 0;
  // The page fields, then the caller's properties (JSON.parse keeps the
  // last of a repeated key, so the caller's win).
  String properties = page_properties_members_;
  if (!extra.empty()) {
    properties += ',';
    properties += extra;
  }
  return emit(EventKind::Page, page_title_, properties, now_ms);
}

int Tracker::track(std::string_view name, std::string_view properties_json, double now_ms) {
  if (!active_) return 0;
  if (name.empty() || name.size() > kMaxNameLength) {
    message("error", "track() needs an event name of 1 to 200 characters.");
    return 0;
  }
  std::string_view properties;
  if (!properties_members(properties_json, properties)) {
    String text = "track('";
    text += name;
    text += "') properties must be an object.";
    message("error", text);
  }
  touch_session(now_ms);
  return emit(EventKind::Track, name, properties, now_ms);
}

int Tracker::identify(std::string_view user_id, std::string_view traits_json, double now_ms) {
  if (!active_) return 0;
  if (user_id.empty() || user_id.size() > kMaxNameLength) {
    message("error", "identify() needs a userId of 1 to 200 characters.");
    return 0;
  }
  std::string_view traits;
  if (!properties_members(traits_json, traits)) message("error", "identify() traits must be an object.");
  touch_session(now_ms);
  user_id_ = user_id;
  return emit(EventKind::Identify, {}, traits, now_ms);
}

ReachedThresholds Tracker::scroll_sample(double scroll_top_px, double viewport_px, double document_px) {
  if (!active_ || !config_.scroll) return {};
  return scroll_.on_sample(scroll_top_px, viewport_px, document_px);
}

double Tracker::scroll_next_bottom_px(std::size_t ahead) const {
  return active_ && config_.scroll ? scroll_.next_bottom_px(ahead) : -1;
}

void Tracker::reset(double now_ms) {
  anonymous_id_ = random_.uuid_v4();
  user_id_.clear();
  session_id_.clear();
  last_activity_ms_ = -1;
  touch_session(now_ms);
}

void Tracker::consent(bool granted, double now_ms) {
  consent_granted_ = granted;
  if (!config_.require_consent) return;
  if (granted) {
    for (std::string_view event : held_) delivery_.enqueue(String(event), now_ms);
  } else {
    delivery_.clear();
  }
  held_.clear();
  held_count_ = 0;
}

Batch Tracker::next_batch(double now_ms, SendTrigger trigger) {
  if (!active_ || (config_.require_consent && !consent_granted_)) return {};
  return delivery_.next_batch(now_ms, trigger);
}

void Tracker::on_send_result(double batch_id, int status, double retry_after_ms, double now_ms) {
  auto action = delivery_.on_send_result(batch_id, status, retry_after_ms, now_ms, random_.next01());
  if (action == Delivery::ResultAction::Dropped)
    message("error", with_number("the collector refused a batch (HTTP ", status, "); its events are dropped."));
}

bool Tracker::may_store() const {
  return (active_ || sampled_out_) && config_.persist && (!config_.require_consent || consent_granted_);
}

String Tracker::sent_since_snapshot() const {
  const StringList& ids = delivery_.removed_ids();
  if (!may_store() || ids.bytes() > delivery_.bytes()) return "";
  return json_array(ids);
}

String Tracker::snapshot(bool with_queue) const {
  if (!may_store()) return "";
  static_assert(kSnapshotVersion == 1, "written as text below");
  String s = "{\"v\":1,\"anonymousId\":";
  append_json_string(s, anonymous_id_);
  s += ",\"userId\":";
  append_json_string(s, user_id_);
  s += ",\"sessionId\":";
  append_json_string(s, session_id_);
  s += ",\"lastActivityMs\":";
  append_json_number(s, last_activity_ms_);
  s += ",\"campaign\":";
  s += campaign_json_.empty() ? std::string_view("{}") : campaign_json_;
  s += ",\"firstCampaign\":";
  s += first_campaign_json_.empty() ? std::string_view("{}") : first_campaign_json_;
  s += ",\"queue\":[";
  const char* separator = "";
  for (const QueuedEvent& event : delivery_.unsent()) {
    if (!with_queue) break;
    if (!delivery_.must_survive_reload(event)) continue;
    s += separator;
    separator = ",";
    s += event.json;
  }
  s += "]}";
  return s;
}

void Tracker::restore(std::string_view stored_state, double now_ms) {
  if (stored_state.empty()) return;
  JsonView state = JsonView::parse(stored_state);
  JsonView queue = state.find("queue");
  if (number_or(state.find("v"), 0) != kSnapshotVersion || !queue.is_array()) {
    message("warn", "the stored state is unreadable; starting afresh.");
    return;
  }
  anonymous_id_ = state.find("anonymousId").as_string();
  user_id_ = state.find("userId").as_string();
  session_id_ = state.find("sessionId").as_string();
  last_activity_ms_ = number_or(state.find("lastActivityMs"), -1);
  JsonView campaign = state.find("campaign");
  if (campaign.is_object() && campaign.size()) campaign_json_ = campaign.raw();
  JsonView first = state.find("firstCampaign");
  first_campaign_json_ = first.is_object() && first.size() ? first.raw() : std::string_view(campaign_json_);
  delivery_.restore(queue, now_ms);
  rebuild_context();
}

void Tracker::adopt(std::string_view stored_state, double now_ms, std::string_view sent_ids_json) {
  StringList sent_ids;  // as removed_ids() holds them: each id's JSON text
  for (auto id = JsonView::parse(sent_ids_json).children(); id.next();) sent_ids.push_back(id.value().raw());
  delivery_.restore(JsonView::parse(stored_state).find("queue"), now_ms, sent_ids);
}

}  // namespace microtrack
