// The wasm build's malloc: blocks of power-of-two sizes, one free list per
// size, nothing ever coalesced or returned (-sMALLOC=none links this).
//
// Why not emmalloc: it costs ~750 B gzip of wasm (2.5 % of the transfer
// budget, bench/RESULTS.md) for coalescing that a tracker's allocations do not
// need: its strings come in a few sizes and are freed and reallocated in
// those sizes, and its queue is bounded (3 MB), so each list never holds more
// than the most that size ever had in use at once. The price: a block is up
// to twice what was asked for.
#include <emscripten/heap.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" unsigned char __heap_base;  // where the linker leaves the heap to us

namespace {

// Before each payload: its block's size class, and how far the payload
// starts past the header's usual place (0 but for over-aligned payloads).
struct Header {
  unsigned size_class;
  unsigned offset;
};
constexpr std::size_t kHeader = sizeof(Header);  // 8: payloads are 8-byte aligned
constexpr unsigned kMinClass = 4;   // 16-byte blocks
constexpr unsigned kClasses = 32;   // up to 2 GB, wasm32's limit

void* free_blocks[kClasses];  // per class: a list threaded through the payloads
std::uintptr_t heap_end = reinterpret_cast<std::uintptr_t>(&__heap_base);

unsigned size_class(std::size_t payload) {
  unsigned k = kMinClass;
  while (k < kClasses && (std::size_t{1} << k) < payload + kHeader) ++k;
  return k;
}

char* new_block(unsigned k) {
  std::uintptr_t start = heap_end, end = start + (std::uintptr_t{1} << k);
  if (end < start || (end > emscripten_get_heap_size() && !emscripten_resize_heap(end))) return nullptr;
  heap_end = end;
  return reinterpret_cast<char*>(start);
}

Header& header(void* payload) { return *reinterpret_cast<Header*>(static_cast<char*>(payload) - kHeader); }

std::size_t capacity(void* payload) {
  return (std::size_t{1} << header(payload).size_class) - kHeader - header(payload).offset;
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  unsigned k = size_class(size);
  if (k >= kClasses) return nullptr;
  char* block = static_cast<char*>(free_blocks[k]);
  if (block) free_blocks[k] = *reinterpret_cast<void**>(block + kHeader);
  else if (!(block = new_block(k))) return nullptr;
  char* payload = block + kHeader;
  header(payload) = {k, 0};
  return payload;
}

void free(void* payload) {
  if (!payload) return;
  Header at = header(payload);
  char* block = static_cast<char*>(payload) - kHeader - at.offset;
  *reinterpret_cast<void**>(block + kHeader) = free_blocks[at.size_class];
  free_blocks[at.size_class] = block;
}

// The rest of the malloc family, for code that wants it (the SDK itself
// does not: the linker drops these there).
void* calloc(std::size_t count, std::size_t size) {
  std::size_t bytes = count * size;
  if (size && bytes / size != count) return nullptr;
  void* payload = malloc(bytes);
  if (payload) std::memset(payload, 0, bytes);
  return payload;
}

void* realloc(void* payload, std::size_t size) {
  if (!payload) return malloc(size);
  if (size <= capacity(payload)) return payload;
  void* moved = malloc(size);
  if (moved) {
    std::memcpy(moved, payload, capacity(payload));
    free(payload);
  }
  return moved;
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  char* payload = static_cast<char*>(malloc(size + alignment));
  if (!payload) return ENOMEM;
  auto misalignment = reinterpret_cast<std::uintptr_t>(payload) % alignment;
  if (misalignment) {
    unsigned offset = static_cast<unsigned>(alignment - misalignment);
    Header at = header(payload);
    payload += offset;
    header(payload) = {at.size_class, offset};
  }
  *out = payload;
  return 0;
}

// The names Emscripten's own libraries call malloc by.
void* emscripten_builtin_malloc(std::size_t size) { return malloc(size); }
void emscripten_builtin_free(void* payload) { free(payload); }
void* __libc_malloc(std::size_t size) { return malloc(size); }
void __libc_free(void* payload) { free(payload); }

}  // extern "C"
