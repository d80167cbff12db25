// The core's URL scrubber (sdk/src/url.cpp scrub_url): never crashes, only
// removes (the output is no longer than the input and starts with its part
// before '?' and '#'), and removes everything it should at once: scrubbing
// again changes nothing.
//
// Input: a URL, or `["name",...]\n` + a URL to scrub other names than the
// SDK's defaults (read_config guarantees an array of strings).
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.hpp"
#include "microtrack/json.hpp"
#include "microtrack/url.hpp"

namespace {

// The names of a JSON array of strings, as read_config keeps them; false
// for any other text.
bool read_names(std::string_view text, microtrack::StringList& names) {
  const microtrack::JsonView list = microtrack::JsonView::parse(text);
  if (!list.is_array()) return false;
  microtrack::StringList read;
  for (auto c = list.children(); c.next();) {
    if (!c.value().is_string()) return false;
    read.push_back(c.value().as_string());
  }
  names = read;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view url(reinterpret_cast<const char*>(data), size);
  microtrack::StringList names{"email\0" "token\0" "password\0" "auth\0" "key\0" "code\0"};
  const std::size_t newline = url.find('\n');
  if (!url.empty() && url.front() == '[' && newline != std::string_view::npos &&
      read_names(url.substr(0, newline), names))
    url = url.substr(newline + 1);
  const microtrack::String scrubbed = microtrack::scrub_url(url, names);
  FUZZ_CHECK(scrubbed.size() <= url.size());
  const std::string_view base = url.substr(0, url.find_first_of("?#"));
  FUZZ_CHECK(std::string_view(scrubbed).substr(0, base.size()) == base);
  FUZZ_CHECK(microtrack::scrub_url(scrubbed, names) == scrubbed);
  microtrack::parse_url(url);
  return 0;
}
