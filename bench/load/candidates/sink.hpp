// What every candidate server shares, so that only the HTTP library differs:
// argument parsing, the per-request work (one INSERT of the POST body into a
// SQLite file in WAL mode, behind a mutex, as the collector's store does) and
// the "listening on" line bench/load/run.sh waits for.
#pragma once
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>

namespace candidate {

struct Args {
  int port = 0;                        // 0 = any free port
  std::string db = "candidate.db";
  int threads = 4;                     // event loops / pool threads
  int idle_timeout_s = 60;             // longer than any bench phase: connections stay open
  std::size_t max_body_bytes = 1 << 20;
  std::size_t connection_memory_bytes = 32 * 1024;  // libmicrohttpd only: its per-connection pool (its default)
};

// --port N --db PATH --threads N --connection-memory BYTES --quiet (quiet
// is the only mode there is).
inline Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (flag == "--quiet") continue;
    if (flag == "--port") args.port = std::atoi(value);
    else if (flag == "--db") args.db = value;
    else if (flag == "--threads") args.threads = std::max(1, std::atoi(value));
    else if (flag == "--connection-memory") args.connection_memory_bytes = std::strtoull(value, nullptr, 10);
    else throw std::runtime_error("unknown option " + flag);
    ++i;
  }
  return args;
}

// One row per request body. The mutex stands for the collector's single
// writer connection.
class Sink {
 public:
  explicit Sink(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK ||
        sqlite3_exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                          "CREATE TABLE IF NOT EXISTS bodies (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
                     nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "INSERT INTO bodies (body) VALUES (?1)", -1, &insert_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  ~Sink() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  bool insert(const char* body, std::size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    sqlite3_bind_text(insert_, 1, body, static_cast<int>(size), SQLITE_TRANSIENT);
    const bool ok = sqlite3_step(insert_) == SQLITE_DONE;
    sqlite3_reset(insert_);
    return ok;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::mutex mutex_;
};

// Call first, before any thread starts, so SIGTERM/SIGINT reach only
// wait_for_stop_signal() and the server can stop cleanly.
inline sigset_t block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
}

inline void wait_for_stop_signal(const sigset_t& stop) {
  int signal = 0;
  sigwait(&stop, &signal);
}

inline void announce(const char* library, int port) {
  std::printf("candidate %s listening on http://127.0.0.1:%d\n", library, port);
  std::fflush(stdout);
}

constexpr const char* kOkBody = "{\"ok\":true}";
constexpr const char* kErrorBody = "{\"error\":\"insert failed\"}";

}  // namespace candidate
