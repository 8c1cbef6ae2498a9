// The flags `drover PATTERN` (ad hoc) and `drover playbook` share with `ansible` and
// `ansible-playbook`, declared once and turned into RunOptions with the configuration underneath.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/config/config.hpp"
#include "core/exec/run_options.hpp"

namespace drover::cli {

struct RunFlags {
  std::vector<std::string> inventory;
  std::string limit;
  std::vector<std::string> extra_vars;
  int forks = 0;  // 0 = from config
  std::string user, connection, private_key;
  int timeout = 0;
  bool become = false;
  std::string become_user, become_method;
  int verbosity = 0;
  bool check = false, diff = false;
  std::vector<std::string> vault_password_files, vault_ids;
  bool ask_vault_password = false;
  // playbook only
  std::vector<std::string> tags, skip_tags;
  bool force_handlers = false;
  std::string start_at_task;
  bool step = false;
  bool flush_cache = false;  // --flush-cache
  bool ask_become_password = false;   // -K
  std::string become_password_file;   // --become-password-file
};

enum class Command { adhoc, playbook };

// The configuration of this process: files and environment, loaded on first use; CLI flags are
// laid over it by resolve_run_options().
config::Config& cli_config();

// Declares the shared flags on `app` (and the playbook-only ones for Command::playbook).
void add_run_flags(CLI::App& app, RunFlags& flags, Command command);

// Parses args into app. Returns the exit code to stop with (0 after --help, 5 on bad usage), or
// nullopt when the command should run.
std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args);

// Merges flags over the configuration (CLI > env > file > default). Throws Fatal(bad_options)
// on invalid values.
exec::RunOptions resolve_run_options(const RunFlags& flags);

// The inventory sources: -i values, else the configured inventory.
std::vector<std::string> inventory_sources(const RunFlags& flags);

}  // namespace drover::cli
