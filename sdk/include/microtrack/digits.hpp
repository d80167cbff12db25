// The one digit writer behind JSON numbers, ISO timestamps and UUIDs:
// printf and std::to_string would each bring KBs of formatting into the wasm.
#pragma once

#include <cstdint>
#include <string>

namespace microtrack {

// Appends `value` in base 10 (or 16, lower case), zero-padded to at least
// `width` digits (at most 20).
void append_digits(std::string& out, std::uint64_t value, int width = 1, unsigned base = 10);

}  // namespace microtrack
