// The server under connections that do not behave like one quick client:
// many idle or half-sent ones, more than the cap, silent ones, and bodies
// near the size limit under every Content-Type a browser or SDK may send.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "gzip_for_tests.hpp"
#include "live_collector.hpp"

using namespace collector_test;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// A plain TCP connection to the collector, written and read by hand.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(fd_ >= 0);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send_text(const std::string& text) const {
    REQUIRE(send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
  }

  // Reads until `needle` has arrived `times` times in all, the peer closes,
  // or `limit` passes; returns everything received so far.
  std::string read_until(const std::string& needle, milliseconds limit, std::size_t times = 1) {
    const auto deadline = Clock::now() + limit;
    while (count_of(needle) < times && !closed_ && Clock::now() < deadline) wait_and_read(deadline);
    return received_;
  }

  std::size_t count_of(const std::string& needle) const {
    std::size_t count = 0;
    for (std::size_t at = received_.find(needle); at != std::string::npos; at = received_.find(needle, at + 1)) ++count;
    return count;
  }

  // Whether the peer closed (or reset) the connection within `limit`.
  bool closed_within(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!closed_ && Clock::now() < deadline) wait_and_read(deadline);
    return closed_;
  }

 private:
  void wait_and_read(Clock::time_point deadline) {
    pollfd ready{fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (poll(&ready, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) return;
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0)
      closed_ = true;
    else
      received_.append(buffer, static_cast<std::size_t>(got));
  }

  int fd_;
  std::string received_;
  bool closed_ = false;
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A one-event batch whose JSON text is exactly `size` bytes.
std::string batch_text_of_size(const std::string& message_id, std::size_t size) {
  json event = track_event(message_id);
  event["properties"]["pad"] = "";
  const std::string bare = batch_of({event}).dump();
  REQUIRE(bare.size() <= size);
  event["properties"]["pad"] = std::string(size - bare.size(), 'x');
  const std::string text = batch_of({event}).dump();
  REQUIRE(text.size() == size);
  return text;
}

const char* const kHalfHeaders = "POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty";

}  // namespace

TEST_CASE("Idle and half-sent connections do not delay a fresh batch") {
  LiveCollector server;  // the default pool of polling threads
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 64; ++i) {  // keep-alive connections that made one request and went quiet
    open.push_back(std::make_unique<RawConnection>(server.port()));
    open.back()->send_text("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE_THAT(open.back()->read_until("{\"ok\":true}", milliseconds(5000)), Catch::Contains("{\"ok\":true}"));
  }
  for (int i = 0; i < 64; ++i) {  // clients that stopped in the middle of their headers
    open.push_back(std::make_unique<RawConnection>(server.port()));
    open.back()->send_text(kHalfHeaders);
  }
  const auto accepted_by = Clock::now() + milliseconds(5000);  // every one of them held by the server
  while (server.collector().open_connections() < 128 && Clock::now() < accepted_by) std::this_thread::yield();
  REQUIRE(server.collector().open_connections() == 128);
  const auto start = Clock::now();
  const auto res = server.post("/v1/batch", batch_of({track_event("fresh")}));
  const double elapsed_ms = ms_since(start);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(elapsed_ms < 1000);  // a thread-per-connection pool of 16 took 4.5 s with 16 such, none with 64
}

TEST_CASE("Open live streams hold no thread") {
  mc::ServerOptions options;
  options.threads = 1;
  options.max_streams = 8;
  LiveCollector server(options);
  std::vector<std::unique_ptr<RawConnection>> streams;
  for (int i = 0; i < 8; ++i) {
    streams.push_back(std::make_unique<RawConnection>(server.port()));
    streams.back()->send_text("GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE_THAT(streams.back()->read_until("microtrack live stream", milliseconds(5000)),
                 Catch::Contains("microtrack live stream"));
  }
  const auto start = Clock::now();
  const auto res = server.post("/v1/batch", batch_of({track_event("while-streaming")}));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(ms_since(start) < 1000);
  for (auto& stream : streams)  // and every stream got it
    CHECK_THAT(stream->read_until("while-streaming", milliseconds(5000)), Catch::Contains("while-streaming"));
}

TEST_CASE("A connection past --max-connections is closed at once, and the others are still served") {
  mc::ServerOptions options;
  options.threads = 1;
  options.max_connections = 8;
  LiveCollector server(options);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 8; ++i) {
    open.push_back(std::make_unique<RawConnection>(server.port()));
    open.back()->send_text("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE_THAT(open.back()->read_until("{\"ok\":true}", milliseconds(5000)), Catch::Contains("{\"ok\":true}"));
  }
  REQUIRE(server.collector().open_connections() == 8);

  RawConnection extra(server.port());  // the kernel accepts it; the server closes it
  const auto start = Clock::now();
  CHECK(extra.closed_within(milliseconds(3000)));
  CHECK(ms_since(start) < 1000);

  open[3]->send_text("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");  // a second request
  open[3]->read_until("{\"ok\":true}", milliseconds(3000), 2);
  CHECK(open[3]->count_of("{\"ok\":true}") == 2);

  open.pop_back();  // a place frees up
  const auto deadline = Clock::now() + milliseconds(3000);
  while (server.collector().open_connections() >= 8 && Clock::now() < deadline) std::this_thread::yield();
  CHECK(server.get("/api/health")->status == 200);
}

