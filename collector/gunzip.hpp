#pragma once
// Undoing Content-Encoding: gzip on a request body, with a bound on what it
// may grow to (a few KB of gzip can hold gigabytes of zeros).

#include <cstddef>
#include <string>
#include <string_view>

namespace microtrack::collector {

enum class GunzipResult { ok, too_big, broken };

// Decompresses gzip (or zlib) data into `out`, stopping with too_big as soon
// as it would pass `max_bytes`.
GunzipResult gunzip(std::string_view compressed, std::size_t max_bytes, std::string& out);

}  // namespace microtrack::collector
