// Seeds a store with N realistic events, fast, through the store's own bulk
// path (Store::insert_events, a few thousand events per transaction): the
// same rows whatever the engine, so the funnel and totals timings of
// bench/funnel.sh compare engines on identical data.
//
//   build/release/seed_events STORE_URL EVENTS [DAYS [PART/PARTS]]
//   (STORE_URL as --db takes it: a SQLite path, postgresql://…)
// PART/PARTS (e.g. 0/2 and 1/2, run at once): each process generates all
// the events but stores only every PARTS-th batch, from the PART-th on; so
// a server store (PostgreSQL) is filled by several connections, with the
// same rows as one process would store.
//
// The data: visits to the demo site over DAYS (30) days from 2026-11-01,
// in time order. A visit is one session of one visitor (a third of the
// visits are returning visitors); it comes with a campaign (none, Google
// ads, the newsletter, Facebook) and lands on /, /pricing.html or a blog
// page, then does what the demo's funnels count, each step less often than
// the one before: scroll depths 25/50/75/100, an element seen, the video
// started and watched to half, the newsletter form started and submitted
// (then an identify), the pricing page, a plan chosen, the thanks page, an
// outbound click. ~5 events per visit, each SDK-shaped (~800 bytes with its
// context: page, campaign, library, user agent, screen). Deterministic: the
// same arguments give the same events.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "iso_time.hpp"
#include "json_scan.hpp"
#include "store.hpp"
#include "validate.hpp"

namespace mc = microtrack::collector;

namespace {

// splitmix64: small, fast, and good enough to spread visits.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

// A UUID-shaped id, a function of (tag, n): visitors and sessions keep theirs.
std::string uuid(std::uint64_t tag, std::uint64_t n) {
  Rng rng{tag * 0x100000001b3ULL ^ n};
  const std::uint64_t a = rng.next(), b = rng.next();
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                static_cast<unsigned>(b >> 52) & 0xfff, static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return text;
}

struct Campaign {
  const char* source;  // null: no campaign
  const char* medium;
  const char* name;
};
// Shares: 40 % direct, 25 % Google ads, 20 % the newsletter, 15 % Facebook.
const Campaign kCampaigns[] = {{nullptr, nullptr, nullptr},
                               {"google", "cpc", "brand"},
                               {"newsletter", "email", "nov"},
                               {"facebook", "social", "launch"}};
int pick_campaign(Rng& rng) {
  const double u = rng.unit();
  return u < 0.40 ? 0 : u < 0.65 ? 1 : u < 0.85 ? 2 : 3;
}

// One visit: who, which session, when it starts, how it came.
struct Visit {
  std::string anonymous_id, session_id;
  double start_ms = 0;
  const Campaign* campaign = nullptr;
};

// Writes the events of one visit as SDK-shaped JSON texts.
class EventWriter {
 public:
  explicit EventWriter(std::vector<std::string>& out) : out_(out) {}

  void track(const Visit& visit, double at_ms, const std::string& path, const std::string& name,
             const std::string& properties) {
    add(visit, at_ms, path, R"("type":"track","event":")" + name + R"(","properties":)" + properties);
  }
  void page(const Visit& visit, double at_ms, const std::string& path) {
    add(visit, at_ms, path,
        R"("type":"page","name":")" + title_of(path) + R"(","properties":{"path":")" + path + R"("})");
  }
  void identify(const Visit& visit, double at_ms, const std::string& path) {
    add(visit, at_ms, path,
        R"("type":"identify","userId":"u-)" + visit.anonymous_id.substr(0, 8) +
            R"(","traits":{"newsletter":true,"plan":"none"})");
  }
  std::uint64_t written() const { return counter_; }

 private:
  static std::string title_of(const std::string& path) {
    if (path == "/") return "Fjordbrew - the smart grinder";
    if (path == "/pricing.html") return "Pricing - Fjordbrew";
    if (path == "/thanks.html") return "Thank you - Fjordbrew";
    return "Grinding for espresso - Fjordbrew blog";
  }
  void add(const Visit& visit, double at_ms, const std::string& path, const std::string& body) {
    const Campaign& c = *visit.campaign;
    const std::string search =
        c.source ? std::string("?utm_source=") + c.source + "&utm_medium=" + c.medium + "&utm_campaign=" + c.name : "";
    std::string text = "{" + body + R"(,"messageId":")" + uuid(3, counter_++) + R"(","anonymousId":")" +
                       visit.anonymous_id + R"(","timestamp":")" + mc::format_iso8601_ms(at_ms) +
                       R"(","context":{"library":{"name":"microtrack","version":"0.1.0"},"page":{"url":"https://fjordbrew.example)" +
                       path + search + R"(","path":")" + path + R"(","search":")" + search + R"(","title":")" +
                       title_of(path) + R"(","referrer":""},)";
    if (c.source)
      text += std::string(R"("campaign":{"source":")") + c.source + R"(","medium":")" + c.medium +
              R"(","name":")" + c.name + R"("},)";
    text += R"("sessionId":")" + visit.session_id +
            R"(","userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",)"
            R"("locale":"en-GB","timezone":"Europe/Oslo","screen":{"width":1280,"height":720}}})";
    out_.push_back(std::move(text));
  }

  std::vector<std::string>& out_;
  std::uint64_t counter_ = 0;
};

