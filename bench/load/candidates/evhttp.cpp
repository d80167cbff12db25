// libevent evhttp candidate: evhttp is single-threaded per event_base, so
// --threads event loops each run their own evhttp on one shared listening
// socket (evhttp_accept_socket); the kernel hands each accept to one of them.
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <thread>
#include <vector>

#include "sink.hpp"

namespace {

void on_request(evhttp_request* request, void* context) {
  auto* sink = static_cast<candidate::Sink*>(context);
  int status = 404;
  const char* json = "{\"error\":\"not found\"}";
  if (evhttp_request_get_command(request) == EVHTTP_REQ_POST) {
    evbuffer* input = evhttp_request_get_input_buffer(request);
    const std::size_t size = evbuffer_get_length(input);
    const auto* body = reinterpret_cast<const char*>(evbuffer_pullup(input, -1));
    const bool stored = sink->insert(body ? body : "", size);
    status = stored ? 200 : 500;
    json = stored ? candidate::kOkBody : candidate::kErrorBody;
  }
  evhttp_add_header(evhttp_request_get_output_headers(request), "Content-Type", "application/json");
  evbuffer* output = evbuffer_new();
  evbuffer_add(output, json, std::strlen(json));
  evhttp_send_reply(request, status, status == 200 ? "OK" : "Error", output);
  evbuffer_free(output);
}

int listen_on_loopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 4096) != 0) return -1;
  return fd;
}

int bound_port(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = candidate::block_stop_signals();
  const candidate::Args args = candidate::parse_args(argc, argv);
  candidate::Sink sink(args.db);
  evthread_use_pthreads();  // so the main thread may stop the loops
  const int listener = listen_on_loopback(args.port);
  if (listener < 0) {
    std::perror("evhttp: listen");
    return 1;
  }
  std::vector<event_base*> bases;
  std::vector<std::thread> threads;
  for (int i = 0; i < args.threads; ++i) {
    event_base* base = event_base_new();
    evhttp* server = evhttp_new(base);
    // Timeouts are per read or write (idle time), not per request.
    evhttp_set_timeout(server, args.idle_timeout_s);
    evhttp_set_max_body_size(server, static_cast<ev_ssize_t>(args.max_body_bytes));
    evhttp_set_max_headers_size(server, 16 * 1024);
    evhttp_set_gencb(server, on_request, &sink);
    evhttp_accept_socket(server, listener);
    bases.push_back(base);
    threads.emplace_back([base] { event_base_dispatch(base); });
  }
  candidate::announce("evhttp", bound_port(listener));
  candidate::wait_for_stop_signal(stop);
  for (event_base* base : bases) event_base_loopbreak(base);
  for (auto& thread : threads) thread.join();
  return 0;
}
