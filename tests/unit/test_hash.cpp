// fnv1a: the core's one hash (sampling, form fields), checked against the
// published FNV-1a 64-bit test vectors so that it stays stable across builds.
#include "helpers.hpp"
#include "microtrack/hash.hpp"

using microtrack::fnv1a;

TEST_CASE("fnv1a is FNV-1a 64", "[hash]") {
  CHECK(fnv1a("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE("fnv1a reads every byte, high ones as unsigned", "[hash]") {
  CHECK(fnv1a("ab") != fnv1a("ba"));
  CHECK(fnv1a(std::string_view("\0", 1)) != fnv1a(""));
  CHECK(fnv1a("\xC3\xA9") != fnv1a("\xC3\xA8"));
}
