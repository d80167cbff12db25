// The config's lists of strings (scrubQueryParams, clicks.downloads,
// clicks.internalDomains) are kept as their JSON text, checked once by the
// config reader: a std::vector<std::string> per list costs about 1 KB of wasm
// in constructors, copies and destructors, and the lists are only searched.
#pragma once

#include <string_view>

#include "microtrack/json.hpp"

namespace microtrack {

// True when `match(item)` holds for an item (a std::string) of `list_json`,
// a JSON list of strings.
template <typename Match>
bool any_item(std::string_view list_json, Match match) {
  for (auto item = JsonView::parse(list_json).children(); item.next();)
    if (match(item.value().as_string())) return true;
  return false;
}

}  // namespace microtrack
