// The built-in callback plugins: one alphabetized table of {name, kind, factory}, in the shape
// core defines (core/output/callback_table.hpp). Adding a callback is one new file in
// plugins/callback/ plus one row in registry.cpp.
#pragma once

#include <memory>
#include <string>

#include "core/output/callback_table.hpp"

namespace drover::callback {

using output::Callback;
using output::CallbackEntry;
using output::CallbackKind;
using output::CallbackOptions;

// The table, sorted by name.
output::CallbackTable callback_table();

// find_callback / make_callback of core on this table (see core/output/callback_table.hpp).
const CallbackEntry* find_callback(const std::string& name);
std::unique_ptr<Callback> make_callback(const std::string& name, const CallbackOptions& options);

// The stdout callback used when none is configured: "minimal" for ad hoc, else "default".
std::string default_stdout_callback(bool ad_hoc);

}  // namespace drover::callback
