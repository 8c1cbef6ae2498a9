#include "core/exec/action.hpp"

#include <algorithm>

namespace drover::action {

const ActionRow* find_action(ActionTable table, std::string_view name) {
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

Value failed_result(const std::string& msg) {
  Map m;
  m.set("failed", true);
  m.set("msg", msg);
  return Value(std::move(m));
}

}  // namespace drover::action
