// The init config as the loader itself reads it; the core checks the rest
// (sdk/src/config.cpp). Plain functions of their arguments (node's tests
// import them).

// Anything but an object counts as an empty config (the core then says
// what is missing).
export const normaliseConfig = (config) => (config && typeof config === 'object' ? config : {});

// The folder of the script's URL ('' when unknown): the wasm is looked for
// next to microtrack.js unless the config says otherwise.
export const scriptBase = (src) => (src ? src.replace(/[^\/?#]*([?#].*)?$/, '') : '');

export const wasmUrl = (config, base) =>
  (typeof config.wasmUrl === 'string' && config.wasmUrl) || base + 'microtrack.wasm';
