#include "microtrack/string_list.hpp"

namespace microtrack {

std::size_t StringListView::size() const {
  std::size_t count = 0;
  for (char c : packed_) count += c == '\0';
  return count;
}

bool StringListView::contains(std::string_view value) const {
  return any(value, [](std::string_view item, std::string_view wanted) { return item == wanted; });
}

bool StringListView::any(std::string_view value, bool (*match)(std::string_view item, std::string_view value)) const {
  for (std::string_view item : *this)
    if (match(item, value)) return true;
  return false;
}

void StringList::push_back(std::string_view item) {
  packed_ += item.substr(0, item.find('\0'));
  packed_ += '\0';
}

void StringList::pop_front() { packed_.erase(0, packed_.find('\0') + 1); }

}  // namespace microtrack
