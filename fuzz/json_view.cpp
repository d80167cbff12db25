// The core's JSON reader (sdk JsonView) against nlohmann::json, as far as
// its header specifies it: one RFC 8259 value, nesting at most 64 deep,
// whitespace around; members found last-wins; strings unescaped; numbers
// within ~1e-15 relative. Where the two are allowed to differ: JsonView
// does not check the UTF-8 of raw string bytes (the page hands it strings
// that JS already made valid), takes an unpaired surrogate escape ("\ud834"
// alone, which RFC 8259's grammar allows and JSON.parse takes), does not
// refuse a number too large for a double; nlohmann also takes a UTF-8 BOM
// and ignores what follows a NUL.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "microtrack/json.hpp"

namespace {

using microtrack::JsonView;
using nlohmann::json;

constexpr int kMaxDepth = 64;  // JsonView's documented limit

int depth_of(const json& value) {
  int deepest = 0;
  if (value.is_structured())
    for (const json& child : value) deepest = std::max(deepest, depth_of(child));
  return value.is_structured() ? deepest + 1 : 0;
}

// The header's promise: ~1e-15 relative (two of them here: a few ulps) for
// magnitudes from 1e-300 to 1e300.
bool same_number(double a, double b) {
  if (b != 0 && (std::fabs(b) < 1e-300 || std::fabs(b) > 1e300)) return true;
  return std::fabs(a - b) <= 2e-15 * std::fabs(b);
}

void check_same(const JsonView& view, const json& expected) {
  FUZZ_CHECK(view.valid());
  FUZZ_CHECK(json::parse(view.raw(), nullptr, false) == expected);
  switch (view.type()) {
    case JsonView::Type::Null: FUZZ_CHECK(expected.is_null()); break;
    case JsonView::Type::Bool: FUZZ_CHECK(expected.is_boolean() && view.as_bool() == expected.get<bool>()); break;
    case JsonView::Type::Number: FUZZ_CHECK(expected.is_number() && same_number(view.as_number(), expected.get<double>())); break;
    case JsonView::Type::String: FUZZ_CHECK(expected.is_string() && view.as_string() == expected.get<std::string>()); break;
    case JsonView::Type::Array: {
      FUZZ_CHECK(expected.is_array() && view.size() == expected.size());
      std::size_t i = 0;
      for (auto c = view.children(); c.next(); ++i) {
        FUZZ_CHECK(i < expected.size() && c.key().empty());
        check_same(c.value(), expected[i]);
      }
      FUZZ_CHECK(i == expected.size());
      break;
    }
    case JsonView::Type::Object: {
      FUZZ_CHECK(expected.is_object());
      std::size_t members = 0;
      for (auto c = view.children(); c.next(); ++members) {
        const std::string key(c.key());
        FUZZ_CHECK(expected.contains(key));
        check_same(view.find(key), expected[key]);  // the last of a repeated key
      }
      FUZZ_CHECK(view.size() == members && members >= expected.size());
      break;
    }
    case JsonView::Type::Invalid: FUZZ_CHECK(false);
  }
}

bool has_byte_at_or_above_0x80(const std::string& text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const JsonView view = JsonView::parse(text);
  // Every accessor is safe on any view, valid or not.
  view.type();
  view.as_number();
  view.as_string();
  view.find("collector");
  view.size();
  for (auto c = view.children(); c.next();) c.value().as_string();

  json expected;
  bool allowed_difference = false;
  try {
    expected = json::parse(text);
  } catch (const json::out_of_range&) {
    allowed_difference = true;  // 406: a number too large for a double
    expected = json(json::value_t::discarded);
  } catch (const json::parse_error& error) {
    allowed_difference = std::string(error.what()).find("surrogate") != std::string::npos;
    expected = json(json::value_t::discarded);
  }
  const bool nlohmann_accepts = !expected.is_discarded();
  const bool plain_text = text.find('\0') == std::string::npos && text.rfind("\xEF\xBB\xBF", 0) != 0;

  if (nlohmann_accepts && plain_text && depth_of(expected) <= kMaxDepth) check_same(view, expected);
  if (view.valid() && !nlohmann_accepts) FUZZ_CHECK(allowed_difference || has_byte_at_or_above_0x80(text));
  if (view.valid()) FUZZ_CHECK(depth_of(json::parse(view.raw(), nullptr, false)) <= kMaxDepth || !nlohmann_accepts);
  return 0;
}
