// Link clicks (CONTRACT §3 outbound_click, file_download, contact_click):
// what a click on a link to `href` is, from the URL alone.
#pragma once

#include <string_view>

#include "microtrack/string.hpp"
#include "microtrack/string_list.hpp"

namespace microtrack {

struct LinkClick {
  enum class Kind { Internal, Outbound, Download, Contact } kind = Kind::Internal;
  String domain;              // Outbound: the link's host without "www."
  std::string_view category;  // Outbound: "review", "social" or "other"
  String extension;           // Download: the file's, lower case ("" when the URL has none)
  std::string_view method;    // Contact: "email" or "phone"
};

// `href` is the link's absolute URL, `page_host` the current page's host.
// Subdomains of the page's site and of `internal_domains` are internal.
// `download_extensions` (lower case) names the files that are downloads. A
// download wins over outbound.
LinkClick classify_link(std::string_view href, bool download_attribute, std::string_view page_host,
                        StringListView internal_domains, StringListView download_extensions);

// True when `host` is `domain` or one of its subdomains.
bool host_within(std::string_view host, std::string_view domain);

}  // namespace microtrack
