// Delivery (CONTRACT §4 limits, §5): the queue, when a batch goes, what it
// holds, and what each send result does to it. Time is a literal timeline.
#include <set>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/delivery.hpp"
#include "microtrack/retry.hpp"
#include "microtrack/time.hpp"
#include "microtrack/tracker.hpp"

using microtrack::Batch;
using microtrack::Config;
using microtrack::Delivery;
using microtrack::SendTrigger;
using microtrack::String;
using Action = microtrack::Delivery::ResultAction;
using nlohmann::json;

namespace {

const double t0 = 1'700'000'000'000;
constexpr double kNoRetryAfter = -1;
constexpr double kJitter = 0.5;

Config make_config(int batch_size = 3, double flush_interval_ms = 5000, int max_queue_size = 1000) {
  Config c;
  c.collector = "https://collect.example.com/v1/batch";
  c.batch_size = batch_size;
  c.flush_interval_ms = flush_interval_ms;
  c.max_queue_size = max_queue_size;
  return c;
}

// A small serialized event; `pad` adds that many bytes of property text.
std::string event(int n, std::size_t pad = 0) {
  json e{{"type", "track"},
         {"event", "e" + std::to_string(n)},
         {"messageId", "00000000-0000-4000-8000-" + std::string(12 - std::to_string(n).size(), '0') +
                           std::to_string(n)}};
  if (pad > 0) e["properties"] = {{"blob", std::string(pad, 'x')}};
  return e.dump();
}

// The event names in a batch body, in order (the body must be the §4 body).
std::vector<std::string> names_in(const Batch& b) {
  json body = mt_test::parse_or_discarded(b.body);
  INFO("body: " << b.body.substr(0, 500));
  REQUIRE_FALSE(body.is_discarded());
  REQUIRE(body.is_object());
  REQUIRE(body.contains("batch"));
  REQUIRE(body["batch"].is_array());
  std::vector<std::string> names;
  for (auto e : body["batch"]) names.push_back(e.value("event", std::string("?")));
  CHECK(static_cast<int>(names.size()) == b.event_count);
  return names;
}

std::vector<std::string> names(std::initializer_list<int> ns) {
  std::vector<std::string> out;
  for (int n : ns) out.push_back("e" + std::to_string(n));
  return out;
}

std::vector<std::string> unsent_names(const Delivery& d) {
  std::vector<std::string> out;
  for (const auto& q : d.unsent()) {
    json e = mt_test::parse_or_discarded(q.json);
    REQUIRE_FALSE(e.is_discarded());
    out.push_back(e.value("event", std::string("?")));
  }
  return out;
}

void enqueue_range(Delivery& d, int first, int last, double now_ms, std::size_t pad = 0) {
  for (int n = first; n <= last; ++n) d.enqueue(String(event(n, pad)), now_ms);
}

// Delivery::restore() of these events, as a stored queue (a JSON array).
void restore(Delivery& d, const std::vector<std::string>& events, double now_ms) {
  std::string queue = "[";
  for (const auto& e : events) queue += (queue.size() > 1 ? "," : "") + e;
  d.restore(microtrack::JsonView::parse(queue + "]"), now_ms);
}

bool empty(const Batch& b) { return b.id == 0 && b.event_count == 0; }

// An absolute time to within half a millisecond. (Approx's default relative
// epsilon is about 20 000 s at epoch-ms magnitudes, which would hide any bug.)
Approx at_ms(double expected) { return Approx(expected).epsilon(0).margin(0.5); }

}  // namespace

TEST_CASE("A batch body is the §4 body holding the queued events unchanged", "[delivery]") {
  Config cfg = make_config(2);
  SECTION("with a write key") {
    cfg.write_key = "wk_123";
    Delivery d(cfg);
    d.enqueue(String(event(1)), t0);
    d.enqueue(String(event(2, 10)), t0 + 10);
    const Batch b = d.next_batch(t0 + 20, SendTrigger::Auto);
    REQUIRE(b.id != 0);
    CHECK(b.event_count == 2);
    MT_PARSE(body, b.body);
    REQUIRE(body["batch"].is_array());
    REQUIRE(body["batch"].size() == 2);
    CHECK(body["batch"][0] == json::parse(event(1)));
    CHECK(body["batch"][1] == json::parse(event(2, 10)));
    CHECK(body["sentAt"] == microtrack::iso8601_utc(t0 + 20));
    CHECK(body["writeKey"] == "wk_123");
  }
  SECTION("without a write key there is no writeKey member") {
    Delivery d(cfg);
    enqueue_range(d, 1, 2, t0);
    const Batch b = d.next_batch(t0, SendTrigger::Auto);
    REQUIRE(b.id != 0);
    MT_PARSE(body, b.body);
    CHECK_FALSE(body.contains("writeKey"));
    CHECK(body["sentAt"] == microtrack::iso8601_utc(t0));
  }
}

TEST_CASE("An Auto send happens when batchSize events wait", "[delivery]") {
  const Config cfg = make_config(3);
  Delivery d(cfg);
  enqueue_range(d, 1, 2, t0);
  CHECK(empty(d.next_batch(t0 + 100, SendTrigger::Auto)));
  CHECK(d.next_wake_ms() == at_ms(t0 + 5000));

  d.enqueue(String(event(3)), t0 + 200);
  CHECK(d.next_wake_ms() <= t0 + 200);
  const Batch b = d.next_batch(t0 + 200, SendTrigger::Auto);
  REQUIRE(b.id != 0);
  CHECK(names_in(b) == names({1, 2, 3}));
  CHECK(d.in_flight() == 3);
  CHECK(d.queued() == 0);
}

