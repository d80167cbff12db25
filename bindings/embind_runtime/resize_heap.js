// The memory growth the wasm asks for (allocator.cpp's new_block calls
// emscripten_resize_heap), replacing Emscripten 3.1.6's library.js version
// (linked after it, so this one wins): grow to the size asked for, rounded
// up to whole 64 KiB pages, and report whether it worked. Upstream also
// over-reserves 20 % (at most 96 MB) and retries smaller amounts when that
// fails; allocator.cpp already grows a power-of-two block at a time, so a
// tracker's heap grows a few dozen times at most either way, and the
// upstream version is several times this one's size in every page's loader
// (bench/RESULTS.md).
// A request past 2 GB, or one the browser refuses, makes grow() throw:
// false, and malloc returns null.

mergeInto(LibraryManager.library, {
  emscripten_resize_heap__deps: ['$emscripten_realloc_buffer'],
  emscripten_resize_heap: function(requestedSize) {
    return !!emscripten_realloc_buffer(requestedSize >>> 0);
  }
});
