#include "core/exec/play_context.hpp"

#include <algorithm>

namespace drover::exec {

const Value* HostVars::find(std::string_view host) const {
  std::lock_guard lock(m_mutex);
  if (auto it = m_cache.find(host); it != m_cache.end()) return &it->second;
  Value merged;
  if (const HostState* st = m_hosts.find(host)) {
    const HostState& s = *st;
    merged = merge_recursive(s.inventory_vars, s.injected_facts);
    if (!s.facts.as_map().empty()) merged.mutable_map().set("ansible_facts", s.facts);
    for (const auto& [k, v] : s.included_vars.as_map()) merged.mutable_map().set(k, v);
    for (const auto& [k, v] : s.runtime_vars.as_map()) merged.mutable_map().set(k, v);
  } else if (const auto* h = m_inventory.find_host(host)) {
    merged = m_inventory.host_vars(*h);
  } else {
    return nullptr;
  }
  return &m_cache.emplace(std::string(host), std::move(merged)).first->second;
}

std::vector<std::string> HostVars::keys() const {
  std::vector<std::string> out;
  for (const auto* h : m_inventory.select("all")) out.push_back(h->name);
  return out;
}

void HostVars::invalidate() {
  std::lock_guard lock(m_mutex);
  m_cache.clear();
}

void add_facts(HostState& host, const Value& facts) {
  if (!facts.is_map()) return;
  for (const auto& [k, v] : facts.as_map()) {
    host.facts.mutable_map().set(k.rfind("ansible_", 0) == 0 ? k.substr(8) : k, v);
    // clean_facts: interpreter discovery stays out of the variables
    if (k.find("discovered_interpreter_") == std::string::npos) host.injected_facts.mutable_map().set(k, v);
  }
}

HostState& HostRegistry::get(const std::string& name) {
  std::lock_guard lock(m_mutex);
  auto it = m_states.find(name);
  if (it != m_states.end()) return *it->second;
  auto state = std::make_unique<HostState>();
  state->name = name;
  state->host = m_inventory.find_host(name);
  if (state->host) state->inventory_vars = m_inventory.host_vars(*state->host);
  state->implicit_localhost = state->host && state->host->implicit;
  if (m_fact_cache)
    if (auto cached = m_fact_cache->load(name)) {
      state->cached_facts = *cached;
      add_facts(*state, *cached);
    }
  HostState& ref = *state;
  m_states.emplace(name, std::move(state));
  return ref;
}

HostState* HostRegistry::find(std::string_view name) {
  std::lock_guard lock(m_mutex);
  auto it = m_states.find(name);
  return it == m_states.end() ? nullptr : it->second.get();
}

void HostRegistry::rebind() {
  std::lock_guard lock(m_mutex);
  for (auto& [name, state] : m_states) {
    state->host = m_inventory.find_host(name);
    state->inventory_vars = state->host ? m_inventory.host_vars(*state->host) : Value::map();
  }
}

void HostRegistry::close_all() {
  std::lock_guard lock(m_mutex);
  for (auto& [name, state] : m_states) state->close_targets();
}

}  // namespace drover::exec
