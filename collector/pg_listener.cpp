#include "pg_listener.hpp"

#include <algorithm>
#include <memory>

#include <poll.h>
#include <unistd.h>

namespace microtrack::collector {

PgListener::PgListener(std::string url, std::string channel, std::function<void(const std::string&)> on_payload)
    : url_(std::move(url)), channel_(std::move(channel)), on_payload_(std::move(on_payload)) {
  if (::pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  // The first LISTEN before returning, so every commit after it is heard.
  std::shared_ptr<PgConnection> first = connect_and_listen();
  thread_ = std::thread([this, first] { run(first); });
}

std::unique_ptr<PgConnection> PgListener::connect_and_listen() {
  std::string error;
  auto conn = PgConnection::connect(url_, error);
  // A quoted identifier: the channel name is used as it is, case and all.
  if (conn && conn->run("LISTEN \"" + channel_ + "\"", error)) return conn;
  return nullptr;
}

PgListener::~PgListener() {
  stopping_ = true;
  if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
  thread_.join();
  for (const int fd : wake_)
    if (fd >= 0) ::close(fd);
}

bool PgListener::wait_for(int fd, int timeout_ms) {
  pollfd fds[2] = {{wake_[0], POLLIN, 0}, {fd, POLLIN, 0}};
  ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
  return !stopping_;
}

void PgListener::run(std::shared_ptr<PgConnection> conn) {
  int backoff_ms = 100;
  while (!stopping_) {
    if (conn) {
      backoff_ms = 100;
      listen_on(*conn);
      conn.reset();
    }
    if (!wait_for(-1, backoff_ms)) return;
    backoff_ms = std::min(backoff_ms * 2, 5000);
    conn = connect_and_listen();
  }
}

void PgListener::listen_on(PgConnection& conn) {
  const int socket = PQsocket(conn.raw());
  while (wait_for(socket, -1)) {
    if (!PQconsumeInput(conn.raw())) return;  // the link broke
    while (PGnotify* note = PQnotifies(conn.raw())) {
      const std::string payload = note->extra;
      PQfreemem(note);
      if (stopping_) return;
      on_payload_(payload);
    }
  }
}

}  // namespace microtrack::collector
