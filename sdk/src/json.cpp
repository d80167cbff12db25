#include "microtrack/json.hpp"

#include <cmath>
#include <cstdint>

#include "microtrack/digits.hpp"

namespace microtrack {
namespace {

// The scanners read the text in [p, end) and return the position just past
// what they read, or nullptr when it is not valid JSON. Pointers, not
// (string_view, index) pairs: at -Oz each s[i] stays a call.

constexpr int kMaxDepth = 64;

const char* skip_space(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

// One digit or more; nullptr when there is none.
const char* skip_digits(const char* p, const char* end) {
  const char* start = p;
  while (p < end && *p >= '0' && *p <= '9') ++p;
  return p == start ? nullptr : p;
}

const char* skip_string(const char* p, const char* end) {
  if (p >= end || *p != '"') return nullptr;
  while (++p < end) {
    char c = *p;
    if (c == '"') return p + 1;
    if (static_cast<unsigned char>(c) < 0x20) return nullptr;
    if (c != '\\') continue;
    if (++p >= end) return nullptr;
    if (*p == 'u') {
      for (int i = 0; i < 4; ++i)
        if (++p >= end || hex_value(*p) < 0) return nullptr;
    } else if (std::string_view("\"\\/bfnrt").find(*p) == std::string_view::npos) {
      return nullptr;
    }
  }
  return nullptr;
}

const char* skip_number(const char* p, const char* end) {
  if (p < end && *p == '-') ++p;
  p = p < end && *p == '0' ? p + 1 : skip_digits(p, end);  // no leading zero
  if (p && p < end && *p == '.') p = skip_digits(p + 1, end);
  if (p && p < end && (*p | 0x20) == 'e') {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    p = skip_digits(p, end);
  }
  return p;
}

void append_utf8(String& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
    return;
  }
  static const unsigned char kLead[] = {0xC0, 0xE0, 0xF0};
  int extra = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
  out += static_cast<char>(kLead[extra - 1] | (cp >> (6 * extra)));
  while (extra--) out += static_cast<char>(0x80 | ((cp >> (6 * extra)) & 0x3F));
}

// The 4 hex digits of a validated \u escape.
std::uint32_t read_hex4(const char* p) {
  std::uint32_t code = 0;
  for (int i = 0; i < 4; ++i) code = code * 16 + static_cast<std::uint32_t>(hex_value(p[i]));
  return code;
}

// Unescapes a validated string literal (with its quotes).
String unescape(std::string_view literal) {
  String out;
  const char* end = literal.data() + literal.size() - 1;  // the closing quote
  for (const char* p = literal.data() + 1; p < end; ++p) {
    char c = *p;
    if (c != '\\') {
      out += c;
      continue;
    }
    c = *++p;
    if (c == 'u') {
      std::uint32_t cp = read_hex4(p + 1);
      p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF && end - p > 2 && p[1] == '\\' && p[2] == 'u') {  // a surrogate pair
        std::uint32_t low = read_hex4(p + 3);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          p += 6;
        }
      }
      append_utf8(out, cp);
    } else {
      std::size_t short_escape = std::string_view("bfnrt").find(c);
      out += short_escape == std::string_view::npos ? c : "\b\f\n\r\t"[short_escape];  // else " or / or \ itself
    }
  }
  return out;
}

}  // namespace

const char* JsonView::skip_value(const char* p, const char* end, int depth) {
  if (p >= end || depth >= kMaxDepth) return nullptr;  // depth counts from 0
  char c = *p;
  if (c == '"') return skip_string(p, end);
  if (c == '[' || c == '{') {
    // The walk that children() does, validating each item.
    Cursor items(p, end);
    while (items.step(depth)) {
    }
    return items.at_ ? items.at_ + 1 : nullptr;
  }
  std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
  if (std::string_view(p, static_cast<std::size_t>(end - p)).substr(0, word.size()) == word) return p + word.size();
  return skip_number(p, end);
}

JsonView JsonView::parse(std::string_view text) {
  const char* end = text.data() + text.size();
  const char* start = skip_space(text.data(), end);
  const char* value_end = skip_value(start, end, 0);
  if (!value_end || skip_space(value_end, end) != end) return JsonView();
  return JsonView(std::string_view(start, static_cast<std::size_t>(value_end - start)));
}

JsonView::Type JsonView::type() const {
  if (raw_.empty()) return Type::Invalid;
  switch (raw_[0]) {
    case 'n': return Type::Null;
    case 't':
    case 'f': return Type::Bool;
    case '"': return Type::String;
    case '[': return Type::Array;
    case '{': return Type::Object;
    default: return Type::Number;
  }
}

