// `drover config`: the effective settings, each with where it came from.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace drover::cli {

// `drover config [list]` prints every key; `drover config get KEY` prints one value.
// Returns 0, or 5 on bad usage / an unknown key.
int run_config_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_config_command(const std::vector<std::string>& args);

}  // namespace drover::cli
