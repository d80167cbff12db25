// GET /api/stream: stored events as Server-Sent Events.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "live_collector.hpp"
#include "test_stores.hpp"

using namespace collector_test;

namespace {

// Reads a stream on its own thread until `until(text so far)` holds, the
// server ends it, or the test stops it.
class StreamReader {
 public:
  StreamReader(const LiveCollector& server, std::string path, httplib::Headers headers = {})
      : client_(server.client()) {
    client_.set_read_timeout(30, 0);
    thread_ = std::thread([this, path, headers] {
      const auto res = client_.Get(
          path.c_str(), headers,
          [this](const httplib::Response& r) {
            std::lock_guard<std::mutex> lock(mutex_);
            status_ = r.status;
            content_type_ = r.get_header_value("Content-Type");
            changed_.notify_all();
            return true;
          },
          [this](const char* data, std::size_t size) {
            std::lock_guard<std::mutex> lock(mutex_);
            text_.append(data, size);
            changed_.notify_all();
            return !stop_;
          });
      std::lock_guard<std::mutex> lock(mutex_);
      if (res && status_ == 0) status_ = res->status;
      if (res && text_.empty()) text_ = res->body;
      ended_ = true;
      changed_.notify_all();
    });
  }
  ~StreamReader() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    client_.stop();
    thread_.join();
  }
  // Waits until the text holds `needle` (or the stream ended); returns the text.
  std::string wait_for(const std::string& needle, int timeout_ms = 5000) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return ended_ || text_.find(needle) != std::string::npos; });
    return text_;
  }
  bool wait_end(int timeout_ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return ended_; });
  }
  int status() {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }
  std::string content_type() {
    std::lock_guard<std::mutex> lock(mutex_);
    return content_type_;
  }

 private:
  httplib::Client client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_, content_type_;
  int status_ = 0;
  bool ended_ = false, stop_ = false;
  std::thread thread_;
};

// The data: lines of the `event` messages in a stream text.
std::vector<json> events_in(const std::string& text) {
  std::vector<json> out;
  std::size_t at = 0;
  while ((at = text.find("event: event\ndata: ", at)) != std::string::npos) {
    at += 19;
    const std::size_t end = text.find('\n', at);
    out.push_back(json::parse(text.substr(at, end - at)));
  }
  return out;
}

}  // namespace

TEST_CASE("A stored event reaches an open live stream once, with what the server added") {
  LiveCollector server;
  StreamReader stream(server, "/api/stream");
  REQUIRE_THAT(stream.wait_for("microtrack live stream"), Catch::Contains("retry: 2000"));
  CHECK(stream.status() == 200);
  CHECK(stream.content_type() == "text/event-stream");

  server.post("/v1/batch", batch_of({track_event("live-1"), track_event("live-2", "cta_click")}));
  server.post("/v1/batch", batch_of({track_event("live-1")}));  // a duplicate: not streamed again
  server.post("/v1/batch", batch_of({track_event("live-3")}));
  const auto events = events_in(stream.wait_for("live-3"));
  REQUIRE(events.size() == 3);
  CHECK(events[0]["messageId"] == "live-1");
  CHECK(events[1]["event"] == "cta_click");
  CHECK(events[1]["properties"] == json({{"variant", "b"}}));
  CHECK(events[1]["receivedAt"] == kReceivedAt);
  CHECK(events[1]["correctedTimestamp"] == "2026-11-27T10:00:10.000Z");
  CHECK(events[1]["id"].is_number_integer());
  CHECK(events[2]["messageId"] == "live-3");
  CHECK_THAT(stream.wait_for("live-3"), Catch::Contains("id: 3\nevent: event"));
}

