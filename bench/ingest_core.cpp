// The collector's ingest pipeline in one thread, without HTTP: read a batch
// body (json_scan), validate its 20 events, store them (one transaction) in a WAL file.
// Reports CPU time per event for each part. Build and run (after
// bench/ingest.sh made build/release):
//   g++ -O2 -std=c++17 -Icollector bench/ingest_core.cpp build/release/collector/libmicrotrack_collector_lib.a \
//     -lsqlite3 $(pkg-config --libs cpp-httplib) -o build/release/ingest_core && build/release/ingest_core [db [batches]]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "store.hpp"
#include "validate.hpp"

namespace mc = microtrack::collector;

namespace {
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

int main(int argc, char** argv) {
  const std::string db = argc > 1 ? argv[1] : (std::filesystem::temp_directory_path() / "mt-ingest-core.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  // The same event as bench/ingest.lua.
  const std::string tail =
      R"(","anonymousId":"1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed","timestamp":"2026-11-27T10:00:00.123Z",)"
      R"("properties":{"percent":50,"form_id":"newsletter","href":"https://www.trustpilot.com/review/fjordbrew.example"},)"
      R"("context":{"library":{"name":"microtrack","version":"0.1.0"},)"
      R"("page":{"url":"https://fjordbrew.example/?utm_source=newsletter","path":"/","search":"?utm_source=newsletter",)"
      R"("title":"Fjordbrew - the smart grinder","referrer":""},"campaign":{"source":"newsletter","medium":"email","name":"nov"},)"
      R"("sessionId":"5d1c6f8e-1111-4222-8333-944455556666",)"
      R"("userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",)"
      R"("locale":"en-GB","timezone":"Europe/Oslo","screen":{"width":1280,"height":720}}})";
  std::vector<std::string> bodies;
  long events = 0;
  const int batches = argc > 2 ? std::atoi(argv[2]) : 2000;
  for (int b = 0; b < batches; ++b) {
    std::string body = R"({"sentAt":"2026-11-27T10:00:05.000Z","writeKey":"bench","batch":[)";
    for (int e = 0; e < 20; ++e) {
      if (e) body += ",";
      body += R"({"type":"track","event":"scroll_depth","messageId":"m-)" + std::to_string(events++) + tail;
    }
    bodies.push_back(body + "]}");
  }
  std::string error;
  auto store = mc::Store::open(db, error);
  if (!store) {
    std::fprintf(stderr, "cannot open %s: %s\n", db.c_str(), error.c_str());
    return 1;
  }
  double parse = 0, validate = 0, insert = 0;
  const double start = cpu_seconds();
  for (const std::string& body : bodies) {
    const double a = cpu_seconds();
    // As the server reads a body: checked once, then sliced (no DOM).
    if (!mc::json_scan::valid(body)) return 1;
    const auto top = mc::json_scan::Object::of(mc::json_scan::trim(body));
    auto events = mc::json_scan::elements(top.find("batch")->text);
    const double b = cpu_seconds();
    std::vector<mc::json_scan::Object> valid;
    for (auto& event : events)
      if (!mc::validate_event(event)) valid.push_back(std::move(event));
    const double c = cpu_seconds();
    const auto result = store->insert_events(valid, std::string("2026-11-27T10:00:05.000Z"), 1795773615000.0);
    if (!result.error.empty()) return 1;
    insert += cpu_seconds() - c;
    parse += b - a;
    validate += c - b;
  }
  const double total = cpu_seconds() - start;
  std::printf("%ld events: %.1f us/event CPU (parse %.1f, validate %.1f, row + SQLite insert %.1f)\n", events,
              total * 1e6 / events, parse * 1e6 / events, validate * 1e6 / events, insert * 1e6 / events);
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}
