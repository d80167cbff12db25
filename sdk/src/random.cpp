#include "microtrack/random.hpp"

namespace microtrack {

std::uint64_t Random::next_u64() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Random::next01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::string Random::uuid_v4() {
  static const char kHex[] = "0123456789abcdef";
  std::uint64_t halves[2] = {next_u64(), next_u64()};
  halves[0] = (halves[0] & ~0xF000ull) | 0x4000ull;                          // version 4
  halves[1] = (halves[1] & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    std::uint64_t half = halves[i / 16];
    out += kHex[(half >> (60 - 4 * (i % 16))) & 0xF];
  }
  return out;
}

}  // namespace microtrack
