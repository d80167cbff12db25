// String arguments as microtrack_bindings::Text: a handle on the buffer
// Embind's JS writes for the call (and frees after it), which the core reads
// as a std::string_view, so no std::string is built and destroyed per
// argument. The core takes string_view and copies what it keeps.
//
// Answers cross as microtrack::String, copied into the same wire layout
// (the {length, data[]} block the JS reads and frees), as Embind does for a
// std::string.
//
// Text is the wire pointer itself rather than a std::string_view: a struct of
// one pointer crosses a wasm call as one i32, where a string_view (two
// fields) is copied onto the stack by every invoker and read back by the
// bound function (bench/RESULTS.md).
#pragma once

#include <emscripten/wire.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "microtrack/string.hpp"

namespace microtrack_bindings {

class Text {
 public:
  using Wire = emscripten::internal::BindingType<std::string>::WireType;  // {length, data[]}, as the JS writes it
  explicit Text(Wire wire) : wire_(wire) {}
  operator std::string_view() const { return {wire_->data, wire_->length}; }

 private:
  Wire wire_;
};

}  // namespace microtrack_bindings

namespace emscripten::internal {

template <>
struct BindingType<microtrack_bindings::Text> {
  using WireType = microtrack_bindings::Text::Wire;
  static microtrack_bindings::Text fromWireType(WireType wire) { return microtrack_bindings::Text(wire); }
};

template <>
struct BindingType<microtrack::String> {
  using WireType = BindingType<std::string>::WireType;
  static WireType toWireType(const microtrack::String& text) {
    auto wire = static_cast<WireType>(std::malloc(sizeof(std::size_t) + text.size()));
    wire->length = text.size();
    std::memcpy(wire->data, text.data(), text.size());
    return wire;
  }
};

}  // namespace emscripten::internal
