// The JS side of the bindings (bindings.cpp, wire.hpp): microtrack_bind adds
// each binding to the core's module object, as a function that converts its
// arguments by the binding's letters, calls the binding's invoker and
// converts the answer. It replaces Embind's runtime (embind.js + emval.js,
// trimmed to this until 2026-12-05), keeping its wire conventions:
// - the invoker taken from the function table; a wrong argument count throws.
// - 'b' bool: 1/0 in, any non-zero out as true.
// - 'n' numbers: as they are (the engine converts at the wasm boundary).
// - 's' strings: {4-byte length, UTF-8 bytes} per argument; a returned one
//   is read (embedded NULs kept) and freed. A non-string argument throws.
//   The arguments of a call are written with encodeInto into one scratch
//   area malloc'd once and reused by every call (calls never nest: the core
//   calls no JS), instead of a TextEncoder array, a malloc and a free per
//   argument (bench/RESULTS.md: most of a `track` call's cost); an argument
//   that does not fit is malloc'd and freed after the call. Lone UTF-16
//   surrogates are encoded as U+FFFD (TextEncoder).
// - 'v' void: nothing is answered.
//
// Embind's runtime is Copyright 2012 The Emscripten Authors (MIT and
// University of Illinois/NCSA licenses); this file keeps its conventions.

mergeInto(LibraryManager.library, {
  // One for every string argument (a new one per call showed in the bench).
  $bindEncoder: 'new TextEncoder()',
  // Where the string arguments of the current call are written; `used`
  // goes back to 0 at the start of every call.
  $bindScratch: {ptr: 0, used: 0},

  $bindText__deps: ['$bindEncoder', '$bindScratch'],
  $bindText: function(value, toFree) {
    var SCRATCH_BYTES = 16384;
    if (typeof value != 'string') throw new TypeError('not a string: ' + typeof value);
    var most = 4 + value.length * 3;  // the length, then at most 3 UTF-8 bytes per UTF-16 unit
    var inScratch = bindScratch.used + most <= SCRATCH_BYTES;
    var ptr;
    if (inScratch) {
      bindScratch.ptr = bindScratch.ptr || _malloc(SCRATCH_BYTES);
      ptr = bindScratch.ptr + bindScratch.used;
    } else {
      ptr = _malloc(most);
      toFree.push(ptr);
    }
    // After malloc: a grown memory has new views.
    var length = bindEncoder.encodeInto(value, HEAPU8.subarray(ptr + 4, ptr + most)).written;
    HEAPU32[ptr >> 2] = length;
    if (inScratch) bindScratch.used += (4 + length + 3) & ~3;  // the next one 4-byte aligned
    return ptr;
  },

  // `kinds`: the answer's letter, then each argument's (wire.hpp).
  microtrack_bind__deps: ['$bindText', '$bindScratch', '$getWasmTableEntry'],
  microtrack_bind: function(name, kinds, invoker) {
    var ascii = function(ptr) { return UTF8Decoder.decode(HEAPU8.subarray(ptr, HEAPU8.indexOf(0, ptr))); };
    name = ascii(name);
    kinds = ascii(kinds);
    invoker = getWasmTableEntry(invoker);
    var argCount = kinds.length - 1;
    Module[name] = function() {
      if (arguments.length != argCount) {
        throw new TypeError(name + ' takes ' + argCount + ' arguments, not ' + arguments.length);
      }
      var wireArgs = [];
      var toFree = [];
      bindScratch.used = 0;
      for (var i = 0; i < argCount; i++) {
        var value = arguments[i];
        var kind = kinds[i + 1];
        wireArgs.push(kind == 's' ? bindText(value, toFree) : kind == 'b' ? (value ? 1 : 0) : value);
      }
      var result = invoker.apply(null, wireArgs);
      for (var ptr of toFree) _free(ptr);
      if (kinds[0] == 'b') return !!result;
      if (kinds[0] == 's') {
        var text = UTF8Decoder.decode(HEAPU8.subarray(result + 4, result + 4 + HEAPU32[result >> 2]));
        _free(result);
        return text;
      }
      return result;
    };
  }
});
