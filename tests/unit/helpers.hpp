// Shared helpers for the core unit tests. nlohmann-json is the oracle: every
// JSON text the core writes is parsed back with it before any field is read.
#pragma once

#include <initializer_list>
#include <ostream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"
#include "microtrack/vector.hpp"

// Catch2 prints a microtrack::String (a failed comparison, INFO) as the text
// it holds. (Found by argument-dependent lookup, so in the core's namespace.)
namespace microtrack {
inline std::ostream& operator<<(std::ostream& out, const String& text) { return out << text.view(); }
}  // namespace microtrack

namespace mt_test {

using nlohmann::json;

// Parses `text` without exceptions; a test that needs valid JSON REQUIREs it.
inline json parse_or_discarded(std::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr, false);
}

// The JSON of `text`; the test fails (showing the text) when it is not JSON.
inline json require_json(std::string_view text) {
  json j = parse_or_discarded(text);
  INFO("JSON text: " << text.substr(0, 2000));
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

inline bool is_uuid_v4(std::string_view s) {
  static const std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return std::regex_match(s.begin(), s.end(), re);
}

inline bool is_iso8601_ms(std::string_view s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  return std::regex_match(s.begin(), s.end(), re);
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A StringList of these items, and the items of one, to compare whole lists.
inline microtrack::StringList list_of(std::initializer_list<std::string_view> items) {
  microtrack::StringList list;
  for (std::string_view item : items) list.push_back(item);
  return list;
}
inline std::vector<std::string> items_of(microtrack::StringListView list) {
  std::vector<std::string> out;
  for (std::string_view item : list) out.emplace_back(item);
  return out;
}

// A Vector's items, for comparing with a std::vector literal.
template <typename T>
std::vector<T> items_of(const microtrack::Vector<T>& list) {
  return std::vector<T>(list.begin(), list.end());
}

}  // namespace mt_test

// Parses JSON the core wrote and stops the test when it is not valid JSON.
// `text` is evaluated once.
#define MT_PARSE(var, text)                                              \
  const std::string var##_text{std::string_view(text)};                  \
  ::nlohmann::json var = ::mt_test::parse_or_discarded(var##_text); \
  INFO(#var " JSON text: " << var##_text.substr(0, 2000));                \
  REQUIRE_FALSE(var.is_discarded())
