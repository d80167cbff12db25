// The init config as the loader itself reads it; the core checks the rest
// (sdk/src/config.cpp). Plain functions of their arguments (node's tests
// import them).

// Anything but an object counts as an empty config (the core then says
// what is missing).
export const normaliseConfig = (config) => (config && typeof config === 'object' ? config : {});

// The folder of the script's URL ('' when unknown): the wasm is looked for
// next to microtrack.js unless the config says otherwise.
export const scriptBase = (src) => (src ? src.replace(/[^\/?#]*([?#].*)?$/, '') : '');

// The config names the wasm's URL (a non-empty string).
export const hasWasmUrl = (config) => typeof config.wasmUrl === 'string' && config.wasmUrl !== '';

export const wasmUrl = (config, base) => (hasWasmUrl(config) ? config.wasmUrl : base + 'microtrack.wasm');

// The core built as JavaScript (wasm2js), for pages that may not compile
// WebAssembly, sits beside the wasm: the wasm's URL with '.js' added to its
// path (microtrack.wasm -> microtrack.wasm.js).
export const wasmJsUrl = (url) => url.replace(/([?#].*)?$/, '.js$1');
