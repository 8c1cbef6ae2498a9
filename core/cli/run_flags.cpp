#include "core/cli/run_flags.hpp"

#include <filesystem>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/secrets/redactor.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vars_file.hpp"
#include "core/vars/scope.hpp"

namespace drover::cli {

void add_run_flags(CLI::App& app, RunFlags& f, Command command) {
  app.add_option("-i,--inventory,--inventory-file", f.inventory,
                 "inventory host path or comma separated host list")->allow_extra_args(false);
  app.add_option("-l,--limit", f.limit, "further limit selected hosts to an additional pattern");
  app.add_option("-e,--extra-vars", f.extra_vars,
                 "set additional variables as key=value or YAML/JSON, if filename prepend with @")
      ->allow_extra_args(false);
  app.add_option("-f,--forks", f.forks, "number of parallel processes to use (default 50)");
  app.add_option("-u,--user", f.user, "connect as this user");
  app.add_option("-c,--connection", f.connection, "connection type to use (ssh, local)");
  app.add_option("--private-key,--key-file", f.private_key, "use this file to authenticate the connection");
  app.add_option("-T,--timeout", f.timeout, "override the connection timeout in seconds");
  app.add_flag("-b,--become", f.become, "run operations with become (sudo)");
  app.add_option("--become-user", f.become_user, "run operations as this user (default root)");
  app.add_option("--become-method", f.become_method, "privilege escalation method (sudo, su)");
  app.add_flag("-K,--ask-become-pass", f.ask_become_password, "ask for privilege escalation password");
  app.add_option("--become-password-file,--become-pass-file", f.become_password_file,
                 "Become password file");
  app.add_flag("-v,--verbose", f.verbosity, "verbose mode (-vvv for more)");
  app.add_flag("-C,--check", f.check, "don't make any changes; predict some of the changes");
  app.add_flag("-D,--diff", f.diff, "show the differences in files and templates that change");
  app.add_option("--vault-password-file,--vault-pass-file", f.vault_password_files, "vault password file")
      ->allow_extra_args(false);
  app.add_option("--vault-id", f.vault_ids, "the vault identity to use (label@source)")->allow_extra_args(false);
  app.add_flag("-J,--ask-vault-password,--ask-vault-pass", f.ask_vault_password, "ask for vault password");
  if (command == Command::playbook) {
    app.add_option("-t,--tags", f.tags, "only run plays and tasks tagged with these values")
        ->delimiter(',')->allow_extra_args(false);
    app.add_option("--skip-tags", f.skip_tags, "only run plays and tasks whose tags do not match these values")
        ->delimiter(',')->allow_extra_args(false);
    app.add_flag("--force-handlers", f.force_handlers, "run handlers even if a task fails");
    app.add_option("--start-at-task", f.start_at_task, "start the playbook at the task matching this name");
    app.add_flag("--step", f.step, "one-step-at-a-time: confirm each task before running");
    app.add_flag("--flush-cache", f.flush_cache, "clear the fact cache for every host in inventory");
  }
}

config::Config& cli_config() {
  static config::Config cfg = [] {
    config::Config c = config::Config::load();
    // before anything loads variables (roles load with the playbook, before the run options)
    const std::string hash = c.get("defaults.hash_behaviour");
    if (hash != "replace" && hash != "merge")
      throw Fatal("hash_behaviour = " + hash + " is not one of replace, merge (" +
                      c.find("defaults.hash_behaviour")->origin + ")",
                  ExitCode::bad_options);
    set_hash_behaviour(hash == "merge" ? HashBehaviour::merge : HashBehaviour::replace);
    return c;
  }();
  return cfg;
}

std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::bad_options);
  }
  return std::nullopt;
}

// -K asks on the terminal ("BECOME password: ", as Ansible asks); --become-password-file (or
// [privilege_escalation] become_password_file) reads the file, or runs it when it is executable,
// as Ansible does. The password is marked secret: it never shows in output.
std::string become_password(const RunFlags& f, const config::Config& cfg) {
  std::string file = f.become_password_file.empty() ? cfg.get("privilege_escalation.become_password_file")
                                                    : f.become_password_file;
  std::string password;
  if (f.ask_become_password || (file.empty() && cfg.get_truthy("privilege_escalation.become_ask_pass"))) {
    try {
      password = secrets::prompt_password("BECOME password: ");
    } catch (const Fatal&) {
      throw Fatal("cannot ask for the become password: no terminal (use --become-password-file or "
                  "ansible_become_password)",
                  ExitCode::bad_options);
    }
  } else if (!file.empty()) {
    password = secrets::read_vault_password_file(file, "default");
  }
  if (!password.empty()) secrets::Redactor::global().add(password);
  return password;
}

