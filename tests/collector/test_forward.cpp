// --forward: accepted batches relayed to an upstream Segment-compatible
// endpoint (here a second collector), through a bounded spool on disk. The
// retries run on a fast-forward clock: literal waits, no sleeping for them.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fast_forward_clock.hpp"
#include "live_collector.hpp"
#include "receiver.hpp"

using namespace collector_test;
namespace fs = std::filesystem;

namespace {

struct SpoolDir {
  fs::path path;
  SpoolDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("mt-spool-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path);
  }
  ~SpoolDir() { fs::remove_all(path); }
  std::size_t files() const {
    std::size_t n = 0;
    if (fs::exists(path))
      for (const auto& entry : fs::directory_iterator(path)) n += entry.path().extension() == ".json";
    return n;
  }
};

mc::ForwardOptions forward_options(int port, const SpoolDir& spool, std::uint64_t max_bytes = 1 << 20) {
  mc::ForwardOptions forward;
  forward.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/batch";
  forward.spool_dir = spool.path.string();
  forward.spool_max_bytes = max_bytes;
  forward.retry_base_ms = 20;
  forward.retry_max_ms = 100;
  forward.write_key = "upstream-key";
  return forward;
}

mc::ServerOptions forwarding_to(int port, const SpoolDir& spool) {
  mc::ServerOptions options;
  options.forward = forward_options(port, spool);
  return options;
}

// A Forwarder on a fast-forward clock that starts at the test collectors'
// time (kReceivedAt), so the sentAt it stamps is their receivedAt.
struct ForwardBench {
  std::shared_ptr<FastForwardClock> clock = std::make_shared<FastForwardClock>(*mc::parse_iso8601_ms(kReceivedAt));
  std::unique_ptr<mc::Forwarder> forwarder;

