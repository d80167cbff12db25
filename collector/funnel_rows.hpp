#pragma once
// What a funnel keeps of each event while the store is scanned. Each event
// is matched against every step as it is visited, and only this is kept: its
// visitor, time and store id, a bitmask of the steps it matches, and — when it
// matches step 1, so can start a run — its campaign. Visitors and campaigns
// are stored once each and rows refer to them by index, so a kept event costs
// 32 bytes instead of its parsed JSON (kilobytes): a month of millions of
// events fits in memory (bench/INGEST.md, "Funnels and totals over 1 and 10
// million events").

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "funnel.hpp"

namespace microtrack::collector {

struct FunnelRow {
  std::int64_t id = 0;          // the store's order, for events at the same time
  double time_ms = 0;           // corrected timestamp, epoch ms
  std::uint32_t visitor = 0;    // FunnelRows::visitor(index)
  std::uint32_t steps = 0;      // bit k set: the event matches step k
  std::uint32_t campaign = 0;   // FunnelRows::campaign(index); set only when bit 0 is
};

class FunnelRows {
 public:
  // At most this many steps: one bit each in FunnelRow::steps.
  static constexpr std::size_t kMaxSteps = 32;

  // Throws std::invalid_argument past kMaxSteps (the API allows 20).
  explicit FunnelRows(std::vector<FunnelStep> steps);
  // Rows refer to the visitor table by address: not copied, only moved.
  FunnelRows(const FunnelRows&) = delete;
  FunnelRows& operator=(const FunnelRows&) = delete;
  FunnelRows(FunnelRows&&) = default;
  FunnelRows& operator=(FunnelRows&&) = default;

  // Matches `event` against every step and keeps it when it matches one and
  // has a visitor (anonymousId, else "user:" + userId); nothing of its JSON
  // is kept but the campaign of a step-1 event.
  void add(const EventRow& event);
  // A row already matched: `steps` is its bitmask (bits past the steps are
  // ignored); `campaign` counts only when bit 0 is set.
  void add(const std::string& visitor, double time_ms, std::int64_t id, std::uint32_t steps,
           const Campaign& campaign = {});

  const std::vector<FunnelStep>& steps() const { return steps_; }
  const std::vector<FunnelRow>& rows() const { return rows_; }
  const std::string& visitor(std::uint32_t index) const { return *visitor_names_[index]; }
  std::size_t visitor_count() const { return visitor_names_.size(); }
  const Campaign& campaign(std::uint32_t index) const { return campaigns_[index]; }
  std::size_t campaign_count() const { return campaigns_.size(); }

 private:
  std::uint32_t visitor_index(const std::string& key);
  std::uint32_t campaign_index(const Campaign& campaign);

  std::vector<FunnelStep> steps_;
  std::vector<FunnelRow> rows_;
  std::unordered_map<std::string, std::uint32_t> visitor_indexes_;
  std::vector<const std::string*> visitor_names_;  // the keys of visitor_indexes_, stable in a node map
  std::map<std::tuple<std::string, std::string, std::string>, std::uint32_t> campaign_indexes_;
  std::vector<Campaign> campaigns_;  // index 0: none (all fields empty)
};

// funnel_outcomes() (funnel.hpp) over rows kept by FunnelRows: the same
// runs, ties in time broken by id then by the order added, visitors in
// order of their key.
std::vector<VisitorOutcome> funnel_outcomes(const FunnelRows& rows, double window_ms);

}  // namespace microtrack::collector
