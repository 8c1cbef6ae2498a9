// Host names as Ansible reads them: `host:port`, `[v6addr]:port`, and ranges (`web[01:20]`,
// `web[1:10:2]`, `db-[a:c]`) that expand to several names.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace drover::inventory {

struct Address {
  std::string host;          // may still contain [x:y] ranges
  std::optional<int> port;
};

// Ansible's parse_address(allow_ranges=True): nullopt when the text is not a hostname, IPv4 or IPv6
// address (optionally with a port).
std::optional<Address> parse_address(std::string_view text);

// True when the name holds a range to expand (Ansible's detect_range: it contains '[').
bool has_range(std::string_view name);

// Thrown by expand_host_range with Ansible's message ("host range must specify end value", ...).
struct RangeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Expands every [begin:end(:step)] range, left to right; leading zeros in `begin` set the width.
std::vector<std::string> expand_host_range(const std::string& name);

}  // namespace drover::inventory
