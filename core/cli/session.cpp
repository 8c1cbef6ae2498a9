#include "core/cli/session.hpp"

#include <csignal>
#include <iostream>
#include <unistd.h>

#include "core/output/display.hpp"
#include "core/output/callback_table.hpp"
#include "core/output/log_file.hpp"

namespace drover::cli {

namespace {

// The first SIGINT or SIGTERM stops the run (no new task; the runners on the targets are told to
// stop; the recap prints; exit 99); the second ends the process at once (the targets' runners
// see their channels close and stop on their own).
void on_sigint(int) {
  if (g_interrupted.exchange(true)) _exit(static_cast<int>(ExitCode::interrupted));
  const char msg[] = "\n [ERROR]: User interrupted execution\n";
  (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
}

std::unique_ptr<output::EventBus> make_bus(const exec::RunOptions& o, bool adhoc, output::CallbackTable callbacks) {
  config::Config& cfg = cli_config();
  if (const std::string warning = output::LogFile::open(cfg.get("defaults.log_path")); !warning.empty())
    std::cerr << "[WARNING]: " << warning << "\n";
  std::string stdout_name = adhoc && !cfg.get_truthy("defaults.bin_ansible_callbacks")
                                ? "minimal"
                                : cfg.get("defaults.stdout_callback");
  if (stdout_name.empty()) stdout_name = "default";
  auto options_for = [&](const std::string& name) {
    output::CallbackOptions co;
    co.verbosity = o.verbosity;
    co.color = output::color_wanted(isatty(STDOUT_FILENO) != 0);
    co.check = o.check;
    co.diff = o.diff;
    co.ad_hoc = adhoc;
    co.config = cfg.plugin_section("callback_" + name);
    return co;
  };
  auto bus = std::make_unique<output::EventBus>();
  bus->set_stdout_callback(output::make_callback(callbacks, stdout_name, options_for(stdout_name)));
  if (!adhoc || cfg.get_truthy("defaults.bin_ansible_callbacks")) {
    for (const auto& name : cfg.get_list("defaults.callbacks_enabled"))
      bus->add_notification_callback(output::make_callback(callbacks, name, options_for(name)));
  }
  return bus;
}

}  // namespace

std::unique_ptr<Session> make_session(const RunFlags& flags, bool adhoc, const Plugins& plugins) {
  auto s = std::make_unique<Session>();
  s->options = resolve_run_options(flags);
  s->inventory = std::make_unique<inventory::Inventory>(
      inventory::Inventory::load(inventory_sources(flags), plugins.inventory_sources));
  s->bus = make_bus(s->options, adhoc, plugins.callbacks);
  s->context.inventory = s->inventory.get();
  s->context.load_inventory = [sources = inventory_sources(flags), plugins = plugins.inventory_sources] {
    return inventory::Inventory::load(sources, plugins);
  };
  s->context.options = &s->options;
  s->context.bus = s->bus.get();
  s->context.actions = plugins.actions;
  s->context.make_target = [runner = transport::RunnerBinary::find(), make_connection = plugins.make_connection,
                            become_methods = plugins.become_methods](const connection::ConnectionSpec& spec) {
    return std::make_unique<transport::Target>(spec, make_connection(spec), runner, become_methods);
  };
  s->context.lookups = plugins.lookups;
  auto& d = s->context.connection_defaults;
  d.remote_user = s->options.remote_user;
  d.private_key_file = s->options.private_key;
  d.host_key_checking = s->options.host_key_checking;
  d.timeout_s = s->options.timeout_s;
  d.ssh_common_args = s->options.ssh_common_args;
  d.ssh_extra_args = s->options.ssh_extra_args;
  return s;
}

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace drover::cli
