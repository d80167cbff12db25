#include "microtrack/links.hpp"

#include <cctype>

#include "microtrack/string_list.hpp"
#include "microtrack/url.hpp"

namespace microtrack {
namespace {

// One space-separated literal per list: cheaper in wasm than string arrays.
constexpr std::string_view kReviewSites =
    "trustpilot.com trustpilot.co.uk g2.com capterra.com yelp.com tripadvisor.com reviews.io sitejabber.com "
    "trustradius.com producthunt.com glassdoor.com feefo.com bbb.org consumeraffairs.com reviews.co.uk";
constexpr std::string_view kSocialNetworks =
    "facebook.com fb.com fb.me x.com twitter.com t.co linkedin.com lnkd.in instagram.com youtube.com youtu.be "
    "tiktok.com pinterest.com pin.it reddit.com threads.net bsky.app mastodon.social snapchat.com tumblr.com "
    "whatsapp.com wa.me t.me telegram.me discord.gg discord.com vk.com weibo.com xing.com";

// Matches for any_item and any_word, which pass the list's entry first.
bool equal(std::string_view a, std::string_view b) { return a == b; }
bool within(std::string_view domain, std::string_view host) { return host_within(host, domain); }

// Second levels that are public suffixes under a country code ("co.uk").
constexpr std::string_view kPublicSecondLevels = "co com net org gov edu ac ltd plc ne or go gob mil";

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
  bool country_code = host.size() - last - 1 == 2 &&
                      any_word(kPublicSecondLevels, second_level, equal);
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
                        std::string_view internal_domains_json, std::string_view download_extensions_json) {
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
    bool known = any_item(download_extensions_json, click.extension, equal);
    if (!known && !download_attribute) click.extension.clear();  // the attribute makes any file a download
  }
  if (download_attribute || !click.extension.empty()) {
    click.kind = LinkClick::Kind::Download;
    return click;
  }
  if (url.scheme != "http" && url.scheme != "https") return click;  // javascript:, relative: internal

  if (host_within(url.host, site_of(page_host)) || any_item(internal_domains_json, url.host, within)) return click;
  click.kind = LinkClick::Kind::Outbound;
  std::string_view domain = url.host;
  if (starts_with(domain, "www.")) domain.remove_prefix(4);
  click.domain = domain;
  click.category = any_word(kReviewSites, url.host, within)      ? "review"
                   : any_word(kSocialNetworks, url.host, within) ? "social"
                                                                  : "other";
  return click;
}

}  // namespace microtrack
