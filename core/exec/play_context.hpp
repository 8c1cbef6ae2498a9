// What every task of a play shares: read-only while tasks run.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/exec/action.hpp"
#include "core/exec/host_state.hpp"
#include "core/exec/run_options.hpp"
#include "core/inventory/inventory.hpp"
#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/transport/target.hpp"

namespace drover::exec {

// `hostvars` in templates: every inventory host's variables, merged on first access and cached
// until the controller changes host state (invalidate()).
class HostRegistry;
class HostVars : public tmpl::MappingObject {
public:
  HostVars(const inventory::Inventory& inventory, HostRegistry& hosts)
      : m_inventory(inventory), m_hosts(hosts) {}
  std::string type_name() const override { return "HostVars"; }
  const Value* find(std::string_view host) const override;
  std::vector<std::string> keys() const override;
  void invalidate();

private:
  const inventory::Inventory& m_inventory;
  HostRegistry& m_hosts;
  mutable std::mutex m_mutex;
  mutable std::map<std::string, Value, std::less<>> m_cache;
};

// Adds facts under Ansible's keys to a host: `ansible_facts` gets them without the `ansible_`
// prefix, the top-level variables as they are (Ansible's namespace_facts and clean_facts).
void add_facts(HostState& host, const Value& facts);

// Every host the run talks to (play hosts and delegation targets), each with its state.
class HostRegistry {
public:
  // With a fact cache, a host's cached facts are its facts from the start.
  explicit HostRegistry(const inventory::Inventory& inventory, vars::FactCache* facts = nullptr)
      : m_inventory(inventory), m_fact_cache(facts) {}
  // The state of a host, created with its inventory vars (and cached facts) on first use.
  // Thread-safe.
  HostState& get(const std::string& name);
  // The state of a host the run has already seen, else nullptr. Thread-safe.
  HostState* find(std::string_view name);
  // Closes every connection (sends the runners their exit).
  void close_all();
  // After the inventory was re-read (refresh_inventory): each host's state points at its new
  // inventory entry and takes its inventory variables again. Controller thread, between tasks.
  void rebind();

private:
  const inventory::Inventory& m_inventory;
  vars::FactCache* m_fact_cache;
  std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<HostState>, std::less<>> m_states;
};

// Makes the Target for a host from its connection spec: the drover executable connects through
// the connection plugins; unit tests hand out Targets over a fake connection.
using TargetFactory = std::function<std::unique_ptr<transport::Target>(const connection::ConnectionSpec& spec)>;

// `--start-at-task NAME`: tasks are skipped, play after play, until one whose name is NAME (or
// matches it as a shell pattern); from there on everything runs. Shared by the plays of a run.
struct StartAt {
  std::string pattern;  // empty: start at the beginning
  bool found = false;
  bool pending() const { return !pattern.empty() && !found; }
};

// --step: before each task the user is asked "Perform task: TASK: NAME (N)o/(y)es/(c)ontinue: ";
// no skips the task on every host, continue runs it and stops asking for the rest of the play's
// batch (Ansible's step flag lives in the strategy, made anew for every batch).
enum class StepAnswer { skip, run, run_all };
using StepPrompt = std::function<StepAnswer(const std::string& question)>;

struct PlayContext {
  const playbook::Playbook* playbook = nullptr;
  const playbook::Play* play = nullptr;
  const RunOptions* options = nullptr;
  inventory::Inventory* inventory = nullptr;  // changed only by the controller (add_host, group_by)
  HostRegistry* hosts = nullptr;
  Value play_vars = Value::map();  // vars, then vars_files, merged
  Value magic = Value::map();      // play-wide magic variables (groups, hostvars, playbook_dir, ...)
  // Every public role's defaults and vars/ (the play's roles, import_role's, include_role's with
  // public: true), which Ansible shows to all the play's tasks. The strategy adds to them between
  // tasks; null until the play starts (then the Play's are used).
  Value role_defaults, role_vars;
  std::vector<std::string> search_paths;
  action::ActionTable actions;  // what task action names run
  TargetFactory make_target;
  connection::ConnectionDefaults connection_defaults;
  std::span<const tmpl::LookupRow> lookups;  // RunContext's
  // Every host the play's pattern matched, in inventory order (ansible_play_hosts_all); the
  // hosts of the current `serial` batch are the strategy's own list.
  std::vector<HostState*> play_hosts_all;
  StartAt* start_at = nullptr;  // the run's; null: no --start-at-task
  StepPrompt* step = nullptr;   // the run's; null: no --step
  // meta: refresh_inventory: reads the inventory sources again into *inventory (keeping what
  // add_host and group_by added) and updates the hosts' states; empty: nothing to re-read.
  std::function<void()> refresh_inventory;
  vars::FactCache* fact_cache = nullptr;  // the run's; null: facts live in the HostStates only
};

}  // namespace drover::exec
