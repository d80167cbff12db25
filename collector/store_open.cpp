// Store::open: the --db URL picks the backend. And what every backend shares.
#include "store.hpp"

#include "event_columns.hpp"  // dump
#include "store_backends.hpp"

namespace microtrack::collector {
namespace {

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& url, std::string& error) {
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) return open_postgres_store(url, error);
  if (starts_with(url, "clickhouse://") || starts_with(url, "clickhouse+https://"))
    return open_clickhouse_store(url, error);
  if (starts_with(url, "sqlite:")) return open_sqlite_store(url.substr(7), error);
  // Any other scheme is a mistake, not a file name to create.
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos && url.find('/') > scheme_end) {
    error = "unknown store URL scheme \"" + url.substr(0, scheme_end) +
            "\" (use a file path, sqlite:PATH, postgresql://... or clickhouse://...)";
    return nullptr;
  }
  return open_sqlite_store(url, error);
}

std::string url_for_logs(const std::string& url) {
  std::string out = url;
  const auto scheme_end = out.find("://");
  const auto at = out.find('@');
  if (scheme_end != std::string::npos && at != std::string::npos) {
    const auto colon = out.find(':', scheme_end + 3);
    if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  for (auto key = out.find("password="); key != std::string::npos; key = out.find("password=", key + 1)) {
    const auto value = key + 9;
    const auto end = out.find_first_of("& ", value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

InsertResult Store::insert_batch(const std::vector<nlohmann::json>& events,
                                 const std::optional<std::string>& batch_sent_at, double received_at_ms) {
  std::vector<std::string> texts;
  texts.reserve(events.size());
  for (const nlohmann::json& event : events) texts.push_back(dump(event));
  std::vector<json_scan::Object> objects;
  for (const std::string& text : texts) objects.push_back(json_scan::Object::of(text));
  return insert_events(objects, batch_sent_at, received_at_ms);
}

}  // namespace microtrack::collector
