#include "http.hpp"

#include <algorithm>
#include <cctype>

namespace microtrack::collector::http {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) < std::tolower(y);
  });
}

std::string Request::header(std::string_view name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

std::string Request::param(std::string_view key) const {
  const auto found = params.find(key);
  return found == params.end() ? std::string() : found->second;
}

bool Request::has_param(std::string_view key) const { return params.find(key) != params.end(); }

std::vector<std::string> Request::param_values(std::string_view key) const {
  std::vector<std::string> values;
  const auto [first, last] = params.equal_range(key);
  for (auto it = first; it != last; ++it) values.push_back(it->second);
  return values;
}

void Response::set_header(std::string name, std::string value) {
  headers.erase(name);
  headers.emplace(std::move(name), std::move(value));
}

void Response::set_json(int new_status, const nlohmann::json& json_body) {
  status = new_status;
  body = json_body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  set_header("Content-Type", "application/json");
}

void Response::set_error(int new_status, const std::string& message) { set_json(new_status, {{"error", message}}); }

void Response::set_redirect(const std::string& location) {
  status = 302;
  set_header("Location", location);
}

}  // namespace microtrack::collector::http
