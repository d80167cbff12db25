#include "pg_listener.hpp"

#include <algorithm>
#include <memory>

#include <poll.h>
#include <unistd.h>

namespace microtrack::collector {

PgListener::PgListener(std::string url, std::vector<std::string> channels, OnPayload on_payload,
                       std::function<void()> on_reconnect)
    : url_(std::move(url)),
      channels_(std::move(channels)),
      on_payload_(std::move(on_payload)),
      on_reconnect_(std::move(on_reconnect)) {
  if (::pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  // The first LISTEN before returning, so every commit after it is heard.
  std::shared_ptr<PgConnection> first = connect_and_listen();
  thread_ = std::thread([this, first] { run(first); });
}

std::unique_ptr<PgConnection> PgListener::connect_and_listen() {
  std::string error;
  auto conn = PgConnection::connect(url_, error);
  if (!conn) return nullptr;
  // Quoted identifiers: the channel names are used as they are, case and all.
  for (const std::string& channel : channels_)
    if (!conn->run("LISTEN \"" + channel + "\"", error)) return nullptr;
  return conn;
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
    // Listening again: what was notified while the link was down is lost.
    if (conn && on_reconnect_ && !stopping_) on_reconnect_();
  }
}

void PgListener::listen_on(PgConnection& conn) {
  const int socket = PQsocket(conn.raw());
  while (wait_for(socket, -1)) {
    if (!PQconsumeInput(conn.raw())) return;  // the link broke
    while (PGnotify* note = PQnotifies(conn.raw())) {
      const std::string channel = note->relname;
      const std::string payload = note->extra;
      PQfreemem(note);
      if (stopping_) return;
      on_payload_(channel, payload);
    }
  }
}

}  // namespace microtrack::collector
