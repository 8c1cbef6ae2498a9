// Entry points of drover's subcommands. Each takes the arguments after its name and returns
// the process exit code; a Fatal escaping one is printed by main(). `plugins` is the set main()
// passes down (core/plugin_set.hpp).
#pragma once

#include <string>
#include <vector>

#include "core/plugin_set.hpp"

namespace drover::cli {

int run_adhoc_command(const std::vector<std::string>& args, const Plugins& plugins);     // drover PATTERN -m ...
int run_playbook_command(const std::vector<std::string>& args, const Plugins& plugins);  // drover playbook ...

}  // namespace drover::cli
