#include "microtrack/goals.hpp"

namespace microtrack {
namespace {

constexpr std::size_t kMaxDeclared = 32;

// A rule's or a condition's string member; "" when absent or not a string.
String text(JsonView object, const char* key) { return object.find(key).as_string(); }

// An `all` condition's engagedMs; -1 for none (an event condition).
double engaged_ms(JsonView condition) {
  JsonView engaged = condition.find("engagedMs");
  return engaged.is_number() ? engaged.as_number() : -1;
}

// An event rule or condition: the event's name and its `where` match.
bool event_matches(JsonView object, std::string_view event, std::string_view properties_json) {
  return text(object, "event") == event && properties_match(object.find("where").raw(), properties_json);
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  if (text.substr(0, star) != pattern.substr(0, star)) return false;
  pattern.remove_prefix(star + 1);
  text.remove_prefix(star);
  for (std::size_t skip = 0; skip <= text.size(); ++skip)
    if (glob_match(pattern, text.substr(skip))) return true;
  return false;
}

bool properties_match(std::string_view where_json, std::string_view properties_json) {
  JsonView where = JsonView::parse(where_json), properties = JsonView::parse(properties_json);
  for (auto member = where.children(); member.next();) {
    JsonView wanted = member.value(), actual = properties.find(member.key());
    bool equal = wanted.is_number() && actual.is_number() ? wanted.as_number() == actual.as_number()
                                                          : wanted.raw() == actual.raw();
    if (!equal) return false;
  }
  return true;
}

Goals::Goals(std::string_view goals_json) : json_(goals_json) {
  for (auto item = JsonView::parse(json_).children(); item.next();) {
    Rule rule;
    rule.goal = item.value();
    rule.conditions = static_cast<unsigned>(rule.goal.find("all").size());
    rule.by_selector = !text(rule.goal, "selector").empty();
    bool has_event = !text(rule.goal, "event").empty();
    rule.by_event = has_event && rule.conditions == 0;
    rule.by_path = !has_event && !rule.by_selector && rule.conditions == 0 && !text(rule.goal, "path").empty();
    bool triggered = rule.by_selector || has_event || rule.by_path || rule.conditions > 0;
    String name = text(rule.goal, "name");
    if (name.empty() || !triggered || rule.conditions > 8 || !rules_.push_back(rule)) ++skipped_;
    else names_.push_back(name);
  }
}

String Goals::selectors_json() const {
  String out = "[";
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (!rules_[i].by_selector) continue;
    if (out.size() > 1) out += ',';
    out += '[';
    append_json_number(out, static_cast<double>(i));
    out += ',';
    append_json_string(out, text(rules_[i].goal, "selector"));
    out += ']';
  }
  out += ']';
  return out;
}

bool Goals::waits_for_engagement(std::string_view path) const {
  for (const Rule& rule : rules_) {
    if (rule.reached) continue;
    // A rule for other paths cannot be reached in this page view (a new
    // page view resets what was met): no reason to look at the clock for it.
    String pattern = text(rule.goal, "path");
    if (!pattern.empty() && !glob_match(pattern, path)) continue;
    unsigned c = 0;
    for (auto condition = rule.goal.find("all").children(); condition.next(); ++c)
      if (engaged_ms(condition.value()) >= 0 && !(rule.met >> c & 1)) return true;
  }
  return false;
}

void Goals::reset() {
  for (Rule& rule : rules_) {
    rule.met = 0;
    rule.reached = false;
  }
  declared_.clear();
}

void Goals::reach(ReachedGoals& out, Rule& rule, const char* trigger) const {
  if (rule.reached) return;
  rule.reached = true;
  auto name = names_.begin();
  for (const Rule* r = rules_.begin(); r != &rule; ++r) ++name;
  out.push_back({*name, trigger});
}

void Goals::check_all(ReachedGoals& out, Rule& rule, std::string_view path) const {
  if (rule.conditions == 0 || rule.met != (1u << rule.conditions) - 1) return;
  String pattern = text(rule.goal, "path");
  if (pattern.empty() || glob_match(pattern, path)) reach(out, rule, "all");
}

ReachedGoals Goals::on_page(std::string_view path) {
  ReachedGoals out;
  for (Rule& rule : rules_)
    if (rule.by_path && glob_match(text(rule.goal, "path"), path))
      reach(out, rule, "path");
  return out;
}

ReachedGoals Goals::on_selector_click(int rule_index) {
  ReachedGoals out;
  if (rule_index >= 0 && rule_index < static_cast<int>(rules_.size()) &&
      rules_[rule_index].by_selector)
    reach(out, rules_[rule_index], "click");
  return out;
}

ReachedGoals Goals::on_declared(std::string_view name, bool submit) {
  ReachedGoals out;
  // Full: "at most once" wins over "reached".
  if (declared_.contains(name) || declared_.size() == kMaxDeclared) return out;
  declared_.push_back(name);
  out.push_back({name, submit ? "submit" : "click"});
  return out;
}

ReachedGoals Goals::on_event(std::string_view event, std::string_view properties_json, std::string_view path) {
  ReachedGoals out;
  // An event no rule names changes nothing (an `all` whose conditions were
  // met was checked when the last one was), and most events are such: no
  // rule need be read for them (a loop of track calls, bench/RESULTS.md).
  // A config without escapes holds every name it waits for as it is.
  if (json_.find('\\') == String::npos && json_.find(event) == String::npos) return out;
  for (Rule& rule : rules_) {
    if (rule.by_event && event_matches(rule.goal, event, properties_json)) reach(out, rule, "event");
    unsigned c = 0;
    for (auto condition = rule.goal.find("all").children(); condition.next(); ++c)
      if (event_matches(condition.value(), event, properties_json)) rule.met |= 1u << c;
    check_all(out, rule, path);
  }
  return out;
}

ReachedGoals Goals::on_engaged(double page_engaged_ms, std::string_view path) {
  ReachedGoals out;
  for (Rule& rule : rules_) {
    unsigned c = 0;
    for (auto condition = rule.goal.find("all").children(); condition.next(); ++c) {
      double needed_ms = engaged_ms(condition.value());
      if (needed_ms >= 0 && page_engaged_ms >= needed_ms) rule.met |= 1u << c;
    }
    check_all(out, rule, path);
  }
  return out;
}

}  // namespace microtrack
