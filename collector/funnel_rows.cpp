#include "funnel_rows.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace microtrack::collector {
namespace {

using nlohmann::json;

std::string campaign_field(const json& context, const char* key) {
  if (!context.is_object()) return "";
  const auto campaign = context.find("campaign");
  if (campaign == context.end() || !campaign->is_object()) return "";
  const auto it = campaign->find(key);
  return it != campaign->end() && it->is_string() ? it->get<std::string>() : "";
}

Campaign campaign_of(const EventRow& event) {
  return {campaign_field(event.context, "source"), campaign_field(event.context, "medium"),
          campaign_field(event.context, "name")};
}

bool matches(const FunnelRow& row, int step) { return (row.steps >> step) & 1U; }

// The best run through `step_count` steps for one visitor's rows, `run[0..count)`
// indexes into `rows` sorted by time. Returns the depth and the position in
// `run` of the start row.
std::pair<int, std::size_t> best_run(const std::vector<FunnelRow>& rows, const std::uint32_t* run, std::size_t count,
                                     int step_count, double window_ms) {
  int best = 0;
  std::size_t best_start = 0;
  for (std::size_t start = 0; start < count && best < step_count; ++start) {
    if (!matches(rows[run[start]], 0)) continue;
    const double deadline = rows[run[start]].time_ms + window_ms;
    int depth = 1;
    // Taking each next step at its earliest occurrence is optimal for a
    // fixed start: a later one can only leave less room for what follows.
    for (std::size_t j = start + 1; j < count && depth < step_count && rows[run[j]].time_ms <= deadline; ++j)
      if (matches(rows[run[j]], depth)) ++depth;
    if (depth > best) {
      best = depth;
      best_start = start;
    }
  }
  return {best, best_start};
}

// Indexes of `rows`, grouped by visitor in order of their key, each visitor's
// sorted by time, then id, then the order added.
std::vector<std::uint32_t> visitor_timelines(const FunnelRows& rows) {
  std::vector<std::uint32_t> by_key(rows.visitor_count());
  std::iota(by_key.begin(), by_key.end(), 0U);
  std::sort(by_key.begin(), by_key.end(),
            [&](std::uint32_t a, std::uint32_t b) { return rows.visitor(a) < rows.visitor(b); });
  std::vector<std::uint32_t> rank(by_key.size());
  for (std::uint32_t r = 0; r < by_key.size(); ++r) rank[by_key[r]] = r;

  const std::vector<FunnelRow>& all = rows.rows();
  std::vector<std::uint32_t> order(all.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::make_tuple(rank[all[a].visitor], all[a].time_ms, all[a].id) <
           std::make_tuple(rank[all[b].visitor], all[b].time_ms, all[b].id);
  });
  return order;
}

}  // namespace

FunnelRows::FunnelRows(std::vector<FunnelStep> steps) : steps_(std::move(steps)) {
  if (steps_.size() > kMaxSteps) throw std::invalid_argument("a funnel has at most 32 steps");
  campaign_index({});  // index 0: no campaign
}

void FunnelRows::add(const EventRow& event) {
  if (event.anonymous_id.empty() && event.user_id.empty()) return;
  std::uint32_t mask = 0;
  for (std::size_t k = 0; k < steps_.size(); ++k)
    if (step_matches(steps_[k], event)) mask |= 1U << k;
  if (mask == 0) return;
  const std::string visitor = event.anonymous_id.empty() ? "user:" + event.user_id : event.anonymous_id;
  add(visitor, event.time_ms, event.id, mask, (mask & 1U) ? campaign_of(event) : Campaign{});
}

void FunnelRows::add(const std::string& visitor, double time_ms, std::int64_t id, std::uint32_t steps,
                     const Campaign& campaign) {
  if (steps_.size() < kMaxSteps) steps &= (1U << steps_.size()) - 1;
  if (steps == 0) return;
  rows_.push_back({id, time_ms, visitor_index(visitor), steps, (steps & 1U) ? campaign_index(campaign) : 0U});
}

std::uint32_t FunnelRows::visitor_index(const std::string& key) {
  const auto [it, added] = visitor_indexes_.try_emplace(key, static_cast<std::uint32_t>(visitor_names_.size()));
  if (added) visitor_names_.push_back(&it->first);
  return it->second;
}

std::uint32_t FunnelRows::campaign_index(const Campaign& campaign) {
  auto key = std::make_tuple(campaign.source, campaign.medium, campaign.name);
  const auto [it, added] = campaign_indexes_.try_emplace(std::move(key), static_cast<std::uint32_t>(campaigns_.size()));
  if (added) campaigns_.push_back(campaign);
  return it->second;
}

std::vector<VisitorOutcome> funnel_outcomes(const FunnelRows& rows, double window_ms) {
  std::vector<VisitorOutcome> outcomes;
  const int step_count = static_cast<int>(rows.steps().size());
  const std::vector<FunnelRow>& all = rows.rows();
  const std::vector<std::uint32_t> order = visitor_timelines(rows);
  for (std::size_t first = 0; first < order.size();) {
    const std::uint32_t visitor = all[order[first]].visitor;
    std::size_t end = first + 1;
    while (end < order.size() && all[order[end]].visitor == visitor) ++end;
    const auto [depth, start] = best_run(all, &order[first], end - first, step_count, window_ms);
    const FunnelRow& start_row = all[order[first + start]];
    if (depth > 0) outcomes.push_back({rows.visitor(visitor), depth, rows.campaign(start_row.campaign)});
    first = end;
  }
  return outcomes;
}

}  // namespace microtrack::collector