  explicit ForwardBench(const mc::ForwardOptions& options) {
    std::string error;
    forwarder = std::make_unique<mc::Forwarder>(options, nullptr, error, clock);
    REQUIRE(error.empty());
  }
  // Stats once `done` holds for them.
  mc::ForwardStats settle(const std::function<bool(const mc::ForwardStats&)>& done) {
    mc::ForwardStats stats;
    REQUIRE(clock->wait_until([&] { return done(stats = forwarder->stats()); }));
    return stats;
  }
};

std::vector<double> ms(std::initializer_list<double> waits) { return waits; }

// A port nobody listens on (for now). Not from an httplib::Server: one that
// never listened keeps its socket open.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

json wait_events(const LiveCollector& server, std::size_t n) {
  json events;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    events = server.events();
    if (events.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return events;
}

json health(const LiveCollector& server) { return json::parse(server.get("/api/health")->body); }

}  // namespace

TEST_CASE("Accepted events are relayed upstream with corrected timestamps, duplicates once") {
  mc::ServerOptions upstream_options;
  upstream_options.write_keys = {"upstream-key"};
  LiveCollector upstream(upstream_options);
  SpoolDir spool;
  LiveCollector edge(forwarding_to(upstream.port(), spool));

  json bad = track_event("bad");
  bad.erase("event");
  edge.post("/v1/batch", batch_of({track_event("f1"), bad, track_event("f2")}));  // client 10 s behind
  edge.post("/v1/batch", batch_of({track_event("f1")}));                         // a duplicate
  const json events = wait_events(upstream, 2);
  REQUIRE(events.size() == 2);
  CHECK(events[0]["message_id"] == "f1");
  CHECK(events[1]["message_id"] == "f2");
  // The edge's correction travels as the timestamp; the client's own is kept.
  CHECK(events[0]["timestamp"] == "2026-11-27T10:00:10.000Z");
  CHECK(events[0]["raw"]["originalTimestamp"] == "2026-11-27T10:00:00.000Z");
  CHECK(events[0]["properties"] == json({{"variant", "b"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(upstream.events().size() == 2);
  const json h = health(edge);
  CHECK(h["forward"]["sent_batches"] == 1);
  CHECK(h["forward"]["spooled_batches"] == 0);
  CHECK(spool.files() == 0);
}

TEST_CASE("While the upstream is down batches wait in the spool, and go once it is back") {
  const int port = free_port();
  SpoolDir spool;
  {
    ForwardBench edge(forward_options(port, spool));
    REQUIRE(edge.forwarder->enqueue({track_event("o1")}));
    REQUIRE(edge.forwarder->enqueue({track_event("o2"), track_event("o3")}));
    // Retried after 20, 40, 80 ms, then every 100 ms (retry_max_ms).
    edge.settle([&](const mc::ForwardStats&) { return edge.clock->waits().size() >= 5; });
    const auto waits = edge.clock->waits();
    CHECK(std::vector<double>(waits.begin(), waits.begin() + 5) == ms({20, 40, 80, 100, 100}));
    const mc::ForwardStats stats = edge.forwarder->stats();
    CHECK(stats.spooled_batches == 2);
    CHECK(stats.sent_batches == 0);
    CHECK(stats.last_status == 0);
  }  // the edge restarts: the spool stays on disk
  CHECK(spool.files() == 2);

  mc::ServerOptions upstream_options;
  upstream_options.write_keys = {"upstream-key"};
  LiveCollector upstream(upstream_options, port);
  ForwardBench edge(forward_options(port, spool));
  const mc::ForwardStats stats = edge.settle([](const mc::ForwardStats& s) { return s.spooled_batches == 0; });
  CHECK(stats.sent_batches == 2);
  CHECK(edge.clock->waits().empty());
  CHECK(spool.files() == 0);
  const json events = upstream.events();
  REQUIRE(events.size() == 3);
  CHECK(events[0]["message_id"] == "o1");  // oldest batch first
  CHECK(events[2]["message_id"] == "o3");
  // sentAt is the edge clock's now, which is the upstream's receivedAt: no skew to correct.
  CHECK(events[0]["corrected_timestamp"] == "2026-11-27T10:00:00.000Z");
}

TEST_CASE("A full spool drops its oldest batches, counted") {
  const int port = free_port();
  SpoolDir spool;
  // Room for two batches of one event, not three.
  const std::uint64_t one_batch = json{{"batch", {track_event("s0")}}}.dump().size();
  const std::uint64_t max_bytes = 2 * one_batch + one_batch / 2;
  {
    ForwardBench edge(forward_options(port, spool, max_bytes));
    for (int i = 0; i < 5; ++i) edge.forwarder->enqueue({track_event("s" + std::to_string(i))});
    const mc::ForwardStats stats = edge.forwarder->stats();
    CHECK(stats.spooled_batches == 2);
    CHECK(stats.dropped_batches == 3);
    CHECK(stats.spooled_bytes <= max_bytes);
    CHECK(spool.files() == 2);
  }
  mc::ServerOptions upstream_options;
  upstream_options.write_keys = {"upstream-key"};
  LiveCollector upstream(upstream_options, port);
  ForwardBench edge(forward_options(port, spool, max_bytes));
  edge.settle([](const mc::ForwardStats& s) { return s.spooled_batches == 0; });
  const json events = upstream.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0]["message_id"] == "s3");  // the newest two
  CHECK(events[1]["message_id"] == "s4");
}

TEST_CASE("A batch the upstream refuses for good (4xx) is dropped, not retried") {
  mc::ServerOptions upstream_options;
  upstream_options.write_keys = {"another-key"};  // our key is refused: 401
  LiveCollector upstream(upstream_options);
  SpoolDir spool;
  ForwardBench edge(forward_options(upstream.port(), spool));
  REQUIRE(edge.forwarder->enqueue({track_event("r1")}));
  const mc::ForwardStats stats = edge.settle([](const mc::ForwardStats& s) { return s.dropped_batches == 1; });
  CHECK(stats.last_status == 401);
  CHECK(stats.sent_batches == 0);
  CHECK(edge.clock->waits().empty());
  CHECK(spool.files() == 0);
}

TEST_CASE("The upstream's Retry-After sets the forwarder's wait, and Basic auth carries the key") {
  Receiver upstream({{503, "3"}, {500}});
  SpoolDir spool;
  ForwardBench edge(forward_options(upstream.port(), spool));
  REQUIRE(edge.forwarder->enqueue({track_event("ra1")}));
  const mc::ForwardStats stats = edge.settle([](const mc::ForwardStats& s) { return s.sent_batches == 1; });
  CHECK(stats.last_status == 200);
  CHECK(edge.clock->waits() == ms({3000, 40}));  // Retry-After 3 s, then the backoff's second step
  const auto calls = upstream.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].path == "/v1/batch");
  CHECK(calls[0].header("Authorization") == "Basic dXBzdHJlYW0ta2V5Og==");  // "upstream-key:"
  const json body = json::parse(calls[2].body);
  CHECK(body["writeKey"] == "upstream-key");
  // Each attempt stamps its own sentAt: the third came 3.04 s after the first.
  CHECK(body["sentAt"] == "2026-11-27T10:00:18.040Z");
  CHECK(body["batch"][0]["messageId"] == "ra1");
}
