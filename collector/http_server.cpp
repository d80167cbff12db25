// libmicrohttpd behind http::Server. MHD calls on_request several times per
// request: once when the headers are in (an Exchange is made), once per piece
// of body, and once more when the body is complete (the handler runs and the
// response is queued). on_completed ends the Exchange after the response is
// sent or the connection dropped. Everything here runs on MHD's polling
// threads except start(), stop() and the wake functions of live streams.
#include "http_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "gunzip.hpp"

namespace microtrack::collector::http {
namespace {

using Clock = std::chrono::steady_clock;

// A body over the limit is still read (and dropped) up to this much more, so
// that a client that sends its whole body before reading gets the 413 rather
// than a reset connection; past it the connection is closed.
constexpr std::size_t kDiscardBytes = 16 * 1024 * 1024;
constexpr std::size_t kStreamBlockBytes = 16 * 1024;

// The server's side of a live stream: parks the connection (MHD suspend)
// while the stream has nothing to send, unparks it when the stream's wake
// function runs. Shared by the Exchange, the MHD response and the server's
// list of open streams; the wake function holds it weakly.
struct StreamLink {
  std::shared_ptr<BodyStream> body;
  MHD_Connection* connection = nullptr;
  std::mutex mutex;
  bool parked = false;        // suspended in MHD
  bool wake_pending = false;  // woken since the last read()
  bool closed = false;        // the connection is gone: waking does nothing
  bool ending = false;        // the server is stopping: end at the next read
  bool body_ended = false;    // read() said end
  std::string pending;        // read but not yet handed to MHD

  void wake() {
    std::lock_guard<std::mutex> lock(mutex);
    if (closed) return;
    wake_pending = true;
    if (parked) {
      parked = false;
      MHD_resume_connection(connection);
    }
  }
};

// One request, from its headers until its response is sent.
struct Exchange {
  Request request;
  Clock::time_point start = Clock::now();
  bool over_limit = false;
  std::size_t discarded = 0;  // body bytes dropped once over the limit
  Response response;          // MHD sends response.body from here (no copy)
  std::shared_ptr<StreamLink> stream;
};

std::string too_big_message(std::size_t max_body_bytes) {
  return "request body is over the limit of " + std::to_string(max_body_bytes) + " bytes (--max-body)";
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address && address->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  else if (address && address->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  return text;
}

// A listening socket on host:port with SO_REUSEADDR only (a restart may
// rebind while old sockets sit in TIME_WAIT; SO_REUSEPORT would let a second
// collector take half the traffic). -1 with `error` on failure.
int listen_on(const std::string& host, int port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = found; ai && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      error = std::string("cannot listen on ") + host + ":" + service + ": " + std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

MHD_Result add_header(void* headers, MHD_ValueKind, const char* key, const char* value) {
  static_cast<Headers*>(headers)->emplace(key, value ? value : "");
  return MHD_YES;
}

MHD_Result add_param(void* params, MHD_ValueKind, const char* key, const char* value) {
  static_cast<Params*>(params)->emplace(key, value ? value : "");
  return MHD_YES;
}

// MHD's content reader for a live stream: hands over what the stream has,
// or parks the connection until its wake function runs.
ssize_t read_stream(void* cls, std::uint64_t, char* out, std::size_t max) {
  StreamLink& link = **static_cast<std::shared_ptr<StreamLink>*>(cls);
  if (link.pending.empty()) {
    {
      std::lock_guard<std::mutex> lock(link.mutex);
      if (link.ending || link.body_ended) return MHD_CONTENT_READER_END_OF_STREAM;
      link.wake_pending = false;
    }
    // Outside the lock: read() takes the stream's own locks, under which
    // wake() may be called.
    if (link.body->read(link.pending) == BodyStream::Status::end) link.body_ended = true;
    if (link.pending.empty()) {
      std::lock_guard<std::mutex> lock(link.mutex);
      if (link.ending || link.body_ended) return MHD_CONTENT_READER_END_OF_STREAM;
      MHD_suspend_connection(link.connection);
      // Woken while reading: come straight back (MHD resumes on its next turn).
      if (link.wake_pending)
        MHD_resume_connection(link.connection);
      else
        link.parked = true;
      return 0;
    }
  }
  const std::size_t size = std::min(max, link.pending.size());
  std::memcpy(out, link.pending.data(), size);
  link.pending.erase(0, size);
  return static_cast<ssize_t>(size);
}

void free_stream(void* cls) { delete static_cast<std::shared_ptr<StreamLink>*>(cls); }

}  // namespace

struct Server::State {
  ServerSettings settings;
  Handler handler;
  MHD_Daemon* daemon = nullptr;
  int listen_fd = -1;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> draining{false};
  std::mutex mutex;  // guards in_flight and streams
  std::condition_variable settled;
  std::size_t in_flight = 0;  // Exchanges not yet completed
  std::set<std::shared_ptr<StreamLink>> streams;

  Exchange* begin(MHD_Connection* connection, const char* url, const char* method);
  void take_body(Exchange& exchange, const char* data, std::size_t size);
  bool decode_body(Request& request, Response& response) const;
  MHD_Result respond(MHD_Connection* connection, Exchange& exchange);
  MHD_Response* build(MHD_Connection* connection, Exchange& exchange);
  void complete(Exchange* exchange);
  std::string log_line(const Exchange& exchange) const;
};

namespace {

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                      const char* upload_data, std::size_t* upload_size, void** context) {
  auto& state = *static_cast<Server::State*>(cls);
  auto* exchange = static_cast<Exchange*>(*context);
  if (!exchange) {
    *context = state.begin(connection, url, method);
    return MHD_YES;
  }
  if (*upload_size > 0) {
    state.take_body(*exchange, upload_data, *upload_size);
    *upload_size = 0;
    return exchange->discarded > kDiscardBytes ? MHD_NO : MHD_YES;
  }
  return state.respond(connection, *exchange);
}

void on_completed(void* cls, MHD_Connection*, void** context, MHD_RequestTerminationCode) {
  static_cast<Server::State*>(cls)->complete(static_cast<Exchange*>(*context));
  *context = nullptr;
}

// Past the cap a new connection is closed at once: MHD's own limit would
// stop accepting instead and leave clients waiting in the backlog.
// While draining, a new connection is closed as soon as it is accepted.
// (MHD_quiesce_daemon would take the listen socket out of the event loop
// instead, but with epoll and a thread pool it races MHD's own workers for
// that and can abort the process: an open libmicrohttpd defect, seen here.)
MHD_Result on_accept(void* cls, const sockaddr*, socklen_t) {
  const auto& state = *static_cast<Server::State*>(cls);
  if (state.draining) return MHD_NO;
  return state.connections.load() < state.settings.max_connections ? MHD_YES : MHD_NO;
}

void on_connection(void* cls, MHD_Connection*, void**, MHD_ConnectionNotificationCode code) {
  auto& state = *static_cast<Server::State*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) ++state.connections;
  if (code == MHD_CONNECTION_NOTIFY_CLOSED) --state.connections;
}

}  // namespace

Exchange* Server::State::begin(MHD_Connection* connection, const char* url, const char* method) {
  auto* exchange = new Exchange;
  Request& request = exchange->request;
  request.method = method;
  request.path = url;  // MHD has percent-decoded it
  MHD_get_connection_values(connection, MHD_HEADER_KIND, add_header, &request.headers);
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, add_param, &request.params);
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  request.peer_address = address_text(info ? info->client_addr : nullptr);
  request.client_address = settings.client_address ? settings.client_address(request) : request.peer_address;
  // A declared length over the limit is known now; a chunked or gzipped
  // body is checked as it comes.
  const std::string length = request.header("Content-Length");
  if (!length.empty() && length.size() < 19 && length.find_first_not_of("0123456789") == std::string::npos) {
    const auto declared = static_cast<std::size_t>(std::stoull(length));
    if (declared > settings.max_body_bytes)
      exchange->over_limit = true;
    else
      request.body.reserve(declared);
  }
  std::lock_guard<std::mutex> lock(mutex);
  ++in_flight;
  return exchange;
}

