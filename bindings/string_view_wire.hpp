// String arguments as std::string_view: a view of the buffer Embind's JS
// writes for the call (and frees after it), so no std::string is built and
// destroyed per argument. The core takes string_view and copies what it keeps.
#pragma once

#include <emscripten/wire.h>

#include <string>
#include <string_view>

namespace emscripten::internal {

template <>
struct BindingType<std::string_view> {
  using WireType = BindingType<std::string>::WireType;  // {length, data[]}, as the JS writes it
  static std::string_view fromWireType(WireType wire) { return {wire->data, wire->length}; }
};

}  // namespace emscripten::internal
