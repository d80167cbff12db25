// The real microtrack-collector process, stopped by SIGTERM while clients
// stream batches at it: every batch it answered 200 must be in the SQLite
// file afterwards, and it must exit cleanly.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live_collector.hpp"  // track_event, batch_of

extern char** environ;

using namespace collector_test;

namespace {

struct ChildCollector {
  pid_t pid = -1;
  int port = 0;
  FILE* out = nullptr;

  ChildCollector(const std::string& db) {
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const std::string bin = MICROTRACK_COLLECTOR_BIN;
    std::vector<std::string> args = {bin, "--port", "0", "--db", db, "--site", "", "--dist", "", "--dashboard", ""};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    out = fdopen(pipe_fds[0], "r");
    char line[256];
    REQUIRE(fgets(line, sizeof line, out) != nullptr);  // "microtrack-collector listening on http://127.0.0.1:PORT"
    const std::string text = line;
    const auto colon = text.rfind(':');
    REQUIRE(colon != std::string::npos);
    port = std::stoi(text.substr(colon + 1));
  }
  // Exit status, or -1 if it had to be killed.
  int wait_exit(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  ~ChildCollector() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (out) fclose(out);
  }
};

std::set<std::string> stored_ids(const std::string& db_path) {
  std::set<std::string> ids;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT message_id FROM events", -1, &stmt, nullptr) == SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) ids.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ids;
}

}  // namespace

SCENARIO("SIGTERM during a stream of batches loses no batch that was answered 200") {
  GIVEN("a collector process with a file database and four clients posting batches of 20") {
    const auto dir = std::filesystem::temp_directory_path() / ("mt-sigterm-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string db = (dir / "events.db").string();
    ChildCollector child(db);

    std::mutex mutex;
    std::vector<std::string> acknowledged;  // messageIds of batches answered 200
    std::atomic<int> batches_ok{0};
    std::atomic<bool> quit{false};
    std::vector<std::thread> senders;
    for (int s = 0; s < 4; ++s) {
      senders.emplace_back([&, s] {
        httplib::Client client("127.0.0.1", child.port);
        client.set_keep_alive(s % 2 == 0);  // both kinds of connection
        client.set_read_timeout(10, 0);
        int failures_in_a_row = 0;
        for (int b = 0; !quit && failures_in_a_row < 20; ++b) {
          json events = json::array();
          std::vector<std::string> ids;
          for (int e = 0; e < 20; ++e) {
            ids.push_back("s" + std::to_string(s) + "-b" + std::to_string(b) + "-e" + std::to_string(e));
            events.push_back(track_event(ids.back()));
          }
          const auto res = client.Post("/v1/batch", batch_of(events).dump(), "text/plain");
          if (res && res->status == 200 && json::parse(res->body)["accepted"] == 20) {
            failures_in_a_row = 0;
            ++batches_ok;
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
          } else {
            ++failures_in_a_row;  // refused once the collector stops: expected
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          }
        }
      });
    }

    WHEN("SIGTERM arrives while batches are in flight") {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (batches_ok < 200 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      REQUIRE(batches_ok >= 200);
      REQUIRE(kill(child.pid, SIGTERM) == 0);
      const int status = child.wait_exit(std::chrono::seconds(20));
      quit = true;
      for (auto& t : senders) t.join();

      THEN("it exits 0 and every acknowledged event is in the database") {
        CHECK(status == 0);
        const std::set<std::string> stored = stored_ids(db);
        std::size_t missing = 0;
        for (const auto& id : acknowledged) missing += stored.count(id) == 0;
        INFO(acknowledged.size() << " acknowledged, " << stored.size() << " stored");
        CHECK(acknowledged.size() >= 200 * 20);
        CHECK(missing == 0);
        CHECK(stored.size() >= acknowledged.size());
      }
    }
    for (auto& t : senders)
      if (t.joinable()) {
        quit = true;
        t.join();
      }
    std::filesystem::remove_all(dir);
  }
}
