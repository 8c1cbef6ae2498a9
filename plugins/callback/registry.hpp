// The built-in callback plugins: one alphabetized table of {name, kind, factory}.
// Adding a callback is one new file in plugins/callback/ plus one row in registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/output/callback.hpp"
#include "core/output/callback_options.hpp"

namespace drover::callback {

using output::Callback;
using output::CallbackOptions;

// stdout: prints the run (exactly one per run, `stdout_callback`);
// notification: listens beside it (`callbacks_enabled`).
enum class CallbackKind { stdout_callback, notification };

struct CallbackEntry {
  const char* name;
  CallbackKind kind;
  std::unique_ptr<Callback> (*factory)(const CallbackOptions&);
};

// The table, sorted by name.
const std::vector<CallbackEntry>& callback_table();

// The entry for name (Ansible's FQCNs ansible.builtin.X / ansible.posix.X / community.general.X
// name the same callback); nullptr when unknown.
const CallbackEntry* find_callback(const std::string& name);

// Builds the named callback. Throws Fatal (bad options, exit 5) listing the known names when the
// name is unknown.
std::unique_ptr<Callback> make_callback(const std::string& name, const CallbackOptions& options);

// The stdout callback used when none is configured: "minimal" for ad hoc, else "default".
std::string default_stdout_callback(bool ad_hoc);

}  // namespace drover::callback
