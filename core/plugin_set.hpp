// The plugins core calls, handed to core rather than named by it.
//
// Every interface here is core's own (actions in core/exec/, callbacks in core/output/,
// connections and become methods in core/transport/, inventory sources in core/inventory/, lookups in
// core/template/); the plugins in plugins/
// implement them. This is dependency inversion, not a hidden include: nothing in core names a
// plugin or includes a header under plugins/, and drover_core compiles without that folder on
// its include path. builtin_plugins() is declared here so that its type is core's, but it is
// defined in plugins/builtin.cpp (the drover_plugins library); only a program's main()
// (core/cli/main.cpp, compiled into the `drover` executable, not into drover_core) or a test calls
// it and passes the set down. A test or another program can pass a set of its own (one callback,
// a fake connection factory).
#pragma once

#include <span>

#include "core/exec/action.hpp"
#include "core/inventory/inventory_plugin.hpp"
#include "core/output/callback_table.hpp"
#include "core/template/filter_api.hpp"
#include "core/transport/become.hpp"
#include "core/transport/connection.hpp"

namespace drover {

// Tables are spans over static rows: a set is cheap to copy and outlives every run.
struct Plugins {
  action::ActionTable actions;                           // task and -m module names
  output::CallbackTable callbacks;                       // stdout_callback / callbacks_enabled
  connection::ConnectionFactory make_connection = nullptr;  // ansible_connection: ssh, local
  inventory::InventoryPlugins inventory_sources;         // -i: tried in order
  std::span<const tmpl::LookupRow> lookups;              // lookup(), query(), with_*
  become::BecomeMethods become_methods;                  // become_method: sudo, su
};

// drover's built-in plugins (defined in plugins/builtin.cpp). Core never calls this.
const Plugins& builtin_plugins();

}  // namespace drover
