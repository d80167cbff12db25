#include "microtrack/string_list.hpp"

#include <algorithm>
#include <string>

#include "microtrack/json.hpp"

namespace microtrack {

bool any_item(std::string_view list_json, std::string_view value,
              bool (*match)(std::string_view item, std::string_view value)) {
  for (auto item = JsonView::parse(list_json).children(); item.next();)
    if (match(item.value().as_string(), value)) return true;
  return false;
}

bool any_word(std::string_view words, std::string_view value,
              bool (*match)(std::string_view word, std::string_view value)) {
  for (std::size_t start = 0; start < words.size();) {
    std::size_t end = std::min(words.find(' ', start), words.size());
    if (match(words.substr(start, end - start), value)) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace microtrack
