// The built-in plugin set: every plugin kind's table, gathered for main() (see core/plugin_set.hpp).
#include "core/plugin_set.hpp"

#include "plugins/action/action.hpp"
#include "plugins/become/registry.hpp"
#include "plugins/callback/registry.hpp"
#include "plugins/connection/registry.hpp"
#include "plugins/inventory/registry.hpp"
#include "plugins/lookup/lookup_table.hpp"

namespace drover {

const Plugins& builtin_plugins() {
  static const Plugins k_builtin = {
      .actions = action::actions(),
      .callbacks = callback::callback_table(),
      .make_connection = connection::make_connection,
      .inventory_sources = inventory::inventory_plugins(),
      .lookups = lookup::lookup_table(),
      .become_methods = become::become_methods(),
  };
  return k_builtin;
}

}  // namespace drover