void Server::State::take_body(Exchange& exchange, const char* data, std::size_t size) {
  std::string& body = exchange.request.body;
  if (!exchange.over_limit && body.size() + size > settings.max_body_bytes) {
    exchange.over_limit = true;
    exchange.discarded = body.size();
    std::string().swap(body);
  }
  if (exchange.over_limit)
    exchange.discarded += size;
  else
    body.append(data, size);
}

// Undoes Content-Encoding; false after writing the error answer.
bool Server::State::decode_body(Request& request, Response& response) const {
  std::string encoding = request.header("Content-Encoding");
  std::transform(encoding.begin(), encoding.end(), encoding.begin(), [](unsigned char c) { return std::tolower(c); });
  if (encoding.empty() || encoding == "identity") return true;
  if (encoding != "gzip" && encoding != "x-gzip" && encoding != "deflate") {
    response.set_error(415, "Content-Encoding " + encoding + " is not supported (gzip and deflate are)");
    return false;
  }
  std::string plain;
  switch (gunzip(request.body, settings.max_body_bytes, plain)) {
    case GunzipResult::ok:
      request.body = std::move(plain);
      return true;
    case GunzipResult::too_big:
      response.set_error(413, too_big_message(settings.max_body_bytes));
      return false;
    case GunzipResult::broken:
      break;
  }
  response.set_error(400, "body is not valid " + encoding);
  return false;
}

