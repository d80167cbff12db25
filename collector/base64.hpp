#pragma once
// Base64 for HTTP Basic auth (writeKey as user name, empty password).

#include <optional>
#include <string>

namespace microtrack::collector {

std::string base64_encode(const std::string& in);
// Standard alphabet, '=' padding optional; nothing for other characters.
std::optional<std::string> base64_decode(const std::string& in);

}  // namespace microtrack::collector
