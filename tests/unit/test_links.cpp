// classify_link (CONTRACT §3 outbound_click, file_download, contact_click):
// what a click on a link is, from its URL, the page's host and the config.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/links.hpp"

using microtrack::classify_link;
using microtrack::host_within;
using microtrack::LinkClick;
using Kind = microtrack::LinkClick::Kind;
using Strings = microtrack::StringList;
using mt_test::list_of;

namespace {

// CONTRACT §3's default clicks.downloads.
const Strings kDownloads = list_of({"pdf", "epub", "mobi", "zip", "rar", "7z", "doc", "docx", "xls", "xlsx", "ppt",
                                    "pptx", "csv", "txt", "rtf", "mp3", "mp4", "mov", "dmg", "exe", "msi", "apk"});
const Strings kNoInternal;

LinkClick on(const char* page_host, const char* href, const Strings& internal = kNoInternal) {
  return classify_link(href, false, page_host, internal, kDownloads);
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Internal: return "internal";
    case Kind::Outbound: return "outbound";
    case Kind::Download: return "download";
    case Kind::Contact: return "contact";
  }
  return "?";
}

std::string kind_of(const LinkClick& c) { return kind_name(c.kind); }

}  // namespace

TEST_CASE("Links within the page's own site are internal", "[links]") {
  SECTION("the same host") { CHECK(kind_of(on("example.com", "https://example.com/pricing")) == "internal"); }
  SECTION("www to the bare domain and back") {
    CHECK(kind_of(on("www.example.com", "https://example.com/")) == "internal");
    CHECK(kind_of(on("example.com", "https://www.example.com/")) == "internal");
  }
  SECTION("a subdomain of the site") {
    CHECK(kind_of(on("www.example.com", "https://blog.example.com/post")) == "internal");
    CHECK(kind_of(on("shop.example.com", "https://help.example.com/")) == "internal");
  }
  SECTION("another scheme or a port on the same host") {
    CHECK(kind_of(on("example.com", "http://example.com:8080/x")) == "internal");
  }
  SECTION("host case does not matter") { CHECK(kind_of(on("example.com", "https://WWW.Example.COM/a")) == "internal"); }
  SECTION("relative and javascript: links") {
    CHECK(kind_of(on("example.com", "/pricing")) == "internal");
    CHECK(kind_of(on("example.com", "javascript:void(0)")) == "internal");
  }
}

TEST_CASE("Links to another site are outbound with their domain", "[links]") {
  SECTION("another domain") {
    const LinkClick c = on("www.example.com", "https://other.org/page?x=1");
    CHECK(kind_of(c) == "outbound");
    CHECK(c.domain == "other.org");
    CHECK(c.category == "other");
  }
  SECTION("the domain drops www. but keeps other subdomains") {
    CHECK(on("example.com", "https://www.other.org/").domain == "other.org");
    CHECK(on("example.com", "https://docs.other.org/").domain == "docs.other.org");
  }
  SECTION("a domain that merely ends with the page's name is not a subdomain") {
    CHECK(kind_of(on("example.com", "https://notexample.com/")) == "outbound");
    CHECK(kind_of(on("example.com", "https://example.com.evil.net/")) == "outbound");
  }
  SECTION("plain http") { CHECK(kind_of(on("example.com", "http://other.org/")) == "outbound"); }
}

TEST_CASE("internalDomains and their subdomains are internal", "[links]") {
  const Strings internal = list_of({"example-shop.com", "partner.io"});
  SECTION("a listed domain") { CHECK(kind_of(on("example.com", "https://example-shop.com/cart", internal)) == "internal"); }
  SECTION("a subdomain of a listed domain") {
    CHECK(kind_of(on("example.com", "https://checkout.example-shop.com/", internal)) == "internal");
    CHECK(kind_of(on("example.com", "https://www.partner.io/", internal)) == "internal");
  }
  SECTION("an unlisted domain is still outbound") {
    CHECK(kind_of(on("example.com", "https://other.org/", internal)) == "outbound");
    CHECK(kind_of(on("example.com", "https://evilpartner.io/", internal)) == "outbound");
  }
}

