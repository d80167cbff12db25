#include "microtrack/goals.hpp"

#include "microtrack/json.hpp"

namespace microtrack {

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

Goals::Goals(std::string_view goals_json) {
  JsonView list = JsonView::parse(goals_json);
  for (auto item = list.children(); item.next();) {
    JsonView goal = item.value();
    GoalRule rule;
    rule.name = goal.find("name").as_string();
    rule.selector = goal.find("selector").as_string();
    rule.path = goal.find("path").as_string();
    rule.event = goal.find("event").as_string();
    rule.where_json = std::string(goal.find("where").raw());
    bool fits = true;
    for (auto c = goal.find("all").children(); c.next();) {
      JsonView engaged = c.value().find("engagedMs");
      GoalCondition condition;
      condition.event = c.value().find("event").as_string();
      condition.where_json = std::string(c.value().find("where").raw());
      condition.engaged_ms = engaged.is_number() ? engaged.as_number() : -1;
      fits = fits && rule.all.push_back(condition);
    }
    bool triggered = !rule.selector.empty() || !rule.path.empty() || !rule.event.empty() || !rule.all.empty();
    if (rule.name.empty() || !triggered || !fits || !rules_.push_back(rule)) ++skipped_;
  }
}

std::string Goals::selectors_json() const {
  std::string out = "[";
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].selector.empty()) continue;
    if (out.size() > 1) out += ',';
    out += '[';
    append_json_number(out, static_cast<double>(i));
    out += ',';
    append_json_string(out, rules_[i].selector);
    out += ']';
  }
  return out + "]";
}

bool Goals::waits_for_engagement() const {
  for (const GoalRule& rule : rules_)
    if (!rule.reached)
      for (std::size_t c = 0; c < rule.all.size(); ++c)
        if (rule.all[c].engaged_ms >= 0 && !(rule.met >> c & 1)) return true;
  return false;
}

void Goals::reset() {
  for (GoalRule& rule : rules_) {
    rule.met = 0;
    rule.reached = false;
  }
  declared_reached_.clear();
}

void Goals::reach(ReachedGoals& out, GoalRule& rule, const char* trigger) {
  if (rule.reached) return;
  rule.reached = true;
  ReachedGoal goal;
  goal.name = rule.name;
  goal.trigger = trigger;
  out.push_back(goal);
}

void Goals::check_all(ReachedGoals& out, GoalRule& rule, std::string_view path) {
  bool path_ok = rule.path.empty() || glob_match(rule.path, path);
  if (!rule.all.empty() && path_ok && rule.met == (1u << rule.all.size()) - 1) reach(out, rule, "all");
}

ReachedGoals Goals::on_page(std::string_view path) {
  ReachedGoals out;
  for (GoalRule& rule : rules_)
    if (rule.all.empty() && rule.event.empty() && rule.selector.empty() && glob_match(rule.path, path))
      reach(out, rule, "path");
  return out;
}

ReachedGoals Goals::on_selector_click(int rule_index) {
  ReachedGoals out;
  if (rule_index >= 0 && rule_index < static_cast<int>(rules_.size()) && !rules_[rule_index].selector.empty())
    reach(out, rules_[rule_index], "click");
  return out;
}

ReachedGoals Goals::on_declared(std::string_view name, bool submit) {
  ReachedGoals out;
  for (const std::string& reached : declared_reached_)
    if (reached == name) return out;
  if (!declared_reached_.push_back(std::string(name))) return out;  // full: "at most once" wins over "reached"
  ReachedGoal goal;
  goal.name = std::string(name);
  goal.trigger = submit ? "submit" : "click";
  out.push_back(goal);
  return out;
}

ReachedGoals Goals::on_event(std::string_view event, std::string_view properties_json, std::string_view path) {
  ReachedGoals out;
  for (GoalRule& rule : rules_) {
    if (!rule.event.empty() && rule.all.empty() && rule.event == event &&
        properties_match(rule.where_json, properties_json))
      reach(out, rule, "event");
    for (std::size_t c = 0; c < rule.all.size(); ++c)
      if (rule.all[c].event == event && properties_match(rule.all[c].where_json, properties_json))
        rule.met |= 1u << c;
    check_all(out, rule, path);
  }
  return out;
}

ReachedGoals Goals::on_engaged(double page_engaged_ms, std::string_view path) {
  ReachedGoals out;
  for (GoalRule& rule : rules_) {
    for (std::size_t c = 0; c < rule.all.size(); ++c)
      if (rule.all[c].engaged_ms >= 0 && page_engaged_ms >= rule.all[c].engaged_ms) rule.met |= 1u << c;
    check_all(out, rule, path);
  }
  return out;
}

}  // namespace microtrack
