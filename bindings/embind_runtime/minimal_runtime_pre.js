// --pre-js of the MINIMAL_RUNTIME link (bindings/CMakeLists.txt).
// Emscripten 3.1.6's minimal runtime does not declare the 64-bit heap views,
// yet embind.js (with WASM_BIGINT) names them in its int64 readers, so
// closure stops on undeclared variables. Declared here, left unset: no
// 64-bit integer type is registered (bind.cpp), so nothing ever reads them.
var HEAP64, HEAPU64;
