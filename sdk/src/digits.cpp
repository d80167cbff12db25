#include "microtrack/digits.hpp"

namespace microtrack {

void append_digits(std::string& out, std::uint64_t value, int width, unsigned base) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[value % base];
    value /= base;
  } while (value || n < width);
  while (n) out += digits[--n];
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);  // lower case
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace microtrack
