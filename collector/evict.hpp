#pragma once
// Keeping per-client tables bounded (rate limits, login throttling): when
// full, the entries touched longest ago go, in one O(n) pass that frees a
// slice of the room at a time, so a flood of new clients costs O(1) each on
// average.

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace microtrack::collector {

// Erases the `count` entries of `map` with the smallest `age_of(value)`.
template <class Map, class AgeOf>
void erase_oldest(Map& map, std::size_t count, AgeOf age_of) {
  count = std::min(count, map.size());
  if (count == 0) return;
  std::vector<std::pair<double, typename Map::key_type>> by_age;
  by_age.reserve(map.size());
  for (const auto& [key, value] : map) by_age.emplace_back(age_of(value), key);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(count - 1), by_age.end());
  for (std::size_t i = 0; i < count; ++i) map.erase(by_age[i].second);
}

}  // namespace microtrack::collector
