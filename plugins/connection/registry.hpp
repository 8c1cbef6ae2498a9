// The connection plugins' registry: one row per plugin (local, ssh). The interface they implement
// is core's (core/transport/connection.hpp); core reaches this table only through the plugin set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/transport/connection.hpp"

namespace drover::connection {

// A connection of the kind `spec.connection` names, not yet connected. Throws
// std::invalid_argument for an unknown kind, naming the known ones (a ConnectionFactory).
std::unique_ptr<Connection> make_connection(const ConnectionSpec& spec);
// The known kinds, alphabetized.
std::vector<std::string> connection_names();

}  // namespace drover::connection
