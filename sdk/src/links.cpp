#include "microtrack/links.hpp"

#include <cctype>

#include "microtrack/url.hpp"

namespace microtrack {
namespace {

constexpr StringListView kReviewSites{
    "trustpilot.com\0" "trustpilot.co.uk\0" "g2.com\0" "capterra.com\0" "yelp.com\0" "tripadvisor.com\0"
    "reviews.io\0" "sitejabber.com\0" "trustradius.com\0" "producthunt.com\0" "glassdoor.com\0" "feefo.com\0"
    "bbb.org\0" "consumeraffairs.com\0" "reviews.co.uk\0"};
constexpr StringListView kSocialNetworks{
    "facebook.com\0" "fb.com\0" "fb.me\0" "x.com\0" "twitter.com\0" "t.co\0" "linkedin.com\0" "lnkd.in\0"
    "instagram.com\0" "youtube.com\0" "youtu.be\0" "tiktok.com\0" "pinterest.com\0" "pin.it\0" "reddit.com\0"
    "threads.net\0" "bsky.app\0" "mastodon.social\0" "snapchat.com\0" "tumblr.com\0" "whatsapp.com\0" "wa.me\0"
    "t.me\0" "telegram.me\0" "discord.gg\0" "discord.com\0" "vk.com\0" "weibo.com\0" "xing.com\0"};

// For StringListView::any, which passes the list's item first.
bool within(std::string_view domain, std::string_view host) { return host_within(host, domain); }

// Second levels that are public suffixes under a country code ("co.uk").
constexpr StringListView kPublicSecondLevels{"co\0" "com\0" "net\0" "org\0" "gov\0" "edu\0" "ac\0" "ltd\0" "plc\0"
                                             "ne\0" "or\0" "go\0" "gob\0" "mil\0"};

// The site a host belongs to: its last two labels, or three under a
// country code with a public second level ("shop.example.co.uk").
std::string_view site_of(std::string_view host) {
  std::size_t last = host.rfind('.');
  bool address = host.find(':') != std::string_view::npos ||
                 (last != std::string_view::npos && std::isdigit(static_cast<unsigned char>(host.back())));
  if (address || last == std::string_view::npos || last == 0) return host;  // an IP, localhost
  std::size_t second = host.rfind('.', last - 1);
  if (second == std::string_view::npos) return host;
  std::string_view second_level = host.substr(second + 1, last - second - 1);
  bool country_code = host.size() - last - 1 == 2 && kPublicSecondLevels.contains(second_level);
  if (country_code) {
    std::size_t third = host.rfind('.', second - 1);
    return third == std::string_view::npos || second == 0 ? host : host.substr(third + 1);
  }
  return host.substr(second + 1);
}

}  // namespace

bool host_within(std::string_view host, std::string_view domain) {
  return !domain.empty() && host.size() >= domain.size() &&
         host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
         (host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.');
}

LinkClick classify_link(std::string_view href, bool download_attribute, std::string_view page_host,
                        StringListView internal_domains, StringListView download_extensions) {
  LinkClick click;
  if (starts_with(href, "mailto:") || starts_with(href, "tel:")) {
    click.kind = LinkClick::Kind::Contact;
    click.method = href[0] == 'm' ? "email" : "phone";
    return click;
  }
  UrlParts url = parse_url(href);
  std::string_view file = url.path;
  file = file.substr(file.rfind('/') + 1);
  std::size_t dot = file.rfind('.');
  if (dot != std::string_view::npos) {
    for (char c : file.substr(dot + 1)) click.extension += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool known = download_extensions.contains(click.extension);
    if (!known && !download_attribute) click.extension.clear();  // the attribute makes any file a download
  }
  if (download_attribute || !click.extension.empty()) {
    click.kind = LinkClick::Kind::Download;
    return click;
  }
  if (url.scheme != "http" && url.scheme != "https") return click;  // javascript:, relative: internal

  if (host_within(url.host, site_of(page_host)) || internal_domains.any(url.host, within)) return click;
  click.kind = LinkClick::Kind::Outbound;
  std::string_view domain = url.host;
  if (starts_with(domain, "www.")) domain.remove_prefix(4);
  click.domain = domain;
  click.category = kReviewSites.any(url.host, within)      ? "review"
                   : kSocialNetworks.any(url.host, within) ? "social"
                                                           : "other";
  return click;
}

}  // namespace microtrack
