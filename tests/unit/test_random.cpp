// Random: SplitMix64 seeded by the caller, so ids and jitter are reproducible.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/random.hpp"

using microtrack::Random;

namespace {

constexpr std::uint64_t kSeed = 0x5EED'1234'ABCD'0001ULL;

// The published SplitMix64 step (Steele, Lea, Flood 2014; Vigna's reference C).
std::uint64_t reference_splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

TEST_CASE("next_u64 is SplitMix64 of the seed", "[random]") {
  SECTION("seed 0 gives the published first output") {
    Random r(0);
    CHECK(r.next_u64() == 0xE220A8397B1DCDAFULL);
  }
  SECTION("a constant seed follows the reference sequence") {
    Random r(kSeed);
    std::uint64_t state = kSeed;
    for (int i = 0; i < 100; ++i) {
      INFO("output #" << i);
      CHECK(r.next_u64() == reference_splitmix64(state));
    }
  }
}

TEST_CASE("The same seed gives the same ids and numbers", "[random]") {
  Random a(kSeed);
  Random b(kSeed);
  for (int i = 0; i < 50; ++i) {
    CHECK(a.uuid_v4() == b.uuid_v4());
    CHECK(a.next01() == b.next01());
    CHECK(a.next_u64() == b.next_u64());
  }
}

TEST_CASE("Different seeds give different ids", "[random]") {
  Random a(1);
  Random b(2);
  CHECK(a.uuid_v4() != b.uuid_v4());
}

TEST_CASE("uuid_v4 is a lower-case version 4, RFC 4122 variant UUID", "[random]") {
  Random r(kSeed);
  for (int i = 0; i < 2000; ++i) {
    const microtrack::String id = r.uuid_v4();
    INFO(id);
    REQUIRE(id.size() == 36);
    REQUIRE(mt_test::is_uuid_v4(id));
  }
}

TEST_CASE("uuid_v4 gives 10000 distinct ids in a row", "[random]") {
  Random r(kSeed);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.emplace(r.uuid_v4());
  CHECK(seen.size() == 10000);
}

TEST_CASE("uuid_v4 uses every hex digit in its random positions", "[random]") {
  // A UUID built from too few random bits (e.g. only 32) shows up as digits
  // that never appear in some position.
  Random r(kSeed);
  std::vector<std::set<char>> digits(36);
  for (int i = 0; i < 2000; ++i) {
    const microtrack::String id = r.uuid_v4();
    for (std::size_t p = 0; p < id.size() && p < 36; ++p) digits[p].insert(id[p]);
  }
  for (std::size_t p = 0; p < 36; ++p) {
    if (p == 8 || p == 13 || p == 18 || p == 23 || p == 14 || p == 19) continue;
    INFO("position " << p);
    CHECK(digits[p].size() == 16);
  }
  CHECK(digits[14] == std::set<char>{'4'});
  CHECK(digits[19] == std::set<char>{'8', '9', 'a', 'b'});
}

TEST_CASE("next01 stays at least 0 and below 1 and spreads over the interval", "[random]") {
  Random r(kSeed);
  double sum = 0;
  int low = 0, high = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const double x = r.next01();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    sum += x;
    if (x < 0.1) ++low;
    if (x >= 0.9) ++high;
  }
  CHECK(sum / n == Approx(0.5).margin(0.02));
  CHECK(low == Approx(1000).margin(150));
  CHECK(high == Approx(1000).margin(150));
}
