// client_address.*: which address a request counts as, and whom we trust to say so.
#include <catch2/catch.hpp>

#include "client_address.hpp"

namespace mc = microtrack::collector;

namespace {

mc::TrustedProxies proxies(const char* list) {
  std::string error;
  auto parsed = mc::TrustedProxies::parse(list, error);
  INFO(error);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("Addresses are read in the forms peers and proxies write them") {
  struct Row {
    const char* text;
    const char* canonical;  // "" = not an address
  };
  const Row rows[] = {
      {"10.0.0.1", "10.0.0.1"},
      {" 10.0.0.1 ", "10.0.0.1"},
      {"10.0.0.1:5678", "10.0.0.1"},
      {"::ffff:10.0.0.1", "10.0.0.1"},  // a dual-stack socket's IPv4 peer
      {"2001:DB8::1", "2001:db8::1"},
      {"[2001:db8::1]", "2001:db8::1"},
      {"[2001:db8::1]:443", "2001:db8::1"},
      {"::1", "::1"},
      {"", ""},
      {"unknown", ""},
      {"10.0.0.256", ""},
      {"10.0.0", ""},
      {"2001:db8::1::2", ""},
      {"[::1", ""},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    const auto address = mc::IpAddress::parse(row.text);
    CHECK((address ? address->to_string() : "") == row.canonical);
  }
}

TEST_CASE("Loopback is 127.0.0.0/8 and ::1, in any spelling") {
  CHECK(mc::is_loopback("127.0.0.1"));
  CHECK(mc::is_loopback("127.1.2.3"));
  CHECK(mc::is_loopback("::1"));
  CHECK(mc::is_loopback("::ffff:127.0.0.1"));
  CHECK_FALSE(mc::is_loopback("128.0.0.1"));
  CHECK_FALSE(mc::is_loopback("::2"));
  CHECK_FALSE(mc::is_loopback("localhost"));
  CHECK_FALSE(mc::is_loopback(""));
}

TEST_CASE("Trusted proxies are addresses and CIDR ranges, IPv4 and IPv6") {
  const auto trusted = proxies("10.0.0.0/8, 192.168.1.7 ::1,fd00::/8, 172.16.0.0/12");
  struct Row {
    const char* address;
    bool trusted;
  };
  const Row rows[] = {
      {"10.0.0.1", true},          {"10.255.255.255", true}, {"11.0.0.1", false},
      {"::ffff:10.1.2.3", true},   {"192.168.1.7", true},    {"192.168.1.8", false},
      {"172.16.0.1", true},        {"172.31.255.255", true}, {"172.32.0.0", false},
      {"::1", true},               {"fd12:3456::1", true},   {"fe80::1", false},
      {"not an address", false},
  };
  for (const Row& row : rows) {
    INFO(row.address);
    CHECK(trusted.contains(std::string_view(row.address)) == row.trusted);
  }

  SECTION("a /0 trusts everything of its family, a /32 one address") {
    CHECK(proxies("0.0.0.0/0").contains(std::string_view("8.8.8.8")));
    CHECK_FALSE(proxies("0.0.0.0/0").contains(std::string_view("2001:db8::1")));
    CHECK(proxies("::/0").contains(std::string_view("2001:db8::1")));
    CHECK(proxies("8.8.8.8/32").contains(std::string_view("8.8.8.8")));
    CHECK_FALSE(proxies("8.8.8.8/32").contains(std::string_view("8.8.8.9")));
  }
  SECTION("an empty list trusts nobody") {
    CHECK(proxies("").empty());
    CHECK_FALSE(proxies("").contains(std::string_view("127.0.0.1")));
  }
  SECTION("a bad entry is named") {
    for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "proxy.internal", "10.0.0.1/8/8"}) {
      INFO(bad);
      std::string error;
      CHECK_FALSE(mc::TrustedProxies::parse(std::string("127.0.0.1,") + bad, error));
      CHECK(error == "not an address or CIDR range: \"" + std::string(bad) + "\"");
    }
  }
}

TEST_CASE("X-Forwarded-For counts only from a trusted peer, read from the right") {
  const auto trusted = proxies("10.0.0.0/8");
  struct Row {
    const char* peer;
    std::vector<std::string> forwarded_for;
    const char* client;
  };
  const Row rows[] = {
      // No proxy trusted for this peer: the header is the visitor's own words.
      {"203.0.113.9", {"1.2.3.4"}, "203.0.113.9"},
      {"203.0.113.9", {}, "203.0.113.9"},
      // Through our proxy: the hop it saw.
      {"10.0.0.2", {"198.51.100.7"}, "198.51.100.7"},
      // A visitor who sends their own X-Forwarded-For: the proxy appends the real one; the rightmost untrusted wins.
      {"10.0.0.2", {"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
      // Two of our proxies in a row.
      {"10.0.0.2", {"198.51.100.7, 10.0.0.3"}, "198.51.100.7"},
      // Several header lines are one list, in order.
      {"10.0.0.2", {"6.6.6.6", "198.51.100.7", "10.0.0.3"}, "198.51.100.7"},
      // IPv6 clients.
      {"10.0.0.2", {"2001:db8::7"}, "2001:db8::7"},
      {"10.0.0.2", {"[2001:db8::7]:51000"}, "2001:db8::7"},
      // Everything trusted: a request from inside.
      {"10.0.0.2", {"10.0.0.9, 10.0.0.3"}, "10.0.0.9"},
      // A trusted peer without the header.
      {"10.0.0.2", {}, "10.0.0.2"},
      // Garbage stops the walk at the proxy that wrote it.
      {"10.0.0.2", {"198.51.100.7, unknown"}, "10.0.0.2"},
      {"10.0.0.2", {"unknown, 10.0.0.3"}, "10.0.0.3"},
      {"10.0.0.2", {""}, "10.0.0.2"},
  };
  for (const Row& row : rows) {
    INFO(row.peer << " X-Forwarded-For " << (row.forwarded_for.empty() ? "-" : row.forwarded_for.back()));
    CHECK(mc::client_address(row.peer, row.forwarded_for, trusted) == row.client);
  }
}

TEST_CASE("X-Forwarded-Proto https counts only from a trusted peer") {
  const auto trusted = proxies("10.0.0.0/8");
  CHECK(mc::forwarded_https("10.0.0.2", "https", trusted));
  CHECK(mc::forwarded_https("10.0.0.2", "HTTPS", trusted));
  CHECK(mc::forwarded_https("10.0.0.2", "https, http", trusted));
  CHECK_FALSE(mc::forwarded_https("10.0.0.2", "http", trusted));
  CHECK_FALSE(mc::forwarded_https("10.0.0.2", "", trusted));
  CHECK_FALSE(mc::forwarded_https("203.0.113.9", "https", trusted));
}

TEST_CASE("Per-client limits count an IPv6 client by its /64") {
  CHECK(mc::limit_key("198.51.100.7") == "198.51.100.7");
  CHECK(mc::limit_key("::ffff:198.51.100.7") == "198.51.100.7");
  CHECK(mc::limit_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
  CHECK(mc::limit_key("2001:db8:1:2::1") == mc::limit_key("2001:db8:1:2:ffff::9"));
  CHECK(mc::limit_key("2001:db8:1:3::1") != mc::limit_key("2001:db8:1:2::1"));
  CHECK(mc::limit_key("not-an-address") == "not-an-address");
}
