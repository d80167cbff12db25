#include "microtrack/string.hpp"

#include <cstring>
#include <utility>

namespace microtrack {

String& String::append(std::string_view text) {
  if (text.empty()) return *this;
  char* old = nullptr;  // freed after the copy: `text` may be in it
  if (size_ + text.size() >= capacity_) {  // and room for c_str()'s '\0'
    // Doubling, so that appends in a loop stay linear, from 32 bytes: most
    // strings are written by appends of a few bytes each.
    std::size_t capacity = capacity_ ? 2 * capacity_ : 32;
    if (capacity < size_ + text.size() + 1) capacity = size_ + text.size() + 1;
    old = data_;
    data_ = new char[capacity];
    if (size_) std::memcpy(data_, old, size_);
    capacity_ = capacity;
  }
  std::memmove(data_ + size_, text.data(), text.size());
  size_ += text.size();
  delete[] old;
  return *this;
}

String& String::assign(std::string_view text) {
  if (data_ && text.data() >= data_ && text.data() < data_ + size_) {  // a part of this string: to the front
    std::memmove(data_, text.data(), text.size());
    size_ = text.size();
    return *this;
  }
  size_ = 0;
  return append(text);
}

String& String::erase(std::size_t position, std::size_t count) {
  std::size_t after = size_ - position;
  if (count > after) count = after;
  if (!count) return *this;
  std::memmove(data_ + position, data_ + position + count, after - count);
  size_ -= count;
  return *this;
}

void String::swap(String& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  std::swap(capacity_, other.capacity_);
}

}  // namespace microtrack
