#pragma once
// The collector's HTTP server: event-driven (libmicrohttpd, epoll, a small
// pool of polling threads), so an idle keep-alive connection, a client that
// sends its headers slowly or an open live stream costs a socket and a small
// buffer, never a thread. It reads whole request bodies (any Content-Type,
// chunked or not, gzip undone) up to a bound and hands each request to one
// handler as http::Request / http::Response. This header does not show the
// library; http_server.cpp is the only file that includes it.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http.hpp"

namespace microtrack::collector::http {

struct ServerSettings {
  // Largest request body in bytes, before and after gzip decompression;
  // a larger one is answered 413 without reaching the handler.
  std::size_t max_body_bytes = 1024 * 1024;
  // Polling threads. Handlers run on them, so a slow handler delays the
  // other connections of its thread.
  int threads = 4;
  // Connections open at once; past it a new connection is closed at once.
  std::size_t max_connections = 20000;
  // Seconds a connection may stay silent (headers or body not coming, or an
  // idle keep-alive) before it is closed. Live streams are exempt.
  int timeout_s = 15;
  // The visitor's address for a request (X-Forwarded-For from a trusted
  // proxy, client_address.hpp), put in Request::client_address before the
  // handler runs. Null = the peer's address.
  std::function<std::string(const Request&)> client_address;
  // Runs on every response, the server's own errors (413, 400) included:
  // CORS headers go here.
  Handler decorate;
  // One line per request ("POST /v1/batch 200 in=61B out=40B 0.4ms"). Null = silent.
  std::function<void(const std::string& line)> log;
};

class Server {
 public:
  // `handler` answers every request that got through (its body whole and
  // within the limit); it runs on a polling thread and must not block long.
  Server(ServerSettings settings, Handler handler);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (0 = any free port) without SO_REUSEPORT, so a second
  // server cannot share a port, and starts the polling threads. Returns the
  // port, or 0 with `error` set.
  int start(const std::string& host, int port, std::string& error);

  // Graceful stop, from any thread but a handler: no new connections, live
  // streams end, requests in flight are answered (for up to `timeout_s`),
  // then every connection is closed. Returns when the threads have ended.
  void stop();

  // Connections open now (for tests and health).
  std::size_t open_connections() const;

  struct State;  // the library-facing part, in http_server.cpp

 private:
  std::unique_ptr<State> state_;
};

}  // namespace microtrack::collector::http