TEST_CASE("Pages on an IP address or localhost compare whole hosts", "[links]") {
  SECTION("an IPv4 page") {
    CHECK(kind_of(on("192.168.1.10", "http://192.168.1.10/about")) == "internal");
    CHECK(kind_of(on("192.168.1.10", "http://192.168.1.10:3000/about")) == "internal");
    CHECK(kind_of(on("192.168.1.10", "http://10.168.1.10/")) == "outbound");
    CHECK(kind_of(on("192.168.1.10", "http://1.10/")) == "outbound");  // not "the site 1.10"
    CHECK(kind_of(on("192.168.1.10", "https://example.com/")) == "outbound");
  }
  SECTION("localhost") {
    CHECK(kind_of(on("localhost", "http://localhost:8080/")) == "internal");
    CHECK(kind_of(on("localhost", "https://example.com/")) == "outbound");
  }
  SECTION("an IPv6 page") {
    CHECK(kind_of(on("[::1]", "http://[::1]:8080/")) == "internal");
    CHECK(kind_of(on("[::1]", "https://example.com/")) == "outbound");
  }
}

TEST_CASE("A .co.uk site is its three last labels", "[links]") {
  SECTION("subdomains of the site are internal") {
    CHECK(kind_of(on("shop.example.co.uk", "https://www.example.co.uk/")) == "internal");
    CHECK(kind_of(on("www.example.co.uk", "https://example.co.uk/")) == "internal");
    CHECK(kind_of(on("example.co.uk", "https://blog.example.co.uk/")) == "internal");
  }
  SECTION("another .co.uk site is outbound") {
    const LinkClick c = on("www.example.co.uk", "https://www.other.co.uk/");
    CHECK(kind_of(c) == "outbound");
    CHECK(c.domain == "other.co.uk");
  }
  SECTION("other second levels under a country code") {
    CHECK(kind_of(on("www.example.com.au", "https://shop.example.com.au/")) == "internal");
    CHECK(kind_of(on("www.example.com.au", "https://www.other.com.au/")) == "outbound");
  }
}

// Regression (found by this test, fixed): site_of() treats any second level of up to
// three letters under a two-letter TLD as a public suffix like "co.uk", so the
// site of "www.gmx.de" is taken to be "www.gmx.de" itself and its own bare
// domain and subdomains come out outbound. links.hpp: "Subdomains of the
// page's site ... are internal."
TEST_CASE("A short brand under a country code keeps its subdomains internal", "[links]") {
  CHECK(kind_of(on("www.gmx.de", "https://gmx.de/mail")) == "internal");
  CHECK(kind_of(on("www.bmw.de", "https://shop.bmw.de/")) == "internal");
  CHECK(kind_of(on("app.web.de", "https://www.web.de/")) == "internal");
}

TEST_CASE("Outbound links carry a link_category", "[links]") {
  auto category = [](const char* href) { return on("example.com", href).category; };
  SECTION("review sites") {
    CHECK(category("https://www.trustpilot.com/review/example.com") == "review");
    CHECK(category("https://uk.trustpilot.com/review/example.com") == "review");
    CHECK(category("https://www.g2.com/products/example") == "review");
  }
  SECTION("social networks") {
    CHECK(category("https://www.facebook.com/example") == "social");
    CHECK(category("https://m.facebook.com/example") == "social");
    CHECK(category("https://x.com/example") == "social");
    CHECK(category("https://twitter.com/example") == "social");
    CHECK(category("https://www.youtube.com/@example") == "social");
    CHECK(category("https://youtu.be/abc") == "social");
    CHECK(category("https://www.linkedin.com/company/example") == "social");
    CHECK(category("https://www.instagram.com/example") == "social");
    CHECK(category("https://www.tiktok.com/@example") == "social");
    CHECK(category("https://www.pinterest.com/example") == "social");
  }
  SECTION("names that only end like a network are other") {
    CHECK(category("https://box.com/") == "other");      // not x.com
    CHECK(category("https://notfacebook.com/") == "other");
    CHECK(category("https://facebook.com.evil.net/") == "other");
  }
  SECTION("everything else") { CHECK(category("https://en.wikipedia.org/wiki/Tracking") == "other"); }
}

