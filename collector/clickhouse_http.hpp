#pragma once
// ClickHouse over its HTTP interface (Debian packages no ClickHouse C++
// client): where a clickhouse:// URL points, statements POSTed through the
// collector's one HTTP client (http_post.hpp), rows read back as
// TabSeparated text, piece by piece, so a scan of millions of rows is never
// held in memory whole. SQL text only: ClickHouse 18.16 (Debian's) has no
// query parameters, so values go in as quoted literals (ch_quote).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace microtrack::collector {

// Where a clickhouse:// URL points, as the HTTP interface takes it.
struct ClickHouseTarget {
  std::string endpoint;        // "http://host:8123" or "https://host:8443"
  std::string database = "default";
  std::string user, password;  // "" = the server's default user (sent as X-ClickHouse-User/-Key)
  int timeout_ms = 60'000;     // connecting, and each read and write; a FINAL scan may think a while
};

// Reads "clickhouse://[user[:password]@]host[:port][/database][?timeout_ms=N]"
// (HTTP, port 8123 by default) or "clickhouse+https://..." (HTTPS, port
// 8443). User and password may be percent-encoded. Nothing, with `error`
// set, when it is not such a URL.
std::optional<ClickHouseTarget> parse_clickhouse_url(const std::string& url, std::string& error);

// `text` as a ClickHouse string literal: 'it\'s', with \ ' and control
// bytes escaped.
std::string ch_quote(std::string_view text);

// Appends `text` as one TabSeparated field (\ tab newline CR NUL escaped).
void append_tsv_field(std::string& out, std::string_view text);

// Splits one TabSeparated line (without its newline) into `fields`,
// unescaped; reuses their storage.
void split_tsv_line(std::string_view line, std::vector<std::string>& fields);

class ClickHouseHttp {
 public:
  explicit ClickHouseHttp(ClickHouseTarget target) : target_(std::move(target)) {}
  const ClickHouseTarget& target() const { return target_; }

  // Runs a statement that answers nothing (DDL, ALTER). `in_database`
  // false: outside any database (to create it).
  bool run(const std::string& sql, std::string& error, bool in_database = true) const;

  // Runs a SELECT (this appends FORMAT TabSeparated) and hands each row's
  // fields to `on_row`, in the order they come. A row must have `columns`
  // fields, at least 2: a query that fails after its first rows were sent
  // ends with ClickHouse's message as a line of one field, which is then
  // the error. False, with `error` set, on any failure.
  bool select(const std::string& sql, std::size_t columns,
              const std::function<void(std::vector<std::string>& fields)>& on_row, std::string& error) const;

  // INSERT INTO `into` (a table and its column list) FORMAT TabSeparated,
  // `rows` being the data: one request, one block.
  bool insert(const std::string& into, std::string_view rows, std::string& error) const;

 private:
  // POSTs `body` with `query` (a whole URL query string, "" = none) as
  // the query parameter; the answer's body goes to `on_body`.
  bool post(const std::string& query, std::string_view body, bool in_database,
            const std::function<bool(std::string_view)>& on_body, std::string& error) const;

  ClickHouseTarget target_;
};

}  // namespace microtrack::collector
