// What a fuzz target asserts: an oracle that fails aborts with the reason,
// and libFuzzer saves the input as a crash (build/fuzz/artifacts/).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                             \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: oracle failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

// True when `text` is valid UTF-8 (nlohmann refuses to write anything else).
// The page hands the core text that JS encoded, which always is.
inline bool valid_utf8(const std::string& text) {
  try {
    nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// `text` as the page reads what the core hands it (TextDecoder): each
// invalid UTF-8 sequence becomes U+FFFD. (An escaped lone surrogate, which
// JSON.stringify writes, reaches the core's strings as such a sequence.)
inline std::string as_decoded_by_the_page(std::string_view text) {
  const auto replaced = nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(replaced).get<std::string>();
}
