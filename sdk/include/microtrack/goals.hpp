// Goals: named conversions (CONTRACT §3), each reached at most once per page
// view. The `goals` config is a list of rules:
//   {name, selector}          a click on or inside an element matching the selector
//   {name, path}              a page view whose path matches ("*" matches anything)
//   {name, event, where?}     an event of that name whose properties equal `where`'s
//   {name, all: [...], path?} every condition met in one page view (whose path
//                             matches), in any order; a condition is {event,
//                             where?} or {engagedMs}
// and data-mt-goal="name" on a link, button or form declares a click (or
// submit) goal in the page itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "microtrack/fixed_list.hpp"

namespace microtrack {

struct GoalCondition {
  std::string event;        // "" for an engagedMs condition
  std::string where_json;   // an object's JSON text, "" for none
  double engaged_ms = -1;
};

struct GoalRule {
  std::string name, selector, path, event, where_json;
  FixedList<GoalCondition, 8> all;
  std::uint32_t met = 0;  // this page view: bit i = condition i of `all` met
  bool reached = false;   // this page view
};

struct ReachedGoal {
  std::string name;
  const char* trigger = "";  // "click", "submit", "path", "event", "all"
};
using ReachedGoals = FixedList<ReachedGoal, 16>;

class Goals {
 public:
  // Reads the config's goals list; rules without a name or a trigger, with
  // more than 8 conditions, or beyond the 16th are skipped and counted.
  explicit Goals(std::string_view goals_json);
  int skipped() const { return skipped_; }
  // [[index, "selector"], …] of the selector rules, for the click adapter.
  std::string selectors_json() const;
  bool waits_for_engagement() const;  // a compound rule still needs engaged time

  ReachedGoals on_page(std::string_view path);
  ReachedGoals on_selector_click(int rule_index);
  ReachedGoals on_declared(std::string_view name, bool submit);
  ReachedGoals on_event(std::string_view event, std::string_view properties_json, std::string_view path);
  ReachedGoals on_engaged(double page_engaged_ms, std::string_view path);
  void reset();  // a new page view

 private:
  static void reach(ReachedGoals& out, GoalRule& rule, const char* trigger);
  static void check_all(ReachedGoals& out, GoalRule& rule, std::string_view path);

  FixedList<GoalRule, 16> rules_;
  FixedList<std::string, 32> declared_reached_;  // data-mt-goal names reached this page view (more: not reached)
  int skipped_ = 0;
};

// "*" matches any run of characters (slashes too).
bool glob_match(std::string_view pattern, std::string_view text);
// True when every member of the `where` object equals the property of that
// name (numbers by value, everything else by JSON text).
bool properties_match(std::string_view where_json, std::string_view properties_json);

}  // namespace microtrack
