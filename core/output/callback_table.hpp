// The shape of a table of callback plugins, and how a run picks one by the name a user
// configured (`stdout_callback`, `callbacks_enabled`). The table itself is a plugin's
// (plugins/callback/registry.cpp); core receives it in the plugin set (core/plugin_set.hpp).
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/output/callback.hpp"
#include "core/output/callback_options.hpp"

namespace drover::output {

// stdout: prints the run (exactly one per run, `stdout_callback`);
// notification: listens beside it (`callbacks_enabled`).
enum class CallbackKind { stdout_callback, notification };

struct CallbackEntry {
  const char* name;
  CallbackKind kind;
  std::unique_ptr<Callback> (*factory)(const CallbackOptions&);
};

using CallbackTable = std::span<const CallbackEntry>;

// The entry for name (Ansible's FQCNs ansible.builtin.X / ansible.posix.X / community.general.X
// name the same callback); nullptr when unknown.
const CallbackEntry* find_callback(CallbackTable table, const std::string& name);

// Builds the named callback. Throws Fatal (bad options, exit 5) listing the known names when the
// name is unknown.
std::unique_ptr<Callback> make_callback(CallbackTable table, const std::string& name,
                                        const CallbackOptions& options);

}  // namespace drover::output
