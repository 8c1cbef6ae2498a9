// drover's entry point: picks the subcommand, runs it with the built-in plugin set, and turns a
// Fatal into its message and exit code. Nothing below main() prints errors itself or calls exit().
// This file is the `drover` executable's, not drover_core's: it is where core meets the plugins
// (builtin_plugins(), defined in plugins/builtin.cpp; see core/plugin_set.hpp).
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "core/output/log_file.hpp"
#include "core/allocator.hpp"
#include "core/cli/commands.hpp"
#include "core/cli/config_command.hpp"
#include "core/cli/doc_command.hpp"
#include "core/cli/inventory_command.hpp"
#include "core/cli/secrets_command.hpp"
#include "core/error.hpp"
#include "core/output/log_file.hpp"
#include "core/plugin_set.hpp"
#include "core/secrets/redactor.hpp"
#include "core/transport/target.hpp"

namespace {

using drover::Plugins;
using Handler = int (*)(const std::vector<std::string>&, const Plugins&);
int run_config(const std::vector<std::string>& a, const Plugins&) { return drover::cli::run_config_command(a); }
int run_secrets(const std::vector<std::string>& a, const Plugins&) { return drover::cli::run_secrets_command(a); }
struct Subcommand {
  const char* name;
  Handler run;
  const char* summary;
};

int run_version() {
  std::cout << "drover " DROVER_VERSION "\n";
  try {
    auto runner = drover::transport::RunnerBinary::find();
    std::cout << "  runner = " << runner.path << " (sha256 " << runner.sha256.substr(0, 16) << "…)\n";
  } catch (const std::exception& e) {
    std::cout << "  runner = not found (" << e.what() << ")\n";
  }
  std::cout << "  compatible with Ansible's playbooks, inventories and module arguments (ansible-core 2.14)\n";
  return 0;
}

// One row per subcommand, alphabetized; anything else is an ad-hoc host pattern.
const Subcommand k_subcommands[] = {
    {"config", run_config, "show the effective configuration and where each value came from"},
    {"doc", drover::cli::run_doc_command, "show the documentation of modules and actions (--list, -j)"},
    {"inventory", drover::cli::run_inventory_command, "show the inventory (--list, --graph, --host)"},
    {"playbook", drover::cli::run_playbook_command, "run playbooks"},
    {"secrets", run_secrets, "encrypt, decrypt and edit sops/vault files; make age keys"},
};

void usage() {
  std::cout << "usage: drover PATTERN -m MODULE [-a ARGS] [options]   run one module (ad hoc)\n"
               "       drover SUBCOMMAND [options]\n\nsubcommands:\n";
  for (const auto& s : k_subcommands) std::cout << "  " << s.name << std::string(12 - std::strlen(s.name), ' ') << s.summary << "\n";
  std::cout << "\n`drover PATTERN --help` and `drover SUBCOMMAND --help` list the options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  drover::tune_allocator();
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
      usage();
      return args.empty() ? static_cast<int>(drover::ExitCode::bad_options) : 0;
    }
    if (args[0] == "--version") return run_version();
    const Plugins& plugins = drover::builtin_plugins();
    for (const auto& s : k_subcommands)
      if (args[0] == s.name) return s.run({args.begin() + 1, args.end()}, plugins);
    return drover::cli::run_adhoc_command(args, plugins);
  } catch (const drover::Fatal& e) {
    const std::string message = "ERROR! " + drover::secrets::Redactor::global().mask(e.what());
    std::cerr << message << "\n";
    drover::output::LogFile::write(message);
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "ERROR! unexpected error: " << drover::secrets::Redactor::global().mask(e.what()) << "\n";
    return static_cast<int>(drover::ExitCode::unexpected);
  }
}