double JsonView::as_number() const {
  // strtod would bring musl's long-double scanner into the wasm; this is
  // exact for integers and within ~1e-15 otherwise, plenty for a tracker.
  if (!is_number()) return 0;
  const char* p = raw_.data();
  const char* end = p + raw_.size();
  double value = 0;
  int exponent = 0;  // of 10: less one for each digit after the point, plus what follows 'e'
  bool fraction = false;
  // Digits past the 19th cannot change a double; reading them would only add
  // rounding errors, and hundreds of them overflowed `value` to inf.
  int significant = 0;
  for (; p < end && (*p | 0x20) != 'e'; ++p) {
    if (*p == '.') {
      fraction = true;
    } else if (*p != '-' && significant < 19) {
      value = value * 10 + (*p - '0');
      exponent -= fraction;
      significant += value != 0;
    } else if (*p != '-') {
      exponent += !fraction;  // an integer digit not read: still a power of ten
    }
  }
  if (p < end) {  // after 'e': a sign, then digits
    int sign = 1, e = 0;
    while (++p < end) {
      if (*p == '-') sign = -1;
      else if (*p != '+' && e < 100000) e = e * 10 + (*p - '0');
    }
    exponent += sign * e;
  }
  double scale = 10;
  for (int e = exponent < 0 ? -exponent : exponent; e && value != 0; e >>= 1, scale *= scale)
    if (e & 1) value = exponent < 0 ? value / scale : value * scale;
  return raw_[0] == '-' ? -value : value;
}

String JsonView::as_string() const { return is_string() ? unescape(raw_) : String(); }

JsonView::Cursor JsonView::children() const {
  const Type t = type();
  return t == Type::Array || t == Type::Object ? Cursor(raw_.data(), raw_.data() + raw_.size()) : Cursor();
}

bool JsonView::Cursor::step(int depth) {
  if (!at_ || *at_ == close_) return false;  // not a container, an error, or over
  const char* p = skip_space(at_ + 1, end_);  // past the '[', '{' or ','
  if (*at_ != ',' && p < end_ && *p == close_) {  // empty
    at_ = p;
    return false;
  }
  if (close_ == '}') {
    const char* key_end = skip_string(p, end_);
    if (!key_end) return fail();
    key_raw_ = std::string_view(p, static_cast<std::size_t>(key_end - p));
    p = skip_space(key_end, end_);
    if (p >= end_ || *p != ':') return fail();
    p = skip_space(p + 1, end_);
  }
  const char* value_end = skip_value(p, end_, depth + 1);
  if (!value_end) return fail();
  value_raw_ = std::string_view(p, static_cast<std::size_t>(value_end - p));
  at_ = skip_space(value_end, end_);
  return at_ < end_ && (*at_ == ',' || *at_ == close_) ? true : fail();
}

bool JsonView::Cursor::fail() {
  at_ = nullptr;
  return false;
}

JsonView JsonView::Cursor::value() const { return JsonView(value_raw_); }

String JsonView::Cursor::key() const { return key_raw_.empty() ? String() : unescape(key_raw_); }

JsonView JsonView::find(std::string_view key) const {
  JsonView found;
  if (is_object())
    for (Cursor c = children(); c.next();)
      if (c.key() == key) found = c.value();
  return found;
}

std::size_t JsonView::size() const {
  std::size_t count = 0;
  for (Cursor c = children(); c.next();) ++count;
  return count;
}

void append_json_string(String& out, std::string_view text) {
  out += '"';
  while (!text.empty()) {
    // The characters up to the next one to escape go in one append: ids and
    // names have none (a character at a time showed in every event's cost).
    std::size_t plain = 0;
    while (plain < text.size() && text[plain] != '"' && text[plain] != '\\' &&
           static_cast<unsigned char>(text[plain]) >= 0x20)
      ++plain;
    out.append(text.data(), plain);
    if (plain == text.size()) break;
    char c = text[plain];
    text.remove_prefix(plain + 1);
    std::size_t short_escape = std::string_view("\"\\\n\r\t").find(c);
    if (short_escape != std::string_view::npos) {
      out += '\\';
      out += "\"\\nrt"[short_escape];
    } else {
      out += "\\u00";
      append_digits(out, static_cast<unsigned char>(c), 2, 16);
    }
  }
  out += '"';
}

void append_json_number(String& out, double value) {
  // printf would pull its formatting code into the wasm; these values
  // are counts, pixels, percents, ms and seconds, so 3 decimals suffice.
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  double magnitude = std::fabs(value);
  // Beyond 64 bits: the leading digits, then zeros (1e20 stays exact).
  std::size_t zeros = 0;
  for (; magnitude >= 1e19; magnitude /= 10) ++zeros;
  // From 1e15 on a double has no room for 3 decimals: write its integer.
  auto whole = static_cast<std::uint64_t>(magnitude);
  unsigned thousandths = 0;
  if (magnitude < 1e15) {
    auto rounded = static_cast<std::uint64_t>(magnitude * 1000 + 0.5);
    whole = rounded / 1000;
    thousandths = static_cast<unsigned>(rounded % 1000);
  }
  if (value < 0 && (whole || thousandths)) out += '-';
  append_digits(out, whole);
  for (; zeros > 0; --zeros) out += '0';
  if (thousandths) {
    out += '.';
    append_digits(out, thousandths, 3);
    while (out.back() == '0') out.pop_back();
  }
}

String json_array(StringListView items) {
  String out = "[";
  for (std::string_view item : items) {
    if (out.size() > 1) out += ',';
    out += item;
  }
  out += ']';
  return out;
}

}  // namespace microtrack
