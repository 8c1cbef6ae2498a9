// What the run knows about one host. Changed only by the controller thread, between tasks;
// workers read it while a task runs.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/inventory/inventory.hpp"
#include "core/transport/target.hpp"
#include "core/value/value.hpp"

namespace drover::exec {

struct HostState {
  const inventory::Host* host = nullptr;
  std::string name;
  bool implicit_localhost = false;      // localhost not in the inventory: local connection
  Value inventory_vars = Value::map();  // group + host vars from the inventory, merged
  Value facts = Value::map();           // ansible_facts (from setup), without the ansible_ prefix
  Value injected_facts = Value::map();  // the same facts as top-level ansible_* variables
  Value included_vars = Value::map();   // include_vars (below set_fact and register, as in Ansible)
  Value runtime_vars = Value::map();    // set_fact and register
  // What the fact cache holds for the host, under Ansible's keys (`ansible_hostname`,
  // `module_setup`, a cacheable set_fact's own names, `_ansible_facts_gathered`)
  Value cached_facts = Value::map();
  bool failed = false;                  // dropped out of the play by a failure
  bool unreachable = false;
  bool errors_cleared = false;          // meta: clear_host_errors ran (the run forgets earlier failures)
  std::set<std::string> notified;       // handler names notified and not yet run

  // The connections and their runners, made on first use: one per connection (the host's own,
  // keyed ""; and one for each other connection, user or port a task's keywords ask for). A
  // Target serializes its own calls, so a worker running this host's task and one delegating to
  // it may share it.
  transport::Target* target(const std::string& key = "") const {
    std::lock_guard lock(m_target_mutex);
    auto it = m_targets.find(key);
    return it == m_targets.end() ? nullptr : it->second.get();
  }
  // Attaches `made` under `key` unless another worker attached one first; returns the attached one.
  transport::Target& attach_target(std::unique_ptr<transport::Target> made, const std::string& key = "") {
    std::lock_guard lock(m_target_mutex);
    auto& slot = m_targets[key];
    if (!slot) slot = std::move(made);
    return *slot;
  }
  // Closes every connection of the host (their runners exit); the next task connects afresh
  // (meta: reset_connection, the end of the run). Only between tasks: no worker may use them.
  // Returns the specs of the connections it closed.
  std::vector<connection::ConnectionSpec> close_targets() {
    std::map<std::string, std::unique_ptr<transport::Target>> closing;
    {
      std::lock_guard lock(m_target_mutex);
      closing.swap(m_targets);
    }
    std::vector<connection::ConnectionSpec> closed;
    for (auto& [key, target] : closing) {
      target->close();  // never throws
      closed.push_back(target->spec());
    }
    // kept, not destroyed: under the free strategy a worker delegating to this host may still
    // hold one (a Target serializes its calls, so that worker's call finishes first)
    std::lock_guard lock(m_target_mutex);
    for (auto& [key, target] : closing) m_retired.push_back(std::move(target));
    return closed;
  }

private:
  mutable std::mutex m_target_mutex;  // guards the pointer, not the calls
  std::map<std::string, std::unique_ptr<transport::Target>> m_targets;
  std::vector<std::unique_ptr<transport::Target>> m_retired;  // closed by close_targets
};

}  // namespace drover::exec
