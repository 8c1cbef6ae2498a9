// Runs whole playbooks (and ad-hoc calls, which are one-task plays) and decides the exit code.
#pragma once

#include <atomic>
#include <functional>
#include <span>
#include <string>

#include "core/error.hpp"
#include "core/exec/play_context.hpp"
#include "core/exec/run_options.hpp"
#include "core/interrupt.hpp"
#include "core/inventory/inventory.hpp"
#include "core/output/event_bus.hpp"
#include "core/playbook/task.hpp"

namespace drover::exec {

// g_interrupted (core/interrupt.hpp), set by the SIGINT/SIGTERM handler: no new task starts,
// running ones are stopped on their targets, the recap prints, exit 99.
using drover::g_interrupted;

// What a run is given: the drover executable fills it from the command line and the built-in
// plugins; unit tests fill it with fakes (an action table of their own, Targets over a fake
// connection).
struct RunContext {
  inventory::Inventory* inventory = nullptr;
  const RunOptions* options = nullptr;
  output::EventBus* bus = nullptr;
  action::ActionTable actions;
  TargetFactory make_target;
  connection::ConnectionDefaults connection_defaults;
  std::span<const tmpl::LookupRow> lookups;  // the plugin set's: every Templar of the run gets them
  StepPrompt ask_step;  // --step: asks the user before each task; empty: no --step
  // meta: refresh_inventory: the inventory read again from its sources; empty: the inventory is
  // kept as it is (nothing to re-read).
  std::function<inventory::Inventory()> load_inventory;
  // vars_prompt's question on the terminal: the message, whether to hide the input, whether to ask
  // a second time to confirm (again until both answers match); empty when stdin is no terminal.
  std::function<std::string(const std::string& message, bool hidden, bool confirm)> ask_var;
};

// Runs every play; returns Ansible's exit code (0, 2 a host failed, 4 a host unreachable, 99).
ExitCode run_playbook(const playbook::Playbook& pb, RunContext& rc);

// `drover PATTERN -m MODULE -a ARGS`: one task on the matching hosts, without facts.
ExitCode run_adhoc(const std::string& pattern, const std::string& module, const Value& args,
                   RunContext& rc);

}  // namespace drover::exec
