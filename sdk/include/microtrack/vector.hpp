// The core's growable list: items in one heap block that doubles when full.
// Used where a list has no natural bound (the delivery queue, the config's
// percent lists and visibility rules); bounded lists are FixedLists.
//
// Why not std::vector: each std::vector<T> brings its own growth path
// (__split_buffer, the move loop, the exception-safety branches) into the
// wasm, once per item type. Here the growth is one function for every item
// type (vector.cpp: grow), which moves the items through a small function of
// each type's; bench/RESULTS.md has the bytes.
//
// It has the part of std::vector's interface the core uses, with the same
// meanings. Items are moved (never copied) when the block grows, so
// pointers and references to them last only until the next push_back.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <new>
#include <utility>

namespace microtrack {
namespace vector_detail {

// Moves `count` items of `item_size` bytes from `items` into a new block of
// room for `capacity` items, one by one with `relocate(to, from)` (which
// also destroys the item moved from), frees the old block and returns the new.
void* grow(void* items, std::size_t count, std::size_t capacity, std::size_t item_size,
           void (*relocate)(void* to, void* from));

}  // namespace vector_detail

template <typename T>
class Vector {
 public:
  Vector() = default;
  Vector(std::initializer_list<T> items) {
    for (const T& item : items) push_back(T(item));
  }
  // `size` value-initialised items (0 for numbers).
  explicit Vector(std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) push_back(T());
  }
  Vector(Vector&& other) noexcept { swap(other); }
  Vector& operator=(Vector&& other) noexcept {
    swap(other);  // `other` takes the old items, and destroys them
    return *this;
  }
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;
  ~Vector() {
    clear();
    ::operator delete(items_);
  }

  void push_back(T&& item) {
    if (size_ == capacity_) {
      capacity_ = capacity_ ? 2 * capacity_ : 4;
      items_ = static_cast<T*>(vector_detail::grow(items_, size_, capacity_, sizeof(T), &relocate));
    }
    new (items_ + size_++) T(std::move(item));
  }
  void pop_back() { items_[--size_].~T(); }
  void clear() {
    while (size_) pop_back();
  }
  void swap(Vector& other) noexcept {
    std::swap(items_, other.items_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& back() { return items_[size_ - 1]; }
  T* begin() { return items_; }
  T* end() { return items_ + size_; }
  const T* begin() const { return items_; }
  const T* end() const { return items_ + size_; }
  const T* data() const { return items_; }

 private:
  static void relocate(void* to, void* from) {
    T* item = static_cast<T*>(from);
    new (to) T(std::move(*item));
    item->~T();
  }

  T* items_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace microtrack
