// The one hash of the core: FNV-1a, 64 bits. Stable across pages and
// builds, so that sampling keeps or drops a visitor for good; forms count
// their fields by it without storing their names.
#pragma once

#include <cstdint>
#include <string_view>

namespace microtrack {

std::uint64_t fnv1a(std::string_view text);

}  // namespace microtrack
