// The core's one owned string: bytes in one heap block, grown by appends,
// read as a std::string_view. Every string the core keeps or writes (config
// values, ids, the events' JSON, the bodies and snapshots handed to the JS)
// is one of these.
//
// Why not std::string: libc++'s keeps short strings inside the object, so
// each size() or data() is a branch between two layouts, inlined at every
// use, and its growth and assignment members are large; the wasm was
// 1.9 KB gzip smaller with this class (bench/RESULTS.md). The price is an
// allocation for every non-empty string, which the core's strings (events,
// ids, URLs) mostly needed anyway.
//
// It has the part of std::string's interface the core uses, with the same
// meanings; anything else reads it as a std::string_view.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace microtrack {

class String {
 public:
  static constexpr std::size_t npos = std::string_view::npos;

  String() = default;
  String(const char* text) : String(std::string_view(text)) {}  // NOLINT: implicit, as std::string's
  String(const char* text, std::size_t size) : String(std::string_view(text, size)) {}
  explicit String(std::string_view text) { append(text); }
  String(const String& other) : String(other.view()) {}
  String(String&& other) noexcept { swap(other); }  // a moved-from String is empty
  ~String() { delete[] data_; }

  String& operator=(const String& other) { return assign(other); }
  String& operator=(String&& other) noexcept {
    swap(other);
    other.clear();  // it keeps this one's block, to free or reuse
    return *this;
  }
  String& operator=(std::string_view text) { return assign(text); }
  String& operator=(const char* text) { return assign(text); }

  // The appends (`text` may be a part of this string).
  String& append(std::string_view text);
  String& append(const char* text, std::size_t size) { return append(std::string_view(text, size)); }
  String& operator+=(std::string_view text) { return append(text); }
  String& operator+=(const char* text) { return append(text); }
  String& operator+=(const String& text) { return append(text.view()); }
  String& operator+=(char c) { return append(std::string_view(&c, 1)); }
  void push_back(char c) { *this += c; }

  void clear() { size_ = 0; }
  void pop_back() { --size_; }
  // Removes up to `count` bytes from `position` on.
  String& erase(std::size_t position, std::size_t count = npos);
  void swap(String& other) noexcept;

  std::size_t size() const { return size_; }
  std::size_t length() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Not '\0'-terminated but by c_str().
  const char* data() const { return data_ ? data_ : ""; }
  const char* c_str() const {
    if (!data_) return "";
    data_[size_] = '\0';  // append() always leaves room for it
    return data_;
  }
  char operator[](std::size_t i) const { return data()[i]; }
  char& operator[](std::size_t i) { return data_[i]; }
  char back() const { return data_[size_ - 1]; }
  char* begin() { return data_; }
  char* end() { return data_ + size_; }
  const char* begin() const { return data_; }
  const char* end() const { return data_ + size_; }

  std::string_view view() const { return {data(), size_}; }
  operator std::string_view() const { return view(); }
  String substr(std::size_t position, std::size_t count = npos) const {
    return String(view().substr(position, count));
  }
  std::size_t find(char c, std::size_t from = 0) const { return view().find(c, from); }
  std::size_t find(std::string_view text, std::size_t from = 0) const { return view().find(text, from); }

  friend bool operator==(const String& a, const String& b) { return a.view() == b.view(); }
  friend bool operator==(const String& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(std::string_view a, const String& b) { return a == b.view(); }
  friend bool operator==(const String& a, const char* b) { return a.view() == b; }
  friend bool operator!=(const String& a, const String& b) { return !(a == b); }
  friend bool operator!=(const String& a, std::string_view b) { return !(a == b); }
  friend bool operator!=(std::string_view a, const String& b) { return !(a == b); }
  friend bool operator!=(const String& a, const char* b) { return !(a == b); }
  friend bool operator<(const String& a, const String& b) { return a.view() < b.view(); }

 private:
  String& assign(std::string_view text);

  char* data_ = nullptr;  // capacity_ bytes, or none
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace microtrack
