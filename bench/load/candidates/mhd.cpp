// libmicrohttpd candidate: epoll with a pool of --threads event threads
// (MHD_USE_EPOLL_INTERNAL_THREAD + MHD_OPTION_THREAD_POOL_SIZE); an open
// connection costs a file descriptor and a small struct, not a thread.
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "sink.hpp"

namespace {

candidate::Sink* sink = nullptr;
std::size_t max_body_bytes = 0;

// The body collected over the upload callbacks of one request.
struct Upload {
  std::string body;
  bool too_large = false;
};

MHD_Result reply(MHD_Connection* connection, unsigned status, const char* json) {
  MHD_Response* response =
      MHD_create_response_from_buffer(std::strlen(json), const_cast<char*>(json), MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(response, "Content-Type", "application/json");
  const MHD_Result queued = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return queued;
}

// MHD calls this once with the headers, once per piece of body, and once
// more when the body is complete (upload_size 0): then we answer.
MHD_Result on_request(void*, MHD_Connection* connection, const char*, const char* method, const char*,
                      const char* upload, std::size_t* upload_size, void** state) {
  auto* request = static_cast<Upload*>(*state);
  if (!request) {
    *state = new Upload;
    return MHD_YES;
  }
  if (*upload_size != 0) {
    if (request->body.size() + *upload_size > max_body_bytes) request->too_large = true;
    else request->body.append(upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (std::strcmp(method, "POST") != 0) return reply(connection, 404, "{\"error\":\"not found\"}");
  if (request->too_large) return reply(connection, 413, "{\"error\":\"body too large\"}");
  const bool stored = sink->insert(request->body.data(), request->body.size());
  return stored ? reply(connection, 200, candidate::kOkBody) : reply(connection, 500, candidate::kErrorBody);
}

void on_completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Upload*>(*state);
  *state = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = candidate::block_stop_signals();
  const candidate::Args args = candidate::parse_args(argc, argv);
  candidate::Sink store(args.db);
  sink = &store;
  max_body_bytes = args.max_body_bytes;
  sockaddr_in loopback{};
  loopback.sin_family = AF_INET;
  loopback.sin_port = htons(static_cast<uint16_t>(args.port));
  loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The default connection limit is FD_SETSIZE - 4 (1020) even with epoll;
  // the limit is shared out between the pool's threads.
  MHD_Daemon* daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr, &on_request, nullptr,
      MHD_OPTION_SOCK_ADDR, &loopback,
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(args.threads),
      MHD_OPTION_CONNECTION_LIMIT, 15000u,
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(args.idle_timeout_s),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, args.connection_memory_bytes,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
      MHD_OPTION_NOTIFY_COMPLETED, &on_completed, nullptr,
      MHD_OPTION_END);
  if (!daemon) {
    std::fprintf(stderr, "mhd: could not start\n");
    return 1;
  }
  candidate::announce("libmicrohttpd", MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port);
  candidate::wait_for_stop_signal(stop);
  MHD_stop_daemon(daemon);
  return 0;
}
