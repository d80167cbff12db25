// URL pieces the tracker needs: no DOM, no allocation-heavy parser.
#pragma once

#include <algorithm>
#include <string_view>

#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

// The parts of one URL. Scheme and host are lower-cased copies; the other
// parts are views into the parsed text, which must outlive them.
struct UrlParts {
  String scheme;          // "https" (lower case), "" for a relative URL
  String host;            // "www.example.com" (lower case, no port)
  std::string_view port;       // "8080" or ""
  std::string_view path;       // "/pricing", "/" when empty on an absolute URL
  std::string_view query;      // without '?'
  std::string_view fragment;   // without '#'
};

UrlParts parse_url(std::string_view url);

// A query parameter's name or value percent-decoded ('+' as space).
String percent_decode(std::string_view text);

// The name=value pairs of an '&'-separated list (a query, or a fragment used
// as one), in order, empty ones skipped: `while (pairs.next()) use(pairs.pair)`.
class QueryPairs {
 public:
  explicit QueryPairs(std::string_view params) : rest_(params) {}
  bool next();
  std::string_view pair;                                // "name=value", verbatim
  std::string_view name() const { return pair.substr(0, pair.find('=')); }
  std::string_view value() const { return pair.substr(std::min(pair.find('='), pair.size() - 1) + 1); }

 private:
  std::string_view rest_;
  bool done_ = false;
};

// Removes every query parameter whose name is one of `names` (matched
// case-insensitively), from the query and from a fragment that looks like a
// query (OAuth puts tokens there). Everything else is kept byte for byte.
String scrub_url(std::string_view url, StringListView names);

// C++20's starts_with (rfind(prefix, 0) pulls in a general search).
inline bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace microtrack
