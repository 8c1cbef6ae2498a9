// The linear strategy for one play: every host finishes task N before any host starts N+1.
// Runs on the controller thread: it alone changes host state and emits events; the tasks
// themselves run on the worker pool.
#pragma once

#include <set>
#include <vector>

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
  };

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

  PlayContext& m_ctx;
  output::EventBus& m_bus;
  WorkerPool<TaskOutcome>& m_pool;
  HostVars& m_hostvars;
  std::vector<HostState*> m_hosts;
  bool m_end_play = false;
  bool m_flush_requested = false;  // meta: flush_handlers ran; handlers run once the task is done
  std::set<std::string> m_ended_hosts;
  playbook::Task m_setup_task;
};

}  // namespace drover::exec
