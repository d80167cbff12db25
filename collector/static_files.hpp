#pragma once
// The folders the collector serves: the demo site at /, the SDK build at
// /dist/ and the dashboard at /dashboard/ (under a strict
// Content-Security-Policy). GET and HEAD only; no path leaves its folder.

#include <string>
#include <utility>
#include <vector>

#include "http.hpp"

namespace microtrack::collector {

// The Content-Type for a file name, by extension (application/wasm for
// .wasm: streaming compilation needs it); application/octet-stream when unknown.
std::string mime_type_of(const std::string& path);

class StaticFiles {
 public:
  // Serves `dir` at `prefix` ("/dist/"); false when the folder does not exist.
  // Mounts are tried in the order added: add the most specific first.
  bool mount(const std::string& prefix, const std::string& dir);
  // Answers with the file for GET/HEAD of a path under a mount, with a
  // redirect for a folder named without its trailing slash, or returns false.
  bool serve(const http::Request& request, http::Response& response) const;

 private:
  std::vector<std::pair<std::string, std::string>> mounts_;  // prefix, folder
};

// Adds the dashboard's Content-Security-Policy to answers under /dashboard.
void add_dashboard_policy(const http::Request& request, http::Response& response);

}  // namespace microtrack::collector

namespace microtrack::collector::http {
class Router;
}

namespace microtrack::collector {

// Mounts the site at /, dist at /dist/ and the dashboard at /dashboard/ (plus
// the /dashboard -> /dashboard/ redirect) as the router's fallback; an empty
// folder name mounts nothing; one warning per folder that does not exist.
void add_static_routes(http::Router& router, const std::string& site_dir, const std::string& dist_dir,
                       const std::string& dashboard_dir, std::vector<std::string>& warnings);

}  // namespace microtrack::collector