TEST_CASE("A link with a listed extension is a download", "[links]") {
  SECTION("on the same site") {
    const LinkClick c = on("example.com", "https://example.com/files/ebook.pdf");
    CHECK(kind_of(c) == "download");
    CHECK(c.extension == "pdf");
  }
  SECTION("a download wins over outbound") {
    const LinkClick c = on("example.com", "https://cdn.other.org/setup.exe");
    CHECK(kind_of(c) == "download");
    CHECK(c.extension == "exe");
    CHECK(c.domain == "");
  }
  SECTION("the extension is matched and reported in lower case") {
    const LinkClick c = on("example.com", "https://example.com/Report.PDF");
    CHECK(kind_of(c) == "download");
    CHECK(c.extension == "pdf");
  }
  SECTION("the query and fragment are ignored") {
    CHECK(on("example.com", "https://example.com/a/data.csv?v=2#top").extension == "csv");
    CHECK(kind_of(on("example.com", "https://example.com/get?file=report.pdf")) == "internal");
    CHECK(kind_of(on("example.com", "https://example.com/page#notes.pdf")) == "internal");
  }
  SECTION("a relative link") { CHECK(kind_of(on("example.com", "/downloads/app.apk")) == "download"); }
  SECTION("only the file name's extension counts, not a dotted directory") {
    CHECK(kind_of(on("example.com", "https://example.com/v1.zip/readme")) == "internal");
  }
  SECTION("an unlisted extension is not a download") {
    const LinkClick c = on("example.com", "https://example.com/about.html");
    CHECK(kind_of(c) == "internal");
    CHECK(c.extension == "");
  }
}

TEST_CASE("The download attribute makes any link a download", "[links]") {
  SECTION("with a listed extension it is reported") {
    const LinkClick c = classify_link("https://example.com/ebook.epub", true, "example.com", kNoInternal, kDownloads);
    CHECK(kind_of(c) == "download");
    CHECK(c.extension == "epub");
  }
  SECTION("without one the extension is empty") {
    const LinkClick c = classify_link("https://example.com/export?id=7", true, "example.com", kNoInternal, kDownloads);
    CHECK(kind_of(c) == "download");
    CHECK(c.extension == "");
  }
  SECTION("an unlisted extension is reported too: the attribute made it a download") {
    const LinkClick c = classify_link("https://example.com/Data.JSON", true, "example.com", kNoInternal, kDownloads);
    CHECK(kind_of(c) == "download");
    CHECK(c.extension == "json");
  }
}

TEST_CASE("An empty extension list turns off extension downloads", "[links]") {
  const Strings none;
  SECTION("a pdf on the site is an internal link") {
    const LinkClick c = classify_link("https://example.com/ebook.pdf", false, "example.com", kNoInternal, none);
    CHECK(kind_of(c) == "internal");
    CHECK(c.extension == "");
  }
  SECTION("a pdf elsewhere is an outbound link") {
    const LinkClick c = classify_link("https://other.org/ebook.pdf", false, "example.com", kNoInternal, none);
    CHECK(kind_of(c) == "outbound");
    CHECK(c.extension == "");
  }
  SECTION("the download attribute still counts") {
    CHECK(kind_of(classify_link("https://example.com/ebook.pdf", true, "example.com", kNoInternal, none)) ==
          "download");
  }
}

TEST_CASE("mailto: and tel: links are contact clicks that leak no address", "[links]") {
  SECTION("mailto: is email") {
    const LinkClick c = on("example.com", "mailto:sales@example.com?subject=Hi");
    CHECK(kind_of(c) == "contact");
    CHECK(c.method == "email");
    CHECK(c.domain == "");
    CHECK(c.extension == "");
    CHECK(c.category == "");
  }
  SECTION("tel: is phone") {
    const LinkClick c = on("example.com", "tel:+44-20-7946-0958");
    CHECK(kind_of(c) == "contact");
    CHECK(c.method == "phone");
    CHECK(c.domain == "");
    CHECK(c.extension == "");
  }
  SECTION("an address that looks like a file is still a contact") {
    const LinkClick c = on("example.com", "mailto:cv.pdf@example.com");
    CHECK(kind_of(c) == "contact");
    CHECK(c.extension == "");
  }
}

TEST_CASE("host_within is true for the domain and its subdomains only", "[links]") {
  CHECK(host_within("example.com", "example.com"));
  CHECK(host_within("a.b.example.com", "example.com"));
  CHECK_FALSE(host_within("badexample.com", "example.com"));
  CHECK_FALSE(host_within("example.com", "www.example.com"));
  CHECK_FALSE(host_within("com", "example.com"));
  CHECK_FALSE(host_within("example.com", ""));
}
