// Embind's JS runtime, trimmed from Emscripten 3.1.6's src/embind/embind.js
// to the imports this wasm makes; linked instead of embind.js + emval.js
// (bindings/CMakeLists.txt). ~1 KB gzip less glue on every page.
//
// It must follow embind_runtime/bind.cpp's registrations: void, bool, int
// and double (both with the float converter), and the two string types
// (arguments and answers) with std::string's converter, always UTF-8. The
// type names and functions' signature strings are not passed (null): the
// converters are keyed by type id and the invoker comes from the table.
// A type registered there that has no _embind_register_* here fails the
// link (an undefined import); a function of an unregistered type throws on
// its first call.
//
// Kept, with embind's wire conventions:
// - functions: the invoker taken from the function table, called with the
//   function pointer first, then each argument's wire value; a wrong
//   argument count throws.
// - bool: 1/0 in (bind.cpp's true/false values), any non-zero out as true.
// - numbers: as they are (the engine converts at the wasm boundary).
// - strings: {4-byte length, UTF-8 bytes} per argument; a returned one is
//   read (embedded NULs kept) and freed. A non-string argument throws.
//   microtrack's change: the arguments of a call are written with
//   encodeInto into one scratch area malloc'd once and reused by every call
//   (calls never nest: the core calls no JS), instead of a TextEncoder
//   array, a malloc and a free per argument (bench/RESULTS.md: most of a
//   `track` call's cost); an argument that does not fit is malloc'd and
//   freed after the call, as upstream.
// Left out, because the bindings use none of it (embind.cpp: free functions
// only, no overloads, every type registered): classes, value_object/array,
// enums, smart pointers, emval and its handle table (emval.js), memory
// views, the integer and wide-string converters; overload tables and public
// symbol replacement; dependency resolution (whenDependentTypesAreResolved,
// UnboundTypeError, __getTypeName); the BindingError/InternalError classes
// built with makeLegalFunctionName (a TypeError stands in); type names (only
// std::string's told UTF-8 from Latin-1); readValueFromPointer (no value is
// read from memory); Latin-1 strings and typed arrays passed as strings.
// Lone UTF-16 surrogates are encoded as U+FFFD (TextEncoder), where upstream
// wrote a malformed sequence.
//
// Copyright 2012 The Emscripten Authors.  All rights reserved.
// Emscripten is available under two separate licenses, the MIT license and the
// University of Illinois/NCSA Open Source License.  Both these licenses can be
// found in the LICENSE file.

mergeInto(LibraryManager.library, {
  // Converters by the C++ type's id (the address of its TypeID):
  // {toWire(value, toFree), fromWire(wireValue)}.
  $embindTypes: {},
  // One for every string argument (a new one per call showed in the bench).
  $embindEncoder: 'new TextEncoder()',

  _embind_register_void__deps: ['$embindTypes'],
  _embind_register_void: function(rawType) {
    // Only ever a return type.
    embindTypes[rawType] = {fromWire: function() {}};
  },

  _embind_register_bool__deps: ['$embindTypes'],
  _embind_register_bool: function(rawType, name, size, trueValue, falseValue) {
    embindTypes[rawType] = {
      toWire: function(value) { return value ? trueValue : falseValue; },
      fromWire: function(wireValue) { return !!wireValue; }
    };
  },

  _embind_register_float__deps: ['$embindTypes'],
  _embind_register_float: function(rawType) {
    var identity = function(value) { return value; };
    embindTypes[rawType] = {toWire: identity, fromWire: identity};
  },

  // Where the string arguments of the current call are written; `used`
  // goes back to 0 at the start of every call.
  $embindScratch: {ptr: 0, used: 0},

  _embind_register_std_string__deps: ['$embindTypes', '$embindEncoder', '$embindScratch'],
  _embind_register_std_string: function(rawType) {
    var SCRATCH_BYTES = 16384;
    embindTypes[rawType] = {
      toWire: function(value, toFree) {
        if (typeof value != 'string') throw new TypeError('not a string: ' + typeof value);
        var most = 4 + value.length * 3;  // the length, then at most 3 UTF-8 bytes per UTF-16 unit
        var inScratch = embindScratch.used + most <= SCRATCH_BYTES;
        var ptr;
        if (inScratch) {
          embindScratch.ptr = embindScratch.ptr || _malloc(SCRATCH_BYTES);
          ptr = embindScratch.ptr + embindScratch.used;
        } else {
          ptr = _malloc(most);
          toFree.push(ptr);
        }
        // After malloc: a grown memory has new views.
        var length = embindEncoder.encodeInto(value, HEAPU8.subarray(ptr + 4, ptr + most)).written;
        HEAPU32[ptr >> 2] = length;
        if (inScratch) embindScratch.used += (4 + length + 3) & ~3;  // the next one 4-byte aligned
        return ptr;
      },
      fromWire: function(ptr) {
        var text = UTF8Decoder.decode(HEAPU8.subarray(ptr + 4, ptr + 4 + HEAPU32[ptr >> 2]));
        _free(ptr);
        return text;
      }
    };
  },

  _embind_register_function__deps: ['$embindTypes', '$embindScratch', '$getWasmTableEntry'],
  _embind_register_function: function(name, argCount, rawArgTypesAddr, signature, rawInvoker, fn) {
    name = UTF8Decoder.decode(HEAPU8.subarray(name, HEAPU8.indexOf(0, name)));  // ASCII, NUL-ended
    var invoker = getWasmTableEntry(rawInvoker);
    // [return type, argument types...], copied out of memory that may grow.
    var typeIds = HEAP32.slice(rawArgTypesAddr >> 2, (rawArgTypesAddr >> 2) + argCount);
    Module[name] = function() {
      if (arguments.length != argCount - 1) {
        throw new TypeError(name + ' takes ' + (argCount - 1) + ' arguments, not ' + arguments.length);
      }
      var wireArgs = [fn];
      var toFree = [];
      embindScratch.used = 0;
      for (var i = 1; i < argCount; i++) wireArgs.push(embindTypes[typeIds[i]].toWire(arguments[i - 1], toFree));
      var result = embindTypes[typeIds[0]].fromWire(invoker.apply(null, wireArgs));
      for (var ptr of toFree) _free(ptr);
      return result;
    };
  }
});
