// The pieces a run assembles from its flags: options, inventory, output, the runner binary.
#pragma once

#include <memory>

#include "core/cli/run_flags.hpp"
#include "core/exec/playbook_executor.hpp"
#include "core/inventory/inventory.hpp"
#include "core/output/event_bus.hpp"
#include "core/plugin_set.hpp"

namespace drover::cli {

struct Session {
  exec::RunOptions options;
  std::unique_ptr<inventory::Inventory> inventory;
  std::unique_ptr<output::EventBus> bus;
  exec::RunContext context;
};

// Builds a session with the callbacks, inventory sources and lookups of `plugins`; `adhoc`
// selects the minimal stdout callback unless configured otherwise.
std::unique_ptr<Session> make_session(const RunFlags& flags, bool adhoc, const Plugins& plugins);

// Installs the SIGINT and SIGTERM handler that stops the run (exit 99); a second signal exits at once.
void install_interrupt_handler();

}  // namespace drover::cli
