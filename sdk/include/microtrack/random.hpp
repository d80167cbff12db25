// Deterministic randomness: the JS side seeds it from crypto.getRandomValues,
// tests seed it with a constant, so ids and jitter are reproducible.
#pragma once

#include <cstdint>

#include "microtrack/string.hpp"

namespace microtrack {

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64();  // SplitMix64
  double next01();           // uniform in [0, 1)
  String uuid_v4();     // "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx", lower case

 private:
  std::uint64_t state_;
};

}  // namespace microtrack
