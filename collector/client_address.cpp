#include "client_address.hpp"

#include <algorithm>
#include <cstring>

#include <arpa/inet.h>

namespace microtrack::collector {
namespace {

constexpr std::uint8_t kV4Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The hops of X-Forwarded-For lines, in order (the nearest last).
std::vector<std::string_view> hops_of(const std::vector<std::string>& lines) {
  std::vector<std::string_view> hops;
  for (const std::string& line : lines) {
    std::string_view rest = line;
    while (!rest.empty()) {
      const std::size_t comma = std::min(rest.find(','), rest.size());
      hops.push_back(trim_spaces(rest.substr(0, comma)));
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
  }
  return hops;
}

bool parse_number(std::string_view text, int max, int& out) {
  if (text.empty() || text.size() > 3) return false;
  out = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return out <= max;
}

}  // namespace

bool IpAddress::is_v4() const { return std::memcmp(bytes.data(), kV4Prefix, 12) == 0; }

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  text = trim_spaces(text);
  if (text.size() > 2 && text.front() == '[') {  // "[::1]" or "[::1]:443"
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // "10.0.0.1:5678"
    text = text.substr(0, text.find(':'));
  }
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string zero_terminated(text);
  IpAddress address;
  if (inet_pton(AF_INET, zero_terminated.c_str(), address.bytes.data() + 12) == 1) {
    std::memcpy(address.bytes.data(), kV4Prefix, 12);
    return address;
  }
  if (inet_pton(AF_INET6, zero_terminated.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char out[INET6_ADDRSTRLEN] = {};
  if (is_v4())
    inet_ntop(AF_INET, bytes.data() + 12, out, sizeof out);
  else
    inet_ntop(AF_INET6, bytes.data(), out, sizeof out);
  return out;
}

bool is_loopback(std::string_view text) {
  const auto address = IpAddress::parse(text);
  if (!address) return false;
  if (address->is_v4()) return address->bytes[12] == 127;
  static const IpAddress kV6Loopback = *IpAddress::parse("::1");
  return address->bytes == kV6Loopback.bytes;
}

std::optional<TrustedProxies> TrustedProxies::parse(std::string_view list, std::string& error) {
  TrustedProxies proxies;
  while (!list.empty()) {
    const std::size_t end = std::min(list.find_first_of(", "), list.size());
    const std::string_view entry = list.substr(0, end);
    list.remove_prefix(std::min(end + 1, list.size()));
    if (entry.empty()) continue;
    const std::size_t slash = entry.find('/');
    const auto base = IpAddress::parse(entry.substr(0, slash));
    Range range;
    bool ok = base.has_value();
    if (ok) {
      range.base = *base;
      if (slash != std::string_view::npos) {
        int bits = 0;
        ok = parse_number(entry.substr(slash + 1), base->is_v4() ? 32 : 128, bits);
        range.prefix_bits = base->is_v4() ? 96 + bits : bits;
      }
    }
    if (!ok) {
      error = "not an address or CIDR range: \"" + std::string(entry) + "\"";
      return std::nullopt;
    }
    proxies.ranges_.push_back(range);
  }
  return proxies;
}

bool TrustedProxies::contains(const IpAddress& address) const {
  for (const Range& range : ranges_) {
    const int whole = range.prefix_bits / 8, rest = range.prefix_bits % 8;
    if (std::memcmp(address.bytes.data(), range.base.bytes.data(), static_cast<std::size_t>(whole)) != 0) continue;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff00 >> rest);
    if (rest == 0 || ((address.bytes[whole] ^ range.base.bytes[whole]) & mask) == 0) return true;
  }
  return false;
}

bool TrustedProxies::contains(std::string_view text) const {
  const auto address = IpAddress::parse(text);
  return address && contains(*address);
}

std::string client_address(std::string_view peer, const std::vector<std::string>& forwarded_for,
                           const TrustedProxies& trusted) {
  const auto peer_address = IpAddress::parse(peer);
  if (!peer_address || !trusted.contains(*peer_address)) return std::string(peer);
  std::string nearest = peer_address->to_string();  // the last trusted hop seen
  const std::vector<std::string_view> hops = hops_of(forwarded_for);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = IpAddress::parse(*hop);
    if (!address) return nearest;
    nearest = address->to_string();
    if (!trusted.contains(*address)) return nearest;
  }
  return nearest;  // all trusted: the leftmost (or the peer, without a header)
}

std::string limit_key(std::string_view text) {
  auto address = IpAddress::parse(text);
  if (!address) return std::string(text);
  if (address->is_v4()) return address->to_string();
  std::fill(address->bytes.begin() + 8, address->bytes.end(), 0);
  return address->to_string() + "/64";
}

bool forwarded_https(std::string_view peer, std::string_view forwarded_proto, const TrustedProxies& trusted) {
  // A chain of proxies may list one protocol per hop: the first is the client's.
  forwarded_proto = trim_spaces(forwarded_proto.substr(0, forwarded_proto.find(',')));
  return forwarded_proto.size() == 5 && trusted.contains(peer) &&
         std::equal(forwarded_proto.begin(), forwarded_proto.end(), "https",
                    [](char a, char b) { return (a | 0x20) == b; });
}

}  // namespace microtrack::collector