MHD_Result Server::State::respond(MHD_Connection* connection, Exchange& exchange) {
  Request& request = exchange.request;
  Response& response = exchange.response;
  if (exchange.over_limit) {
    response.set_error(413, too_big_message(settings.max_body_bytes));
  } else if (decode_body(request, response)) {
    try {
      handler(request, response);
    } catch (const std::exception& e) {
      response = Response();
      response.set_error(500, std::string("internal error: ") + e.what());
    }
  }
  if (settings.decorate) settings.decorate(request, response);
  if (draining) response.set_header("Connection", "close");
  MHD_Response* mhd_response = build(connection, exchange);
  if (!mhd_response) return MHD_NO;
  if (settings.log) settings.log(log_line(exchange));
  const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(response.status), mhd_response);
  MHD_destroy_response(mhd_response);
  return queued;
}

MHD_Response* Server::State::build(MHD_Connection* connection, Exchange& exchange) {
  Response& response = exchange.response;
  MHD_Response* built = nullptr;
  if (response.stream) {
    auto link = std::make_shared<StreamLink>();
    link->body = response.stream;
    link->connection = connection;
    {
      std::lock_guard<std::mutex> lock(mutex);
      link->ending = draining;
      streams.insert(link);
    }
    exchange.stream = link;
    link->body->start([weak = std::weak_ptr<StreamLink>(link)] {
      if (const auto alive = weak.lock()) alive->wake();
    });
    built = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, kStreamBlockBytes, read_stream,
                                              new std::shared_ptr<StreamLink>(link), free_stream);
  } else {
    // The Exchange keeps the body alive until the response is sent.
    built = MHD_create_response_from_buffer(response.body.size(), response.body.data(), MHD_RESPMEM_PERSISTENT);
  }
  if (!built) return nullptr;
  for (const auto& [name, value] : response.headers) MHD_add_response_header(built, name.c_str(), value.c_str());
  return built;
}

void Server::State::complete(Exchange* exchange) {
  if (!exchange) return;
  if (exchange->stream) {
    {
      std::lock_guard<std::mutex> link_lock(exchange->stream->mutex);
      exchange->stream->closed = true;
    }
    std::lock_guard<std::mutex> lock(mutex);
    streams.erase(exchange->stream);
  }
  delete exchange;
  std::lock_guard<std::mutex> lock(mutex);
  --in_flight;
  settled.notify_all();
}

std::string Server::State::log_line(const Exchange& exchange) const {
  const Request& request = exchange.request;
  const Response& response = exchange.response;
  const std::chrono::duration<double, std::milli> elapsed = Clock::now() - exchange.start;
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1fms", elapsed.count());
  const std::size_t in = exchange.over_limit ? exchange.discarded : request.body.size();
  const std::string out = response.stream ? "stream" : std::to_string(response.body.size()) + "B";
  return request.method + " " + request.path + " " + std::to_string(response.status) + " in=" + std::to_string(in) +
         "B out=" + out + " " + ms;
}

Server::Server(ServerSettings settings, Handler handler) : state_(std::make_unique<State>()) {
  state_->settings = std::move(settings);
  state_->handler = std::move(handler);
}

Server::~Server() { stop(); }

int Server::start(const std::string& host, int port, std::string& error) {
  State& state = *state_;
  state.listen_fd = listen_on(host, port, error);
  if (state.listen_fd < 0) return 0;
  const auto threads = static_cast<unsigned>(std::max(1, state.settings.threads));
  // Our cap (on_accept) comes first; MHD's own, per polling thread, is kept
  // out of its way.
  const auto mhd_limit = static_cast<unsigned>(std::min<std::size_t>(state.settings.max_connections * 2 + 64 * threads, 1u << 30));
  state.daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, on_accept, &state, on_request, &state,
      MHD_OPTION_LISTEN_SOCKET, state.listen_fd,
      MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(std::max(0, state.settings.timeout_s)),
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, &state,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, &state,
      MHD_OPTION_END);
  if (!state.daemon) {
    error = "cannot start the HTTP server (libmicrohttpd)";
    close(state.listen_fd);
    state.listen_fd = -1;
    return 0;
  }
  return bound_port(state.listen_fd);
}

void Server::stop() {
  State& state = *state_;
  if (!state.daemon) return;
  state.draining = true;  // no new connections (on_accept)
  std::set<std::shared_ptr<StreamLink>> streams;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    streams = state.streams;
  }
  for (const auto& link : streams) {
    {
      std::lock_guard<std::mutex> lock(link->mutex);
      link->ending = true;
    }
    link->wake();
  }
  {
    std::unique_lock<std::mutex> lock(state.mutex);
    const auto patience = std::chrono::seconds(std::max(1, state.settings.timeout_s));
    state.settled.wait_for(lock, patience, [&] { return state.in_flight == 0; });
  }
  MHD_stop_daemon(state.daemon);  // closes the connections left (idle keep-alives) and the listen socket
  state.daemon = nullptr;
  state.listen_fd = -1;
}

std::size_t Server::open_connections() const { return state_->connections.load(); }

}  // namespace microtrack::collector::http
