// What the run knows about one host. Changed only by the controller thread, between tasks;
// workers read it while a task runs.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

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
  Value runtime_vars = Value::map();    // set_fact and register
  // What the fact cache holds for the host, under Ansible's keys (`ansible_hostname`,
  // `module_setup`, a cacheable set_fact's own names, `_ansible_facts_gathered`)
  Value cached_facts = Value::map();
  bool failed = false;                  // dropped out of the play by a failure
  bool unreachable = false;
  std::set<std::string> notified;       // handler names notified and not yet run

  // The connection and its runners, made on first use. A Target serializes its own calls, so a
  // worker running this host's task and one delegating to it may share it.
  transport::Target* target() const {
    std::lock_guard lock(m_target_mutex);
    return m_target.get();
  }
  // Attaches `made` unless another worker attached one first; returns the attached one.
  transport::Target& attach_target(std::unique_ptr<transport::Target> made) {
    std::lock_guard lock(m_target_mutex);
    if (!m_target) m_target = std::move(made);
    return *m_target;
  }

private:
  mutable std::mutex m_target_mutex;  // guards the pointer, not the calls
  std::unique_ptr<transport::Target> m_target;
};

}  // namespace drover::exec
