// How each type of the bindings crosses the wasm boundary, and the letter
// that tells runtime/bind.js which conversion to apply on the JS side:
//   'v' void (answers only)
//   'b' bool: 1/0 in (the JS passes `value ? 1 : 0`), any non-zero out as true
//   'n' int or double: as they are (the engine converts at the boundary)
//   's' text: an argument as Text, an answer as microtrack::String, both as
//       a pointer to a {length, data[]} block of UTF-8 (the layout Embind
//       uses for std::string, which this replaces)
// No other type may cross: a binding of any other type does not compile.
//
// String arguments as Text: a handle on the block the JS writes for the call
// (and frees after it), which the core reads as a std::string_view, so no
// string is built and destroyed per argument. The core takes string_view
// and copies what it keeps. Text is the block's pointer itself rather than a
// std::string_view: a struct of one pointer crosses a wasm call as one i32,
// where a string_view (two fields) is copied onto the stack by every invoker
// and read back by the bound function (bench/RESULTS.md). An answer is
// copied into a malloc'd block, which the JS reads and frees.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "microtrack/string.hpp"

namespace microtrack_bindings {

struct TextBlock {
  std::size_t length;
  char data[1];  // `length` bytes, not NUL-ended
};

class Text {
 public:
  explicit Text(const TextBlock* block) : block_(block) {}
  operator std::string_view() const { return {block_->data, block_->length}; }

 private:
  const TextBlock* block_;
};

template <typename T>
struct Wire;  // only the types below cross

template <>
struct Wire<void> {
  using Type = void;
  static constexpr char kind = 'v';
};

template <>
struct Wire<bool> {
  using Type = bool;
  static constexpr char kind = 'b';
  static bool from(bool value) { return value; }
  static bool to(bool value) { return value; }
};

template <>
struct Wire<int> {
  using Type = int;
  static constexpr char kind = 'n';
  static int from(int value) { return value; }
  static int to(int value) { return value; }
};

template <>
struct Wire<double> {
  using Type = double;
  static constexpr char kind = 'n';
  static double from(double value) { return value; }
  static double to(double value) { return value; }
};

template <>
struct Wire<Text> {
  using Type = const TextBlock*;
  static constexpr char kind = 's';
  static Text from(const TextBlock* block) { return Text(block); }
};

template <>
struct Wire<microtrack::String> {
  using Type = TextBlock*;
  static constexpr char kind = 's';
  static TextBlock* to(const microtrack::String& text) {
    auto* block = static_cast<TextBlock*>(std::malloc(sizeof(std::size_t) + text.size()));
    block->length = text.size();
    std::memcpy(block->data, text.data(), text.size());
    return block;
  }
};

}  // namespace microtrack_bindings