exec::RunOptions resolve_run_options(const RunFlags& f) {
  config::Config& cfg = cli_config();
  if (f.forks) cfg.set_from_cli("defaults.forks", std::to_string(f.forks));
  if (!f.user.empty()) cfg.set_from_cli("defaults.remote_user", f.user);
  if (!f.private_key.empty()) cfg.set_from_cli("defaults.private_key_file", f.private_key);
  if (f.timeout) cfg.set_from_cli("defaults.timeout", std::to_string(f.timeout));
  if (f.become) cfg.set_from_cli("privilege_escalation.become", "true");
  if (f.force_handlers) cfg.set_from_cli("defaults.force_handlers", "true");
  if (!f.become_user.empty()) cfg.set_from_cli("privilege_escalation.become_user", f.become_user);
  if (!f.become_method.empty()) cfg.set_from_cli("privilege_escalation.become_method", f.become_method);

  exec::RunOptions o;
  o.forks = cfg.get_int("defaults.forks");
  if (o.forks < 1) throw Fatal("forks must be at least 1", ExitCode::bad_options);
  o.check = f.check;
  o.diff = f.diff;
  o.verbosity = f.verbosity;
  o.limit = f.limit;
  // Ansible's ansible_inventory_sources: each source made absolute unless it is a host list
  for (const auto& source : inventory_sources(f)) {
    std::error_code ec;
    const bool host_list = source.find(',') != std::string::npos;
    o.inventory_sources.push_back(host_list ? source : std::filesystem::absolute(source, ec).lexically_normal().string());
  }
  if (!cfg.file().empty()) {
    std::error_code ec;
    o.config_file = std::filesystem::absolute(cfg.file(), ec).lexically_normal().string();
  }
  o.tags = f.tags;
  o.skip_tags = f.skip_tags;
  o.connection = f.connection;
  if (!o.connection.empty() && o.connection != "ssh" && o.connection != "local" &&
      o.connection != "paramiko" && o.connection != "smart")
    throw Fatal("invalid connection type '" + o.connection + "': drover supports ssh and local",
                ExitCode::bad_options);
  if (o.connection == "paramiko" || o.connection == "smart") o.connection = "ssh";
  o.remote_user = cfg.get("defaults.remote_user");
  o.private_key = cfg.get("defaults.private_key_file");
  o.timeout_s = cfg.get_int("defaults.timeout");
  o.host_key_checking = cfg.get_truthy("defaults.host_key_checking");
  o.ssh_common_args = cfg.get("ssh_connection.ssh_common_args");
  o.ssh_extra_args = cfg.get("ssh_connection.ssh_extra_args");
  o.become = cfg.get_truthy("privilege_escalation.become");
  o.become_user = cfg.get("privilege_escalation.become_user");
  o.become_method = cfg.get("privilege_escalation.become_method");
  o.become_exe = cfg.get("privilege_escalation.become_exe");
  o.become_password = become_password(f, cfg);
  o.gathering = cfg.get("defaults.gathering");
  if (o.gathering != "implicit" && o.gathering != "explicit" && o.gathering != "smart")
    throw Fatal("gathering = " + o.gathering + " is not one of implicit, explicit, smart (" +
                    cfg.find("defaults.gathering")->origin + ")",
                ExitCode::bad_options);
  o.gather_subset = cfg.get_list("defaults.gather_subset");
  o.gather_timeout = cfg.get_int("defaults.gather_timeout");
  o.fact_cache.plugin = cfg.get("defaults.fact_caching");
  o.fact_cache.connection = cfg.get("defaults.fact_caching_connection");
  o.fact_cache.prefix = cfg.get("defaults.fact_caching_prefix");
  o.fact_cache.timeout_s = cfg.get_int("defaults.fact_caching_timeout");
  o.flush_cache = f.flush_cache;
  o.force_handlers = cfg.get_truthy("defaults.force_handlers");
  o.strategy = cfg.get("defaults.strategy");
  o.start_at_task = f.start_at_task;
  o.result_types = cfg.get_truthy("defaults.jinja2_native") ? tmpl::ResultTypes::native : tmpl::ResultTypes::ansible;


  secrets::SecretsOptions secrets_options;
  secrets_options.vault_password_files = f.vault_password_files;
  secrets_options.vault_ids = f.vault_ids;
  secrets_options.ask_vault_password = f.ask_vault_password;
  secrets::configure(secrets_options);

  // several -e combine as Ansible's load_extra_vars combines them (combine_vars)
  for (const auto& e : f.extra_vars) o.extra_vars = combine_vars(o.extra_vars, vars::parse_extra_vars(e));
  return o;
}

std::vector<std::string> inventory_sources(const RunFlags& f) {
  if (!f.inventory.empty()) return f.inventory;
  return cli_config().get_list("defaults.inventory");
}

}  // namespace drover::cli
