#include "microtrack/url.hpp"

#include <algorithm>
#include <cctype>

#include "microtrack/digits.hpp"


namespace microtrack {
namespace {

String lower(std::string_view text) {
  String out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Cuts `text` at the first `separator` and returns what follows it: "" when
// there is none (an empty query or fragment reads as none everywhere here).
std::string_view cut_at(std::string_view& text, char separator) {
  std::size_t at = std::min(text.find(separator), text.size());
  std::string_view rest = text.substr(std::min(at + 1, text.size()));
  text = text.substr(0, at);
  return rest;
}

}  // namespace

String percent_decode(std::string_view text) {
  String out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool QueryPairs::next() {
  while (!done_) {
    std::size_t end = rest_.find('&');
    done_ = end == std::string_view::npos;
    pair = rest_.substr(0, end);
    rest_.remove_prefix(done_ ? rest_.size() : end + 1);
    if (!pair.empty()) return true;
  }
  return false;
}

namespace {

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Appends the parameters of an '&'-separated list that are not scrubbed,
// verbatim, after `separator`; nothing at all when none is kept.
void append_kept_params(String& out, std::string_view separator, std::string_view params,
                        StringListView names) {
  for (QueryPairs pairs(params); pairs.next();) {
    if (names.any(percent_decode(pairs.name()), same_ignoring_case)) continue;
    out += separator;
    out += pairs.pair;
    separator = "&";
  }
}

}  // namespace

UrlParts parse_url(std::string_view url) {
  UrlParts parts;
  parts.fragment = cut_at(url, '#');
  parts.query = cut_at(url, '?');
  std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos && url.find('/') > scheme_end) {
    parts.scheme = lower(url.substr(0, scheme_end));
    url = url.substr(scheme_end + 3);
    std::size_t path_start = url.find('/');
    std::string_view authority = url.substr(0, path_start);
    std::size_t at = authority.rfind('@');  // user:pass@ never leaves the page
    if (at != std::string_view::npos) authority = authority.substr(at + 1);
    std::size_t colon = authority.rfind(':');
    std::size_t bracket = authority.rfind(']');  // an IPv6 literal holds colons of its own
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
      parts.port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    parts.host = lower(authority);
    parts.path = path_start == std::string_view::npos ? "/" : url.substr(path_start);
  } else {
    parts.path = url;
  }
  return parts;
}

String scrub_url(std::string_view url, StringListView names) {
  std::string_view fragment = cut_at(url, '#');
  std::string_view query = cut_at(url, '?');
  String out(url);
  append_kept_params(out, "?", query, names);
  if (fragment.empty()) return out;
  // The fragment: a hash router's route with a query of its own
  // (#/reset?token=…), parameters straight in it as OAuth puts them
  // (#access_token=…), or both. The part before a '?' is scrubbed as
  // parameters when it holds a '=' (else it is a route, kept as it is); the
  // part after a '?' always is. (Deciding by the part before the '?' alone
  // keeps a second scrub from finding anything more.)
  const std::size_t fragment_start = out.size() + 1;
  out += '#';
  const std::string_view route_query = cut_at(fragment, '?');
  if (fragment.find('=') == std::string_view::npos)
    out += fragment;
  else
    append_kept_params(out, "", fragment, names);
  append_kept_params(out, "?", route_query, names);
  // Nothing left after the '#': drop it (not a '#' that ends a kept fragment).
  if (out.size() == fragment_start) out.pop_back();
  return out;
}

}  // namespace microtrack
