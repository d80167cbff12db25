#pragma once
// Reading a JSON text without building a DOM: the ingest path checks a
// request body once, then looks up the few fields it needs and stores the
// rest as the bytes received (slices of the body), instead of parsing every
// event into nlohmann::json objects and serialising them again.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace microtrack::collector::json_scan {

// True when nlohmann::json::parse would accept `text`: RFC 8259 with UTF-8
// checked in strings, no number that overflows a double, an optional UTF-8
// BOM first, whitespace around, and (as nlohmann) anything after a NUL byte
// that follows the value ignored.
bool valid(std::string_view text);

// What inspect() found in a text.
struct Inspection {
  enum class Result { json, not_json, too_deep };
  Result result = Result::not_json;
  bool utf8 = true;                 // every string (keys too) is valid UTF-8
  std::size_t depth = 0;            // objects and arrays inside each other: {} is 1, a scalar 0
  std::size_t longest_string = 0;   // bytes between a string's quotes, as sent (escapes as written)
  bool ok() const { return result == Result::json && utf8; }
};

// valid() for the ingest path, which rejects events one by one: a text that
// is JSON but for invalid UTF-8 in some string is `json` with utf8 false
// (the event holding it is rejected, not the whole batch). Nesting deeper
// than `max_depth` stops the check at once (too_deep). Iterative: a
// megabyte of "[" costs a megabyte of scanning, no stack.
Inspection inspect(std::string_view text, std::size_t max_depth);

// The value a valid text holds, without the BOM and whitespace around it.
std::string_view trim(std::string_view text);

// One value of a valid text, as its bytes (a string keeps its quotes).
struct Value {
  std::string_view text;
  bool is_object() const { return !text.empty() && text.front() == '{'; }
  bool is_array() const { return !text.empty() && text.front() == '['; }
  bool is_string() const { return !text.empty() && text.front() == '"'; }
  bool is_null() const { return !text.empty() && text.front() == 'n'; }
  // A string's content, unescaped; nothing for other kinds.
  std::optional<std::string> string() const;
  // The same without a copy: a view of the text, or of `storage` (which it
  // fills) when the string has escapes.
  std::optional<std::string_view> string_view(std::string& storage) const;
};

struct Member {
  std::string key;          // unescaped
  std::string_view key_text;  // as received, with its quotes
  Value value;
};

// An object of a valid text with its members in text order. Lookups find
// the last member of a repeated key, as nlohmann::json keeps the last one.
struct Object {
  std::string_view text;  // "{...}"
  std::vector<Member> members;

  // Any value's text: not an object gives one without members.
  static Object of(std::string_view value_text);
  bool is_object() const { return !text.empty() && text.front() == '{'; }
  const Value* find(std::string_view key) const;
  std::optional<std::string> string_at(std::string_view key) const;  // when a string
};

// The elements of an array of a valid text, each read as an Object (one
// pass: an event's members are found while looking for its end).
std::vector<Object> elements(std::string_view array_text);

}  // namespace microtrack::collector::json_scan
