// The interface of inventory source plugins (plugins/inventory/: host list, script, yaml, ini),
// as Inventory::load calls them: a table of rows tried in order, the first that accepts a source
// parses it. Core defines the shape; the table is the plugins' and reaches core in the plugin set
// (core/plugin_set.hpp).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace drover::inventory {

class Inventory;

struct InventoryPlugin {
  std::string_view name;
  // Whether this plugin reads `source` (a path or a host list), as Ansible's verify_file.
  bool (*accepts)(const std::string& source);
  // Parses `source` into `inv` (no reconcile). Throws SourceError/Fatal on bad input.
  void (*parse)(Inventory& inv, const std::string& source);
};

// Tried in order: the order matters (Ansible's is host_list, script, yaml, ini).
using InventoryPlugins = std::span<const InventoryPlugin>;

}  // namespace drover::inventory
