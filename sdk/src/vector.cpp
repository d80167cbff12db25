#include "microtrack/vector.hpp"

namespace microtrack::vector_detail {

void* grow(void* items, std::size_t count, std::size_t capacity, std::size_t item_size,
           void (*relocate)(void* to, void* from)) {
  auto* grown = static_cast<char*>(::operator new(capacity * item_size));
  auto* old = static_cast<char*>(items);
  for (std::size_t i = 0; i < count; ++i) relocate(grown + i * item_size, old + i * item_size);
  ::operator delete(items);
  return grown;
}

}  // namespace microtrack::vector_detail
