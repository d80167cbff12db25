// Embind's native runtime, from Emscripten 3.1.6 (system/lib/embind/bind.cpp),
// with changes marked "microtrack:" that keep ~4 KB gzip out of every page.
// Linked instead of -lembind's prebuilt copy (see bindings/CMakeLists.txt).
//
// Copyright 2012 The Emscripten Authors.  All rights reserved.
// Emscripten is available under two separate licenses, the MIT license and the
// University of Illinois/NCSA Open Source License.  Both these licenses can be
// found in the LICENSE file.

#include <emscripten/bind.h>

#include "../string_view_wire.hpp"
#include <algorithm>
#include <climits>
#include <emscripten/emscripten.h>
#include <emscripten/wire.h>
#include <list>
#include <typeinfo>
#include <vector>

using namespace emscripten;

// microtrack: the first change. Upstream exports __getTypeName, which
// embind.js calls for its "unbound types" error; embind_runtime/embind.js
// has no such error (every type is registered here), so nothing calls it:
// left out (an export, strdup, and printf's "0x…" of the type_info upstream).

namespace {
template <typename T> static void register_float() {
  using namespace internal;
  _embind_register_float(TypeID<T>::get(), nullptr, sizeof(T));
}

} // namespace

extern "C" {

// Normal initialization, executed through a global constructor.
// microtrack: the fifth change. Not exported (no EMSCRIPTEN_KEEPALIVE):
// upstream exports it for pthreads to call, and this build has none.
__attribute__((constructor))
void __embind_register_native_and_builtin_types() {
  using namespace emscripten::internal;

  // microtrack: the sixth change. No type names ("void", "bool", …; nullptr
  // instead): embind_runtime/embind.js keys its converters by type id and
  // reads no name, so the names were only bytes in the wasm's data.
  _embind_register_void(TypeID<void>::get(), nullptr);
  _embind_register_bool(TypeID<bool>::get(), nullptr, sizeof(bool), true, false);
  // microtrack: the fourth change. `int` is registered with the converter of
  // a float: for arguments and return values both are the identity (the
  // engine converts the number at the wasm boundary), and only
  // readValueFromPointer differs, which nothing here uses (no value_object,
  // no val, no vector). It keeps embind.js's integer converter (~180 B gzip)
  // out of the glue.
  register_float<int>();
  register_float<double>();
  // microtrack: the third change. Strings cross as the core's own types
  // (bindings/string_view_wire.hpp): arguments as microtrack_bindings::Text,
  // answers as microtrack::String, both with std::string's JS converter
  // (embind_runtime/embind.js: always UTF-8).
  _embind_register_std_string(TypeID<microtrack::String>::get(), nullptr);
  _embind_register_std_string(TypeID<microtrack_bindings::Text>::get(), nullptr);

  // microtrack: the second change. Upstream also registers the other
  // integer widths, int64, float, std::wstring/u16string/u32string,
  // emscripten::val and every memory_view. The bindings use none of them,
  // and each registration pulls its converter into the JS glue (UTF-16/32
  // codecs, typed-array views): only the types above cross the boundary.
}

} // extern "C"
