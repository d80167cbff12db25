#include "clickhouse_http.hpp"

#include <cctype>
#include <charconv>

#include "http_post.hpp"

namespace microtrack::collector {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded; nothing when a % is not followed by two hex digits.
std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || hex_digit(text[i + 1]) < 0 || hex_digit(text[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
    i += 2;
  }
  return out;
}

std::string percent_encoded(std::string_view text) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// "?timeout_ms=N&..." into `target`; false on anything else.
bool read_url_options(std::string_view query, ClickHouseTarget& target, std::string& error) {
  while (!query.empty()) {
    const std::size_t end = std::min(query.find('&'), query.size());
    const std::string_view option = query.substr(0, end);
    query.remove_prefix(std::min(end + 1, query.size()));
    const std::string_view key = option.substr(0, option.find('='));
    const std::string_view value = option.substr(std::min(key.size() + 1, option.size()));
    int number = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (key != "timeout_ms" || ec != std::errc() || ptr != value.data() + value.size() || number <= 0) {
      error = "ClickHouse URL option \"" + std::string(option) + "\" is not timeout_ms=N (ms, > 0)";
      return false;
    }
    target.timeout_ms = number;
  }
  return true;
}

}  // namespace

std::optional<ClickHouseTarget> parse_clickhouse_url(const std::string& url, std::string& error) {
  ClickHouseTarget target;
  std::string_view rest = url;
  std::string scheme = "http", port = "8123";
  if (rest.rfind("clickhouse+https://", 0) == 0) {
    scheme = "https", port = "8443";
    rest.remove_prefix(19);
  } else if (rest.rfind("clickhouse://", 0) == 0) {
    rest.remove_prefix(13);
  } else {
    error = "not a clickhouse:// URL";
    return std::nullopt;
  }
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    const auto user = percent_decoded(userinfo.substr(0, colon));
    const auto password = percent_decoded(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
    if (!user || !password) {
      error = "bad percent-encoding in the ClickHouse URL's user or password";
      return std::nullopt;
    }
    target.user = *user, target.password = *password;
    authority.remove_prefix(at + 1);
  }
  // host, host:port, [v6], [v6]:port
  const std::size_t host_end = authority.rfind(']') != std::string_view::npos ? authority.rfind(']') + 1 : 0;
  const std::size_t colon = authority.find(':', host_end);
  const std::string_view host = authority.substr(0, colon);
  if (colon != std::string_view::npos) port = std::string(authority.substr(colon + 1));
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    error = "the ClickHouse URL needs a host and a numeric port: clickhouse://[user[:password]@]host[:port][/database]";
    return std::nullopt;
  }
  target.endpoint = scheme + "://" + std::string(host) + ":" + port;
  const std::size_t path_end = std::min(rest.find('?'), rest.size());
  if (path_end > 1) {
    const auto database = percent_decoded(rest.substr(1, path_end - 1));
    if (!database || database->find('/') != std::string::npos) {
      error = "the ClickHouse URL's path must be one database name";
      return std::nullopt;
    }
    target.database = *database;
  }
  rest.remove_prefix(std::min(path_end + 1, rest.size()));
  if (!read_url_options(rest, target, error)) return std::nullopt;
  return target;
}

std::string ch_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\0': out += "\\0"; break;
      default: out += c;
    }
  }
  return out + "'";
}

void append_tsv_field(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      default: out += c;
    }
  }
}

void split_tsv_line(std::string_view line, std::vector<std::string>& fields) {
  std::size_t count = 0;
  const auto next_field = [&]() -> std::string& {
    if (fields.size() <= count) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    return field;
  };
  std::string* field = &next_field();
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      field = &next_field();
    } else if (c != '\\' || i + 1 == line.size()) {
      *field += c;
    } else {
      // The escapes ClickHouse writes in TabSeparated output.
      switch (const char e = line[++i]) {
        case 'n': *field += '\n'; break;
        case 't': *field += '\t'; break;
        case 'r': *field += '\r'; break;
        case '0': *field += '\0'; break;
        case 'b': *field += '\b'; break;
        case 'f': *field += '\f'; break;
        case 'a': *field += '\a'; break;
        case 'v': *field += '\v'; break;
        default: *field += e;  // \\ \' \" and any other: the character itself
      }
    }
  }
  fields.resize(count);
}

bool ClickHouseHttp::post(const std::string& query, std::string_view body, bool in_database,
                          const std::function<bool(std::string_view)>& on_body, std::string& error) const {
  PostRequest request;
  // A long IN list of messageIds would pass the 256 KiB default of max_query_size.
  request.url = target_.endpoint + "/?max_query_size=16777216" +
                (in_database ? "&database=" + percent_encoded(target_.database) : "") +
                (query.empty() ? "" : "&" + query);
  request.body = body;
  request.content_type = "text/plain; charset=UTF-8";
  request.timeout_ms = target_.timeout_ms;
  if (!target_.user.empty()) request.headers.emplace("X-ClickHouse-User", target_.user);
  if (!target_.password.empty()) request.headers.emplace("X-ClickHouse-Key", target_.password);
  const PostResult result = microtrack::collector::post(request, on_body);  // not this member
  if (result.ok()) return true;
  // ClickHouse says why in the body: "Code: 60, e.displayText() = DB::Exception: Table ... doesn't exist".
  std::string reason = result.body.substr(0, 2000);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  error = "ClickHouse: " + result.problem + (reason.empty() ? "" : ": " + reason);
  return false;
}

bool ClickHouseHttp::run(const std::string& sql, std::string& error, bool in_database) const {
  return post("", sql, in_database, nullptr, error);
}

bool ClickHouseHttp::select(const std::string& sql, std::size_t columns,
                            const std::function<void(std::vector<std::string>& fields)>& on_row,
                            std::string& error) const {
  std::string pending;  // the start of a line whose end has not come yet
  std::vector<std::string> fields;
  std::string broken;   // a line that was not a row
  const auto take_line = [&](std::string_view line) {
    split_tsv_line(line, fields);
    if (fields.size() != columns) {
      broken = std::string(line.substr(0, 2000));
      return false;
    }
    on_row(fields);
    return true;
  };
  const bool answered = post("", sql + "\nFORMAT TabSeparated", true, [&](std::string_view piece) {
    pending.append(piece.data(), piece.size());
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1)
      if (!take_line(std::string_view(pending).substr(start, end - start))) return false;
    pending.erase(0, start);
    return true;
  }, error);
  if (answered && !pending.empty()) take_line(pending);
  if (!broken.empty()) {
    error = "ClickHouse: " + broken;
    return false;
  }
  return answered;
}

bool ClickHouseHttp::insert(const std::string& into, std::string_view rows, std::string& error) const {
  return post("query=" + percent_encoded("INSERT INTO " + into + " FORMAT TabSeparated"), rows, true, nullptr, error);
}

}  // namespace microtrack::collector
