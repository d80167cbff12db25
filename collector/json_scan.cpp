#include "json_scan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdlib>

namespace microtrack::collector::json_scan {
namespace {

using Byte = unsigned char;

bool is_space(Byte c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_digit(Byte c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The 4 hex digits at p (p + 4 <= end), or -1.
int hex4(const Byte* p, const Byte* end) {
  if (end - p < 4) return -1;
  int value = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = hex_digit(p[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Whether any of 8 bytes needs a closer look inside a string: a quote, a
// backslash, a control character or a non-ASCII byte. Lets the check of a
// string skip plain text 8 bytes at a time.
bool any_special(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const auto has_zero_byte = [&](std::uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
  return (w & highs) != 0 || has_zero_byte(w ^ (ones * '"')) || has_zero_byte(w ^ (ones * '\\')) ||
         ((w - ones * 0x20) & ~w & highs) != 0;  // a byte below 0x20 (all are ASCII here)
}

// The checks of valid(), one token at a time; p moves past what was accepted.
class Checker {
 public:
  Checker(const Byte* p, const Byte* end, std::size_t max_depth) : p_(p), end_(end), max_depth_(max_depth) {}

  // What document() saw; result not_json unless it returned true.
  Inspection inspection;

  bool document() {
    if (p_ != end_ && *p_ == 0xEF) {  // a BOM, only as the very first bytes
      if (end_ - p_ < 3 || p_[1] != 0xBB || p_[2] != 0xBF) return false;
      p_ += 3;
    }
    // Containers open around the current position: '{' or '['. A loop, not
    // recursion, so deep nesting cannot overflow the stack.
    std::vector<char> open;
    for (;;) {
      // A value is expected here.
      skip_space();
      if (p_ == end_) return false;
      bool have_value = true;
      switch (*p_) {
        case '{':
        case '[': {
          if (open.size() + 1 > max_depth_) {
            inspection.result = Inspection::Result::too_deep;
            return false;
          }
          inspection.depth = std::max(inspection.depth, open.size() + 1);
          const char kind = static_cast<char>(*p_++);
          skip_space();
          if (p_ != end_ && *p_ == (kind == '{' ? '}' : ']')) {
            ++p_;
            break;
          }
          open.push_back(kind);
          if (kind == '{' && !key()) return false;
          have_value = false;  // the first member or element follows
          break;
        }
        case '"':
          if (!string()) return false;
          break;
        case 't':
          if (!literal("true")) return false;
          break;
        case 'f':
          if (!literal("false")) return false;
          break;
        case 'n':
          if (!literal("null")) return false;
          break;
        default:
          if (!number()) return false;
      }
      if (!have_value) continue;
      // After a value: a separator, a closing bracket, or the end.
      for (;;) {
        skip_space();
        if (open.empty()) {
          if (p_ != end_ && *p_ != '\0') return false;  // nlohmann stops at a NUL
          inspection.result = Inspection::Result::json;
          return true;
        }
        if (p_ == end_) return false;
        const char kind = open.back();
        if (*p_ == ',') {
          ++p_;
          if (kind == '{' && !key()) return false;
          break;
        }
        if (*p_ != (kind == '{' ? '}' : ']')) return false;
        ++p_;
        open.pop_back();
      }
    }
  }

 private:
  void skip_space() {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }

  // A member's key and its colon.
  bool key() {
    skip_space();
    if (p_ == end_ || *p_ != '"' || !string()) return false;
    skip_space();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  bool literal(const char* word) {
    for (; *word; ++word, ++p_)
      if (p_ == end_ || *p_ != static_cast<Byte>(*word)) return false;
    return true;
  }

  bool digits() {
    const Byte* start = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ != start;
  }

  bool number() {
    const Byte* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0')
      ++p_;
    else if (*p_ < '1' || *p_ > '9' || !digits())
      return false;
    bool exponent = false;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      exponent = true;
    }
    // nlohmann rejects a number whose double is infinite (1e400, or 400
    // digits); only such long or scaled numbers can be.
    if (exponent || p_ - start > 300) {
      const std::string token(start, p_);
      if (!std::isfinite(std::strtod(token.c_str(), nullptr))) return false;
    }
    return true;
  }

  // Continuation bytes 80..BF; the first one within [low, high].
  bool continuation(int count, Byte low = 0x80, Byte high = 0xBF) {
    if (end_ - p_ < count) return false;
    if (p_[0] < low || p_[0] > high) return false;
    for (int i = 1; i < count; ++i)
      if (p_[i] < 0x80 || p_[i] > 0xBF) return false;
    p_ += count;
    return true;
  }

  // A string, its escapes and its UTF-8 checked as nlohmann's lexer does;
  // invalid UTF-8 is noted in `inspection` and skipped.
  bool string() {
    const Byte* start = ++p_;  // past the opening quote
    for (;;) {
      for (std::uint64_t w; end_ - p_ >= 8; p_ += 8) {
        std::memcpy(&w, p_, 8);
        if (any_special(w)) break;
      }
      while (p_ != end_ && *p_ >= 0x20 && *p_ < 0x80 && *p_ != '"' && *p_ != '\\') ++p_;
      if (p_ == end_) return false;
      const Byte c = *p_++;
      if (c == '"') {
        inspection.longest_string = std::max(inspection.longest_string, static_cast<std::size_t>(p_ - 1 - start));
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (p_ == end_) return false;
        const Byte escape = *p_++;
        if (escape == 'u') {
          const int unit = hex4(p_, end_);
          if (unit < 0) return false;
          p_ += 4;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
          if (unit >= 0xD800 && unit <= 0xDBFF) {               // needs a low one next
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            const int low = hex4(p_ + 2, end_);
            if (low < 0xDC00 || low > 0xDFFF) return false;
            p_ += 6;
          }
        } else if (escape != '"' && escape != '\\' && escape != '/' && escape != 'b' && escape != 'f' &&
                   escape != 'n' && escape != 'r' && escape != 't') {
          return false;
        }
        continue;
      }
      // UTF-8 (RFC 3629): no overlong forms, no surrogates, at most U+10FFFF.
      bool ok = false;
      if (c >= 0xC2 && c <= 0xDF)
        ok = continuation(1);
      else if (c == 0xE0)
        ok = continuation(2, 0xA0, 0xBF);
      else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
        ok = continuation(2);
      else if (c == 0xED)
        ok = continuation(2, 0x80, 0x9F);
      else if (c == 0xF0)
        ok = continuation(3, 0x90, 0xBF);
      else if (c >= 0xF1 && c <= 0xF3)
        ok = continuation(3);
      else if (c == 0xF4)
        ok = continuation(3, 0x80, 0x8F);
      if (!ok) inspection.utf8 = false;  // the byte is skipped; its continuation bytes follow as such
    }
  }

  const Byte* p_;
  const Byte* end_;
  std::size_t max_depth_;
};

// --- reading a text valid() accepted: no checks needed -------------------

const char* skip_space(const char* p, const char* end) {
  while (p != end && is_space(static_cast<Byte>(*p))) ++p;
  return p;
}

// Past the closing quote of the string starting at p: the next quote not
// escaped by an odd run of backslashes.
const char* skip_string(const char* p, const char* end) {
  for (const char* from = p + 1;;) {
    const auto* quote = static_cast<const char*>(std::memchr(from, '"', static_cast<std::size_t>(end - from)));
    const char* run = quote;
    while (run > from && run[-1] == '\\') --run;
    if ((quote - run) % 2 == 0) return quote + 1;
    from = quote + 1;
  }
}

// Past the value starting at p.
const char* skip_value(const char* p, const char* end) {
  if (*p == '"') return skip_string(p, end);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    for (;;) {
      const char c = *p;
      if (c == '"') {
        p = skip_string(p, end);
        continue;
      }
      ++p;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return p;
    }
  }
  // A number or a literal.
  while (p != end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '+' || *p == '.' ||
                      *p == 'E'))
    ++p;
  return p;
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// A checked string's content ("..." with its quotes), unescaped.
std::string unescape(std::string_view quoted) {
  const std::string_view inner = quoted.substr(1, quoted.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  std::string out;
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] != '\\') {
      out += inner[i];
      continue;
    }
    const char escape = inner[++i];
    switch (escape) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        const auto* at = reinterpret_cast<const Byte*>(inner.data() + i + 1);
        unsigned code = static_cast<unsigned>(hex4(at, at + 4));
        i += 4;
        if (code >= 0xD800 && code <= 0xDBFF) {  // valid() saw the low surrogate
          const unsigned low = static_cast<unsigned>(hex4(at + 6, at + 10));
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(out, code);
        break;
      }
      default: out += escape;  // " \ /
    }
  }
  return out;
}

}  // namespace

Inspection inspect(std::string_view text, std::size_t max_depth) {
  const auto* begin = reinterpret_cast<const Byte*>(text.data());
  Checker checker(begin, begin + text.size(), max_depth);
  checker.document();
  return checker.inspection;
}

bool valid(std::string_view text) { return inspect(text, static_cast<std::size_t>(-1)).ok(); }

std::string_view trim(std::string_view text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.remove_prefix(3);
  text = text.substr(0, text.find('\0'));  // no NUL inside a valid value; nlohmann stops at one after it
  const char* begin = skip_space(text.data(), text.data() + text.size());
  const char* end = text.data() + text.size();
  while (end != begin && is_space(static_cast<Byte>(end[-1]))) --end;
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

std::optional<std::string> Value::string() const {
  if (!is_string()) return std::nullopt;
  return unescape(text);
}

std::optional<std::string_view> Value::string_view(std::string& storage) const {
  if (!is_string()) return std::nullopt;
  const std::string_view inner = text.substr(1, text.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  storage = unescape(text);
  return storage;
}

namespace {

// The members of the object starting at p (a '{'), into `object`; returns
// past its closing brace.
const char* read_members(const char* p, const char* end, Object& object) {
  object.members.reserve(16);  // one allocation for an SDK event or its context
  p = skip_space(p + 1, end);
  while (*p == '"') {
    Member member;
    const char* key_end = skip_string(p, end);
    member.key_text = std::string_view(p, static_cast<std::size_t>(key_end - p));
    member.key = unescape(member.key_text);
    p = skip_space(skip_space(key_end, end) + 1, end);  // past the colon
    const char* value_end = skip_value(p, end);
    member.value.text = std::string_view(p, static_cast<std::size_t>(value_end - p));
    object.members.push_back(std::move(member));
    p = skip_space(value_end, end);
    if (*p == ',') p = skip_space(p + 1, end);
  }
  return p + 1;
}

}  // namespace

Object Object::of(std::string_view value_text) {
  Object object{value_text, {}};
  if (object.is_object()) read_members(value_text.data(), value_text.data() + value_text.size(), object);
  return object;
}

const Value* Object::find(std::string_view key) const {
  for (auto it = members.rbegin(); it != members.rend(); ++it)
    if (it->key == key) return &it->value;
  return nullptr;
}

std::optional<std::string> Object::string_at(std::string_view key) const {
  const Value* value = find(key);
  return value ? value->string() : std::nullopt;
}

std::vector<Object> elements(std::string_view array_text) {
  std::vector<Object> out;
  const char* end = array_text.data() + array_text.size();
  const char* p = skip_space(array_text.data() + 1, end);
  while (*p != ']') {
    Object element;
    const char* element_end = *p == '{' ? read_members(p, end, element) : skip_value(p, end);
    element.text = std::string_view(p, static_cast<std::size_t>(element_end - p));
    out.push_back(std::move(element));
    p = skip_space(element_end, end);
    if (*p == ',') p = skip_space(p + 1, end);
  }
  return out;
}

}  // namespace microtrack::collector::json_scan
