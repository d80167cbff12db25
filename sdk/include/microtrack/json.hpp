// JSON for the core: a validating, non-allocating view to read values in
// place, and two writers. Events are written straight into strings.
//
// Why not nlohmann-json: its wasm alone is larger than the whole transfer
// budget (ARCHITECTURE.md has the figures), and a DOM copies what the core only
// needs to read once (a config, a stored snapshot, caller properties) or to
// pass through unchanged (queued events). Native tests use nlohmann as the
// oracle for everything the core writes.
#pragma once

#include <cstddef>
#include <string_view>

#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

class JsonView {
 public:
  enum class Type { Invalid, Null, Bool, Number, String, Array, Object };

  JsonView() = default;

  // A view of `text` if it is exactly one valid JSON value (RFC 8259,
  // nesting at most 64 deep, whitespace around allowed); Invalid otherwise.
  // The text must outlive the view and every view taken from it.
  static JsonView parse(std::string_view text);
  // A view of `text` known to be one valid JSON value without surrounding
  // space (what the core wrote, or parsed before): no validating walk over
  // all of it, as parse() does, so reading one member near the start stays
  // cheap.
  static JsonView of_valid(std::string_view text) { return JsonView(text); }

  Type type() const;
  bool valid() const { return !raw_.empty(); }
  bool is_null() const { return type() == Type::Null; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_number() const { return type() == Type::Number; }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_object() const { return type() == Type::Object; }

  // The value's exact source text, e.g. to pass an object on unchanged.
  std::string_view raw() const { return raw_; }
  bool as_bool() const { return !raw_.empty() && raw_[0] == 't'; }  // only `true` starts with t
  // 0 unless a number; within ~1e-15 relative for magnitudes from 1e-300 to
  // 1e300 (beyond them, less exact: 1e-320 may read as 0, 1.79e308 as inf).
  double as_number() const;
  String as_string() const; // unescaped; "" unless a string

  // An object's member (the last one, as JSON.parse does, if repeated);
  // Invalid when absent or when this is not an object.
  JsonView find(std::string_view key) const;
  // Items of an array or members of an object.
  std::size_t size() const;

  // Walks an array's items or an object's members, in order:
  //   for (auto c = view.children(); c.next();) use(c.key(), c.value());
  class Cursor {
   public:
    bool next() { return step(0); }
    String key() const;  // the member's name; "" for array items
    // Whether the member's name is `name` (written without escapes): no copy.
    bool key_is(std::string_view name) const {
      return key_raw_.size() == name.size() + 2 && key_raw_.substr(1, name.size()) == name;
    }
    JsonView value() const;

   private:
    friend class JsonView;
    Cursor() = default;  // walks nothing
    Cursor(const char* open, const char* end) : at_(open), end_(end), close_(static_cast<char>(*open + 2)) {}
    // Reads the next item and the ',' or closing bracket after it, validating
    // as it goes (`depth`: the container's nesting, for the limit).
    bool step(int depth);
    bool fail();  // ends the walk as invalid
    const char* at_ = nullptr;  // the '[', '{' or ',' before the next item; the closing bracket when
                                // over; nullptr after an error or for a value that is no container
    const char* end_ = nullptr;
    char close_ = 0;  // ']' after '[', '}' after '{'
    std::string_view key_raw_, value_raw_;
  };
  Cursor children() const;

 private:
  explicit JsonView(std::string_view raw) : raw_(raw) {}
  // The position just past the value at `p` (no leading space), validated;
  // nullptr if invalid. `depth` counts from 0.
  static const char* skip_value(const char* p, const char* end, int depth);
  std::string_view raw_;  // empty = Invalid
};

// Appends `text` as a quoted JSON string (escaping ", \, control characters;
// UTF-8 passes through unchanged).
void append_json_string(String& out, std::string_view text);
// Appends a number the way JSON.stringify would for integers; other values are
// rounded to at most 3 decimals (enough for ms and seconds). NaN/inf -> null.
void append_json_number(String& out, double value);
// The JSON array of `items`, each a JSON text.
String json_array(StringListView items);

}  // namespace microtrack
