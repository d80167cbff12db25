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

}  // namespace microtrack
