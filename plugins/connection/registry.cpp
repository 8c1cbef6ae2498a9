// The connection registry: one row per plugin, alphabetized.
#include <functional>
#include <stdexcept>

#include "plugins/connection/registry.hpp"
#include "plugins/connection/local_connection.hpp"
#include "plugins/connection/ssh_connection.hpp"

namespace drover::connection {
namespace {

struct ConnectionPlugin {
  const char* name;
  std::unique_ptr<Connection> (*make)(const ConnectionSpec&);
};

template <typename T>
std::unique_ptr<Connection> make(const ConnectionSpec& spec) {
  return std::make_unique<T>(spec);
}

constexpr ConnectionPlugin k_connections[] = {
    {"local", make<LocalConnection>},
    {"ssh", make<SshConnection>},
};

}  // namespace

std::unique_ptr<Connection> make_connection(const ConnectionSpec& spec) {
  for (const auto& plugin : k_connections)
    if (spec.connection == plugin.name) return plugin.make(spec);
  std::string known;
  for (const auto& plugin : k_connections) known += (known.empty() ? "" : ", ") + std::string(plugin.name);
  throw std::invalid_argument("unknown connection type '" + spec.connection + "' for host " + spec.inventory_name +
                              " (known: " + known + ")");
}

std::vector<std::string> connection_names() {
  std::vector<std::string> names;
  for (const auto& plugin : k_connections) names.emplace_back(plugin.name);
  return names;
}

}  // namespace drover::connection
