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
#include <string_view>

#include "microtrack/fixed_list.hpp"
#include "microtrack/json.hpp"
#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

struct ReachedGoal {
  // The rule's name (valid while the Goals lives) or on_declared's `name`.
  std::string_view name;
  const char* trigger;  // "click", "submit", "path", "event", "all"
};
using ReachedGoals = FixedList<ReachedGoal, 16>;

class Goals {
 public:
  // Reads the config's goals list; rules without a name or a trigger, with
  // more than 8 conditions, or beyond the 16th are skipped and counted.
  explicit Goals(std::string_view goals_json);
  // Rules are views into the Goals' own copy of the config text.
  Goals(const Goals&) = delete;
  Goals& operator=(const Goals&) = delete;
  int skipped() const { return skipped_; }
  // [[index, "selector"], …] of the selector rules, for the click adapter.
  String selectors_json() const;
  // A compound rule that may still be reached on `path` needs engaged time.
  bool waits_for_engagement(std::string_view path) const;

  ReachedGoals on_page(std::string_view path);
  ReachedGoals on_selector_click(int rule_index);
  ReachedGoals on_declared(std::string_view name, bool submit);
  ReachedGoals on_event(std::string_view event, std::string_view properties_json, std::string_view path);
  ReachedGoals on_engaged(double page_engaged_ms, std::string_view path);
  void reset();  // a new page view

 private:
  // A rule is read from its config object when a signal comes: only what
  // changes in a page view is kept apart.
  struct Rule {
    JsonView goal;                // the rule's object in json_
    unsigned conditions = 0;      // in `all`; 0 for a rule of one trigger
    bool by_selector = false;     // a selector rule (any other trigger too)
    bool by_event = false;        // an event rule (no `all`)
    bool by_path = false;         // a path rule (no `all`, event or selector)
    std::uint32_t met = 0;        // this page view: bit i = condition i of `all` met
    bool reached = false;         // this page view
  };
  void reach(ReachedGoals& out, Rule& rule, const char* trigger) const;
  void check_all(ReachedGoals& out, Rule& rule, std::string_view path) const;

  String json_;   // the goals list as given
  StringList names_;   // the rules' names, unescaped, in the order of rules_
  FixedList<Rule, 16> rules_;
  StringList declared_;  // the data-mt-goal names reached this page view (at most 32)
  int skipped_ = 0;
};

// "*" matches any run of characters (slashes too).
bool glob_match(std::string_view pattern, std::string_view text);
// True when every member of the `where` object equals the property of that
// name (numbers by value, everything else by JSON text).
bool properties_match(std::string_view where_json, std::string_view properties_json);

}  // namespace microtrack
