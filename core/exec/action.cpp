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

namespace {

bool names_option(const OptionDoc& option, std::string_view key) {
  if (option.name == key) return true;
  std::string_view aliases = option.aliases;
  while (!aliases.empty()) {
    const std::size_t comma = aliases.find(',');
    std::string_view alias = aliases.substr(0, comma);
    while (alias.starts_with(' ')) alias.remove_prefix(1);
    if (alias == key) return true;
    if (comma == std::string_view::npos) break;
    aliases.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<Value> check_action_args(const Value& args, const ActionDoc& doc, std::string_view name) {
  if (!doc.closed_options || !args.is_map()) return std::nullopt;
  std::vector<std::string> unknown;
  for (const auto& [key, value] : args.as_map()) {
    if (key == "_raw_params" || key.starts_with("_ansible_")) continue;
    if (std::none_of(doc.options.begin(), doc.options.end(),
                     [&key = key](const OptionDoc& option) { return names_option(option, key); }))
      unknown.push_back(key);
  }
  if (unknown.empty()) return std::nullopt;
  std::sort(unknown.begin(), unknown.end());
  std::string list;
  for (const auto& key : unknown) list += (list.empty() ? "" : ",") + key;
  return failed_result("Invalid options for " + std::string(name) + ": " + list);
}

Value failed_result(const std::string& msg) {
  Map m;
  m.set("failed", true);
  m.set("msg", msg);
  return Value(std::move(m));
}

}  // namespace drover::action