// What a visitor does, each step less likely than the one before, seconds
// to minutes apart (within the funnels' default 30-minute window).
void write_visit(Rng& rng, const Visit& visit, EventWriter& writer) {
  double t = visit.start_ms;
  const auto later = [&](double max_s) { return t += 1000 + rng.unit() * max_s * 1000; };
  const double u = rng.unit();
  const std::string landing = u < 0.75 ? "/" : u < 0.90 ? "/pricing.html" : "/blog/espresso.html";
  writer.page(visit, t, landing);
  for (int percent : {25, 50, 75, 100}) {
    if (!rng.chance(percent == 25 ? 0.8 : 0.7)) break;
    writer.track(visit, later(40), landing, "scroll_depth", R"({"percent":)" + std::to_string(percent) + "}");
  }
  if (rng.chance(0.5)) writer.track(visit, later(20), landing, "element_visible", R"({"element_id":"reviews"})");
  if (landing == "/" && rng.chance(0.45)) {
    writer.track(visit, later(30), landing, "video_start", R"({"video_id":"grinder-demo"})");
    if (rng.chance(0.6))
      writer.track(visit, later(60), landing, "video_progress", R"({"video_id":"grinder-demo","percent":50})");
  }
  if (rng.chance(0.25)) {
    writer.track(visit, later(60), landing, "form_start", R"({"form_id":"newsletter"})");
    if (rng.chance(0.6)) {
      writer.track(visit, later(60), landing, "form_submit", R"({"form_id":"newsletter"})");
      if (rng.chance(0.5)) writer.identify(visit, later(5), landing);
    }
  }
  if (landing == "/pricing.html" || rng.chance(0.3)) {
    if (landing != "/pricing.html") writer.page(visit, later(60), "/pricing.html");
    if (rng.chance(0.4)) {
      writer.track(visit, later(90), "/pricing.html", "plan_select", R"({"plan":"pro"})");
      if (rng.chance(0.7)) writer.page(visit, later(60), "/thanks.html");
    }
  }
  if (rng.chance(0.1))
    writer.track(visit, later(120), landing, "outbound_click",
                 R"({"href":"https://www.trustpilot.com/review/fjordbrew.example"})");
}

// Stores `texts` in one transaction; false (and a message) on an error.
bool store_texts(mc::Store& store, const std::vector<std::string>& texts) {
  std::vector<mc::json_scan::Object> events;
  events.reserve(texts.size());
  for (const std::string& text : texts) {
    if (!mc::json_scan::valid(text)) return std::fprintf(stderr, "seed: not JSON: %s\n", text.c_str()), false;
    auto event = mc::json_scan::Object::of(text);
    if (const auto error = mc::validate_event(event))
      return std::fprintf(stderr, "seed: invalid event (%s): %s\n", error->c_str(), text.c_str()), false;
    events.push_back(std::move(event));
  }
  const double received_ms = *mc::parse_iso8601_ms(*events.back().string_at("timestamp"));
  const auto result = store.insert_events(events, std::nullopt, received_ms);
  if (!result.error.empty()) return std::fprintf(stderr, "seed: insert failed: %s\n", result.error.c_str()), false;
  if (result.accepted != static_cast<int>(events.size()))
    return std::fprintf(stderr, "seed: %d of %zu stored (duplicates?)\n", result.accepted, events.size()), false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return std::fprintf(stderr, "usage: %s STORE_URL EVENTS [DAYS]\n", argv[0]), 2;
  const std::uint64_t total = std::strtoull(argv[2], nullptr, 10);
  const double days = argc > 3 ? std::atof(argv[3]) : 30;
  unsigned part = 0, parts = 1;
  if (argc > 4 && (std::sscanf(argv[4], "%u/%u", &part, &parts) != 2 || parts == 0 || part >= parts))
    return std::fprintf(stderr, "seed: PART/PARTS is like 0/2\n"), 2;
  std::string error;
  auto store = mc::Store::open(argv[1], error);
  if (!store) return std::fprintf(stderr, "seed: cannot open the store: %s\n", error.c_str()), 1;

  const double start_ms = *mc::parse_iso8601_ms("2026-11-01T00:00:00Z");
  const double period_ms = days * 86400000.0;
  const std::size_t kBatch = 5000;  // events per transaction
  Rng rng{42};
  std::vector<std::string> texts;
  EventWriter writer(texts);
  std::uint64_t visits = 0, visitors = 0, stored = 0, batches = 0;
  const std::time_t began = std::time(nullptr);
  while (stored + texts.size() < total) {
    Visit visit;
    // A third of the visits are by someone who came before.
    const std::uint64_t who = visitors > 0 && rng.chance(0.35) ? rng.below(visitors) : visitors++;
    visit.anonymous_id = uuid(1, who);
    visit.session_id = uuid(2, visits++);
    // Visits spread evenly over the period, in order, a few minutes of jitter.
    visit.start_ms = start_ms + period_ms * static_cast<double>(stored + texts.size()) / static_cast<double>(total) +
                     rng.unit() * 300000;
    visit.campaign = &kCampaigns[pick_campaign(rng)];
    write_visit(rng, visit, writer);
    if (texts.size() < kBatch && stored + texts.size() < total) continue;
    if (stored + texts.size() > total) texts.resize(total - stored);  // the last visit cut short
    if (batches++ % parts == part && !store_texts(*store, texts)) return 1;
    stored += texts.size();
    texts.clear();
    if (stored % 1000000 < kBatch)
      std::fprintf(stderr, "seed: %llu events (%lld s)\n", static_cast<unsigned long long>(stored),
                   static_cast<long long>(std::time(nullptr) - began));
  }
  std::printf("seeded %llu events (part %u of %u): %llu visits, %llu visitors, %.0f days from 2026-11-01, in %lld s\n",
              static_cast<unsigned long long>(stored), part, parts, static_cast<unsigned long long>(visits),
              static_cast<unsigned long long>(visitors), days, static_cast<long long>(std::time(nullptr) - began));
}
