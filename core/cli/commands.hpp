// Entry points of drover's subcommands. Each takes the arguments after its name and returns
// the process exit code; a Fatal escaping one is printed by main().
#pragma once

#include <string>
#include <vector>

namespace drover::cli {

int run_adhoc_command(const std::vector<std::string>& args);     // drover PATTERN -m MODULE ...
int run_playbook_command(const std::vector<std::string>& args);  // drover playbook ...

}  // namespace drover::cli
