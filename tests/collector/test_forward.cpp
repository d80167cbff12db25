// --forward: accepted batches relayed to an upstream Segment-compatible
// endpoint (here a second collector), through a bounded spool on disk.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "live_collector.hpp"

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

mc::ServerOptions forwarding_to(int port, const SpoolDir& spool, std::uint64_t max_bytes = 1 << 20) {
  mc::ServerOptions options;
  mc::ForwardOptions forward;
  forward.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/batch";
  forward.spool_dir = spool.path.string();
  forward.spool_max_bytes = max_bytes;
  forward.retry_base_ms = 20;
  forward.retry_max_ms = 100;
  forward.write_key = "upstream-key";
  options.forward = forward;
  return options;
}

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
    LiveCollector edge(forwarding_to(port, spool));
    edge.post("/v1/batch", batch_of({track_event("o1")}));
    edge.post("/v1/batch", batch_of({track_event("o2"), track_event("o3")}));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(health(edge)["forward"]["spooled_batches"] == 2);
    CHECK(health(edge)["forward"]["last_status"] == 0);
  }  // the edge restarts: the spool stays on disk
  CHECK(spool.files() == 2);

  mc::ServerOptions upstream_options;
  upstream_options.write_keys = {"upstream-key"};
  LiveCollector upstream(upstream_options, port);
  LiveCollector edge(forwarding_to(port, spool));
  const json events = wait_events(upstream, 3);
  REQUIRE(events.size() == 3);
  CHECK(events[0]["message_id"] == "o1");  // oldest batch first
  CHECK(events[2]["message_id"] == "o3");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(spool.files() == 0);
}

TEST_CASE("A full spool drops its oldest batches, counted") {
  const int port = free_port();
  SpoolDir spool;
  // One batch of one event is about 450 bytes: room for two.
  LiveCollector edge(forwarding_to(port, spool, 1000));
  for (int i = 0; i < 5; ++i) edge.post("/v1/batch", batch_of({track_event("s" + std::to_string(i))}));
  const json h = health(edge)["forward"];
  CHECK(h["spooled_batches"] == 2);
  CHECK(h["dropped_batches"] == 3);
  CHECK(h["spooled_bytes"].get<int>() <= 1000);
  CHECK(spool.files() == 2);
  CHECK(edge.events().size() == 5);  // the collector itself kept everything

  mc::ServerOptions upstream_options;
  LiveCollector upstream(upstream_options, port);
  const json events = wait_events(upstream, 2);
  REQUIRE(events.size() == 2);
  CHECK(events[0]["message_id"] == "s3");  // the newest two
  CHECK(events[1]["message_id"] == "s4");
}

TEST_CASE("A batch the upstream refuses for good (4xx) is dropped, not retried forever") {
  mc::ServerOptions upstream_options;
  upstream_options.write_keys = {"another-key"};  // our key is refused: 401
  LiveCollector upstream(upstream_options);
  SpoolDir spool;
  LiveCollector edge(forwarding_to(upstream.port(), spool));
  edge.post("/v1/batch", batch_of({track_event("r1")}));
  json h;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    h = health(edge)["forward"];
    if (h["dropped_batches"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(h["dropped_batches"] == 1);
  CHECK(h["last_status"] == 401);
  CHECK(spool.files() == 0);
}
