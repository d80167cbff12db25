// Boost.Beast candidate: one io_context run by --threads threads, a strand
// per connection, async reads and writes; an open connection costs a socket,
// a buffer and a parser, not a thread.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "sink.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, candidate::Sink& sink, const candidate::Args& args)
      : stream_(std::move(socket)), sink_(sink), args_(args) {}

  // Beast's deadline covers the whole read (headers and body), so a client
  // trickling a header byte at a time is cut off when it expires.
  void read() {
    parser_.emplace();
    parser_->body_limit(args_.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(args_.idle_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) return respond(413, "{\"error\":\"body too large\"}", false);
    if (ec) return close();
    const auto& request = parser_->get();
    if (request.method() != http::verb::post) return respond(404, "{\"error\":\"not found\"}", request.keep_alive());
    const bool stored = sink_.insert(request.body().data(), request.body().size());
    respond(stored ? 200 : 500, stored ? candidate::kOkBody : candidate::kErrorBody, request.keep_alive());
  }

  void respond(unsigned status, const char* json, bool keep_alive) {
    response_ = {};
    response_.result(status);
    response_.version(11);
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(keep_alive);
    response_.body() = json;
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  candidate::Sink& sink_;
  const candidate::Args& args_;
};

void accept_next(tcp::acceptor& acceptor, candidate::Sink& sink, const candidate::Args& args) {
  acceptor.async_accept(net::make_strand(acceptor.get_executor()), [&](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Session>(std::move(socket), sink, args)->read();
    accept_next(acceptor, sink, args);
  });
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = candidate::block_stop_signals();
  const candidate::Args args = candidate::parse_args(argc, argv);
  candidate::Sink sink(args.db);
  net::io_context io(args.threads);
  tcp::acceptor acceptor(io);
  const tcp::endpoint loopback(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(args.port));
  acceptor.open(loopback.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(loopback);
  acceptor.listen(4096);
  accept_next(acceptor, sink, args);
  std::vector<std::thread> threads;
  for (int i = 0; i < args.threads; ++i) threads.emplace_back([&io] { io.run(); });
  candidate::announce("beast", acceptor.local_endpoint().port());
  candidate::wait_for_stop_signal(stop);
  io.stop();
  for (auto& thread : threads) thread.join();
  return 0;
}
