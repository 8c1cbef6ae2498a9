// `drover inventory`: ansible-inventory's --list, --graph and --host views.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/plugin_set.hpp"

namespace drover::cli {

// args: everything after "inventory". Returns the exit code: 0, 1 on an inventory error, 5 on
// bad usage. Writes to `out` and `err`.
// The sources are read with plugins.inventory_sources.
int run_inventory_command(const std::vector<std::string>& args, const Plugins& plugins, std::ostream& out,
                          std::ostream& err);
int run_inventory_command(const std::vector<std::string>& args, const Plugins& plugins);

}  // namespace drover::cli
