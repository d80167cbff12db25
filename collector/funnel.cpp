#include "funnel.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "funnel_rows.hpp"

namespace microtrack::collector {
namespace {

using nlohmann::json;

std::optional<double> number_of(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool value_matches(const json& property, const std::string& wanted) {
  if (property.is_string()) return property.get_ref<const std::string&>() == wanted;
  if (property.is_number()) {
    const auto number = number_of(wanted);
    return number && property.get<double>() == *number;
  }
  if (property.is_boolean()) return wanted == (property.get<bool>() ? "true" : "false");
  return false;
}

const json* find_key(const json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool condition_holds(const StepCondition& condition, const json& properties, const json& context) {
  const json* value = find_key(properties, condition.key);
  if (!value && context.is_object()) {
    const auto page = context.find("page");
    if (page != context.end()) value = find_key(*page, condition.key);
  }
  return value && value_matches(*value, condition.value);
}

json ratio(long long part, long long whole) {
  if (whole == 0) return nullptr;
  return static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

std::string FunnelStep::label() const {
  std::string text = event;
  for (const auto& condition : where) text += " " + condition.key + "=" + condition.value;
  return text;
}

std::optional<FunnelStep> parse_step(const std::string& text, std::string& error) {
  FunnelStep step;
  const std::size_t colon = text.find(':');
  step.event = text.substr(0, colon);
  if (step.event.empty()) {
    error = "a step needs an event name, as in step=scroll_depth:percent=50";
    return std::nullopt;
  }
  if (colon == std::string::npos) return step;
  std::size_t start = colon + 1;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "step condition \"" + part + "\" must be key=value";
      return std::nullopt;
    }
    step.where.push_back({part.substr(0, eq), part.substr(eq + 1)});
  }
  return step;
}

bool step_matches(const FunnelStep& step, const std::string& type, const std::string& name, const json& properties,
                  const json& context) {
  if (step.event == "page" || step.event == "identify") {
    if (type != step.event) return false;
  } else if (type != "track" || name != step.event) {
    return false;
  }
  return std::all_of(step.where.begin(), step.where.end(),
                     [&](const StepCondition& c) { return condition_holds(c, properties, context); });
}

bool step_matches(const FunnelStep& step, const EventRow& event) {
  return step_matches(step, event.type, event.event, event.properties, event.context);
}

std::vector<VisitorOutcome> funnel_outcomes(const std::vector<FunnelStep>& steps, const std::vector<EventRow>& events,
                                            double window_ms) {
  FunnelRows rows(steps);
  for (const EventRow& event : events) rows.add(event);
  return funnel_outcomes(rows, window_ms);
}

json funnel_report(const std::vector<FunnelStep>& steps, const std::vector<VisitorOutcome>& outcomes) {
  std::vector<long long> counts(steps.size(), 0);
  for (const VisitorOutcome& outcome : outcomes)
    for (int k = 0; k < outcome.depth && k < static_cast<int>(counts.size()); ++k) ++counts[k];
  json report = {{"steps", json::array()}, {"visitors", counts.empty() ? 0 : counts[0]}};
  for (std::size_t k = 0; k < steps.size(); ++k) {
    json where = json::object();
    for (const auto& condition : steps[k].where) where[condition.key] = condition.value;
    const json conversion = k == 0 ? (counts[0] ? json(1.0) : json(nullptr)) : ratio(counts[k], counts[k - 1]);
    report["steps"].push_back({{"label", steps[k].label()},
                               {"event", steps[k].event},
                               {"where", where},
                               {"count", counts[k]},
                               {"conversion", conversion},
                               {"drop_off", conversion.is_null() ? json(nullptr) : json(1.0 - conversion.get<double>())},
                               {"conversion_from_start", ratio(counts[k], counts.empty() ? 0 : counts[0])}});
  }
  return report;
}

std::optional<json> funnel_by_campaign(const std::vector<FunnelStep>& steps,
                                       const std::vector<VisitorOutcome>& outcomes, const std::string& by) {
  if (by != "source" && by != "medium" && by != "name" && by != "campaign") return std::nullopt;
  const auto none = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  std::map<std::vector<std::string>, std::vector<VisitorOutcome>> groups;
  for (const VisitorOutcome& outcome : outcomes) {
    const Campaign& c = outcome.campaign;
    std::vector<std::string> key;
    if (by == "campaign") key = {none(c.source), none(c.medium), none(c.name)};
    if (by == "source") key = {none(c.source)};
    if (by == "medium") key = {none(c.medium)};
    if (by == "name") key = {none(c.name)};
    groups[key].push_back(outcome);
  }
  json answer = json::array();
  for (const auto& [key, members] : groups) {
    json group = funnel_report(steps, members);
    if (by == "campaign") {
      group["source"] = key[0];
      group["medium"] = key[1];
      group["name"] = key[2];
    } else {
      group[by] = key[0];
    }
    answer.push_back(std::move(group));
  }
  // Most visitors first; ties in key order (std::map order), so the answer is stable.
  std::stable_sort(answer.begin(), answer.end(),
                   [](const json& a, const json& b) { return a["visitors"].get<long long>() > b["visitors"].get<long long>(); });
  return answer;
}

}  // namespace microtrack::collector
