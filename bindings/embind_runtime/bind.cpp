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
#ifdef USE_CXA_DEMANGLE
#include <../lib/libcxxabi/include/cxxabi.h>
#endif
#include <algorithm>
#include <climits>
#include <emscripten/emscripten.h>
#include <emscripten/wire.h>
#include <list>
#include <typeinfo>
#include <vector>

using namespace emscripten;

extern "C" {
const char* EMSCRIPTEN_KEEPALIVE __getTypeName(const std::type_info* ti) {
  if (has_unbound_type_names) {
#ifdef USE_CXA_DEMANGLE
    int stat;
    char* demangled = abi::__cxa_demangle(ti->name(), NULL, NULL, &stat);
    if (stat == 0 && demangled) {
      return demangled;
    }

    switch (stat) {
      case -1:
        return strdup("<allocation failure>");
      case -2:
        return strdup("<invalid C++ symbol>");
      case -3:
        return strdup("<invalid argument>");
      default:
        return strdup("<unknown error>");
    }
#else
    return strdup(ti->name());
#endif
  } else {
    // microtrack: the first change. Upstream sprintf()s the type_info's
    // address ("0x…"), which linked musl's whole printf (~4 KB of wasm) into
    // every page. The name only appears in embind's "Cannot call f due to
    // unbound types" error, which a build whose bindings are all registered
    // never raises, and an address says nothing there: "?" stands in.
    return strdup("?");
  }
}
}

namespace {
template <typename T> static void register_float(const char* name) {
  using namespace internal;
  _embind_register_float(TypeID<T>::get(), name, sizeof(T));
}

} // namespace

extern "C" {

// Normal initialization, executed through a global constructor. This
// happens on the main thread; pthreads will call it manually, so make
// sure we also export it (via EMSCRIPTEN_KEEPALIVE).
EMSCRIPTEN_KEEPALIVE __attribute__((constructor))
void __embind_register_native_and_builtin_types() {
  using namespace emscripten::internal;

  _embind_register_void(TypeID<void>::get(), "void");
  _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
  // microtrack: the fourth change. `int` is registered with the converter of
  // a float: for arguments and return values both are the identity (the
  // engine converts the number at the wasm boundary), and only
  // readValueFromPointer differs, which nothing here uses (no value_object,
  // no val, no vector). It keeps embind.js's integer converter (~180 B gzip)
  // out of the glue.
  _embind_register_float(TypeID<int>::get(), "int", sizeof(int));
  register_float<double>("double");
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
  // microtrack: the third change. Arguments arrive as std::string_view
  // (bindings/string_view_wire.hpp): the same JS string converter, under the
  // same name, which is what makes embind.js encode it as UTF-8.
  _embind_register_std_string(TypeID<std::string_view>::get(), "std::string");

  // microtrack: the second change. Upstream also registers the other
  // integer widths, int64, float, std::wstring/u16string/u32string,
  // emscripten::val and every memory_view. The bindings use none of them,
  // and each registration pulls its converter into the JS glue (UTF-16/32
  // codecs, typed-array views): only the types above cross the boundary.
}

} // extern "C"
