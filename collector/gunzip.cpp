#include "gunzip.hpp"

#include <zlib.h>

namespace microtrack::collector {

GunzipResult gunzip(std::string_view compressed, std::size_t max_bytes, std::string& out) {
  out.clear();
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32 /* gzip or zlib header, detected */) != Z_OK) return GunzipResult::broken;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  char chunk[16384];
  int status = Z_OK;
  // Each round consumes input or produces output, or zlib reports an error.
  while (status == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    status = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&zs);
      return GunzipResult::too_big;
    }
    out.append(chunk, produced);
    if (status == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended before the stream did
  }
  inflateEnd(&zs);
  return status == Z_STREAM_END ? GunzipResult::ok : GunzipResult::broken;
}

}  // namespace microtrack::collector
