// One task on one host, run on a worker thread: when → loop → template args → action →
// until/retries → changed_when/failed_when. It reads host and play state and returns what should
// change; the controller applies it (workers never write shared state).
#pragma once

#include <string>
#include <vector>

#include "core/exec/play_context.hpp"
#include "core/interrupt.hpp"
#include "core/output/callback.hpp"

namespace drover::exec {

struct TaskOutcome {
  std::string host;
  output::Status status = output::Status::ok;
  Value result = Value::map();
  std::vector<output::ItemResult> items;  // loop items, in order
  bool ignored = false;                   // failed (or unreachable), but ignore_errors (or
                                          // ignore_unreachable) said go on
  Value new_facts;                        // facts to merge (setup), or null
  Value new_vars;                         // host vars to merge (set_fact, register)
  Value new_included_vars;                // include_vars: host vars a layer below set_fact's
  action::MetaAction meta = action::MetaAction::none;  // what `meta:` asked for
  bool diff = false;                      // the task's `diff` for this host (module and callback)
  std::string delegate_host;              // the templated delegate_to, when not the host itself
  std::vector<std::string> warnings;      // e.g. ssh options the connection cannot honour
  std::vector<output::AsyncResult> async_events;  // async with poll: the polls, then ok/failed
  // `until`: the attempts that failed with more to come, each shown before the item `before_item`
  // of `items` (items.size(): before the task's result)
  struct Retry {
    std::size_t before_item = 0;
    output::RetryResult retry;
  };
  std::vector<Retry> retries;
  std::string facts_host;                 // delegate_facts: the host the facts belong to; empty: this one
  bool interrupted = false;               // the run was interrupted before or while it ran: not
                                          // shown, not counted (the strategy stops; RunInterrupted)
};

// Thrown by a strategy that met an interrupted outcome or the interrupt flag: the play ends
// there (run_playbook prints the recap and exits 99).
struct RunInterrupted {};

// The pool's next outcome; throws RunInterrupted for an outcome the interrupt cut short.
template <typename Pool>
TaskOutcome next_outcome(Pool& pool) {
  TaskOutcome o = pool.next_result();
  if (o.interrupted) throw RunInterrupted{};
  return o;
}

struct TaskRun {
  const playbook::Task* task = nullptr;
  std::vector<const Value*> block_vars;  // vars of the enclosing blocks, outermost first
  HostState* host = nullptr;
  const PlayContext* play = nullptr;
  bool is_handler = false;
  std::vector<const Value*> include_vars;  // include_tasks/include_role vars and loop variables of
                                           // the includes the task came from, outermost first
};

// include_tasks/include_role run through the executor like any task (when, loop, templated
// arguments per host) and answer {"include": <file or role name>, "include_args": <arguments>};
// the strategy then loads what they name (core/exec/includes.cpp).
TaskOutcome execute_task(const TaskRun& run);

// add_host/group_by once the controller changed the inventory (Ansible's post_process_whens):
// `result` (the task's, or one loop item's with its loop variables) with changed_when and
// failed_when evaluated again, now that its `changed` is known.
Value reevaluate_when(const TaskRun& run, Value result);

// Whether `action` is one the strategy carries out itself after the executor ran it.
bool is_dynamic_include(std::string_view action);
// include_tasks, or the deprecated `include` where it is dynamic (a template or a loop).
bool is_include_tasks(std::string_view action);

// Where a task's `src` files, templates and lookups are looked for: its role's folder (and the
// folders of the roles it was reached through), then the play's search paths.
std::vector<std::string> task_search_paths(const playbook::Task& task, const PlayContext& play);

// The status a result map stands for (unreachable, failed, skipped, changed, ok).
output::Status status_of(const Value& result);

}  // namespace drover::exec
