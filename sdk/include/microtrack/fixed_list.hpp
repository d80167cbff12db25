// A list with a fixed capacity and no heap.
//
// Why: every std::vector<T> instantiation brings its growth, move and
// destruction paths into the wasm, once per element type. The detectors'
// lists have natural bounds (media elements, forms, goal conditions on one
// page), so they use this instead; what does not fit is refused.
#pragma once

#include <cstddef>

namespace microtrack {

template <typename T, std::size_t Capacity>
class FixedList {
 public:
  // False (and nothing added) when the list is full.
  bool push_back(const T& item) {
    if (size_ == Capacity) return false;
    items_[size_++] = item;
    return true;
  }
  // A new item, value-initialised, to fill in place (no copy of an item
  // built outside); nullptr when the list is full.
  T* add() {
    if (size_ == Capacity) return nullptr;
    items_[size_] = T{};
    return &items_[size_++];
  }
  void clear() { size_ = 0; }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& back() { return items_[size_ - 1]; }
  T* begin() { return items_; }
  T* end() { return items_ + size_; }
  const T* begin() const { return items_; }
  const T* end() const { return items_ + size_; }

 private:
  T items_[Capacity] = {};
  std::size_t size_ = 0;
};

}  // namespace microtrack
