// The one list of strings of the core: its items packed into one text, each
// followed by '\0' ("pdf\0zip\0"; "" is the empty list). Config lists,
// built-in lists, the events of a call, the diagnostics for the JS, the ids
// of sent events and the names of reached goals all use it.
//
// StringList owns its text; StringListView reads one, like String and
// std::string_view, so that built-in lists are constexpr literals:
//   constexpr StringListView kLevels{"co\0" "com\0" "net\0"};
// (One literal per item: "\0" followed by a digit would be another escape.)
// Why packed text: a std::vector<String> brings constructors, copies and
// destructors into the wasm for lists that are mostly only searched.
#pragma once

#include <cstddef>
#include <string_view>

#include "microtrack/string.hpp"

namespace microtrack {

class StringListView {
 public:
  // Walks the items in order: for (std::string_view item : list) …
  class Iterator {
   public:
    Iterator(const char* at, const char* end) : at_(at), end_(end) {}
    std::string_view operator*() const { return std::string_view(at_, static_cast<std::size_t>(item_end() - at_)); }
    Iterator& operator++() {
      at_ = item_end() + 1;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    const char* item_end() const {  // its '\0'
      const char* p = at_;
      while (p < end_ && *p) ++p;
      return p;
    }
    const char* at_;
    const char* end_;
  };

  constexpr StringListView() = default;
  // `packed`: every item followed by '\0'.
  constexpr explicit StringListView(std::string_view packed) : packed_(packed) {}
  // A literal in packed form (its own closing '\0' is not an item).
  template <std::size_t N>
  constexpr explicit StringListView(const char (&packed)[N]) : packed_(packed, N - 1) {}

  Iterator begin() const { return Iterator(packed_.data(), packed_.data() + packed_.size()); }
  Iterator end() const { return Iterator(packed_.data() + packed_.size(), packed_.data() + packed_.size()); }
  bool empty() const { return packed_.empty(); }
  std::size_t size() const;  // counts the items
  std::string_view packed() const { return packed_; }

  // Whether an item equals `value`.
  bool contains(std::string_view value) const;
  // Whether `match(item, value)` holds for an item. (A function pointer, not
  // a template: one copy of the loop.)
  bool any(std::string_view value, bool (*match)(std::string_view item, std::string_view value)) const;

 private:
  std::string_view packed_;
};

class StringList {
 public:
  StringList() = default;
  // A list written as a literal in packed form (a default, a test's list).
  template <std::size_t N>
  explicit StringList(const char (&packed)[N]) : packed_(packed, N - 1) {}

  // Adds `item` at the end; an item holds no '\0', so one is cut there.
  void push_back(std::string_view item);
  void pop_front();
  void clear() { packed_.clear(); }

  StringListView view() const { return StringListView(packed_); }
  operator StringListView() const { return view(); }
  StringListView::Iterator begin() const { return view().begin(); }
  StringListView::Iterator end() const { return view().end(); }
  bool empty() const { return packed_.empty(); }
  std::size_t size() const { return view().size(); }
  bool contains(std::string_view value) const { return view().contains(value); }
  std::size_t bytes() const { return packed_.size(); }  // of the packed text

 private:
  String packed_;
};

}  // namespace microtrack
