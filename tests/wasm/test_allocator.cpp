// bindings/allocator.cpp, the wasm build's malloc (this whole suite runs on it).
#include <catch2/catch.hpp>

#include <emscripten/heap.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {
bool aligned8(void* p) { return reinterpret_cast<std::uintptr_t>(p) % 8 == 0; }
}  // namespace

SCENARIO("The wasm allocator hands out and reuses power-of-two blocks", "[allocator]") {
  GIVEN("a block of 100 bytes") {
    void* a = std::malloc(100);
    REQUIRE(a != nullptr);
    CHECK(aligned8(a));
    std::memset(a, 0xAB, 100);
    WHEN("it is freed and a block of a size in the same class is asked for") {
      std::free(a);
      void* b = std::malloc(120);  // 100 and 120 both fit a 128-byte block with its header
      THEN("the freed block comes back") { CHECK(b == a); }
      std::free(b);
    }
    WHEN("it is freed and a larger block is asked for") {
      std::free(a);
      void* b = std::malloc(200);
      THEN("another block is used, and the freed one still serves its own size") {
        CHECK(b != a);
        void* c = std::malloc(100);
        CHECK(c == a);
        std::free(c);
      }
      std::free(b);
    }
  }
  GIVEN("blocks of many sizes in use at once") {
    std::vector<unsigned char*> blocks;
    for (std::size_t size = 0; size < 5000; size += 37) {
      auto* p = static_cast<unsigned char*>(std::malloc(size));
      REQUIRE(p != nullptr);
      CHECK(aligned8(p));
      std::memset(p, static_cast<int>(size & 0xFF), size);
      blocks.push_back(p);
    }
    THEN("none overlaps another: each still holds what was written") {
      std::size_t size = 0;
      for (unsigned char* p : blocks) {
        for (std::size_t i = 0; i < size; ++i)
          if (p[i] != static_cast<unsigned char>(size & 0xFF)) FAIL("block of " << size << " bytes overwritten");
        size += 37;
      }
      SUCCEED();
    }
    for (unsigned char* p : blocks) std::free(p);
  }
  GIVEN("a steady churn of allocations and frees") {
    for (int i = 0; i < 100; ++i) std::free(std::malloc(1000));
    std::size_t heap = emscripten_get_heap_size();
    THEN("the heap does not grow: freed blocks are reused") {
      for (int i = 0; i < 100000; ++i) std::free(std::malloc(static_cast<std::size_t>(1 + i % 1000)));
      CHECK(emscripten_get_heap_size() == heap);
    }
  }
  GIVEN("a block larger than the memory the page has") {
    std::size_t heap = emscripten_get_heap_size();
    WHEN("it is asked for") {
      auto* big = static_cast<unsigned char*>(std::malloc(heap));
      THEN("memory grows and the whole block is usable") {
        REQUIRE(big != nullptr);
        CHECK(emscripten_get_heap_size() > heap);
        big[0] = 1;
        big[heap - 1] = 2;
        CHECK(big[0] + big[heap - 1] == 3);
      }
      std::free(big);
    }
  }
  GIVEN("a block the memory can never hold (wasm32 memory ends at 2 GB)") {
    std::size_t heap = emscripten_get_heap_size();
    WHEN("it is asked for") {
      void* huge = std::malloc(std::size_t{1} << 30);  // a 2 GB block past the heap: growing to it fails
      THEN("malloc returns null and the heap stays as it was") {
        CHECK(huge == nullptr);
        CHECK(emscripten_get_heap_size() == heap);
      }
    }
  }
  GIVEN("calloc and realloc") {
    auto* zeros = static_cast<unsigned char*>(std::calloc(50, 4));
    REQUIRE(zeros != nullptr);
    bool all_zero = true;
    for (int i = 0; i < 200; ++i) all_zero = all_zero && zeros[i] == 0;
    CHECK(all_zero);
    std::memcpy(zeros, "microtrack", 11);
    auto* grown = static_cast<char*>(std::realloc(zeros, 5000));
    REQUIRE(grown != nullptr);
    CHECK(std::strcmp(grown, "microtrack") == 0);
    CHECK(std::calloc(SIZE_MAX / 2, 4) == nullptr);  // count * size overflows
    std::free(grown);
  }
}
