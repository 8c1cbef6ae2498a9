// The built-in inventory source plugins, in the shape core defines
// (core/inventory/inventory_plugin.hpp): one row per kind of source, tried in Ansible's order
// (host_list, script, yaml, ini) — the order matters, so this table is not alphabetical.
#pragma once

#include <string>
#include <string_view>

#include "core/inventory/inventory.hpp"
#include "core/inventory/inventory_plugin.hpp"

namespace drover::inventory {

InventoryPlugins inventory_plugins();

// The parsers behind the table, on text, for tests and for other callers. `file` names the
// source in messages.
void parse_ini_inventory(Inventory& inv, std::string_view text, const std::string& file);
void parse_yaml_inventory(Inventory& inv, std::string_view text, const std::string& file);
void parse_host_list(Inventory& inv, const std::string& list);
// `run` executes the script with the given argument and returns its stdout (the process seam).
using ScriptRunner = std::string (*)(const std::string& script, const std::string& arg);
void parse_script_inventory(Inventory& inv, const std::string& script, ScriptRunner run);
std::string run_inventory_script(const std::string& script, const std::string& arg);

}  // namespace drover::inventory
