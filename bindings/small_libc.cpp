// strlen and memchr for the wasm build, a byte at a time, in place of
// musl's, which read a word at a time: that pays off on long strings, but
// the core's are keys, names and URLs of a few dozen bytes, and musl's two
// cost ~320 B of wasm against ~60 (bench/RESULTS.md). Defined here, the
// linker takes these and leaves libc's out, as it does allocator.cpp's malloc.
#include <cstddef>

extern "C" {

std::size_t strlen(const char* text) {
  const char* end = text;
  while (*end) ++end;
  return static_cast<std::size_t>(end - text);
}

void* memchr(const void* bytes, int value, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(bytes);
  for (; size; ++p, --size)
    if (*p == static_cast<unsigned char>(value)) return const_cast<unsigned char*>(p);
  return nullptr;
}

}  // extern "C"
