#include "core/exec/action.hpp"

#include <algorithm>
#include <utility>

namespace drover::action {

const ActionRow* find_action(ActionTable table, std::string_view name) {
  std::string_view collection;
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) {
    collection = name.substr(0, dot);
    name.remove_prefix(dot + 1);
  }
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  bool routed = collection.empty() || collection == "ansible.builtin" ||
                collection == "ansible.legacy" || collection == it->collection;
  return routed ? &*it : nullptr;
}

std::optional<MetaAction> meta_action_named(std::string_view name) {
  static constexpr std::pair<std::string_view, MetaAction> k_meta[] = {
      {"clear_facts", MetaAction::clear_facts}, {"clear_host_errors", MetaAction::clear_host_errors},
      {"end_batch", MetaAction::end_batch},
      {"end_host", MetaAction::end_host},       {"end_play", MetaAction::end_play},
      {"flush_handlers", MetaAction::flush_handlers}, {"noop", MetaAction::noop},
      {"refresh_inventory", MetaAction::refresh_inventory}, {"reset_connection", MetaAction::reset_connection},
  };
  for (const auto& [n, meta] : k_meta)
    if (n == name) return meta;
  return std::nullopt;
}

bool runs_per_host(MetaAction meta) {
  return meta == MetaAction::noop || meta == MetaAction::end_host || meta == MetaAction::flush_handlers ||
         meta == MetaAction::reset_connection;
}

bool meta_supports_when(MetaAction meta) {
  return meta != MetaAction::noop && meta != MetaAction::refresh_inventory && meta != MetaAction::reset_connection;
}

Value failed_result(const std::string& msg) {
  Map m;
  m.set("failed", true);
  m.set("msg", msg);
  return Value(std::move(m));
}

}  // namespace drover::action
