#include "microtrack/json.hpp"

#include <cmath>
#include <cstdint>

#include "microtrack/digits.hpp"

namespace microtrack {
namespace {

constexpr std::size_t kInvalid = std::string_view::npos;
constexpr int kMaxDepth = 64;

std::size_t skip_space(std::string_view s, std::size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  return pos;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool is_digit(std::string_view s, std::size_t pos) { return pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; }

std::size_t skip_digits(std::string_view s, std::size_t pos) {
  while (is_digit(s, pos)) ++pos;
  return pos;
}

// Returns the position just past the string that opens at `pos`, or kInvalid.
std::size_t skip_string(std::string_view s, std::size_t pos) {
  for (++pos; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '"') return pos + 1;
    if (static_cast<unsigned char>(c) < 0x20) return kInvalid;
    if (c != '\\') continue;
    if (++pos >= s.size()) return kInvalid;
    if (s[pos] == 'u') {
      for (int i = 1; i <= 4; ++i)
        if (pos + i >= s.size() || hex_digit(s[pos + i]) < 0) return kInvalid;
      pos += 4;
    } else if (std::string_view("\"\\/bfnrt").find(s[pos]) == kInvalid) {
      return kInvalid;
    }
  }
  return kInvalid;
}

std::size_t skip_number(std::string_view s, std::size_t pos) {
  if (pos < s.size() && s[pos] == '-') ++pos;
  if (pos < s.size() && s[pos] == '0') ++pos;
  else if (is_digit(s, pos)) pos = skip_digits(s, pos);
  else return kInvalid;
  if (pos < s.size() && s[pos] == '.') {
    if (!is_digit(s, ++pos)) return kInvalid;
    pos = skip_digits(s, pos);
  }
  if (pos < s.size() && (s[pos] | 0x20) == 'e') {
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    if (!is_digit(s, pos)) return kInvalid;
    pos = skip_digits(s, pos);
  }
  return pos;
}

// Returns the position just past the value that starts at `pos` (no leading
// space), or kInvalid. Validates as it goes.
std::size_t skip_value(std::string_view s, std::size_t pos, int depth) {
  if (pos >= s.size() || depth >= kMaxDepth) return kInvalid;  // depth counts from 0
  char c = s[pos];
  if (c == '"') return skip_string(s, pos);
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    pos = skip_space(s, pos + 1);
    if (pos < s.size() && s[pos] == close) return pos + 1;
    while (true) {
      if (c == '{') {
        if (pos >= s.size() || s[pos] != '"' || (pos = skip_string(s, pos)) == kInvalid) return kInvalid;
        pos = skip_space(s, pos);
        if (pos >= s.size() || s[pos] != ':') return kInvalid;
        pos = skip_space(s, pos + 1);
      }
      pos = skip_value(s, pos, depth + 1);
      if (pos == kInvalid) return kInvalid;
      pos = skip_space(s, pos);
      if (pos < s.size() && s[pos] == close) return pos + 1;
      if (pos >= s.size() || s[pos] != ',') return kInvalid;
      pos = skip_space(s, pos + 1);
    }
  }
  for (std::string_view word : {"true", "false", "null"})
    if (s.substr(pos, word.size()) == word) return pos + word.size();
  return skip_number(s, pos);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
    return;
  }
  static const unsigned char kLead[] = {0xC0, 0xE0, 0xF0};
  int extra = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
  out += static_cast<char>(kLead[extra - 1] | (cp >> (6 * extra)));
  while (extra--) out += static_cast<char>(0x80 | ((cp >> (6 * extra)) & 0x3F));
}

std::uint32_t read_hex4(std::string_view s, std::size_t pos) {
  std::uint32_t code = 0;
  for (std::size_t i = 0; i < 4 && pos + i < s.size(); ++i) code = code * 16 + hex_digit(s[pos + i]);
  return code;
}

// Unescapes a validated string literal (with its quotes).
std::string unescape(std::string_view literal) {
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    char c = literal[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    c = literal[++i];
    switch (c) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t cp = read_hex4(literal, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && literal.substr(i + 1, 2) == "\\u") {  // a surrogate pair
          std::uint32_t low = read_hex4(literal, i + 3);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, cp);
        break;
      }
      default: out += c;  // " \ /
    }
  }
  return out;
}

}  // namespace

JsonView JsonView::parse(std::string_view text) {
  std::size_t start = skip_space(text, 0);
  std::size_t end = skip_value(text, start, 0);
  if (end == kInvalid || skip_space(text, end) != text.size()) return JsonView();
  return JsonView(text.substr(start, end - start));
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
  // strtod would bring musl's long-double scanner (~10 KB of wasm); this is
  // exact for integers and within ~1e-15 otherwise, plenty for a tracker.
  if (!is_number()) return 0;
  std::size_t pos = raw_[0] == '-';
  double value = 0;
  int exponent = 0;
  for (; is_digit(raw_, pos); ++pos) value = value * 10 + (raw_[pos] - '0');
  if (pos < raw_.size() && raw_[pos] == '.')
    for (++pos; is_digit(raw_, pos); ++pos, --exponent) value = value * 10 + (raw_[pos] - '0');
  if (pos < raw_.size()) {  // exponent
    ++pos;
    int sign = raw_[pos] == '-' ? -1 : 1;
    if (raw_[pos] == '-' || raw_[pos] == '+') ++pos;
    int e = 0;
    for (; is_digit(raw_, pos); ++pos) e = e < 100000 ? e * 10 + (raw_[pos] - '0') : e;
    exponent += sign * e;
  }
  double scale = 10;
  for (int e = exponent < 0 ? -exponent : exponent; e && value != 0; e >>= 1, scale *= scale)
    if (e & 1) value = exponent < 0 ? value / scale : value * scale;
  return raw_[0] == '-' ? -value : value;
}

std::string JsonView::as_string() const { return is_string() ? unescape(raw_) : std::string(); }

JsonView::Cursor JsonView::children() const {
  Cursor cursor;
  if (is_array() || is_object()) cursor.container_ = raw_;
  return cursor;
}

bool JsonView::Cursor::next() {
  std::string_view s = container_;
  std::size_t pos = skip_space(s, pos_);
  if (pos >= s.size() || s[pos] == ']' || s[pos] == '}') return false;
  if (s[0] == '{') {
    std::size_t key_end = skip_string(s, pos);
    key_raw_ = s.substr(pos, key_end - pos);
    pos = skip_space(s, skip_space(s, key_end) + 1);  // past ':'
  }
  std::size_t end = skip_value(s, pos, 0);
  value_raw_ = s.substr(pos, end - pos);
  pos = skip_space(s, end);
  pos_ = pos < s.size() && s[pos] == ',' ? pos + 1 : pos;
  return true;
}

JsonView JsonView::Cursor::value() const { return JsonView(value_raw_); }

std::string JsonView::Cursor::key() const { return key_raw_.empty() ? std::string() : unescape(key_raw_); }

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

void append_json_string(std::string& out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const char* escape = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
    if (escape) {
      out += escape;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\\u00";
      out += kHex[(c >> 4) & 0xF];
      out += kHex[c & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_json_number(std::string& out, double value) {
  // printf would pull ~4 KB of formatting code into the wasm; these values
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
  out.append(zeros, '0');
  if (thousandths) {
    out += '.';
    append_digits(out, thousandths, 3);
    while (out.back() == '0') out.pop_back();
  }
}

}  // namespace microtrack
