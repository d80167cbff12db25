#include "microtrack/digits.hpp"

namespace microtrack {

void append_digits(String& out, std::uint64_t value, int width, unsigned base) {
  // Written from the end of a buffer, then appended at once (a character
  // at a time showed in the cost of every event: its id and timestamp).
  char digits[20];
  std::size_t n = 0;
  do {
    digits[sizeof digits - ++n] = "0123456789abcdef"[value % base];
    value /= base;
  } while (value || n < static_cast<std::size_t>(width));
  out.append(digits + sizeof digits - n, n);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);  // lower case
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace microtrack
