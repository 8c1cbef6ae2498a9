#include "core/vars/scope.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "core/playbook/args.hpp"
#include "core/secrets/vars_file.hpp"
#include "core/value/yaml.hpp"

namespace drover::vars {

void Scope::push(const Value& layer) {
  if (layer.is_map()) m_layers.push_back(&layer);
}

void Scope::push_owned(Value layer) {
  if (!layer.is_map()) return;
  m_owned.push_back(std::make_unique<Value>(std::move(layer)));
  m_layers.push_back(m_owned.back().get());
}

Scope Scope::derive() const {
  Scope s;
  s.m_layers = m_layers;
  return s;
}

const Value* Scope::find(std::string_view name) const {
  for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it)
    if (const Value* v = (*it)->as_map().find(name)) {
      if (!v->is_map() || hash_behaviour() != HashBehaviour::merge) return v;
      return merged(name, it);
    }
  return nullptr;
}

// hash_behaviour = merge: the dicts of `name` in the layers from `top` down, merged bottom-up
// (a lower layer's non-dict value ends the merge), kept for the scope's life.
const Value* Scope::merged(std::string_view name, std::vector<const Value*>::const_reverse_iterator top) const {
  if (auto it = m_merged.find(name); it != m_merged.end()) return it->second.get();
  std::vector<const Value*> dicts;
  for (auto it = top; it != m_layers.rend(); ++it) {
    const Value* v = (*it)->as_map().find(name);
    if (!v) continue;
    if (!v->is_map()) break;
    dicts.push_back(v);
  }
  if (dicts.size() == 1) return dicts.front();
  Value out = *dicts.back();
  for (auto it = dicts.rbegin() + 1; it != dicts.rend(); ++it) out = merge_recursive(out, **it);
  return m_merged.emplace(std::string(name), std::make_unique<Value>(std::move(out))).first->second.get();
}

std::vector<std::string> Scope::names() const {
  // Python's dict order of the merged variables: a name's first appearance, lowest layer first
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> out;
  for (const Value* layer : m_layers)
    for (const auto& [k, v] : layer->as_map())
      if (seen.insert(k).second) out.push_back(k);
  return out;
}

Value parse_extra_vars(const std::string& arg) {
  if (arg.empty()) return Value::map();
  if (arg[0] == '@') {
    Value v = secrets::load_vars_file(arg.substr(1));
    if (!v.is_map() && !v.is_null())
      throw Fatal("extra vars file '" + arg.substr(1) + "' must hold a mapping", ExitCode::bad_options);
    return v.is_null() ? Value::map() : v;
  }
  if (arg[0] == '{' || arg[0] == '[') {
    Value v = parse_yaml_value(arg, "-e argument");
    if (!v.is_map())
      throw Fatal("-e '" + arg + "': extra vars must be a mapping", ExitCode::bad_options);
    return v;
  }
  try {
    return playbook::parse_kv(arg, playbook::ArgStyle::key_value);
  } catch (const Fatal& e) {
    throw Fatal(std::string("-e: ") + e.what(), ExitCode::bad_options);
  }
}

}  // namespace drover::vars
