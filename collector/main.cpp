// microtrack-collector: reads arguments, opens the store, runs the server.
// Everything else lives in the library (server.cpp, store.cpp, validate.cpp).
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include "server.hpp"
#include "store.hpp"

namespace {

constexpr const char* kUsage = R"(usage: microtrack-collector [options]
  --port N            port to listen on (default 8080; 0 = any free port)
  --host H            address to bind (default 127.0.0.1)
  --db PATH|URL       where events are kept: a SQLite file (default microtrack.db;
                      :memory: = not kept) or postgresql://user@host:port/db
  --site DIR          demo site served at / (default web-demo/site)
  --dist DIR          SDK build served at /dist/ (default dist)
  --dashboard DIR     dashboard served at /dashboard/ (default web-demo/dashboard)
  --max-body BYTES    largest request body (default 1048576)
  --cors-origins A,B  origins allowed by CORS (default: all)
  --write-key K1,K2   accept only batches naming one of these writeKeys (default: no check)
  --flows FILE        webhook rules, JSON (see docs/COLLECTOR.md)
  --forward URL       relay accepted batches to a Segment-compatible /v1/batch URL
  --forward-write-key K   writeKey for the upstream (Basic auth and body)
  --spool-dir DIR     where batches wait for the upstream (default microtrack-spool)
  --spool-max-bytes N bound of the spool; the oldest batches go first (default 67108864)
  --threads N         HTTP worker threads (default 16)
  --quiet             no line per request on stderr (problems are still logged)
  --help              this text
Once listening, prints "microtrack-collector listening on http://HOST:PORT".
)";

struct Args {
  int port = 8080;
  std::string host = "127.0.0.1";
  std::string db = "microtrack.db";
  std::string flows_file;
  bool quiet = false;
  microtrack::collector::ForwardOptions forward;
  microtrack::collector::ServerOptions server;
};

bool parse_number(const std::string& text, unsigned long long max, unsigned long long& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19) return false;
  out = std::stoull(text);
  return out <= max;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_known_flag(const std::string& flag) {
  for (const char* known : {"--port", "--host", "--db", "--site", "--dist", "--dashboard", "--max-body", "--cors-origins",
                            "--write-key", "--flows", "--forward", "--forward-write-key", "--spool-dir",
                            "--spool-max-bytes", "--threads"})
    if (flag == known) return true;
  return false;
}

// Returns an error message, or "" when the arguments are fine.
std::string parse_args(int argc, char** argv, Args& args, bool& help) {
  args.server.site_dir = "web-demo/site";
  args.server.dist_dir = "dist";
  args.server.dashboard_dir = "web-demo/dashboard";
  args.forward.spool_dir = "microtrack-spool";
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], value;
    if (flag == "--help" || flag == "-h") {
      help = true;
      return "";
    }
    if (flag == "--quiet") {
      args.quiet = true;
      continue;
    }
    // Both "--port 8080" and "--port=8080".
    if (const auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    } else if (!is_known_flag(flag)) {
      return "unknown option " + flag;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return flag + " needs a value";
    }
    unsigned long long number = 0;
    if (flag == "--port") {
      if (!parse_number(value, 65535, number)) return "--port must be 0..65535";
      args.port = static_cast<int>(number);
    } else if (flag == "--max-body") {
      if (!parse_number(value, 1ull << 40, number) || number == 0) return "--max-body must be a positive number of bytes";
      args.server.max_body_bytes = static_cast<std::size_t>(number);
    } else if (flag == "--host") {
      args.host = value;
    } else if (flag == "--db") {
      args.db = value;
    } else if (flag == "--site") {
      args.server.site_dir = value;
    } else if (flag == "--dist") {
      args.server.dist_dir = value;
    } else if (flag == "--dashboard") {
      args.server.dashboard_dir = value;
    } else if (flag == "--cors-origins") {
      args.server.cors_origins = split_commas(value);
    } else if (flag == "--write-key") {
      args.server.write_keys = split_commas(value);
    } else if (flag == "--flows") {
      args.flows_file = value;
    } else if (flag == "--forward") {
      if (!microtrack::collector::split_url(value)) return "--forward must be an http:// or https:// URL";
      args.forward.url = value;
    } else if (flag == "--forward-write-key") {
      args.forward.write_key = value;
    } else if (flag == "--spool-dir") {
      args.forward.spool_dir = value;
    } else if (flag == "--spool-max-bytes") {
      if (!parse_number(value, 1ull << 50, number) || number == 0) return "--spool-max-bytes must be a positive number";
      args.forward.spool_max_bytes = number;
    } else if (flag == "--threads") {
      if (!parse_number(value, 1024, number) || number < 2) return "--threads must be 2..1024";
      args.server.threads = static_cast<int>(number);
    } else {
      return "unknown option " + flag;
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  bool help = false;
  if (const std::string error = parse_args(argc, argv, args, help); !error.empty()) {
    std::cerr << "microtrack-collector: " << error << "\n" << kUsage;
    return 2;
  }
  if (help) {
    std::cout << kUsage;
    return 0;
  }

  std::string error;
  if (!args.flows_file.empty()) {
    std::ifstream in(args.flows_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto rules = in ? microtrack::collector::parse_flows(text.str(), error) : std::nullopt;
    if (!rules) {
      std::cerr << "microtrack-collector: --flows " << args.flows_file << ": " << (in ? error : "cannot read") << "\n";
      return 2;
    }
    args.server.flows = std::move(*rules);
  }
  if (!args.forward.url.empty()) args.server.forward = args.forward;

  // Signals go to one waiting thread instead of a handler: stopping takes
  // locks and is not async-signal-safe. Block them before any thread starts
  // (the store's checkpointer, the collector's workers, httplib's pool) so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto store = microtrack::collector::Store::open(args.db, error);
  if (!store) {
    std::cerr << "microtrack-collector: cannot open database " << microtrack::collector::url_for_logs(args.db)
              << ": " << error << "\n";
    return 1;
  }

  args.server.log = [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());  // one call per line: no interleaving across threads
  };
  args.server.log_requests = !args.quiet;
  microtrack::collector::Collector collector(*store, args.server);
  httplib::Server& svr = collector.http();
  for (const auto& warning : collector.warnings()) std::cerr << "microtrack-collector: " << warning << "\n";

  int port = args.port;
  if (port == 0)
    port = svr.bind_to_any_port(args.host);
  else if (!svr.bind_to_port(args.host, port))
    port = -1;
  if (port <= 0) {
    std::cerr << "microtrack-collector: cannot listen on " << args.host << ":" << args.port << "\n";
    return 1;
  }

  std::thread signal_waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    // Graceful: requests in flight are answered (their batches committed
    // first), live streams end, then listen_after_bind() returns.
    collector.stop();
  });
  // Tests and scripts read the port from this line, so it must not wait in a buffer.
  std::cout << "microtrack-collector listening on http://" << args.host << ":" << port << std::endl;

  const bool clean = svr.listen_after_bind();
  // Wake the waiter if the server stopped on its own (it is blocked, so this
  // goes to sigwait, not to a default handler).
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  collector.finish();  // flow and forward queues stay on disk for the next start
  store.reset();  // closes the database (checkpoints the WAL) before exit
  std::cerr << "microtrack-collector: stopped\n";
  return clean ? 0 : 1;
}
