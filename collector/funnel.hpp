#pragma once
// Funnels: how many visitors take an ordered list of steps, and where they
// drop off. Pure functions over event rows, so the rules are tested on
// literal timelines (tests/collector/test_funnel.cpp).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store.hpp"  // EventRow

namespace microtrack::collector {

// One condition of a step: the event's property `key` equals `value`.
// `value` is text as typed in a URL: it matches a string property equal to
// it, a number property equal to it as a number ("50" matches 50 and 50.0),
// a boolean "true"/"false". The property is looked up in `properties`, then
// in `context.page` (so `path=/checkout` works for any event on that page).
struct StepCondition {
  std::string key, value;
};

// A funnel step: an event name and conditions that must all hold.
// "page" matches page events, "identify" identify events, any other name a
// track event of that name.
struct FunnelStep {
  std::string event;
  std::vector<StepCondition> where;
  // "scroll_depth percent=50": what the dashboard shows.
  std::string label() const;
};

// Parses "scroll_depth:percent=50,path=/" (name, then comma-separated
// conditions), the form of the `step=` query parameters. (Not ';': some servers,
// like old HTML forms, split query strings on it.) Returns nothing and sets
// `error` when the name is empty or a condition has no '='.
std::optional<FunnelStep> parse_step(const std::string& text, std::string& error);

bool step_matches(const FunnelStep& step, const EventRow& event);
// The same on the parts of an event as received: `name` is a track's event.
bool step_matches(const FunnelStep& step, const std::string& type, const std::string& name,
                  const nlohmann::json& properties, const nlohmann::json& context);

// Which campaign a visitor came with: context.campaign of the event that
// started their funnel. Empty fields when there was none.
struct Campaign {
  std::string source, medium, name;
};

// What one visitor did in the funnel.
struct VisitorOutcome {
  std::string visitor;  // anonymousId, or "user:" + userId when there is none
  int depth = 0;        // steps reached in order, 0..steps.size()
  Campaign campaign;    // of the start event of the best attempt
};

// Per visitor (events grouped by anonymousId, else userId), the deepest run
// through the steps in order: a start event matching step 1, then each next
// step strictly after the previous one, all within `window_ms` of the start.
// Every start is tried (a later visit may get further); among equally deep
// runs the earliest counts, and gives the campaign. Visitors who never match
// step 1 are left out. `events` need not be sorted; ties in time go by id,
// then by order given. Computed by funnel_outcomes(FunnelRows) (funnel_rows.hpp),
// which the query route fills while scanning instead of keeping the events.
std::vector<VisitorOutcome> funnel_outcomes(const std::vector<FunnelStep>& steps, const std::vector<EventRow>& events,
                                            double window_ms);

// {"steps":[{"label","event","where":{k:v},"count","conversion","drop_off",
//   "conversion_from_start"}...], "visitors": N}. count = visitors that
// reached the step; conversion = count / previous count (1 for the first
// step), drop_off = 1 - conversion; both null when the previous count is 0.
nlohmann::json funnel_report(const std::vector<FunnelStep>& steps, const std::vector<VisitorOutcome>& outcomes);

// The same report per campaign: `by` is "source", "medium", "name" or
// "campaign" (all three). [{"source"?,"medium"?,"name"?, "steps", "visitors"}...],
// most visitors first; visitors without one are under "(none)".
// Returns nothing for another `by`.
std::optional<nlohmann::json> funnel_by_campaign(const std::vector<FunnelStep>& steps,
                                                 const std::vector<VisitorOutcome>& outcomes, const std::string& by);

}  // namespace microtrack::collector
