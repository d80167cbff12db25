// Digits: the one writer behind JSON numbers, ISO timestamps and UUIDs
// (printf and std::to_string would bring their formatting into the wasm),
// and the one reader of a hex digit (JSON escapes, percent-encoding).
#pragma once

#include <cstdint>

#include "microtrack/string.hpp"

namespace microtrack {

// Appends `value` in base 10 (or 16, lower case), zero-padded to at least
// `width` digits (at most 20).
void append_digits(String& out, std::uint64_t value, int width = 1, unsigned base = 10);

// The value of a hex digit (either case), -1 for any other character.
int hex_value(char c);

}  // namespace microtrack
