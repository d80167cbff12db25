#include "microtrack/random.hpp"

#include "microtrack/digits.hpp"

namespace microtrack {

std::uint64_t Random::next_u64() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Random::next01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

String Random::uuid_v4() {
  std::uint64_t high = (next_u64() & ~0xF000ull) | 0x4000ull;                            // version 4
  std::uint64_t low = (next_u64() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  String out;
  append_digits(out, high >> 32, 8, 16);
  out += '-';
  append_digits(out, (high >> 16) & 0xFFFF, 4, 16);
  out += '-';
  append_digits(out, high & 0xFFFF, 4, 16);
  out += '-';
  append_digits(out, low >> 48, 4, 16);
  out += '-';
  append_digits(out, low & 0xFFFFFFFFFFFFull, 12, 16);
  return out;
}

}  // namespace microtrack
