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

bool listed(std::string_view host, std::string_view list) {
  for (std::size_t start = 0; start < list.size();) {
    std::size_t end = list.find(' ', start);
    if (end == std::string_view::npos) end = list.size();
    if (host_within(host, list.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

// Second levels that are public suffixes under a country code ("co.uk").
constexpr std::string_view kPublicSecondLevels = " co com net org gov edu ac ltd plc ne or go gob mil ";

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
  bool country_code = host.size() - last - 1 == 2 && kPublicSecondLevels.find(" " + std::string(second_level) + " ") !=
                                                          std::string_view::npos;
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
  if (href.rfind("mailto:", 0) == 0 || href.rfind("tel:", 0) == 0) {
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
    bool known = any_item(download_extensions_json, [&](const std::string& listed) { return listed == click.extension; });
    if (!known && !download_attribute) click.extension.clear();  // the attribute makes any file a download
  }
  if (download_attribute || !click.extension.empty()) {
    click.kind = LinkClick::Kind::Download;
    return click;
  }
  if (url.scheme != "http" && url.scheme != "https") return click;  // javascript:, relative: internal

  if (host_within(url.host, site_of(page_host)) ||
      any_item(internal_domains_json, [&](const std::string& domain) { return host_within(url.host, domain); }))
    return click;
  click.kind = LinkClick::Kind::Outbound;
  click.domain = url.host.rfind("www.", 0) == 0 ? url.host.substr(4) : url.host;
  click.category = listed(url.host, kReviewSites) ? "review" : listed(url.host, kSocialNetworks) ? "social" : "other";
  return click;
}

}  // namespace microtrack
