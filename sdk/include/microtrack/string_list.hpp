// The config's lists of strings (scrubQueryParams, clicks.downloads,
// clicks.internalDomains) are kept as their JSON text, checked once by the
// config reader: a std::vector<std::string> per list costs about 1 KB of wasm
// in constructors, copies and destructors, and the lists are only searched.
#pragma once

#include <string_view>

namespace microtrack {

// True when `match(item, value)` holds for an item of `list_json`, a JSON
// list of strings. (A function pointer, not a template: one copy of the loop.)
bool any_item(std::string_view list_json, std::string_view value,
              bool (*match)(std::string_view item, std::string_view value));

// The same for a space-separated list of words (built-in lists, one literal each).
bool any_word(std::string_view words, std::string_view value,
              bool (*match)(std::string_view word, std::string_view value));

}  // namespace microtrack
