// microtrack-collector: reads arguments, opens the store, runs the server
// until SIGTERM or SIGINT. Everything else lives in the library.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <pthread.h>
#include <sys/resource.h>

#include "server.hpp"
#include "store.hpp"

namespace {

namespace mc = microtrack::collector;

// Sockets, the database, spool files and static files all need descriptors;
// this many are kept out of the connection cap.
constexpr unsigned long long kSpareFiles = 64;

struct Args {
  int port = 8080;
  std::string host = "127.0.0.1";
  std::string db = "microtrack.db";
  std::string flows_file;
  std::string admin_token_file;
  bool quiet = false;
  bool help = false;
  bool max_connections_given = false;
  mc::ForwardOptions forward;
  mc::ServerOptions server;

  Args() {
    server.site_dir = "web-demo/site";
    server.dist_dir = "dist";
    server.dashboard_dir = "web-demo/dashboard";
    forward.spool_dir = "microtrack-spool";
  }
};

bool parse_number(const std::string& text, unsigned long long min, unsigned long long max, unsigned long long& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19) return false;
  out = std::stoull(text);
  return out >= min && out <= max;
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

// A flag's effect: changes Args, or returns why the value is refused.
using Apply = std::function<std::string(Args&, const std::string& value)>;

// A number flag within [min, max], stored by `set`.
Apply number(const char* flag, unsigned long long min, unsigned long long max,
             std::function<void(Args&, unsigned long long)> set) {
  return [=](Args& args, const std::string& value) -> std::string {
    unsigned long long n = 0;
    if (!parse_number(value, min, max, n)) return std::string(flag) + " must be " + std::to_string(min) + ".." + std::to_string(max);
    set(args, n);
    return "";
  };
}

// A flag whose value is kept as given.
Apply text(std::function<void(Args&, const std::string&)> set) {
  return [=](Args& args, const std::string& value) {
    set(args, value);
    return std::string();
  };
}

struct Flag {
  const char* name;   // "--port"
  const char* value;  // what --help calls its value ("N"); nullptr: a switch
  const char* help;
  Apply apply;
};

// Every option: adding one is adding a row.
const std::vector<Flag>& flags() {
  static const std::vector<Flag> table = {
      {"--port", "N", "port to listen on (default 8080; 0 = any free port)",
       number("--port", 0, 65535, [](Args& a, auto n) { a.port = static_cast<int>(n); })},
      {"--host", "H", "address to bind (default 127.0.0.1)", text([](Args& a, auto& v) { a.host = v; })},
      {"--db", "PATH|URL", "a SQLite file (default microtrack.db; :memory: = not kept), postgresql://user@host/db or "
       "clickhouse://user:password@host:8123/db",
       text([](Args& a, auto& v) { a.db = v; })},
      {"--site", "DIR", "demo site served at / (default web-demo/site)",
       text([](Args& a, auto& v) { a.server.site_dir = v; })},
      {"--dist", "DIR", "SDK build served at /dist/ (default dist)", text([](Args& a, auto& v) { a.server.dist_dir = v; })},
      {"--dashboard", "DIR", "dashboard served at /dashboard/ (default web-demo/dashboard)",
       text([](Args& a, auto& v) { a.server.dashboard_dir = v; })},
      {"--max-body", "BYTES", "largest request body, also after gunzip (default 1048576)",
       number("--max-body", 1, 1ull << 40, [](Args& a, auto n) { a.server.max_body_bytes = n; })},
      {"--cors-origins", "A,B", "origins allowed by CORS (default, or '*': all)",
       text([](Args& a, auto& v) { a.server.cors_origins = split_commas(v); })},
      {"--write-key", "K1,K2", "accept only batches naming one of these writeKeys (default: no check)",
       text([](Args& a, auto& v) { a.server.write_keys = split_commas(v); })},
      {"--flows", "FILE", "webhook rules, JSON (see docs/COLLECTOR.md)", text([](Args& a, auto& v) { a.flows_file = v; })},
      {"--flow-timeout-s", "N",
       "seconds a webhook may take to connect, and for each read and write (default 5); a delivery is leased to one "
       "collector for 3 x N + 1 s",
       number("--flow-timeout-s", 1, 300, [](Args& a, auto n) { a.server.flow_options.timeout_ms = static_cast<int>(n) * 1000; })},
      {"--forward", "URL", "relay accepted batches to a Segment-compatible /v1/batch URL",
       [](Args& a, const std::string& v) -> std::string {
         if (!mc::split_url(v)) return "--forward must be an http:// or https:// URL";
         a.forward.url = v;
         return "";
       }},
      {"--forward-write-key", "K", "writeKey for the upstream (Basic auth and body)",
       text([](Args& a, auto& v) { a.forward.write_key = v; })},
      {"--spool-dir", "DIR", "where batches wait for the upstream (default microtrack-spool)",
       text([](Args& a, auto& v) { a.forward.spool_dir = v; })},
      {"--spool-max-bytes", "N", "bound of the spool; the oldest batches go first (default 67108864)",
       number("--spool-max-bytes", 1, 1ull << 50, [](Args& a, auto n) { a.forward.spool_max_bytes = n; })},
      {"--threads", "N", "HTTP polling threads; connections do not hold one (default 4)",
       number("--threads", 1, 256, [](Args& a, auto n) { a.server.threads = static_cast<int>(n); })},
      {"--max-connections", "N", "connections open at once; more are closed at once (default 20000 or the open-file limit)",
       number("--max-connections", 1, 1'000'000, [](Args& a, auto n) {
         a.server.max_connections = n;
         a.max_connections_given = true;
       })},
      {"--timeout-s", "N", "seconds a silent connection (slow headers or body, idle keep-alive) stays open (default 15)",
       number("--timeout-s", 1, 3600, [](Args& a, auto n) { a.server.timeout_s = static_cast<int>(n); })},
      {"--admin-token-file", "PATH",
       "admin token for the query API, live stream and dashboard (or env MICROTRACK_ADMIN_TOKEN; none: loopback only)",
       text([](Args& a, auto& v) { a.admin_token_file = v; })},
      {"--trusted-proxies", "LIST", "reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For is believed",
       [](Args& a, const std::string& v) -> std::string {
         std::string error;
         auto proxies = mc::TrustedProxies::parse(v, error);
         if (!proxies) return "--trusted-proxies: " + error;
         a.server.trusted_proxies = std::move(*proxies);
         return "";
       }},
      {"--rate-limit", "N", "ingest requests per second per client address; 0 = no limit (default 50)",
       number("--rate-limit", 0, 1'000'000, [](Args& a, auto n) { a.server.rate_limit.requests_per_s = static_cast<double>(n); })},
      {"--rate-burst", "N", "ingest requests a client may make at once (default 500)",
       number("--rate-burst", 1, 1'000'000, [](Args& a, auto n) { a.server.rate_limit.burst = static_cast<double>(n); })},
      {"--max-batch-events", "N", "events read from one batch; the rest are rejected (default 500)",
       number("--max-batch-events", 1, 1'000'000, [](Args& a, auto n) { a.server.limits.max_events_per_batch = n; })},
      {"--max-event-bytes", "N", "largest event as sent (default 32768, the SDK's own limit)",
       number("--max-event-bytes", 64, 1ull << 30, [](Args& a, auto n) { a.server.limits.max_event_bytes = n; })},
      {"--max-depth", "N", "objects and arrays nested in an event, the event being 1 (default 32)",
       number("--max-depth", 1, mc::kMaxBodyDepth - 2, [](Args& a, auto n) { a.server.limits.max_depth = n; })},
      {"--max-string-bytes", "N", "longest string (key or value) in an event (default 8192)",
       number("--max-string-bytes", 1, 1ull << 30, [](Args& a, auto n) { a.server.limits.max_string_bytes = n; })},
      {"--retention-days", "N", "delete events (and webhook rows) received more than N days ago, hourly; 0 = keep (default)",
       number("--retention-days", 0, 100'000, [](Args& a, auto n) { a.server.retention.days = static_cast<int>(n); })},
      {"--quiet", nullptr, "no line per request on stderr (problems are still logged)",
       [](Args& a, const std::string&) { a.quiet = true; return std::string(); }},
      {"--help", nullptr, "this text", [](Args& a, const std::string&) { a.help = true; return std::string(); }},
  };
  return table;
}

std::string usage() {
  std::string text = "usage: microtrack-collector [options]\n";
  for (const Flag& flag : flags()) {
    std::string left = std::string("  ") + flag.name + (flag.value ? std::string(" ") + flag.value : "");
    left.resize(std::max<std::size_t>(left.size() + 1, 26), ' ');
    text += left + flag.help + "\n";
  }
  return text + "Once listening, prints \"microtrack-collector listening on http://HOST:PORT\".\n";
}

// Both "--port 8080" and "--port=8080". Returns an error message, or "".
std::string parse_args(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    const std::size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "-h") name = "--help";
    const auto& table = flags();
    const auto flag = std::find_if(table.begin(), table.end(), [&](const Flag& f) { return name == f.name; });
    if (flag == table.end()) return "unknown option " + name;
    if (!flag->value && inline_value) return name + " takes no value";
    if (flag->value && !inline_value) {
      if (i + 1 >= argc) return name + " needs a value";
      value = argv[++i];
    }
    if (std::string error = flag->apply(args, value); !error.empty()) return error;
  }
  return "";
}

// Raises the soft open-file limit to the hard one (each connection is a
// descriptor) and returns it.
unsigned long long raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// --flows FILE into the options; false after printing why not.
bool load_flows(Args& args) {
  if (args.flows_file.empty()) return true;
  std::ifstream in(args.flows_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  auto rules = in ? mc::parse_flows(text.str(), error) : std::nullopt;
  if (!rules) {
    std::cerr << "microtrack-collector: --flows " << args.flows_file << ": " << (in ? error : "cannot read") << "\n";
    return false;
  }
  args.server.flows = std::move(*rules);
  return true;
}

// The connection cap within the open-file limit.
void fit_connections(Args& args) {
  const unsigned long long files = raise_open_file_limit();
  const unsigned long long fit = files > 2 * kSpareFiles ? files - kSpareFiles : kSpareFiles;
  if (!args.max_connections_given) {
    args.server.max_connections = std::min<unsigned long long>(args.server.max_connections, fit);
  } else if (args.server.max_connections > fit) {
    std::cerr << "microtrack-collector: --max-connections " << args.server.max_connections << " is over the open-file limit ("
              << files << "); using " << fit << "\n";
    args.server.max_connections = fit;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (const std::string error = parse_args(argc, argv, args); !error.empty()) {
    std::cerr << "microtrack-collector: " << error << "\n" << usage();
    return 2;
  }
  if (args.help) {
    std::cout << usage();
    return 0;
  }
  if (!load_flows(args)) return 2;
  // The token from a file or the environment only: a command line is
  // visible to every user of the machine (ps).
  std::string token_error;
  const auto token = mc::load_admin_token(args.admin_token_file, std::getenv(mc::kAdminTokenEnv), token_error);
  if (!token) {
    std::cerr << "microtrack-collector: " << token_error << "\n";
    return 2;
  }
  args.server.admin.token = *token;
  if (const std::string warning = mc::token_file_warning(args.admin_token_file); !warning.empty())
    std::cerr << "microtrack-collector: " << warning << "\n";
  if (!args.forward.url.empty()) args.server.forward = args.forward;
  fit_connections(args);

  // Signals go to this thread's sigwait instead of a handler: stopping takes
  // locks and is not async-signal-safe. Block them before any thread starts
  // (the store's checkpointer, the collector's workers, the server's pool)
  // so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::string error;
  auto store = mc::Store::open(args.db, error);
  if (!store) {
    std::cerr << "microtrack-collector: cannot open database " << mc::url_for_logs(args.db)
              << ": " << error << "\n";
    return 1;
  }
  args.server.log = [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());  // one call per line: no interleaving across threads
  };
  args.server.log_requests = !args.quiet;
  mc::Collector collector(*store, args.server);
  for (const auto& warning : collector.warnings()) std::cerr << "microtrack-collector: " << warning << "\n";
  std::cerr << "microtrack-collector: " << collector.admin().startup_notice() << "\n";

  const int port = collector.start(args.host, args.port, error);
  if (port == 0) {
    std::cerr << "microtrack-collector: " << error << "\n";
    return 1;
  }
  // Tests and scripts read the port from this line, so it must not wait in a buffer.
  std::cout << "microtrack-collector listening on http://" << args.host << ":" << port << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  // Graceful: no new connections, live streams end, requests in flight are
  // answered (their batches committed first).
  collector.stop();
  collector.finish();  // flow and forward queues stay on disk for the next start
  store.reset();       // closes the database (checkpoints the WAL) before exit
  std::cerr << "microtrack-collector: stopped\n";
  return 0;
}
