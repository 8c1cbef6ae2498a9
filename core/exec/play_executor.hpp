// The linear strategy for one play: every host finishes task N before any host starts N+1.
// Runs on the controller thread: it alone changes host state and emits events; the tasks
// themselves run on the worker pool.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <vector>

#include <functional>

#include "core/exec/play_context.hpp"
#include "core/exec/task_executor.hpp"
#include "core/exec/worker_pool.hpp"
#include "core/output/event_bus.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

class PlayExecutor {
public:
  PlayExecutor(PlayContext& ctx, output::EventBus& bus, WorkerPool<TaskOutcome>& pool,
               HostVars& hostvars, std::vector<HostState*> hosts);
  void run();

private:
  struct Frame {  // what enclosing blocks contribute to a task
    std::vector<const Value*> vars;
    std::vector<std::string> tags;
    bool in_rescuable_block = false;
    std::vector<const Value*> include_vars;  // of the include_tasks/include_role it came from
  };

  // include_tasks / include_role (core/exec/includes.cpp): runs the include task on `hosts`,
  // groups its results by file and variables as Ansible's IncludedFile does, announces each
  // included file, then runs each group's tasks on the group's hosts, in order.
  struct Inclusion;
  void run_include(const playbook::Task& task, const Frame& frame, const std::vector<HostState*>& hosts);
  std::vector<Inclusion> group_inclusions(const playbook::Task& task, const std::vector<TaskOutcome>& outcomes);
  void run_inclusion(Inclusion& inclusion, const Frame& frame);
  void run_on_hosts_only(const std::vector<std::string>& hosts, const std::function<void()>& body);
  // Marks the handler `name` (or listened-to topic) notified for `host`: the last handler loaded
  // with that name (or "role : name"), as Ansible resolves it when the notification is made.
  void notify(HostState& host, const std::string& name);
  std::string banner_name(const playbook::Task& task) const;
  // Whether any host of the play can still run tasks (those outside the current inclusion too).
  bool hosts_remaining() const;

  void run_section(const std::vector<playbook::Task>& tasks);
  void run_list(const std::vector<playbook::Task>& tasks, const Frame& frame);
  void run_block(const playbook::Task& block, const Frame& frame);
  void run_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                const std::vector<HostState*>& hosts);
  void run_meta_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                     const std::vector<HostState*>& hosts);
  void gather_facts();
  void flush_handlers();
  bool tags_selected(const std::vector<std::string>& tags) const;
  std::vector<HostState*> active_hosts() const;
  void apply(const TaskOutcome& outcome, const playbook::Task& task, bool is_handler, const Frame& frame);
  output::TaskInfo task_info(const playbook::Task& task, bool is_handler) const;
  std::string templated_name(const playbook::Task& task) const;
  void apply_meta(action::MetaAction meta, HostState& host);
  void report(const TaskOutcome& outcome, const output::TaskInfo& info, const Frame& frame);
  void change_inventory(TaskOutcome& outcome);
  // A bool play-level keyword (gather_facts, run_once), templated with the play's variables.
  bool play_keyword_bool(std::string_view name, const Value& value, bool fallback) const;
  vars::Scope play_scope() const;
  // The play's variables as a task of `role` sees them without a host (banner names).
  vars::Scope role_scope(const playbook::Role& role) const;
  // include_role with public: true shows the role's defaults, vars and name to the rest of the play.
  void publish_role(const std::string& name, const Value& defaults, const Value& exports);

  PlayContext& m_ctx;
  output::EventBus& m_bus;
  WorkerPool<TaskOutcome>& m_pool;
  HostVars& m_hostvars;
  std::vector<HostState*> m_hosts;
  bool m_end_play = false;
  bool m_flush_requested = false;  // meta: flush_handlers ran; handlers run once the task is done
  std::set<std::string> m_ended_hosts;
  playbook::Task m_setup_task;
  std::deque<playbook::Task> m_handlers;  // the play's, then those include_role adds (stable addresses)
  std::map<std::string, std::set<const playbook::Task*>> m_notified;  // host → handlers to run
  std::set<std::string> m_role_uses;  // roles loaded so far (Play::role_uses, then include_role's)
  std::set<std::string> m_outside_inclusion;  // active hosts that did not include what runs now
  std::vector<const Value*> m_include_layers;  // vars of the inclusions running now, outermost first
  bool m_flushing = false;  // handlers are running: what they include runs as handlers too
};

}  // namespace drover::exec
