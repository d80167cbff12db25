#pragma once
// Who is asking: the socket's peer, or — when that peer is a reverse proxy we
// trust — the address the proxy says it forwarded for (X-Forwarded-For).
// Rate limits, login throttling and "loopback only" all key on this, so a
// visitor must not be able to choose it: X-Forwarded-For is read only from a
// trusted peer, and only as far as the hops it names are trusted too.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace microtrack::collector {

// An IPv4 or IPv6 address as 16 bytes (IPv4 as ::ffff:a.b.c.d, so "10.0.0.1"
// and "::ffff:10.0.0.1", as a dual-stack socket reports it, are one address).
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool is_v4() const;
  // "10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1"; a bracketed "[::1]" and a
  // port after an IPv4 ("10.0.0.1:5678", as some proxies write it) are read
  // too. Nothing for anything else.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;  // canonical: IPv4 dotted, IPv6 as inet_ntop writes it
};

// 127.0.0.0/8 or ::1.
bool is_loopback(std::string_view address);

// --trusted-proxies: addresses and CIDR ranges, IPv4 and IPv6.
class TrustedProxies {
 public:
  // "10.0.0.0/8, 192.168.1.7, ::1, fd00::/8" (commas and/or spaces). Nothing,
  // with `error` naming the entry, when one is not an address or range.
  static std::optional<TrustedProxies> parse(std::string_view list, std::string& error);
  bool empty() const { return ranges_.empty(); }
  bool contains(const IpAddress& address) const;
  bool contains(std::string_view address) const;  // false when not an address

 private:
  struct Range {
    IpAddress base;
    int prefix_bits = 128;  // of the 16-byte form (an IPv4 /8 is 96 + 8)
  };
  std::vector<Range> ranges_;
};

// The client's address for a request from `peer` (the socket's remote
// address) carrying these X-Forwarded-For values (every header line, in
// order; each a comma-separated list, the nearest hop last):
//   - the peer is not trusted: the peer, whatever the header says;
//   - else the header read from the right, skipping trusted hops: the first
//     untrusted one is the client;
//   - a hop that is not an address stops the walk: the last trusted hop seen
//     (the proxy that wrote the garbage) is the client;
//   - every hop trusted (a request from inside): the leftmost.
std::string client_address(std::string_view peer, const std::vector<std::string>& forwarded_for,
                           const TrustedProxies& trusted);

// The key per-client limits (rate limit, login throttle) count under: an
// IPv4 address as it is, an IPv6 address by its /64 — one subscriber's
// network, where rotating addresses costs nothing ("2001:db8:1:2::/64").
// Anything else as given.
std::string limit_key(std::string_view address);

// Whether the request reached the proxy over https: X-Forwarded-Proto says
// "https" and the peer is a trusted proxy (from anyone else it is ignored).
bool forwarded_https(std::string_view peer, std::string_view forwarded_proto, const TrustedProxies& trusted);

}  // namespace microtrack::collector