TEST_CASE("A new stream can start with the newest stored events (backlog=N)") {
  LiveCollector server;  // nobody listens while these are stored
  server.post("/v1/batch", batch_of({track_event("r1"), track_event("r2"), track_event("r3")}));

  SECTION("backlog=2 replays the last two from the database, oldest first, then goes live") {
    StreamReader stream(server, "/api/stream?backlog=2");
    auto events = events_in(stream.wait_for("r3"));
    REQUIRE(events.size() == 2);
    CHECK(events[0]["messageId"] == "r2");
    CHECK(events[1]["messageId"] == "r3");
    CHECK(events[1]["correctedTimestamp"] == "2026-11-27T10:00:10.000Z");
    CHECK(events[1]["receivedAt"] == kReceivedAt);
    CHECK(events[1]["properties"] == json({{"variant", "b"}}));  // the whole event, as received
    CHECK(events[1]["context"]["sessionId"] == "s-1");
    server.post("/v1/batch", batch_of({track_event("r4")}));
    events = events_in(stream.wait_for("r4"));
    REQUIRE(events.size() == 3);
    CHECK(events[2]["messageId"] == "r4");
  }
  SECTION("without backlog, only new events come") {
    StreamReader stream(server, "/api/stream");
    stream.wait_for("microtrack live stream");
    server.post("/v1/batch", batch_of({track_event("r4")}));
    const auto events = events_in(stream.wait_for("r4"));
    REQUIRE(events.size() == 1);
    CHECK(events[0]["messageId"] == "r4");
  }
  SECTION("a bad backlog is a 400") { CHECK(server.get("/api/stream?backlog=lots")->status == 400); }
}

TEST_CASE("A reconnecting stream (Last-Event-ID) gets what was stored while it was away") {
  LiveCollector server;
  {
    StreamReader first(server, "/api/stream");
    first.wait_for("microtrack live stream");
    server.post("/v1/batch", batch_of({track_event("a1")}));
    REQUIRE_THAT(first.wait_for("a1"), Catch::Contains("id: 1\n"));
  }  // the connection drops
  server.post("/v1/batch", batch_of({track_event("a2"), track_event("a3")}));  // stored while away
  StreamReader again(server, "/api/stream", {{"Last-Event-ID", "1"}});
  const auto events = events_in(again.wait_for("a3"));
  REQUIRE(events.size() == 2);
  CHECK(events[0]["messageId"] == "a2");
  CHECK(events[1]["messageId"] == "a3");
}

TEST_CASE("Live streams are capped, and stopping the collector ends them at once") {
  mc::ServerOptions options;
  options.max_streams = 1;
  auto server = std::make_unique<LiveCollector>(options);
  StreamReader first(*server, "/api/stream");
  first.wait_for("microtrack live stream");
  const auto second = server->get("/api/stream");
  REQUIRE(second);
  CHECK(second->status == 503);
  CHECK(server->get("/api/health")->status == 200);  // the rest still answers

  const auto start = std::chrono::steady_clock::now();
  server.reset();
  CHECK(first.wait_end(3000));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

TEST_CASE("Collectors sharing a PostgreSQL database each stream what the others stored", "[postgres]") {
  if (!testing_postgres()) {
    WARN("skipped: MICROTRACK_TEST_PG is not set");
    return;
  }
  const std::string url = fresh_postgres_schema_url();
  LiveCollector a({}, 0, url);
  LiveCollector b({}, 0, url);
  StreamReader stream(b, "/api/stream");
  stream.wait_for("microtrack live stream");  // open, so b's store listens for the others
  REQUIRE(a.post("/v1/batch", batch_of({track_event("via-a")}))->status == 200);
  const std::string text = stream.wait_for("via-a", 10'000);
  CHECK(text.find("\"messageId\":\"via-a\"") != std::string::npos);
  CHECK(text.find("\"receivedAt\":\"" + kReceivedAt + "\"") != std::string::npos);
  // Stored once, streamed once: b heard it from a, not again from itself.
  REQUIRE(b.post("/v1/batch", batch_of({track_event("via-b")}))->status == 200);
  const std::string both = stream.wait_for("via-b", 10'000);
  std::size_t count = 0;
  for (auto at = both.find("\"via-a\""); at != std::string::npos; at = both.find("\"via-a\"", at + 1)) ++count;
  CHECK(count == 1);
}