TEST_CASE("A connection that goes silent is closed after the inactivity timeout") {
  mc::ServerOptions options;
  options.timeout_s = 1;
  LiveCollector server(options);
  RawConnection half_sent(server.port());
  half_sent.send_text(kHalfHeaders);
  RawConnection half_body(server.port());
  half_body.send_text("POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"batch\":[");
  RawConnection idle(server.port());
  const auto start = Clock::now();
  CHECK(half_sent.closed_within(milliseconds(5000)));
  CHECK(half_body.closed_within(milliseconds(5000)));
  CHECK(idle.closed_within(milliseconds(5000)));
  const double elapsed_ms = ms_since(start);
  CHECK(elapsed_ms > 800);
  CHECK(elapsed_ms < 4000);
  CHECK(server.events().empty());
}

TEST_CASE("With --cors-origins '*' every origin is allowed") {
  mc::ServerOptions options;
  options.cors_origins = {"*"};
  LiveCollector server(options);
  const auto post = server.client().Post("/v1/batch", {{"Origin", "https://any.example"}},
                                         batch_of({track_event("m1")}).dump(), "text/plain");
  REQUIRE(post);
  CHECK(post->status == 200);
  CHECK(post->get_header_value("Access-Control-Allow-Origin") == "https://any.example");
  CHECK(post->get_header_value("Vary") == "Origin");
  const auto preflight = server.client().Options(
      "/v1/batch", {{"Origin", "https://other.example"}, {"Access-Control-Request-Method", "POST"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "https://other.example");
  CHECK(server.get("/api/health")->get_header_value("Access-Control-Allow-Origin") == "*");
}

TEST_CASE("A body up to --max-body is accepted under any Content-Type, one byte more is a 413 naming the limit") {
  mc::ServerOptions options;
  options.max_body_bytes = 16 * 1024;  // a 14 KB form post used to hit httplib's 8 KB form limit
  // One padded string fills the body: this is about the body bound, not the per-string one (test_limits).
  options.limits.max_string_bytes = options.max_body_bytes;
  LiveCollector server(options);
  const std::string limit_message = "request body is over the limit of 16384 bytes (--max-body)";
  const std::vector<std::string> types = {"", "text/plain", "text/plain;charset=UTF-8", "application/json",
                                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"};
  for (std::size_t i = 0; i < types.size(); ++i) {
    CAPTURE(types[i]);
    httplib::Headers headers;
    if (!types[i].empty()) headers.emplace("Content-Type", types[i]);
    const auto fits = server.client().Post("/v1/batch", headers, batch_text_of_size("fit-" + std::to_string(i), 16384), "");
    REQUIRE(fits);
    CHECK(fits->status == 200);
    CHECK(json::parse(fits->body)["accepted"] == 1);
    const auto over = server.client().Post("/v1/batch", headers, batch_text_of_size("over-" + std::to_string(i), 16385), "");
    REQUIRE(over);
    CHECK(over->status == 413);
    CHECK(json::parse(over->body)["error"] == limit_message);
  }
  SECTION("gzip: the bound holds after decompression") {
    const httplib::Headers gzipped = {{"Content-Encoding", "gzip"}};
    const auto fits = server.client().Post("/v1/batch", gzipped, gzip(batch_text_of_size("gz-fit", 16384)), "text/plain");
    REQUIRE(fits);
    CHECK(fits->status == 200);
    const auto over = server.client().Post("/v1/batch", gzipped, gzip(batch_text_of_size("gz-over", 16385)), "text/plain");
    REQUIRE(over);
    CHECK(over->status == 413);
    CHECK(json::parse(over->body)["error"] == limit_message);
    const auto broken = server.client().Post("/v1/batch", gzipped, "not gzip at all", "text/plain");
    REQUIRE(broken);
    CHECK(broken->status == 400);
  }
  SECTION("chunked: the bound holds without a Content-Length") {
    for (const auto& [id, size, status] : {std::tuple{"chunked-fit", 16384, 200}, std::tuple{"chunked-over", 16385, 413}}) {
      const std::string body = batch_text_of_size(id, static_cast<std::size_t>(size));
      const auto res = server.client().Post(
          "/v1/batch",
          [&body](std::size_t offset, httplib::DataSink& sink) {
            const std::size_t piece = std::min<std::size_t>(1000, body.size() - offset);  // many chunks
            sink.write(body.data() + offset, piece);
            if (offset + piece == body.size()) sink.done();
            return true;
          },
          "text/plain");
      REQUIRE(res);
      CHECK(res->status == status);
    }
  }
  std::size_t stored_over = 0;
  for (const json& event : server.events()) stored_over += event["message_id"].get<std::string>().find("over") != std::string::npos;
  CHECK(stored_over == 0);
}