TEST_CASE("An Auto send happens when the oldest event has waited flushIntervalMs", "[delivery]") {
  const Config cfg = make_config(20, 5000);
  Delivery d(cfg);
  CHECK(d.next_wake_ms() == -1);
  d.enqueue(String(event(1)), t0);
  d.enqueue(String(event(2)), t0 + 3'000);
  SECTION("the wake time is the oldest event's deadline") {
    CHECK(d.next_wake_ms() == at_ms(t0 + 5'000));
  }
  SECTION("one millisecond early nothing is sent") {
    CHECK(empty(d.next_batch(t0 + 4'999, SendTrigger::Auto)));
  }
  SECTION("at the deadline everything waiting is sent") {
    const Batch b = d.next_batch(t0 + 5'000, SendTrigger::Auto);
    REQUIRE(b.id != 0);
    CHECK(names_in(b) == names({1, 2}));
  }
}

TEST_CASE("Flush sends what waits now, at most batchSize per request", "[delivery]") {
  const Config cfg = make_config(3);
  Delivery d(cfg);
  SECTION("a single event goes at once") {
    d.enqueue(String(event(1)), t0);
    const Batch b = d.next_batch(t0 + 1, SendTrigger::Flush);
    REQUIRE(b.id != 0);
    CHECK(names_in(b) == names({1}));
  }
  SECTION("an empty queue gives nothing to send") {
    CHECK(empty(d.next_batch(t0, SendTrigger::Flush)));
  }
  SECTION("seven events go three, three, one, each after the previous result") {
    enqueue_range(d, 1, 7, t0);
    const Batch a = d.next_batch(t0 + 1, SendTrigger::Flush);
    CHECK(names_in(a) == names({1, 2, 3}));
    CHECK(empty(d.next_batch(t0 + 2, SendTrigger::Flush)));
    CHECK(d.on_send_result(a.id, 200, kNoRetryAfter, t0 + 50, kJitter) == Action::Delivered);
    const Batch b = d.next_batch(t0 + 51, SendTrigger::Flush);
    CHECK(names_in(b) == names({4, 5, 6}));
    CHECK(d.on_send_result(b.id, 200, kNoRetryAfter, t0 + 90, kJitter) == Action::Delivered);
    const Batch c = d.next_batch(t0 + 91, SendTrigger::Flush);
    CHECK(names_in(c) == names({7}));
    CHECK(d.on_send_result(c.id, 204, kNoRetryAfter, t0 + 99, kJitter) == Action::Delivered);
    CHECK(d.queued() == 0);
    CHECK(d.in_flight() == 0);
    CHECK(d.unsent().empty());
    CHECK(d.next_wake_ms() == -1);
  }
}

TEST_CASE("Only one Auto batch is in flight at a time", "[delivery]") {
  const Config cfg = make_config(3);
  Delivery d(cfg);
  enqueue_range(d, 1, 6, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(a.id != 0);
  CHECK(names_in(a) == names({1, 2, 3}));
  CHECK(d.in_flight() == 3);
  CHECK(d.queued() == 3);

  CHECK(empty(d.next_batch(t0 + 10, SendTrigger::Auto)));
  CHECK(empty(d.next_batch(t0 + 10'000, SendTrigger::Auto)));
  SECTION("while it is in flight there is nothing to wake up for") {
    CHECK(d.next_wake_ms() == -1);
  }

  REQUIRE(d.on_send_result(a.id, 200, kNoRetryAfter, t0 + 10'001, kJitter) == Action::Delivered);
  CHECK(d.next_wake_ms() <= t0 + 10'001);
  const Batch b = d.next_batch(t0 + 10'001, SendTrigger::Auto);
  REQUIRE(b.id != 0);
  CHECK(b.id != a.id);
  CHECK(names_in(b) == names({4, 5, 6}));
}

TEST_CASE("A result for an unknown batch id is reported as Unknown", "[delivery]") {
  const Config cfg = make_config(1);
  Delivery d(cfg);
  d.enqueue(String(event(1)), t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(a.id != 0);
  SECTION("an id never handed out") {
    CHECK(d.on_send_result(a.id + 1000, 200, kNoRetryAfter, t0 + 1, kJitter) == Action::Unknown);
    CHECK(d.in_flight() == 1);
  }
  SECTION("an id already reported") {
    REQUIRE(d.on_send_result(a.id, 200, kNoRetryAfter, t0 + 1, kJitter) == Action::Delivered);
    CHECK(d.on_send_result(a.id, 500, kNoRetryAfter, t0 + 2, kJitter) == Action::Unknown);
    CHECK(d.queued() == 0);
  }
}

TEST_CASE("A retryable failure backs off and requeues the batch in its original order",
          "[delivery]") {
  const Config cfg = make_config(3);
  Delivery d(cfg);
  enqueue_range(d, 1, 3, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(names_in(a) == names({1, 2, 3}));
  // Events queued while the batch is in flight.
  enqueue_range(d, 4, 5, t0 + 50);

  const double t1 = t0 + 100;
  SECTION("status 503") {
    CHECK(d.on_send_result(a.id, 503, kNoRetryAfter, t1, kJitter) == Action::WillRetry);
  }
  SECTION("a network error (status 0)") {
    CHECK(d.on_send_result(a.id, 0, kNoRetryAfter, t1, kJitter) == Action::WillRetry);
  }
  SECTION("status 429") {
    CHECK(d.on_send_result(a.id, 429, kNoRetryAfter, t1, kJitter) == Action::WillRetry);
  }
  SECTION("status 408") {
    CHECK(d.on_send_result(a.id, 408, kNoRetryAfter, t1, kJitter) == Action::WillRetry);
  }

  CHECK(d.in_flight() == 0);
  CHECK(d.queued() == 5);
  CHECK(unsent_names(d) == names({1, 2, 3, 4, 5}));

  const double retry_at = t1 + microtrack::backoff_ms(0, kJitter);
  CHECK(d.next_wake_ms() == at_ms(retry_at));
  CHECK(empty(d.next_batch(t1, SendTrigger::Auto)));
  CHECK(empty(d.next_batch(retry_at - 1, SendTrigger::Auto)));

  const Batch again = d.next_batch(retry_at, SendTrigger::Auto);
  REQUIRE(again.id != 0);
  CHECK(names_in(again) == names({1, 2, 3}));
  MT_PARSE(first, a.body);
  MT_PARSE(second, again.body);
  CHECK(first["batch"] == second["batch"]);  // same events, same messageIds
}

TEST_CASE("Consecutive failures back off exponentially and a success resets the count",
          "[delivery]") {
  const Config cfg = make_config(1);
  Delivery d(cfg);
  d.enqueue(String(event(1)), t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(a.id != 0);

  const double t1 = t0 + 100;
  REQUIRE(d.on_send_result(a.id, 500, kNoRetryAfter, t1, kJitter) == Action::WillRetry);
  const double r1 = t1 + microtrack::backoff_ms(0, kJitter);
  CHECK(d.next_wake_ms() == at_ms(r1));

  const Batch b = d.next_batch(r1, SendTrigger::Auto);
  REQUIRE(b.id != 0);
  const double t2 = r1 + 100;
  REQUIRE(d.on_send_result(b.id, 500, kNoRetryAfter, t2, kJitter) == Action::WillRetry);
  const double r2 = t2 + microtrack::backoff_ms(1, kJitter);
  CHECK(d.next_wake_ms() == at_ms(r2));

  const Batch c = d.next_batch(r2, SendTrigger::Auto);
  REQUIRE(c.id != 0);
  const double t3 = r2 + 100;
  REQUIRE(d.on_send_result(c.id, 500, kNoRetryAfter, t3, 0.9) == Action::WillRetry);
  const double r3 = t3 + microtrack::backoff_ms(2, 0.9);
  CHECK(d.next_wake_ms() == at_ms(r3));

  const Batch ok = d.next_batch(r3, SendTrigger::Auto);
  REQUIRE(ok.id != 0);
  REQUIRE(d.on_send_result(ok.id, 200, kNoRetryAfter, r3 + 50, kJitter) == Action::Delivered);

  d.enqueue(String(event(2)), r3 + 60);
  const Batch e = d.next_batch(r3 + 60, SendTrigger::Auto);
  REQUIRE(e.id != 0);
  const double t4 = r3 + 100;
  REQUIRE(d.on_send_result(e.id, 503, kNoRetryAfter, t4, kJitter) == Action::WillRetry);
  CHECK(d.next_wake_ms() == at_ms(t4 + microtrack::backoff_ms(0, kJitter)));
}

TEST_CASE("A Retry-After longer than the backoff is honoured", "[delivery]") {
  const Config cfg = make_config(1);
  Delivery d(cfg);
  d.enqueue(String(event(1)), t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(d.on_send_result(a.id, 429, 30'000, t0 + 100, kJitter) == Action::WillRetry);
  CHECK(d.next_wake_ms() == at_ms(t0 + 100 + 30'000));
  CHECK(empty(d.next_batch(t0 + 100 + 29'999, SendTrigger::Auto)));
  CHECK(d.next_batch(t0 + 100 + 30'000, SendTrigger::Auto).id != 0);
}

TEST_CASE("Flush ignores the backoff", "[delivery]") {
  const Config cfg = make_config(2);
  Delivery d(cfg);
  enqueue_range(d, 1, 2, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(d.on_send_result(a.id, 503, kNoRetryAfter, t0 + 100, kJitter) == Action::WillRetry);
  REQUIRE(empty(d.next_batch(t0 + 101, SendTrigger::Auto)));
  const Batch b = d.next_batch(t0 + 101, SendTrigger::Flush);
  REQUIRE(b.id != 0);
  CHECK(names_in(b) == names({1, 2}));
}

TEST_CASE("A 413 splits the batch and sends it in halves, in order", "[delivery]") {
  const Config cfg = make_config(4);
  Delivery d(cfg);
  enqueue_range(d, 1, 4, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(names_in(a) == names({1, 2, 3, 4}));

  REQUIRE(d.on_send_result(a.id, 413, kNoRetryAfter, t0 + 100, kJitter) == Action::Split);
  CHECK(d.in_flight() == 0);
  CHECK(unsent_names(d) == names({1, 2, 3, 4}));
  CHECK(d.next_wake_ms() <= t0 + 100);

  const Batch h1 = d.next_batch(t0 + 100, SendTrigger::Auto);
  REQUIRE(h1.id != 0);
  CHECK(names_in(h1) == names({1, 2}));
  REQUIRE(d.on_send_result(h1.id, 200, kNoRetryAfter, t0 + 150, kJitter) == Action::Delivered);

  const Batch h2 = d.next_batch(t0 + 150, SendTrigger::Flush);
  REQUIRE(h2.id != 0);
  CHECK(names_in(h2) == names({3, 4}));
  REQUIRE(d.on_send_result(h2.id, 200, kNoRetryAfter, t0 + 200, kJitter) == Action::Delivered);
  CHECK(d.unsent().empty());
}

TEST_CASE("A 413 for a single event drops it: it can never be accepted", "[delivery]") {
  const Config cfg = make_config(1);
  Delivery d(cfg);
  d.enqueue(String(event(1)), t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(a.id != 0);
  CHECK(d.on_send_result(a.id, 413, kNoRetryAfter, t0 + 100, kJitter) == Action::Dropped);
  CHECK(d.unsent().empty());
  CHECK(d.next_wake_ms() == -1);
}

TEST_CASE("Any other 4xx drops the batch and keeps the rest", "[delivery]") {
  const Config cfg = make_config(2);
  Delivery d(cfg);
  enqueue_range(d, 1, 3, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(names_in(a) == names({1, 2}));
  SECTION("400") {
    CHECK(d.on_send_result(a.id, 400, kNoRetryAfter, t0 + 100, kJitter) == Action::Dropped);
  }
  SECTION("401") {
    CHECK(d.on_send_result(a.id, 401, kNoRetryAfter, t0 + 100, kJitter) == Action::Dropped);
  }
  SECTION("422") {
    CHECK(d.on_send_result(a.id, 422, kNoRetryAfter, t0 + 100, kJitter) == Action::Dropped);
  }
  CHECK(d.in_flight() == 0);
  CHECK(unsent_names(d) == names({3}));
  // No backoff after a drop: the next event is sent by the usual rules.
  const Batch b = d.next_batch(t0 + 5'000, SendTrigger::Auto);
  REQUIRE(b.id != 0);
  CHECK(names_in(b) == names({3}));
}

TEST_CASE("Beyond maxQueueSize the oldest events are dropped and counted", "[delivery]") {
  const Config cfg = make_config(20, 5000, 3);
  Delivery d(cfg);
  CHECK(d.enqueue(String(event(1)), t0) == 0);
  CHECK(d.enqueue(String(event(2)), t0 + 1) == 0);
  CHECK(d.enqueue(String(event(3)), t0 + 2) == 0);
  CHECK(d.enqueue(String(event(4)), t0 + 3) == 1);
  CHECK(d.enqueue(String(event(5)), t0 + 4) == 1);
  CHECK(d.queued() == 3);
  CHECK(d.dropped_total() == 2);
  CHECK(unsent_names(d) == names({3, 4, 5}));
  SECTION("the flush deadline is now the oldest remaining event's") {
    CHECK(d.next_wake_ms() == at_ms(t0 + 2 + 5'000));
  }
  SECTION("the count keeps adding up") {
    enqueue_range(d, 6, 9, t0 + 5);
    CHECK(d.dropped_total() == 6);
    CHECK(unsent_names(d) == names({7, 8, 9}));
  }
}

TEST_CASE("A fetch request body stays under 500 KB", "[delivery]") {
  const Config cfg = make_config(500);
  Delivery d(cfg);
  enqueue_range(d, 1, 60, t0, 10'000);  // 60 events of about 10 KB: 600 KB, within kMaxQueueBytes
  const Batch b = d.next_batch(t0, SendTrigger::Flush);
  REQUIRE(b.id != 0);
  CHECK(b.body.size() < microtrack::kMaxBodyBytes);
  CHECK(b.event_count > 1);
  CHECK(b.event_count < 100);
  const auto got = names_in(b);
  REQUIRE_FALSE(got.empty());
  CHECK(got.front() == "e1");
}

TEST_CASE("Unload sends everything not in flight in beacon-sized batches", "[delivery]") {
  // The JS hands each Unload batch to sendBeacon and reports 202 when the
  // browser took it (it will deliver it after the page is gone), 0 when not.
  SECTION("large events are split so each body stays under 64 KB") {
    const Config cfg = make_config(20);
    Delivery d(cfg);
    enqueue_range(d, 1, 12, t0, 10'000);  // about 120 KB in all
    std::vector<std::string> sent;
    std::vector<double> ids;
    for (int guard = 0; guard < 50; ++guard) {
      const Batch b = d.next_batch(t0 + 10, SendTrigger::Unload);
      if (b.id == 0) break;
      ids.push_back(b.id);
      INFO("batch " << ids.size() << " is " << b.body.size() << " bytes");
      CHECK(b.body.size() < microtrack::kMaxBeaconBodyBytes);
      for (auto& n : names_in(b)) sent.push_back(n);
    }
    CHECK(ids.size() >= 2);
    CHECK(sent == names({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    CHECK(d.queued() == 0);
    SECTION("events the browser took count as delivered") {
      for (double id : ids) {
        CHECK(d.on_send_result(id, 202, kNoRetryAfter, t0 + 11, kJitter) == Action::Delivered);
      }
      CHECK(d.unsent().empty());
      CHECK(d.in_flight() == 0);
    }
    SECTION("events the browser refused wait again, in order") {
      for (double id : ids) {
        CHECK(d.on_send_result(id, 0, kNoRetryAfter, t0 + 11, kJitter) == Action::WillRetry);
      }
      CHECK(d.in_flight() == 0);
      CHECK(unsent_names(d) == names({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    }
  }
  SECTION("no more than batchSize events per request") {
    const Config cfg = make_config(20);
    Delivery d(cfg);
    enqueue_range(d, 1, 30, t0);
    const Batch a = d.next_batch(t0, SendTrigger::Unload);
    const Batch b = d.next_batch(t0, SendTrigger::Unload);
    CHECK(a.event_count == 20);
    CHECK(b.event_count == 10);
    CHECK(empty(d.next_batch(t0, SendTrigger::Unload)));
  }
  SECTION("an Auto batch in flight stays in flight and is not sent twice") {
    const Config cfg = make_config(3);
    Delivery d(cfg);
    enqueue_range(d, 1, 5, t0);
    const Batch a = d.next_batch(t0, SendTrigger::Auto);
    REQUIRE(names_in(a) == names({1, 2, 3}));
    const Batch u = d.next_batch(t0 + 10, SendTrigger::Unload);
    REQUIRE(u.id != 0);
    CHECK(u.id != a.id);
    CHECK(names_in(u) == names({4, 5}));
    CHECK(empty(d.next_batch(t0 + 10, SendTrigger::Unload)));
    REQUIRE(d.on_send_result(u.id, 202, kNoRetryAfter, t0 + 11, kJitter) == Action::Delivered);
    CHECK(d.in_flight() == 3);
    CHECK(unsent_names(d) == names({1, 2, 3}));
    SECTION("and its own result still arrives afterwards") {
      CHECK(d.on_send_result(a.id, 200, kNoRetryAfter, t0 + 12, kJitter) == Action::Delivered);
      CHECK(d.unsent().empty());
    }
  }
  SECTION("the keepalive fetch in flight at unload is left to the browser, not to the next page") {
    const Config cfg = make_config(3);
    Delivery d(cfg);
    enqueue_range(d, 1, 5, t0);
    const Batch a = d.next_batch(t0, SendTrigger::Auto);
    REQUIRE(a.id != 0);
    auto survivors = [&] {
      std::vector<std::string> out;
      for (const auto& e : d.unsent())
        if (d.must_survive_reload(e)) out.push_back(json::parse(e.json)["event"]);
      return out;
    };
    CHECK(survivors() == names({1, 2, 3, 4, 5}));  // before unload: all of them
    const Batch u = d.next_batch(t0 + 10, SendTrigger::Unload);
    CHECK(survivors() == names({4, 5}));
    REQUIRE(d.on_send_result(u.id, 0, kNoRetryAfter, t0 + 11, kJitter) == Action::WillRetry);
    CHECK(survivors() == names({4, 5}));  // the refused beacon's events stay stored
    SECTION("if the page lives on and that request fails, its events are stored again") {
      REQUIRE(d.on_send_result(a.id, 503, kNoRetryAfter, t0 + 12, kJitter) == Action::WillRetry);
      CHECK(survivors() == names({1, 2, 3, 4, 5}));
    }
  }
  SECTION("a fetch too large for keepalive dies with the page: its events stay stored") {
    const Config cfg = make_config(20);
    Delivery d(cfg);
    enqueue_range(d, 1, 8, t0, 10'000);  // about 80 KB
    const Batch a = d.next_batch(t0 + 5000, SendTrigger::Auto);
    REQUIRE(a.body.size() >= microtrack::kMaxBeaconBodyBytes);
    d.next_batch(t0 + 5010, SendTrigger::Unload);
    for (const auto& e : d.unsent()) CHECK(d.must_survive_reload(e));
  }
  SECTION("while the collector is failing nothing goes by beacon: the events stay stored") {
    // A beacon cannot report a 5xx; the next page (or another tab) retries.
    const Config cfg = make_config(2);
    Delivery d(cfg);
    enqueue_range(d, 1, 2, t0);
    const Batch a = d.next_batch(t0, SendTrigger::Auto);
    REQUIRE(d.on_send_result(a.id, 503, kNoRetryAfter, t0 + 100, kJitter) == Action::WillRetry);
    CHECK(empty(d.next_batch(t0 + 101, SendTrigger::Unload)));
    CHECK(unsent_names(d) == names({1, 2}));
    SECTION("and once a send succeeds, unload beacons again") {
      enqueue_range(d, 3, 3, t0 + 102);
      const Batch f = d.next_batch(t0 + 103, SendTrigger::Flush);
      REQUIRE(d.on_send_result(f.id, 200, kNoRetryAfter, t0 + 104, kJitter) == Action::Delivered);
      const Batch u = d.next_batch(t0 + 105, SendTrigger::Unload);
      REQUIRE(u.id != 0);
      CHECK(names_in(u) == names({3}));
    }
  }
  SECTION("nothing queued gives nothing to send") {
    const Config cfg = make_config(3);
    Delivery d(cfg);
    CHECK(empty(d.next_batch(t0, SendTrigger::Unload)));
  }
}

TEST_CASE("unsent() lists queued and in-flight events in arrival order", "[delivery]") {
  const Config cfg = make_config(3);
  Delivery d(cfg);
  enqueue_range(d, 1, 5, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(a.id != 0);
  CHECK(unsent_names(d) == names({1, 2, 3, 4, 5}));
  const auto& u = d.unsent();
  REQUIRE(u.size() == 5);
  SECTION("in-flight events name their batch, waiting ones none") {
    CHECK(u[0].batch_id == a.id);
    CHECK(u[2].batch_id == a.id);
    CHECK(u[3].batch_id == 0);
    CHECK(u[4].batch_id == 0);
  }
  SECTION("they keep the time they were queued") {
    CHECK(u[0].queued_at_ms == t0);
    CHECK(u[4].queued_at_ms == t0);
  }
}

TEST_CASE("restore() puts stored events back before anything queued since", "[delivery]") {
  const Config cfg = make_config(10);
  Delivery d(cfg);
  d.enqueue(String(event(3)), t0);
  restore(d, {event(1), event(2)}, t0 + 5);
  CHECK(d.queued() == 3);
  CHECK(unsent_names(d) == names({1, 2, 3}));
  const Batch b = d.next_batch(t0 + 10, SendTrigger::Flush);
  REQUIRE(b.id != 0);
  MT_PARSE(body, b.body);
  REQUIRE(body["batch"].size() == 3);
  CHECK(body["batch"][0] == json::parse(event(1)));
  CHECK(body["batch"][1] == json::parse(event(2)));
  CHECK(body["batch"][2] == json::parse(event(3)));
}

TEST_CASE("restore() skips the events whose messageId is listed, and items that are not events", "[delivery]") {
  const Config cfg = make_config(10);
  Delivery d(cfg);
  const std::string queue = "[" + event(1) + ",7," + event(2) + ",\"x\"," + event(3) + "]";
  const std::string skip = json(json::parse(event(2))["messageId"]).dump();
  d.restore(microtrack::JsonView::parse(queue), t0, mt_test::list_of({skip}));
  CHECK(unsent_names(d) == names({1, 3}));
  CHECK(d.queued() == 2);
  CHECK(d.dropped_total() == 0);
  CHECK(d.bytes() == event(1).size() + event(3).size());
}

TEST_CASE("unsent() from one Delivery restores into another unchanged", "[delivery]") {
  const Config cfg = make_config(2);
  Delivery first(cfg);
  enqueue_range(first, 1, 3, t0);
  REQUIRE(first.next_batch(t0, SendTrigger::Auto).id != 0);  // e1, e2 in flight

  std::vector<std::string> stored;
  for (const auto& q : first.unsent()) stored.emplace_back(q.json);

  Delivery second(cfg);
  restore(second, stored, t0 + 60'000);
  CHECK(unsent_names(second) == names({1, 2, 3}));
  const Batch b = second.next_batch(t0 + 60'000, SendTrigger::Auto);
  REQUIRE(b.id != 0);
  MT_PARSE(body, b.body);
  REQUIRE(body["batch"].size() == 2);
  CHECK(body["batch"][0] == json::parse(event(1)));
  CHECK(body["batch"][1] == json::parse(event(2)));
}

TEST_CASE("clear() forgets queued and in-flight events", "[delivery]") {
  const Config cfg = make_config(3);
  Delivery d(cfg);
  enqueue_range(d, 1, 5, t0);
  const Batch a = d.next_batch(t0, SendTrigger::Auto);
  REQUIRE(a.id != 0);
  d.clear();
  CHECK(d.queued() == 0);
  CHECK(d.in_flight() == 0);
  CHECK(d.unsent().empty());
  CHECK(d.next_wake_ms() == -1);
  CHECK(d.on_send_result(a.id, 200, kNoRetryAfter, t0 + 10, kJitter) == Action::Unknown);
  SECTION("and new events are sent as usual afterwards") {
    enqueue_range(d, 6, 8, t0 + 20);
    const Batch b = d.next_batch(t0 + 20, SendTrigger::Auto);
    REQUIRE(b.id != 0);
    CHECK(names_in(b) == names({6, 7, 8}));
  }
}

TEST_CASE("Batch ids are distinct and never 0", "[delivery]") {
  const Config cfg = make_config(1);
  Delivery d(cfg);
  std::set<double> ids;
  for (int n = 1; n <= 20; ++n) {
    d.enqueue(String(event(n)), t0 + n);
    const Batch b = d.next_batch(t0 + n, SendTrigger::Auto);
    REQUIRE(b.id != 0);
    ids.insert(b.id);
    REQUIRE(d.on_send_result(b.id, 200, kNoRetryAfter, t0 + n, kJitter) == Action::Delivered);
  }
  CHECK(ids.size() == 20);
}

// --- Bounds: count, bytes, age (issue 4) ---------------------------------

namespace {

// An event as the tracker writes it, with a timestamp.
std::string stamped_event(int n, double at_ms, std::size_t pad = 0) {
  json e = json::parse(event(n, pad));
  e["timestamp"] = microtrack::iso8601_utc(at_ms);
  return e.dump();
}

}  // namespace

TEST_CASE("The queue is bounded by bytes: beyond kMaxQueueBytes the oldest waiting events go", "[delivery]") {
  const Config cfg = make_config(20, 5000, 100000);
  Delivery d(cfg);
  const std::size_t pad = 10'000;
  const std::size_t per_event = event(1, pad).size();
  const int fit = static_cast<int>(microtrack::kMaxQueueBytes / per_event);
  enqueue_range(d, 1, fit, t0, pad);
  CHECK(d.dropped_total() == 0);
  CHECK(d.queued() == static_cast<std::size_t>(fit));
  SECTION("one more drops the oldest") {
    CHECK(d.enqueue(String(event(fit + 1, pad)), t0 + 1) == 1);
    CHECK(d.dropped_total() == 1);
    CHECK(unsent_names(d).front() == "e2");
    CHECK(unsent_names(d).back() == "e" + std::to_string(fit + 1));
  }
  SECTION("events in flight count but are never dropped") {
    const Batch b = d.next_batch(t0, SendTrigger::Flush);  // e1..e20 in flight
    REQUIRE(b.event_count == 20);
    d.enqueue(String(event(fit + 1, pad)), t0 + 1);
    CHECK(d.in_flight() == 20);
    CHECK(unsent_names(d)[0] == "e1");
    CHECK(unsent_names(d)[20] == "e22");  // e21, the oldest waiting one, went
  }
  SECTION("a small event after a large one drops only as many as needed") {
    CHECK(d.enqueue(String(event(fit + 1)), t0 + 1) <= 1);
    std::size_t total = 0;
    for (const auto& q : d.unsent()) total += q.json.size();
    CHECK(total <= microtrack::kMaxQueueBytes);
  }
}

TEST_CASE("Events older than kMaxEventAgeMs are dropped, not sent", "[delivery]") {
  CHECK(microtrack::kMaxEventAgeMs == 7 * 24 * 3600 * 1000.0);
  const Config cfg = make_config(10);
  const double week = microtrack::kMaxEventAgeMs;
  SECTION("restored events, by their timestamps") {
    Delivery d(cfg);
    restore(d, {stamped_event(1, t0 - week - 1), stamped_event(2, t0 - week - 60'000), stamped_event(3, t0 - week + 1),
               event(4)},  // no timestamp: kept
              t0);
    CHECK(unsent_names(d) == names({3, 4}));
    CHECK(d.dropped_total() == 2);
  }
  SECTION("an event that ages past the cap while queued here (the collector down for a week)") {
    Delivery d(cfg);
    d.enqueue(String(event(1)), t0);
    const Batch a = d.next_batch(t0 + 5000, SendTrigger::Auto);
    REQUIRE(d.on_send_result(a.id, 503, kNoRetryAfter, t0 + 5001, kJitter) == Action::WillRetry);
    d.enqueue(String(event(2)), t0 + week);
    CHECK(empty(d.next_batch(t0 + week + 1, SendTrigger::Flush)) == false);
    CHECK(d.dropped_total() == 1);  // e1 went, e2 is sent
  }
}

TEST_CASE("Restored events are due at once", "[delivery]") {
  const Config cfg = make_config(20, 5000);
  Delivery d(cfg);
  restore(d, {stamped_event(1, t0 - 60'000), stamped_event(2, t0 - 59'000)}, t0);
  CHECK(d.next_wake_ms() <= t0);
  const Batch b = d.next_batch(t0, SendTrigger::Auto);
  CHECK(names_in(b) == names({1, 2}));
  SECTION("while events queued on this page wait flushIntervalMs") {
    Delivery e(cfg);
    e.enqueue(String(event(3)), t0);
    CHECK(e.next_wake_ms() == at_ms(t0 + 5000));
  }
}

TEST_CASE("Queue bounds: count, bytes and age together, as a table", "[delivery]") {
  struct Row {
    const char* what;
    int max_queue_size;
    int events;
    std::size_t pad;
    double age_ms;  // how old each event is at restore
    std::size_t kept;
  };
  const std::size_t big = 100'000;
  const std::vector<Row> table{
      {"under every bound", 100, 5, 0, 0, 5},
      {"over the count", 3, 5, 0, 0, 3},
      {"over the bytes", 1000, 40, big, 0, microtrack::kMaxQueueBytes / (event(1, big).size())},
      {"over the age", 100, 5, 0, microtrack::kMaxEventAgeMs + 1, 0},
      {"just under the age", 100, 5, 0, microtrack::kMaxEventAgeMs - 1000, 5},
      {"count and bytes: the tighter wins", 2, 12, big, 0, 2},
  };
  for (const auto& row : table) {
    INFO(row.what);
    const Config cfg = make_config(20, 5000, row.max_queue_size);
    Delivery d(cfg);
    std::vector<std::string> stored;
    for (int n = 1; n <= row.events; ++n) stored.push_back(stamped_event(n, t0 - row.age_ms, row.pad));
    restore(d, stored, t0);
    CHECK(d.unsent().size() == row.kept);
    CHECK(d.dropped_total() == static_cast<std::size_t>(row.events) - row.kept);
    if (row.kept) CHECK(unsent_names(d).back() == "e" + std::to_string(row.events));  // the newest stay
  }
}

// --- Snapshots across pages and tabs (the Tracker's side of delivery) ----

namespace {

using microtrack::Tracker;

const std::string kTabConfig = R"({"collector":"https://collect.example.com/v1/batch","autoPageview":false})";
std::string config_with_batch(int batch_size) {
  return R"({"collector":"https://collect.example.com/v1/batch","autoPageview":false,"batchSize":)" +
         std::to_string(batch_size) + "}";
}
const std::string kTabEnv = R"({"context":{"userAgent":"UA","locale":"en-GB","timezone":"UTC","screen":{"width":1,"height":1}}})";

// Every event the tracker sends with Flush (each batch answered 200), by name.
std::vector<std::string> flush_all(Tracker& t, double now_ms) {
  std::vector<std::string> out;
  for (int guard = 0; guard < 100; ++guard) {
    const Batch b = t.next_batch(now_ms, SendTrigger::Flush);
    if (b.id == 0) break;
    for (auto& n : names_in(b)) out.push_back(n);
    t.on_send_result(b.id, 200, -1, now_ms);
  }
  return out;
}

json parsed(std::string_view text) { return mt_test::require_json(text); }

}  // namespace

SCENARIO("Two tabs of one site share ids but not queues", "[delivery][tabs]") {
  GIVEN("tab A with two events queued") {
    Tracker a(kTabConfig, kTabEnv, "", 1, t0);
    a.track("a1", "{}", t0);
    a.track("a2", "{}", t0 + 1);
    WHEN("it writes its snapshot without the queue (the shared key)") {
      json ids = parsed(a.snapshot(false));
      THEN("the ids are there and the queue is empty") {
        CHECK(ids["queue"] == json::array());
        CHECK(ids["anonymousId"] == parsed(a.snapshot(true))["anonymousId"]);
        CHECK(parsed(a.snapshot(true))["queue"].size() == 2);
      }
      AND_WHEN("tab B starts from it") {
        Tracker b(kTabConfig, kTabEnv, a.snapshot(false), 2, t0 + 10);
        THEN("B has A's anonymousId and nothing to send of A's") {
          CHECK(parsed(b.snapshot(false))["anonymousId"] == ids["anonymousId"]);
          CHECK(flush_all(b, t0 + 10).empty());
        }
      }
    }
    WHEN("tab A closes and tab B adopts its queue") {
      Tracker b(kTabConfig, kTabEnv, a.snapshot(false), 2, t0 + 10);
      b.track("b1", "{}", t0 + 11);
      b.adopt(a.snapshot(true), t0 + 12);
      THEN("B sends A's events, first, with their messageIds, then its own") {
        json a_queue = parsed(a.snapshot(true))["queue"];
        const Batch batch = b.next_batch(t0 + 12, SendTrigger::Flush);
        CHECK(names_in(batch) == std::vector<std::string>{"a1", "a2", "b1"});
        json body = parsed(batch.body);
        CHECK(body["batch"][0]["messageId"] == a_queue[0]["messageId"]);
        CHECK(body["batch"][1]["messageId"] == a_queue[1]["messageId"]);
      }
      THEN("B's own ids are unchanged") {
        CHECK(parsed(b.snapshot(false))["anonymousId"] == parsed(a.snapshot(false))["anonymousId"]);
      }
      THEN("B's snapshot now holds all three, so a reload of B loses none") {
        Tracker b2(kTabConfig, kTabEnv, "", 3, t0 + 20);
        b2.adopt(b.snapshot(true), t0 + 20);
        CHECK(flush_all(b2, t0 + 20) == std::vector<std::string>{"a1", "a2", "b1"});
      }
    }
  }
}

SCENARIO("A corrupt or foreign snapshot is adopted as nothing", "[delivery][tabs]") {
  const std::vector<std::string> corrupt{
      "",
      "{not json",
      "[1,2,3]",
      R"({"v":1,"queue":"nope"})",
      R"({"v":1,"queue":[1,"two",null,[]]})",
      R"({"v":1})",
      std::string(100, '{'),
  };
  for (const auto& stored : corrupt) {
    GIVEN("a tab adopting " + stored.substr(0, 40)) {
      Tracker t(kTabConfig, kTabEnv, "", 1, t0);
      t.track("own", "{}", t0);
      t.adopt(stored, t0 + 1);
      THEN("only its own event is sent, and nothing breaks") {
        CHECK(t.take_messages().empty());
        CHECK(flush_all(t, t0 + 2) == std::vector<std::string>{"own"});
      }
    }
  }
  GIVEN("a queue with valid events among junk") {
    Tracker a(kTabConfig, kTabEnv, "", 1, t0);
    a.track("good", "{}", t0);
    json snap = parsed(a.snapshot(true));
    snap["queue"].insert(snap["queue"].begin(), 42);
    snap["queue"].push_back("junk");
    Tracker t(kTabConfig, kTabEnv, "", 2, t0);
    t.adopt(snap.dump(), t0 + 1);
    THEN("the valid events are adopted") { CHECK(flush_all(t, t0 + 2) == std::vector<std::string>{"good"}); }
  }
}

SCENARIO("A snapshot taken mid-send restores everything not confirmed", "[delivery][tabs]") {
  GIVEN("a tracker with a batch in flight and one more event waiting") {
    Tracker t(kTabConfig, R"({"context":{"userAgent":"UA"}})", "", 1, t0);
    for (int i = 1; i <= 3; ++i) t.track("e" + std::to_string(i), "{}", t0 + i);
    const Batch b = t.next_batch(t0 + 5, SendTrigger::Flush);
    REQUIRE(b.event_count == 3);
    t.track("e4", "{}", t0 + 6);
    WHEN("the page is reloaded before the answer") {
      Tracker next(kTabConfig, kTabEnv, t.snapshot(false), 2, t0 + 1000);
      next.adopt(t.snapshot(true), t0 + 1000);
      THEN("all four are sent, in order, due by their own timestamps") {
        CHECK(next.next_wake_ms() <= t0 + 1 + 5000);
        CHECK(flush_all(next, t0 + 1000) == std::vector<std::string>{"e1", "e2", "e3", "e4"});
      }
    }
    WHEN("the answer was 200 before the snapshot") {
      t.on_send_result(b.id, 200, -1, t0 + 7);
      Tracker next(kTabConfig, kTabEnv, "", 2, t0 + 1000);
      next.adopt(t.snapshot(true), t0 + 1000);
      THEN("only the unsent one comes back") {
        CHECK(flush_all(next, t0 + 1000) == std::vector<std::string>{"e4"});
      }
    }
  }
}

SCENARIO("After a send result only the ids that left the queue are stored", "[delivery][tabs]") {
  GIVEN("a queue of five events stored as a snapshot") {
    Tracker t(config_with_batch(2), kTabEnv, "", 1, t0);
    for (int i = 1; i <= 5; ++i) t.track("e" + std::to_string(i), "{}", t0 + i);
    const String stored = t.snapshot(true);
    t.snapshot_stored();
    CHECK(t.sent_since_snapshot() == "[]");
    WHEN("a batch of two is delivered and one refused for good") {
      const Batch ok = t.next_batch(t0 + 10, SendTrigger::Flush);
      const json ok_body = parsed(ok.body);
      t.on_send_result(ok.id, 200, -1, t0 + 11);
      const Batch refused = t.next_batch(t0 + 12, SendTrigger::Flush);
      t.on_send_result(refused.id, 400, -1, t0 + 13);
      json sent = parsed(t.sent_since_snapshot());
      THEN("the list holds the four ids, delivered first") {
        REQUIRE(sent.size() == 4);
        CHECK(sent[0] == ok_body["batch"][0]["messageId"]);
        CHECK(sent[1] == ok_body["batch"][1]["messageId"]);
      }
      THEN("the stored snapshot read back with the list gives only the fifth") {
        Tracker next(config_with_batch(2), kTabEnv, "", 2, t0 + 100);
        next.adopt(stored, t0 + 100, t.sent_since_snapshot());
        CHECK(flush_all(next, t0 + 100) == std::vector<std::string>{"e5"});
      }
      THEN("without the list every event would come back (what the list prevents)") {
        Tracker next(config_with_batch(2), kTabEnv, "", 2, t0 + 100);
        next.adopt(stored, t0 + 100);
        CHECK(flush_all(next, t0 + 100).size() == 5);
      }
      AND_WHEN("a new snapshot is stored") {
        t.snapshot_stored();
        THEN("the list starts again") { CHECK(t.sent_since_snapshot() == "[]"); }
      }
      AND_WHEN("the last one goes too, so the list outweighs the queue") {
        const Batch last = t.next_batch(t0 + 14, SendTrigger::Flush);
        t.on_send_result(last.id, 200, -1, t0 + 15);
        THEN("a new snapshot is due instead of a list") { CHECK(t.sent_since_snapshot().empty()); }
      }
    }
  }
  GIVEN("persist off") {
    Tracker t(R"({"collector":"https://c.example/v1/batch","persist":false})", kTabEnv, "", 1, t0);
    t.track("e1", "{}", t0);
    THEN("nothing is listed either") { CHECK(t.sent_since_snapshot().empty()); }
  }
}
