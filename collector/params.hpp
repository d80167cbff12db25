#pragma once
// Reading query parameters for the query API: each reader answers 400 with
// a message naming the parameter and returns false when it is malformed.

#include <string>

#include "http.hpp"
#include "store.hpp"

namespace microtrack::collector {

// ?key=N within [min, max] into `out`; absent leaves `out` as it is.
bool read_int_param(const http::Request& req, http::Response& res, const char* key, long long min, long long max,
                    long long& out);

// ?from= / ?to= as a date ("2026-11-27") or a date-time with a zone, into
// the stored form.
bool read_range(const http::Request& req, http::Response& res, TimeRange& range);

}  // namespace microtrack::collector
